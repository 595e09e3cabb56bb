//! The crawl's settings: the fetcher's (User-Agent, timeouts, limits), how often a stored
//! cable page is re-checked, when to stop, which site to keep to, and how often to flush;
//! with the duration grammar that re-check periods use.

use std::path::{Path, PathBuf};
use std::time::Duration;

use reqwest::header::HeaderValue;

use super::error::{BadDuration, BadSize, ConfigError};
use super::host::PolitenessConfig;
use super::robots::RobotsUnreachable;
use crate::warc::DEFAULT_MAX_FILE_BYTES;

/// Who we are, and where a webmaster can find out and reach us.
pub const DEFAULT_USER_AGENT: &str = concat!(
    "cablestrip/",
    env!("CARGO_PKG_VERSION"),
    " (+https://github.com/cablestrip/cablestrip)"
);
/// How long to wait for a TCP (and TLS) connection.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long one read may stall, for the headers or any part of the body.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// The deadline for a whole request, connection to last byte: a server trickling a body
/// cannot hold a slot for ever.
pub const DEFAULT_REQUEST_TIMEOUT: Duration = Duration::from_secs(120);
/// The largest body kept, counted after decompression.
pub const DEFAULT_MAX_BODY_BYTES: u64 = 20 * 1024 * 1024;
/// Tries per request, the first included, for 429, 5xx, timeouts and connection errors.
pub const DEFAULT_MAX_ATTEMPTS: u32 = 4;
/// Redirects followed before giving up.
pub const DEFAULT_MAX_REDIRECTS: u32 = 5;

/// Everything the fetcher needs, resolved and validated by the caller's config layer.
#[derive(Debug, Clone, PartialEq)]
pub struct FetchConfig {
    /// The User-Agent header; its first token is also the robots.txt agent.
    pub user_agent: String,
    /// See [`DEFAULT_CONNECT_TIMEOUT`].
    pub connect_timeout: Duration,
    /// See [`DEFAULT_READ_TIMEOUT`].
    pub read_timeout: Duration,
    /// See [`DEFAULT_REQUEST_TIMEOUT`].
    pub request_timeout: Duration,
    /// See [`DEFAULT_MAX_BODY_BYTES`].
    pub max_body_bytes: u64,
    /// See [`DEFAULT_MAX_ATTEMPTS`].
    pub max_attempts: u32,
    /// See [`DEFAULT_MAX_REDIRECTS`].
    pub max_redirects: u32,
    /// What to do when a host's robots.txt cannot be read.
    pub robots_unreachable: RobotsUnreachable,
    /// Rates, concurrency and backoff.
    pub politeness: PolitenessConfig,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            user_agent: DEFAULT_USER_AGENT.to_string(),
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            read_timeout: DEFAULT_READ_TIMEOUT,
            request_timeout: DEFAULT_REQUEST_TIMEOUT,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            max_attempts: DEFAULT_MAX_ATTEMPTS,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            robots_unreachable: RobotsUnreachable::default(),
            politeness: PolitenessConfig::default(),
        }
    }
}

impl FetchConfig {
    /// Refuses settings that could never fetch anything.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if HeaderValue::from_str(&self.user_agent).is_err() || self.user_agent.trim().is_empty() {
            return Err(ConfigError::BadUserAgent {
                value: self.user_agent.clone(),
            });
        }
        for (setting, value) in [
            ("connect timeout", self.connect_timeout),
            ("read timeout", self.read_timeout),
            ("request timeout", self.request_timeout),
        ] {
            if value.is_zero() {
                return Err(ConfigError::ZeroDuration { setting });
            }
        }
        if self.max_body_bytes == 0 {
            return Err(ConfigError::ZeroBodyLimit);
        }
        if self.max_attempts == 0 {
            return Err(ConfigError::ZeroAttempts);
        }
        self.politeness.validate()
    }
}

/// A stored cable page is not fetched again until it is this old: cables rarely change.
pub const DEFAULT_RECHECK_AFTER: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Flush the store after this many pages have been recorded since the last flush.
pub const DEFAULT_FLUSH_EVERY_PAGES: u64 = 100;
/// Flush the store when this long has passed since the last flush and something was
/// recorded since.
pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_secs(5);
/// After a stop is asked for, how long fetches still waiting (for the rate limiter, a
/// backoff or a slow server) and pages still being cleaned may go on before they are
/// dropped and left in the frontier.
pub const DEFAULT_STOP_GRACE: Duration = Duration::from_secs(15);

/// Links taken from one page, at most: the Cable Viewer's busiest listing has a few
/// hundred, and a hostile page with a hundred thousand must not flood the frontier.
pub const DEFAULT_MAX_LINKS_PER_PAGE: usize = 10_000;
/// Frontier entries per site, at most: room for every cable of the largest site (PlusD
/// holds 251,287) with its listings, and a bound on what one hostile site can queue.
pub const DEFAULT_MAX_QUEUED_PER_SITE: u64 = 1_000_000;

/// Everything the crawl loop needs, resolved and validated by the caller.
#[derive(Debug, Clone, PartialEq)]
pub struct CrawlConfig {
    /// The fetcher's settings: User-Agent, timeouts, limits, politeness.
    pub fetch: FetchConfig,
    /// See [`DEFAULT_RECHECK_AFTER`]; zero re-checks every stored cable page every run.
    pub recheck_after: Duration,
    /// Stop after this many fetches (pages taken from the frontier and asked for).
    pub max_pages: Option<u64>,
    /// Keep to this site (rule file name): its seeds, its hosts, its stored pages.
    pub site: Option<String>,
    /// See [`DEFAULT_FLUSH_EVERY_PAGES`].
    pub flush_every_pages: u64,
    /// See [`DEFAULT_FLUSH_INTERVAL`].
    pub flush_interval: Duration,
    /// See [`DEFAULT_STOP_GRACE`].
    pub stop_grace: Duration,
    /// Pages cleaned and stored at once, on the blocking pool; 0 means one per core.
    pub clean_workers: usize,
    /// See [`DEFAULT_MAX_LINKS_PER_PAGE`].
    pub max_links_per_page: usize,
    /// See [`DEFAULT_MAX_QUEUED_PER_SITE`].
    pub max_queued_per_site: u64,
    /// Fetch again now every page whose last fetch failed, was rejected or gave a suspect
    /// cable, pages gone (404/410) included, whatever its age.
    pub retry_failed: bool,
    /// Write every response received (pages, redirect hops, error pages, answers retried)
    /// and every 304 into a folder of WARC files.
    pub warc: Option<ArchiveConfig>,
    /// Also queue the known cable IDs that `site` has no page for, at its rule's
    /// `cable_url` (needs `site`).
    pub known_ids: Option<KnownIds>,
}

impl Default for CrawlConfig {
    fn default() -> Self {
        CrawlConfig {
            fetch: FetchConfig::default(),
            recheck_after: DEFAULT_RECHECK_AFTER,
            max_pages: None,
            site: None,
            flush_every_pages: DEFAULT_FLUSH_EVERY_PAGES,
            flush_interval: DEFAULT_FLUSH_INTERVAL,
            stop_grace: DEFAULT_STOP_GRACE,
            clean_workers: 0,
            max_links_per_page: DEFAULT_MAX_LINKS_PER_PAGE,
            max_queued_per_site: DEFAULT_MAX_QUEUED_PER_SITE,
            retry_failed: false,
            warc: None,
            known_ids: None,
        }
    }
}

impl CrawlConfig {
    /// The number of pages cleaned at once: [`CrawlConfig::clean_workers`], or the cores.
    pub fn clean_workers(&self) -> usize {
        if self.clean_workers > 0 {
            return self.clean_workers;
        }
        std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get)
    }
}

/// Reads a size such as `1G`, `500M`, `64K` or `1000000` (bytes): a whole number and an
/// optional unit, `K`, `M` or `G` (powers of 1000, as disks are sold; `KiB`, `MiB` and
/// `GiB` for powers of 1024), at least 1 byte.
pub fn parse_size(text: &str) -> Result<u64, BadSize> {
    let bad = || BadSize {
        value: text.to_string(),
    };
    let trimmed = text.trim();
    let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
    let number: u64 = trimmed[..digits].parse().map_err(|_| bad())?;
    let unit: u64 = match trimmed[digits..].trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" => 1000,
        "m" | "mb" => 1000 * 1000,
        "g" | "gb" => 1000 * 1000 * 1000,
        "kib" => 1 << 10,
        "mib" => 1 << 20,
        "gib" => 1 << 30,
        _ => return Err(bad()),
    };
    number
        .checked_mul(unit)
        .filter(|&bytes| bytes > 0)
        .ok_or_else(bad)
}

/// Reads a duration such as `30d`, `12h`, `1d12h`, `90m`, `45s` or `2w`: one or more
/// groups of a whole number and a unit (`s`, `m`, `h`, `d`, `w`). `0` alone is zero.
pub fn parse_duration(text: &str) -> Result<Duration, BadDuration> {
    let bad = || BadDuration {
        value: text.to_string(),
    };
    let trimmed = text.trim();
    if trimmed == "0" {
        return Ok(Duration::ZERO);
    }
    if trimmed.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut rest = trimmed;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad());
        }
        let number: u64 = rest[..digits].parse().map_err(|_| bad())?;
        rest = &rest[digits..];
        let unit = rest.chars().next().ok_or_else(bad)?;
        let seconds = match unit {
            's' => 1,
            'm' => 60,
            'h' => 60 * 60,
            'd' => 24 * 60 * 60,
            'w' => 7 * 24 * 60 * 60,
            _ => return Err(bad()),
        };
        rest = &rest[unit.len_utf8()..];
        total = number
            .checked_mul(seconds)
            .and_then(|s| total.checked_add(s))
            .ok_or_else(bad)?;
    }
    Ok(Duration::from_secs(total))
}

/// Where and how the crawl archives what it fetches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveConfig {
    /// The folder of WARC files, created when missing.
    pub dir: PathBuf,
    /// A file is closed and the next begun once it holds this many bytes.
    pub max_file_bytes: u64,
}

impl ArchiveConfig {
    /// Archive into `dir`, with files of the default size (1 GB).
    pub fn new(dir: &Path) -> ArchiveConfig {
        ArchiveConfig {
            dir: dir.to_path_buf(),
            max_file_bytes: DEFAULT_MAX_FILE_BYTES,
        }
    }
}

/// Settings of a crawl seeded from the known IDs (`crawl --known-ids`, see `known.rs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KnownIds {
    /// Queue at most this many a run (those left queued by an earlier run count too).
    pub limit: Option<u64>,
}

#[cfg(test)]
mod tests;
