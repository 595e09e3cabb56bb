//! The crawl stage's network side: which URLs are in scope, per-host politeness (rate,
//! concurrency, robots.txt, backoff) and fetching pages with conditional GET and retries.

mod error;
pub mod fetch;
pub mod host;
pub mod robots;
pub mod scope;

pub use error::ConfigError;
pub use fetch::{FailureKind, FetchConfig, FetchOutcome, FetchRequest, Fetcher};
pub use host::{HostKey, HostLimits, HostPool, PolitenessConfig};
pub use robots::{RobotsPolicy, RobotsUnreachable};
pub use scope::{canonical_url, extract_links, in_scope};
