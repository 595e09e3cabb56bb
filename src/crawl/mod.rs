//! The crawl stage: which URLs are in scope, per-host politeness (rate, concurrency,
//! robots.txt, backoff), fetching pages with conditional GET and retries, and the crawl
//! loop that drives them from the persistent frontier into the store through the pipeline.
//!
//! Files, bottom up: `outcome` (every way a fetch ends, named once), `config`, `error`,
//! `robots`, `host` (the per-host pool), `scope`, `seeds`, `transcript` (the responses a
//! fetch received on its way), `fetch` (one page), `archive`
//! (the WARC files of `--warc`), `shared` (what the tasks of one crawl share), `known`
//! (the known IDs of `--known-ids`), `record` (what an outcome writes), `summary`,
//! `dispatch` (the loop) and `run` (a crawl run).

mod archive;
mod config;
mod copy;
mod dispatch;
mod error;
pub mod fetch;
pub mod host;
mod known;
mod outcome;
mod record;
pub mod robots;
mod run;
pub mod scope;
pub mod seeds;
mod shared;
mod summary;
mod transcript;

pub use archive::{ArchiveSummary, SealedFile};
pub use config::ArchiveConfig;
pub use config::{
    CrawlConfig, DEFAULT_CONNECT_TIMEOUT, DEFAULT_FLUSH_EVERY_PAGES, DEFAULT_FLUSH_INTERVAL,
    DEFAULT_MAX_ATTEMPTS, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_LINKS_PER_PAGE,
    DEFAULT_MAX_QUEUED_PER_SITE, DEFAULT_MAX_REDIRECTS, DEFAULT_READ_TIMEOUT,
    DEFAULT_RECHECK_AFTER, DEFAULT_REQUEST_TIMEOUT, DEFAULT_STOP_GRACE, DEFAULT_USER_AGENT,
    FetchConfig, KnownIds, parse_duration, parse_size,
};
pub use error::{BadDuration, BadSize, ConfigError, CrawlError, SeedError};
pub use fetch::{FetchRequest, Fetcher};
pub use host::{HostLimits, HostPool, PolitenessConfig};
pub use known::KnownCounts;
pub use outcome::{FailureKind, FailureRecord, FetchOutcome, may_pass};
pub use record::StartCounts;
pub use robots::{RobotsPolicy, RobotsUnreachable};
pub use run::{Crawler, StopHandle};
pub use scope::{extract_links, in_scope};
pub use seeds::Seed;
pub use summary::{Barren, Ended, Progress, ProgressSnapshot, Summary};
pub use transcript::Received;
