//! Unit tests of the refs parser.
