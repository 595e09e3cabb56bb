//! Unit tests of the DECL parser.
