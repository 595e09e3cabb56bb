//! Unit tests of stream.
