//! The export stage: the choice of copies through the library, and every format through the
//! binary against the expected files.

#[path = "../support/mod.rs"]
mod support;

mod command;
mod library;
mod warc;
