//! The cleaning stage: every rule file's fixture cases, hostile pages, and `cablestrip clean`.

#[path = "../support/mod.rs"]
mod support;

mod command;
mod fixtures;
mod hostile;
mod shapes;
