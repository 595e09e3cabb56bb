//! Unit tests of write.
