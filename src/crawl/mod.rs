//! The crawl stage: which URLs are in scope, per-host politeness (rate, concurrency,
//! robots.txt, backoff), fetching pages with conditional GET and retries, and the crawl
//! loop that drives them from the persistent frontier into the store.

mod config;
mod error;
pub mod fetch;
pub mod host;
mod record;
pub mod robots;
mod run;
pub mod scope;
pub mod seeds;
mod summary;

pub use config::{
    CrawlConfig, DEFAULT_FLUSH_EVERY_PAGES, DEFAULT_FLUSH_INTERVAL, DEFAULT_RECHECK_AFTER,
    DEFAULT_STOP_GRACE, parse_duration,
};
pub use error::{BadDuration, ConfigError, CrawlError, SeedError};
pub use fetch::{FailureKind, FetchConfig, FetchOutcome, FetchRequest, Fetcher};
pub use host::{HostKey, HostLimits, HostPool, PolitenessConfig};
pub use record::StartCounts;
pub use robots::{RobotsPolicy, RobotsUnreachable};
pub use run::{Crawler, StopHandle};
pub use scope::{canonical_url, extract_links, in_scope};
pub use seeds::Seed;
pub use summary::{Ended, Progress, ProgressSnapshot, Summary};
