//! The crawl's settings beyond fetching: how often a stored cable page is re-checked, when
//! to stop, which site to keep to, and how often to flush; with the duration grammar that
//! `--recheck-after` uses.

use std::time::Duration;

use super::error::BadDuration;
use super::fetch::FetchConfig;

/// A stored cable page is not fetched again until it is this old: cables rarely change.
pub const DEFAULT_RECHECK_AFTER: Duration = Duration::from_secs(30 * 24 * 60 * 60);
/// Flush the store after this many pages have been recorded since the last flush.
pub const DEFAULT_FLUSH_EVERY_PAGES: u64 = 100;
/// Flush the store when this long has passed since the last flush and something was
/// recorded since.
pub const DEFAULT_FLUSH_INTERVAL: Duration = Duration::from_secs(5);
/// After a stop is asked for, how long fetches still waiting (for the rate limiter, a
/// backoff or a slow server) may go on before they are dropped and left in the frontier.
pub const DEFAULT_STOP_GRACE: Duration = Duration::from_secs(15);

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_number_unit_groups() {
        let day = 24 * 60 * 60;
        for (text, secs) in [
            ("0", 0),
            ("30d", 30 * day),
            ("12h", 12 * 3600),
            ("1d12h", day + 12 * 3600),
            (" 90m ", 90 * 60),
            ("45s", 45),
            ("2w", 14 * day),
            ("0d", 0),
        ] {
            assert_eq!(
                parse_duration(text).map(|d| d.as_secs()),
                Ok(secs),
                "{text:?}"
            );
        }
        for bad in [
            "",
            "30",
            "d",
            "3x",
            "1.5d",
            "-1d",
            "12h30",
            "99999999999999999999w",
        ] {
            let error = parse_duration(bad).expect_err(bad);
            assert!(error.to_string().contains("30d"), "{error}");
        }
    }
}
