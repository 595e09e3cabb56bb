//! Unit tests of the authority parser.
