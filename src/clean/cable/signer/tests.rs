//! Unit tests of the signer parser.
