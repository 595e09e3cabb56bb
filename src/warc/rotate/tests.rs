//! Unit tests of rotate.
