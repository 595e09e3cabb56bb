//! Unit tests of the routing parser.
