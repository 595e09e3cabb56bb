//! Unit tests of source.
