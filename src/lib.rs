//! cablestrip: builds a clean corpus of the US diplomatic cables from the web sites that
//! republished them. The library holds every pipeline stage; the binary is a thin CLI.

pub mod clean;
pub mod crawl;
pub mod eval;
pub mod export;
pub mod fixtures;
pub mod ingest;
pub mod model;
pub mod pipeline;
pub mod reclean;
pub mod rules;
pub mod store;
pub mod verify;
pub mod warc;
