//! Unit tests of record.
