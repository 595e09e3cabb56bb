//! Unit tests of the summary parser.
