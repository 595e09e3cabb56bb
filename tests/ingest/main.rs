//! The ingest stage: saved mirrors stored through the binary, a second ingest that writes
//! nothing, a changed file stored again, and an ingest killed midway.

#[path = "../support/mod.rs"]
mod support;

mod command;
mod kill;
