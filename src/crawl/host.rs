//! Per-host politeness, kept in one place: each host's rate limiter, concurrency limit,
//! robots.txt policy and backoff, in a pool filled lazily as the crawl meets new hosts.
//!
//! Every request the fetcher sends goes through [`Host::acquire`], which waits, in order,
//! for a concurrency slot, for any backoff the host is under, and for the rate limiter.

use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use super::error::ConfigError;
use super::robots::RobotsPolicy;
use crate::model::{HostKey, PageUrl};
use crate::rules::{DEFAULT_CONCURRENCY, DEFAULT_RATE, RuleSet};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use tokio::sync::{OnceCell, OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;

/// The longest a server's `Retry-After` is obeyed before the request is tried again.
pub const DEFAULT_MAX_RETRY_AFTER: Duration = Duration::from_secs(10 * 60);
/// The first backoff after a 5xx, a timeout or a connection error; it doubles each time.
pub const DEFAULT_BACKOFF_BASE: Duration = Duration::from_secs(1);
/// The longest backoff that doubling reaches (before jitter).
pub const DEFAULT_BACKOFF_MAX: Duration = Duration::from_secs(2 * 60);

/// How hard one host may be pressed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HostLimits {
    /// Requests per second; 0 turns rate limiting off (robots' Crawl-delay still applies).
    pub rate: f64,
    /// Requests in flight at once.
    pub concurrency: u32,
}

impl HostLimits {
    /// The shortest gap between two requests that the rate alone allows.
    pub fn interval(&self) -> Option<Duration> {
        (self.rate > 0.0).then(|| Duration::from_secs_f64(1.0 / self.rate))
    }
}

/// Politeness settings for the whole crawl, resolved from the CLI and config file.
#[derive(Debug, Clone, PartialEq)]
pub struct PolitenessConfig {
    /// `--rate`: requests per second for every host, instead of each rule's own.
    pub rate: Option<f64>,
    /// `--concurrency`: requests in flight per host, instead of each rule's own.
    pub concurrency: Option<u32>,
    /// The cap on a server's `Retry-After`.
    pub max_retry_after: Duration,
    /// The first backoff after a 5xx, a timeout or a connection error.
    pub backoff_base: Duration,
    /// The cap on the doubling backoff.
    pub backoff_max: Duration,
}

impl Default for PolitenessConfig {
    fn default() -> Self {
        PolitenessConfig {
            rate: None,
            concurrency: None,
            max_retry_after: DEFAULT_MAX_RETRY_AFTER,
            backoff_base: DEFAULT_BACKOFF_BASE,
            backoff_max: DEFAULT_BACKOFF_MAX,
        }
    }
}

impl PolitenessConfig {
    /// Refuses settings that would stall or hammer a host.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if let Some(rate) = self.rate
            && !(rate.is_finite() && rate >= 0.0)
        {
            return Err(ConfigError::BadRate { value: rate });
        }
        if self.concurrency == Some(0) {
            return Err(ConfigError::ZeroConcurrency);
        }
        if self.backoff_base.is_zero() {
            return Err(ConfigError::ZeroDuration {
                setting: "backoff base",
            });
        }
        Ok(())
    }
}

/// Why a host is being made to wait: what the server did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Throttle {
    /// The server answered with this status (429, 503 or another 5xx).
    Status(u16),
    /// The request timed out.
    Timeout,
    /// The connection failed or broke.
    Connection,
}

impl fmt::Display for Throttle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Throttle::Status(status) => write!(f, "HTTP {status}"),
            Throttle::Timeout => f.write_str("timeout"),
            Throttle::Connection => f.write_str("connection error"),
        }
    }
}

/// What robots.txt decided for a host, and the pacing that follows from it.
#[derive(Debug)]
struct Ready {
    robots: RobotsPolicy,
    limiter: Option<DefaultDirectRateLimiter>,
    interval: Option<Duration>,
}

#[derive(Debug, Default)]
struct Backoff {
    /// Throttles since the last success: the exponent of the next backoff.
    failures: u32,
    /// No request may start before this.
    until: Option<Instant>,
}

/// One host's politeness state. Shared by every task that fetches from it.
#[derive(Debug)]
pub struct Host {
    key: HostKey,
    limits: HostLimits,
    semaphore: Arc<Semaphore>,
    ready: OnceCell<Ready>,
    backoff: Mutex<Backoff>,
    config: PolitenessConfig,
}

/// A concurrency slot on a host, released when dropped: hold it while the request and
/// its body are in flight.
#[derive(Debug)]
pub struct HostPermit {
    _permit: OwnedSemaphorePermit,
}

impl Host {
    fn new(key: HostKey, limits: HostLimits, config: PolitenessConfig) -> Host {
        Host {
            key,
            limits,
            semaphore: Arc::new(Semaphore::new(limits.concurrency as usize)),
            ready: OnceCell::new(),
            backoff: Mutex::new(Backoff::default()),
            config,
        }
    }

    /// The host's key.
    pub fn key(&self) -> &HostKey {
        &self.key
    }

    /// The rate and concurrency this host was given.
    pub fn limits(&self) -> HostLimits {
        self.limits
    }

    /// The host's robots.txt policy, loading it with `load` the first time any task asks.
    ///
    /// Concurrent callers wait for the one load, so robots.txt is fetched once per host per
    /// run. The rate limiter is built here, from max(1/rate, Crawl-delay), and starts with
    /// its first slot taken: the robots.txt request was this host's first request.
    pub async fn robots<F, Fut>(&self, load: F) -> &RobotsPolicy
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = RobotsPolicy>,
    {
        let ready = self
            .ready
            .get_or_init(|| async {
                let robots = load().await;
                let interval = match (self.limits.interval(), robots.crawl_delay()) {
                    (Some(a), Some(b)) => Some(a.max(b)),
                    (a, b) => a.or(b),
                };
                if let (Some(delay), Some(interval)) = (robots.crawl_delay(), interval) {
                    tracing::debug!(host = %self.key, ?delay, ?interval, "robots.txt sets a crawl-delay");
                }
                let limiter = interval.and_then(Quota::with_period).map(|quota| {
                    let limiter = RateLimiter::direct(quota.allow_burst(NonZeroU32::MIN));
                    // Take the slot that the robots.txt request used; a fresh limiter
                    // always has one, so the result says nothing.
                    let _ = limiter.check();
                    limiter
                });
                Ready {
                    robots,
                    limiter,
                    interval,
                }
            })
            .await;
        &ready.robots
    }

    /// The shortest gap between requests, once robots.txt is known; `None` when unlimited
    /// or not yet known.
    pub fn interval(&self) -> Option<Duration> {
        self.ready.get().and_then(|ready| ready.interval)
    }

    /// Waits until a request may start: a concurrency slot, then the end of any backoff,
    /// then the rate limiter (which is in place once [`Host::robots`] has run).
    pub async fn acquire(&self) -> HostPermit {
        let permit = Arc::clone(&self.semaphore)
            .acquire_owned()
            .await
            .expect("host semaphores are never closed");
        loop {
            while let Some(wait) = self.blocked_for() {
                tokio::time::sleep(wait).await;
            }
            if let Some(limiter) = self.ready.get().and_then(|r| r.limiter.as_ref()) {
                limiter.until_ready().await;
            }
            // A throttle may have arrived while this task waited for the limiter.
            if self.blocked_for().is_none() {
                return HostPermit { _permit: permit };
            }
        }
    }

    /// How long the host's backoff still has to run, if it is under one.
    pub fn blocked_for(&self) -> Option<Duration> {
        let backoff = self.lock_backoff();
        let until = backoff.until?;
        let now = Instant::now();
        (until > now).then(|| until - now)
    }

    /// The server answered normally: the backoff starts again from its base next time.
    ///
    /// A pause already ordered by `Retry-After` still runs to its end; this request was
    /// sent before the server asked for it.
    pub fn record_success(&self) {
        self.lock_backoff().failures = 0;
    }

    /// The server pushed back (429, 5xx, timeout, broken connection): pause the whole host.
    ///
    /// With `retry_after` the pause is what the server asked for, capped at the configured
    /// maximum; without, it doubles with each throttle since the last success, from the
    /// configured base up to the configured maximum, with jitter. Returns the pause.
    pub fn record_throttle(&self, why: Throttle, retry_after: Option<Duration>) -> Duration {
        let mut backoff = self.lock_backoff();
        backoff.failures = backoff.failures.saturating_add(1);
        let pause = match retry_after {
            Some(asked) => {
                if asked > self.config.max_retry_after {
                    tracing::warn!(
                        host = %self.key, %why, ?asked, cap = ?self.config.max_retry_after,
                        "Retry-After is longer than the cap; waiting the cap instead"
                    );
                }
                asked.min(self.config.max_retry_after)
            }
            None => self.exponential(backoff.failures),
        };
        let until = Instant::now() + pause;
        backoff.until = Some(backoff.until.map_or(until, |old| old.max(until)));
        tracing::warn!(
            host = %self.key, %why, ?pause, ?retry_after, failures = backoff.failures,
            "host pushed back; pausing it"
        );
        pause
    }

    /// base × 2^(failures − 1), capped, then "equal jitter": half fixed, half random, so
    /// that tasks paused together do not all come back at once.
    fn exponential(&self, failures: u32) -> Duration {
        let doublings = failures.saturating_sub(1).min(20);
        let full = self
            .config
            .backoff_base
            .saturating_mul(1 << doublings)
            .min(self.config.backoff_max);
        let half = full / 2;
        let jitter_nanos = u64::try_from(half.as_nanos()).unwrap_or(u64::MAX);
        half + Duration::from_nanos(fastrand::u64(0..=jitter_nanos))
    }

    fn lock_backoff(&self) -> std::sync::MutexGuard<'_, Backoff> {
        // The guarded data is two plain fields, always left consistent.
        self.backoff.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Every host the crawl has met, each created on first use with its site's limits.
#[derive(Debug)]
pub struct HostPool {
    rules: Arc<RuleSet>,
    config: PolitenessConfig,
    hosts: Mutex<HashMap<HostKey, Arc<Host>>>,
}

impl HostPool {
    /// An empty pool; limits come from the rule that claims each host, or `config`'s
    /// overrides, or the defaults for hosts no rule claims.
    pub fn new(rules: Arc<RuleSet>, config: PolitenessConfig) -> Result<HostPool, ConfigError> {
        config.validate()?;
        Ok(HostPool {
            rules,
            config,
            hosts: Mutex::new(HashMap::new()),
        })
    }

    /// The rules the pool takes its limits from.
    pub fn rules(&self) -> &Arc<RuleSet> {
        &self.rules
    }

    /// The limits `url`'s host gets: `--rate` / `--concurrency` over the site's rule over
    /// the defaults.
    pub fn limits_for(&self, url: &PageUrl) -> HostLimits {
        let rule = self.rules.rule_for_url(url);
        HostLimits {
            rate: self
                .config
                .rate
                .unwrap_or_else(|| rule.map_or(DEFAULT_RATE, |r| r.rate)),
            concurrency: self
                .config
                .concurrency
                .unwrap_or_else(|| rule.map_or(DEFAULT_CONCURRENCY, |r| r.concurrency))
                .max(1),
        }
    }

    /// The state of `url`'s host, created on first use; `None` for a URL without a host.
    pub fn host(&self, url: &PageUrl) -> Option<Arc<Host>> {
        let key = url.host();
        let mut hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        let host = hosts.entry(key).or_insert_with_key(|key| {
            Arc::new(Host::new(
                key.clone(),
                self.limits_for(url),
                self.config.clone(),
            ))
        });
        Some(Arc::clone(host))
    }

    /// The hosts met so far, sorted by key.
    pub fn hosts(&self) -> Vec<Arc<Host>> {
        let hosts = self.hosts.lock().unwrap_or_else(PoisonError::into_inner);
        let mut list: Vec<_> = hosts.values().cloned().collect();
        list.sort_by(|a, b| a.key.cmp(&b.key));
        list
    }
}

/// Reads a `Retry-After` value: delay-seconds (`120`) or an HTTP-date
/// (`Wed, 21 Oct 2015 07:28:00 GMT`), as a wait from `now`. A date in the past is no wait;
/// anything else unreadable is `None`, and the caller falls back to its own backoff.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // More digits than a u64 holds is "a very long time"; the cap deals with it.
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let at = jiff::fmt::rfc2822::DateTimeParser::new()
        .parse_timestamp(value)
        .ok()?;
    let now = jiff::Timestamp::try_from(now).ok()?;
    let ahead = now.duration_until(at);
    Some(Duration::try_from(ahead).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests;
