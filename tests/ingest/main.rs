//! The ingest stage: saved mirrors stored through the binary, a second ingest that writes
//! nothing, a changed file stored again, an ingest killed midway, and WARC files.

#[path = "../support/mod.rs"]
mod support;

mod command;
mod kill;
mod warc;
