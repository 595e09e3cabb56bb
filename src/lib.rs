//! cablestrip: builds a clean corpus of the US diplomatic cables from the web sites that
//! republished them. The library holds every pipeline stage; the binary is a thin CLI.
//!
//! The pipeline, bottom up: [`model`] (plain data), [`rules`] (selector rules), [`clean`]
//! (page → cable), [`store`] (sled), [`pipeline`] (arrival → clean → store: the one path
//! every page takes), [`mirror`] (saved mirrors → URLs), then the jobs: [`crawl`],
//! [`ingest`], [`reclean`], [`export`], [`verify`], [`eval`] and [`fixtures`].
//!
//! ```
//! use cablestrip::{Arrival, Fetched, Options, Page, PageUrl, RuleSet, Store, clean, process};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let rules = RuleSet::builtin()?;                                      // the rule files
//! let url = PageUrl::parse("https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html")?;
//! let rule = rules.rule_for_url(&url).ok_or("no rule covers the host")?;
//! let page = Page::from_bytes(url, std::fs::read("fixtures/cablegate.wikileaks.org/standard.html")?);
//! let cable = clean(&page, rule)?;                                      // page → cable
//! assert_eq!(cable.id.as_str(), "09VALLETTA123");
//! let dir = tempfile::tempdir()?;
//! let store = Store::open(&dir.path().join("db"))?;                    // the store
//! let arrival = Arrival::Fetched(Fetched { page, etag: None, last_modified: None,
//!     headers: Vec::new(), fetched_at: jiff::Timestamp::now(), document: None });
//! process(&store, rule, arrival, &Options::default())?;                 // page → store
//! assert_eq!(store.cables(None).next().transpose()?, Some(cable));      // store → export
//! # Ok(()) }
//! ```

pub mod check;
pub mod clean;
pub mod coverage;
pub mod crawl;
pub mod eval;
pub mod export;
pub mod fixtures;
pub mod ingest;
pub mod mirror;
pub mod model;
pub mod pipeline;
pub mod reclean;
pub mod refs;
pub mod rules;
pub mod store;
pub mod verify;
pub mod warc;

pub use clean::{Reject, clean};
pub use model::{Cable, CableId, HostKey, Page, PageUrl};
pub use pipeline::{Arrival, Fetched, Options, Processed, process};
pub use rules::{Rule, RuleSet};
pub use store::{Store, StoreError};
