//! Unit tests of http.
