//! Unit tests of pages.
