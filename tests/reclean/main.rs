//! The reclean stage: stored pages cleaned again with edited rules, dry runs, rejects, and a
//! reclean killed midway.

#[path = "../support/mod.rs"]
mod support;

mod command;
mod kill;
