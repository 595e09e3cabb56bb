//! Unit tests of page.
