//! The crawl's store side, run on the blocking pool: what a run starts from (seeds, the
//! frontier left by the last run, index pages to re-check, stale cable pages), whether a
//! stored page is fresh, and what a fetch outcome writes.
//!
//! Order of writes, which is what makes a crash safe: a page's links go into the frontier
//! before its record is written, and its frontier entry is removed only after. A crash at
//! any point therefore leaves every discovered URL either recorded or still queued, and
//! the next run resumes from the frontier without fetching again what was recorded.

use std::sync::Arc;
use std::time::Duration;

use jiff::{SignedDuration, Timestamp};
use url::Url;

use super::fetch::{FailureKind, FetchOutcome};
use super::run::Shared;
use super::scope::links_of;
use super::seeds::Seed;
use crate::clean;
use crate::model::Page;
use crate::pipeline::{self, Arrival};
use crate::store::{
    CableChange, CleanOutcome, FrontierEntry, LinkKind, PageRecord, Queued, ReplacePolicy,
    RunRecord, StoreError,
};

/// What a run found when it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StartCounts {
    /// Entries left in the frontier by an earlier run that did not finish.
    pub resumed: u64,
    /// Seeds queued now (seeds already queued, or fresh cable pages, are not).
    pub seeds_queued: u64,
    /// Stored index pages queued for their every-run re-check.
    pub index_pages_queued: u64,
    /// Stored cable pages queued because they are older than `--recheck-after`, or their
    /// last fetch failed for a reason that may pass.
    pub cable_pages_queued: u64,
    /// Stored cable pages not due for a re-check: left alone.
    pub cable_pages_fresh: u64,
}

/// Begins the run in the store and fills the frontier for it.
pub(super) fn start(
    shared: &Shared,
    seeds: &[Seed],
) -> Result<(RunRecord, StartCounts), StoreError> {
    let store = &shared.store;
    let run = store.begin_run("crawl")?;
    let frontier = store.frontier();
    let now = Timestamp::now();
    let mut counts = StartCounts {
        resumed: frontier.len(),
        ..StartCounts::default()
    };
    for seed in seeds {
        if seed.kind == LinkKind::Cable
            && let Some(record) = store.page(&seed.url)?
            && shared.is_fresh(&record, now)
        {
            continue;
        }
        if shared.push(&entry(seed.url.clone(), seed.kind, 0))? {
            counts.seeds_queued += 1;
        }
    }
    for record in store.pages(shared.config.site.as_deref()) {
        let record = record?;
        let Some((_, kind)) = shared.scope(&record.url) else {
            continue;
        };
        match kind {
            LinkKind::Follow => {
                if shared.push(&entry(record.url, kind, 1))? {
                    counts.index_pages_queued += 1;
                }
            }
            LinkKind::Cable if shared.is_fresh(&record, now) => counts.cable_pages_fresh += 1,
            LinkKind::Cable => {
                if shared.push(&entry(record.url, kind, 1))? {
                    counts.cable_pages_queued += 1;
                }
            }
        }
    }
    store.flush()?;
    Ok((run, counts))
}

fn entry(url: Url, kind: LinkKind, depth: u32) -> FrontierEntry {
    FrontierEntry {
        url,
        kind,
        depth,
        attempts: 0,
    }
}

/// Whether a stored page needs no fetch now: fetched less than `recheck_after` ago, and
/// not a failure that may pass (a timeout, a 5xx, a refused connection).
pub(super) fn is_fresh(record: &PageRecord, recheck_after: Duration, now: Timestamp) -> bool {
    if let CleanOutcome::Failed { kind, .. } = &record.outcome
        && is_transient(kind)
    {
        return false;
    }
    let limit = SignedDuration::try_from(recheck_after).unwrap_or(SignedDuration::MAX);
    now.duration_since(record.fetched_at) < limit
}

/// Whether a recorded failure kind may pass by the next run.
fn is_transient(kind: &str) -> bool {
    match kind {
        "timeout" | "connect" | "body" | "robots-unreachable" | "http-429" => true,
        _ => kind
            .strip_prefix("http-5")
            .is_some_and(|rest| rest.len() == 2),
    }
}

/// The next `max` frontier entries from position `start` on.
pub(super) fn read_batch(
    shared: &Shared,
    start: u64,
    max: usize,
) -> Result<Vec<Queued>, StoreError> {
    shared.store.frontier().peek_from(start, max)
}

/// The stored record of each of `urls`.
pub(super) fn look_up(
    shared: &Shared,
    urls: &[Url],
) -> Result<Vec<Option<PageRecord>>, StoreError> {
    urls.iter().map(|url| shared.store.page(url)).collect()
}

/// Forgets `urls` in the frontier: each was dealt with this run.
pub(super) fn forget(shared: &Shared, urls: &[Url]) -> Result<(), StoreError> {
    let frontier = shared.store.frontier();
    for url in urls {
        frontier.remove(url)?;
    }
    Ok(())
}

/// One frontier entry waiting for, or in, its fetch. Kept small: a host's queue may hold
/// thousands.
#[derive(Debug, Clone)]
pub(super) struct Job {
    /// Its place in the queue.
    pub(super) seq: u64,
    /// What was queued.
    pub(super) entry: FrontierEntry,
    /// The site it belongs to.
    pub(super) site: Arc<str>,
    /// The validators of the stored copy, when there is one (a page record with a body):
    /// they make the fetch conditional.
    pub(super) copy: Option<Validators>,
}

/// A stored copy's ETag and Last-Modified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Validators {
    pub(super) etag: Option<String>,
    pub(super) last_modified: Option<String>,
}

impl Validators {
    /// The validators of `record`'s copy, if it has one.
    pub(super) fn of(record: &PageRecord) -> Option<Validators> {
        record.body.as_ref().map(|_| Validators {
            etag: record.etag.clone(),
            last_modified: record.last_modified.clone(),
        })
    }
}

impl Job {
    /// Whether a good copy of the page is stored.
    pub(super) fn has_copy(&self) -> bool {
        self.copy.is_some()
    }
}

/// What became of one job, for the summary.
#[derive(Debug, Clone)]
pub(super) struct Settled {
    /// The host asked.
    pub(super) host: String,
    /// Cable page or index page.
    pub(super) kind: LinkKind,
    /// Whether the request carried the stored copy's validators.
    pub(super) conditional: bool,
    /// The result.
    pub(super) result: SettledAs,
}

/// The result of one job.
#[derive(Debug, Clone)]
pub(super) enum SettledAs {
    /// A page came and was stored.
    Fetched {
        /// Its size.
        bytes: u64,
        /// What happened to its cable.
        change: Change,
        /// Links queued from it.
        queued: u64,
    },
    /// 304: the stored copy is current.
    NotModified,
    /// No page came.
    Failed {
        /// The failure's short name, as recorded.
        kind: String,
        /// Whether robots.txt said no (policy, not an error).
        robots_denied: bool,
    },
}

/// A stored page's cable, as the summary counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Change {
    New,
    Changed,
    Unchanged,
    Rejected,
    None,
}

/// Records what `outcome` says of `job`'s page, queues its links, and takes the job out
/// of the frontier, in that order.
pub(super) fn settle(
    shared: &Shared,
    job: &Job,
    outcome: FetchOutcome,
) -> Result<Settled, StoreError> {
    let host = crate::rules::host_key(&job.entry.url).unwrap_or_default();
    let conditional = job
        .copy
        .as_ref()
        .is_some_and(|c| c.etag.is_some() || c.last_modified.is_some());
    let result = match outcome {
        FetchOutcome::Fetched {
            page,
            etag,
            last_modified,
        } => settle_page(shared, job, page, etag, last_modified)?,
        FetchOutcome::NotModified => {
            touch(shared, job)?;
            SettledAs::NotModified
        }
        FetchOutcome::RobotsUnreachable { kind } => {
            // The host is off limits for this run only: nothing is recorded and the entry
            // stays queued for the next run.
            tracing::info!(url = %job.entry.url, %kind, "robots.txt unreachable; left queued");
            return Ok(Settled {
                host,
                kind: job.entry.kind,
                conditional,
                result: SettledAs::Failed {
                    kind: "robots-unreachable".to_string(),
                    robots_denied: false,
                },
            });
        }
        other => settle_failure(shared, job, &other)?,
    };
    shared.store.frontier().remove(&job.entry.url)?;
    Ok(Settled {
        host,
        kind: job.entry.kind,
        conditional,
        result,
    })
}

fn settle_page(
    shared: &Shared,
    job: &Job,
    page: Page,
    etag: Option<String>,
    last_modified: Option<String>,
) -> Result<SettledAs, StoreError> {
    if page.url != job.entry.url {
        // A redirect: its target counts as fetched this run too.
        shared.mark_done(&page.url);
    }
    let Some(rule) = shared.rules.rule_for_url(&page.url) else {
        // The fetcher follows redirects only within scope, so this does not happen; if it
        // did, the page would have no rule to be stored under.
        let to = page.url;
        return settle_failure(shared, job, &FetchOutcome::RedirectOutOfScope { to });
    };
    let bytes = page.body.len() as u64;
    // One parse serves both the links and the cleaning. A page refused unparsed (nested
    // deeper than any real page) gives no links; cleaning records why.
    let document = if is_html(page.content_type.as_deref()) {
        clean::parse_page(&page, rule).ok()
    } else {
        None
    };
    // Links go into the frontier before the page's record is written, so a crash leaves
    // none of them behind.
    let queued = match &document {
        Some(document) => queue_links(
            shared,
            links_of(&page.url, document),
            job.entry.depth.saturating_add(1),
        )?,
        None => 0,
    };
    let arrival = Arrival {
        page,
        etag,
        last_modified,
        fetched_at: Timestamp::now(),
    };
    let stored = pipeline::store_parsed_page(
        &shared.store,
        rule,
        &arrival,
        ReplacePolicy::KeepPrevious,
        document.as_ref(),
    )?;
    let change = match stored.change {
        CableChange::New => Change::New,
        CableChange::Changed { .. } => Change::Changed,
        CableChange::Unchanged => Change::Unchanged,
        CableChange::Rejected => Change::Rejected,
        _ if stored.reject.is_some() => Change::Rejected,
        _ => Change::None,
    };
    Ok(SettledAs::Fetched {
        bytes,
        change,
        queued,
    })
}

/// Queues the in-scope `links` of a page that this run has not fetched and that are not
/// fresh cable pages; returns how many were new to the frontier.
fn queue_links(shared: &Shared, links: Vec<Url>, depth: u32) -> Result<u64, StoreError> {
    let now = Timestamp::now();
    let mut queued = 0;
    for url in links {
        let Some((_, kind)) = shared.scope(&url) else {
            continue;
        };
        if shared.is_done(&url) {
            continue;
        }
        if kind == LinkKind::Cable
            && let Some(record) = shared.store.page(&url)?
            && shared.is_fresh(&record, now)
        {
            continue;
        }
        if shared.push(&entry(url, kind, depth))? {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Whether a Content-Type may hold links: HTML, or not said.
fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("html") || t.trim().is_empty()
    })
}

/// A 304 to a cable page's re-check: the stored copy is current, so its clock restarts
/// and it is next due `--recheck-after` from now. Nothing else is written.
fn touch(shared: &Shared, job: &Job) -> Result<(), StoreError> {
    if job.entry.kind != LinkKind::Cable {
        return Ok(());
    }
    let Some(mut record) = shared.store.page(&job.entry.url)? else {
        return Ok(());
    };
    let cable = match record.outcome {
        CleanOutcome::Cable { .. } => match shared.store.cable(&record.url)? {
            Some(cable) => Some(cable),
            // The record names a cable the store lacks: leave it for `reclean` to mend.
            None => return Ok(()),
        },
        _ => None,
    };
    record.fetched_at = Timestamp::now();
    shared
        .store
        .record_page(&record, cable.as_ref(), ReplacePolicy::KeepPrevious)?;
    Ok(())
}

/// The short name, message and HTTP status recorded for an outcome that brought no page.
fn describe(outcome: &FetchOutcome) -> (String, String, u16) {
    match outcome {
        FetchOutcome::Gone { status } => (
            "gone".to_string(),
            format!("HTTP {status}: the page is no longer there"),
            *status,
        ),
        FetchOutcome::TooLarge { limit } => (
            "too-large".to_string(),
            format!(
                "the body is larger than the {} cap (decoded size), so it was dropped unread past it",
                human_bytes(*limit)
            ),
            200,
        ),
        FetchOutcome::RobotsDenied { url } => (
            "robots-denied".to_string(),
            format!("robots.txt forbids {url}"),
            0,
        ),
        FetchOutcome::RobotsUnreachable { kind } => (
            "robots-unreachable".to_string(),
            format!("robots.txt could not be read ({kind}), so the host is off limits this run"),
            0,
        ),
        FetchOutcome::RedirectOutOfScope { to } => (
            "redirect-out-of-scope".to_string(),
            format!("redirected to {to}, outside the crawl; not followed"),
            0,
        ),
        FetchOutcome::RedirectLoop { to } => (
            "redirect-loop".to_string(),
            format!("redirected in a loop, back to {to}"),
            0,
        ),
        FetchOutcome::TooManyRedirects { limit } => (
            "too-many-redirects".to_string(),
            format!("more than {limit} redirects"),
            0,
        ),
        FetchOutcome::Failed { kind, attempts } => {
            let status = match kind {
                FailureKind::Status(status) => *status,
                _ => 0,
            };
            (
                failure_name(*kind),
                format!("{kind} after {attempts} attempt(s)"),
                status,
            )
        }
        FetchOutcome::Fetched { .. } | FetchOutcome::NotModified => {
            (outcome.label().to_string(), String::new(), 0)
        }
    }
}

/// A failure kind's short, stable name, as recorded and reported.
pub(super) fn failure_name(kind: FailureKind) -> String {
    match kind {
        FailureKind::Timeout => "timeout".to_string(),
        FailureKind::Connect => "connect".to_string(),
        FailureKind::Status(status) => format!("http-{status}"),
        FailureKind::Body => "body".to_string(),
        FailureKind::Decode => "decode".to_string(),
        FailureKind::BadRedirect => "bad-redirect".to_string(),
        FailureKind::BadUrl => "bad-url".to_string(),
        FailureKind::Request => "request".to_string(),
    }
}

fn human_bytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes % MB == 0 {
        format!("{} MB", bytes / MB)
    } else {
        format!("{bytes}-byte")
    }
}

/// Records a fetch that brought no page, unless a good copy is stored: a failure tonight
/// must not hide the copy fetched last week (it is counted in the summary all the same).
fn settle_failure(
    shared: &Shared,
    job: &Job,
    outcome: &FetchOutcome,
) -> Result<SettledAs, StoreError> {
    let (kind, message, status) = describe(outcome);
    tracing::info!(url = %job.entry.url, %kind, %message, "no page");
    if !job.has_copy() {
        let record = PageRecord {
            url: job.entry.url.clone(),
            site: job.site.to_string(),
            status,
            content_type: None,
            etag: None,
            last_modified: None,
            fetched_at: Timestamp::now(),
            body: None,
            outcome: CleanOutcome::Failed {
                kind: kind.clone(),
                message,
            },
        };
        shared
            .store
            .record_page(&record, None, ReplacePolicy::KeepPrevious)?;
    }
    Ok(SettledAs::Failed {
        robots_denied: matches!(outcome, FetchOutcome::RobotsDenied { .. }),
        kind,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(outcome: CleanOutcome, fetched_at: Timestamp) -> PageRecord {
        PageRecord {
            url: Url::parse("http://example.org/cable/1.html").expect("url"),
            site: "example".to_string(),
            status: 200,
            content_type: None,
            etag: None,
            last_modified: None,
            fetched_at,
            body: None,
            outcome,
        }
    }

    #[test]
    fn freshness_follows_recheck_after_and_transient_failures_are_never_fresh() {
        let now = Timestamp::now();
        let day = Duration::from_secs(86_400);
        let yesterday = now - SignedDuration::from_hours(24);
        let kept = record(CleanOutcome::NotCleaned, yesterday);
        assert!(is_fresh(&kept, 2 * day, now));
        assert!(!is_fresh(&kept, day / 2, now));
        assert!(!is_fresh(&kept, Duration::ZERO, now), "0 re-checks always");
        for (kind, fresh) in [
            ("http-503", false),
            ("http-500", false),
            ("http-429", false),
            ("timeout", false),
            ("connect", false),
            ("robots-unreachable", false),
            ("gone", true),
            ("http-403", true),
            ("too-large", true),
            ("robots-denied", true),
        ] {
            let failed = record(
                CleanOutcome::Failed {
                    kind: kind.to_string(),
                    message: String::new(),
                },
                yesterday,
            );
            assert_eq!(is_fresh(&failed, 2 * day, now), fresh, "{kind}");
        }
    }

    #[test]
    fn failures_are_described_with_a_stable_name_and_the_cap() {
        let (kind, message, status) = describe(&FetchOutcome::TooLarge {
            limit: 20 * 1024 * 1024,
        });
        assert_eq!((kind.as_str(), status), ("too-large", 200));
        assert!(message.contains("20 MB cap"), "{message}");
        let (kind, _, status) = describe(&FetchOutcome::Failed {
            kind: FailureKind::Status(503),
            attempts: 4,
        });
        assert_eq!((kind.as_str(), status), ("http-503", 503));
        assert!(is_html(None) && is_html(Some("text/HTML; charset=x")));
        assert!(!is_html(Some("application/pdf")));
    }
}
