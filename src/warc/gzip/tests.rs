//! Unit tests of gzip.
