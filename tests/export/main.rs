//! The export stage: the choice of copies through the library, and every format through the
//! binary against the expected files; the SQLite export as SQLite, Python and Datasette
//! read it.

#[path = "../support/mod.rs"]
mod support;

mod command;
mod datasette;
mod library;
mod sqlite;
mod warc;
