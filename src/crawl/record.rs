//! The crawl's store side, run on the blocking pool: what a run starts from (seeds, the
//! frontier left by the last run, index pages to re-check, stale cable pages), whether a
//! stored page is fresh, and what a fetch outcome writes.
//!
//! Order of writes, which is what makes a crash safe: a page's links go into the frontier
//! before its record is written, and its frontier entry is removed only after. A crash at
//! any point therefore leaves every discovered URL either recorded or still queued, and
//! the next run resumes from the frontier without fetching again what was recorded.

use std::sync::Arc;

use jiff::Timestamp;

use super::copy::Validators;
use super::error::CrawlError;
use super::known::{self, KnownCounts};
use super::outcome::FetchOutcome;
use super::scope::links_of;
use super::seeds::Seed;
use super::shared::{Pushed, Shared};
use super::transcript::{Received, now};
use crate::clean;
use crate::model::{Page, PageUrl};
use crate::pipeline::{self, Arrival, Failure, Fetched, NOT_ON_SITE, Processed};
use crate::rules::UrlKind;
use crate::store::{
    CleanOutcome, FrontierEntry, LinkKind, PageRecord, Queued, ReplacePolicy, RunRecord, StoreError,
};
use crate::warc;

/// What a run found when it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct StartCounts {
    /// Entries left in the frontier by an earlier run that did not finish.
    pub resumed: u64,
    /// Seeds queued now (seeds already queued, or fresh cable pages, are not).
    pub seeds_queued: u64,
    /// Stored index pages queued for their every-run re-check.
    pub index_pages_queued: u64,
    /// Stored cable pages queued because they are older than their re-check period, or
    /// their last fetch failed, was rejected or gave a suspect cable (a new fetch may mend
    /// those).
    pub cable_pages_queued: u64,
    /// Stored cable pages not due for a re-check: left alone.
    pub cable_pages_fresh: u64,
    /// Cable pages recorded as gone (404, 410), not due for a re-check: left alone.
    pub gone_pages_waiting: u64,
    /// Entries dropped because their site's share of the frontier was full.
    pub dropped_full: u64,
    /// What queueing the known IDs did, with `--known-ids`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub known_ids: Option<KnownCounts>,
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
    let count = |pushed: Pushed, counter: &mut u64, dropped: &mut u64| match pushed {
        Pushed::Queued => *counter += 1,
        Pushed::AlreadyQueued => {}
        Pushed::Full => *dropped += 1,
    };
    let mut dropped = 0;
    for seed in seeds {
        if seed.kind == LinkKind::Cable
            && let Some(record) = store.page(&seed.url)?
            && shared.is_fresh(&record, now)
        {
            continue;
        }
        let pushed = shared.push(&seed.site, &entry(seed.url.clone(), seed.kind, 0))?;
        count(pushed, &mut counts.seeds_queued, &mut dropped);
    }
    for record in store.pages(shared.config.site.as_deref()) {
        let record = record?;
        let Some((site, kind)) = shared.scope(&record.url) else {
            continue;
        };
        let site = site.to_string();
        match kind {
            LinkKind::Follow => {
                let pushed = shared.push(&site, &entry(record.url, kind, 1))?;
                count(pushed, &mut counts.index_pages_queued, &mut dropped);
            }
            LinkKind::Cable if shared.is_fresh(&record, now) => {
                if matches!(record.outcome, CleanOutcome::Failed { .. }) {
                    counts.gone_pages_waiting += 1;
                } else {
                    counts.cable_pages_fresh += 1;
                }
            }
            LinkKind::Cable => {
                let pushed = shared.push(&site, &entry(record.url, kind, 1))?;
                count(pushed, &mut counts.cable_pages_queued, &mut dropped);
            }
        }
    }
    if let (Some(settings), Some(site)) = (shared.config.known_ids, &shared.config.site)
        && let Some(rule) = shared.rules.rule(site)
    {
        let known = known::queue(shared, rule, settings)?;
        dropped += known.dropped_full;
        counts.known_ids = Some(known);
    }
    counts.dropped_full = dropped;
    store.flush()?;
    Ok((run, counts))
}

fn entry(url: PageUrl, kind: LinkKind, depth: u32) -> FrontierEntry {
    FrontierEntry {
        url,
        kind,
        depth,
        attempts: 0,
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
    urls: &[PageUrl],
) -> Result<Vec<Option<PageRecord>>, StoreError> {
    urls.iter().map(|url| shared.store.page(url)).collect()
}

/// Forgets `urls` in the frontier: each was dealt with this run.
pub(super) fn forget(shared: &Shared, urls: &[PageUrl]) -> Result<(), StoreError> {
    for url in urls {
        shared.forget(url)?;
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

/// What became of one job, for the summary.
#[derive(Debug, Clone)]
pub(super) struct Settled {
    /// The page.
    pub(super) url: PageUrl,
    /// Links followed from a seed to reach it (0 for a seed).
    pub(super) depth: u32,
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
        /// What became of its links.
        links: Links,
        /// What storing it did.
        processed: Box<Processed>,
    },
    /// The page was not asked for: its host's robots.txt could not be read. It stays
    /// queued for the next run.
    HeldBack {
        /// Why robots.txt could not be read (`dns`, `timeout`, `http-503`…).
        why: String,
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

/// What became of a fetched page's links.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Links {
    /// Links to pages in the crawl's scope.
    pub(super) in_scope: u64,
    /// Of those, links newly queued.
    pub(super) queued: u64,
    /// Links past the cap on links taken from one page.
    pub(super) over_cap: u64,
    /// Links dropped because their site's share of the frontier was full.
    pub(super) frontier_full: u64,
    /// Why the page gave no links at all, when it was not parsed.
    pub(super) not_parsed: Option<&'static str>,
}

/// Records what `outcome` says of `job`'s page (in the WARC archive first, when the crawl
/// keeps one: every response in `received`, in order, then the page or 304), queues its
/// links, and takes the job out of the frontier, in that order.
/// `None` when `abandoned` says, once the page is parsed, that the crawl gave up on the job
/// at a stop: then nothing is stored and the job stays in the frontier.
pub(super) fn settle(
    shared: &Shared,
    job: &Job,
    outcome: FetchOutcome,
    received: &[Received],
    abandoned: &dyn Fn() -> bool,
) -> Result<Option<Settled>, CrawlError> {
    if let Some(archive) = &shared.archive {
        for response in received {
            archive.received(response)?;
        }
    }
    // Failures are the host's that was asked: a mapped host's, not the real site's.
    let host = shared.rules.fetch_url(&job.entry.url).host().to_string();
    let conditional = job
        .copy
        .as_ref()
        .is_some_and(|c| c.etag.is_some() || c.last_modified.is_some());
    let settled = |result| Settled {
        url: job.entry.url.clone(),
        depth: job.entry.depth,
        host: host.clone(),
        kind: job.entry.kind,
        conditional,
        result,
    };
    let result = match outcome {
        FetchOutcome::Fetched {
            page,
            etag,
            last_modified,
            headers,
        } => match settle_page(shared, job, page, etag, last_modified, headers, abandoned)? {
            Some(result) => result,
            None => return Ok(None),
        },
        FetchOutcome::NotModified { headers } => {
            let at = now();
            if let (Some(archive), Some(copy)) = (&shared.archive, &job.copy) {
                // The copy's digest finds its body however the revisit's date is read: a
                // cable page's fetch time restarts with every 304.
                let digest = shared.store.body(&copy.body)?.map(|b| warc::sha1_label(&b));
                let from = shared.rules.fetch_url(&job.entry.url);
                archive.not_modified(&from, &headers, at, copy, digest.as_deref())?;
            }
            if let Some(rule) = shared.rules.rule_for_url(&job.entry.url) {
                let arrival = Arrival::NotModified {
                    url: job.entry.url.clone(),
                    at,
                };
                pipeline::process(&shared.store, rule, arrival, &KEEP)?;
            }
            SettledAs::NotModified
        }
        FetchOutcome::RobotsUnreachable { kind } => {
            // The host is off limits for this run only: nothing is recorded and the entry
            // stays queued for the next run.
            tracing::info!(url = %job.entry.url, %kind, "robots.txt unreachable; left queued");
            shared.hold(&job.entry.url);
            return Ok(Some(settled(SettledAs::HeldBack { why: kind.name() })));
        }
        other => settle_failure(shared, job, &other)?,
    };
    shared.forget(&job.entry.url)?;
    Ok(Some(settled(result)))
}

/// How the crawl records: a page that is now rejected keeps its earlier cable.
const KEEP: pipeline::Options = pipeline::Options {
    policy: ReplacePolicy::KeepPrevious,
    dry_run: false,
};

/// `None` when `abandoned` says so once the page is parsed (see [`settle`]).
fn settle_page(
    shared: &Shared,
    job: &Job,
    mut page: Page,
    etag: Option<String>,
    last_modified: Option<String>,
    headers: Vec<(String, String)>,
    abandoned: &dyn Fn() -> bool,
) -> Result<Option<SettledAs>, CrawlError> {
    let fetched_at = now();
    if let Some(archive) = &shared.archive {
        // The stored validators went with the request unless a redirect came between.
        let asked = shared.rules.fetch_url(&job.entry.url);
        let validators = job
            .copy
            .as_ref()
            .filter(|_| asked == page.url)
            .map(|copy| (&copy.etag, &copy.last_modified));
        archive.page(&page, &headers, fetched_at, validators)?;
    }
    // The page came from where it was fetched (a mapped host, perhaps, after redirects); it
    // is stored as the site's own, and its links resolve against where it came from.
    let fetched_from = page.url.clone();
    page.url = shared.rules.site_url(&fetched_from);
    if page.url != job.entry.url {
        // A redirect: its target counts as fetched this run too.
        shared.mark_done(&page.url);
    }
    let Some(rule) = shared.rules.rule_for_url(&page.url) else {
        // The fetcher follows redirects only within scope, so this does not happen; if it
        // did, the page would have no rule to be stored under.
        let to = page.url;
        return Ok(
            settle_failure(shared, job, &FetchOutcome::RedirectOutOfScope { to }).map(Some)?,
        );
    };
    let bytes = page.body.len() as u64;
    // One parse serves both the links and the cleaning. A page refused unparsed (nested
    // deeper, or with more attributes, than any real page; markup that makes the parser
    // work without end) gives no links; cleaning records why.
    let (document, refused) = if is_html(page.content_type.as_deref()) {
        match clean::parse(&page, rule) {
            Ok(document) => (Some(document), None),
            Err(reject) => (None, Some(reject.kind())),
        }
    } else {
        (None, None)
    };
    // Parsing is most of the time a page takes; a stop's grace may have ended meanwhile.
    if abandoned() {
        return Ok(None);
    }
    // Links go into the frontier before the page's record is written, so a crash leaves
    // none of them behind.
    let links = match &document {
        Some(document) => {
            let links: Vec<PageUrl> = links_of(&fetched_from, document)
                .iter()
                .map(|link| shared.rules.site_url(link))
                .collect();
            if rule.classify(&job.entry.url) == UrlKind::Follow {
                pipeline::note_listing_ids(&shared.store, rule, &job.entry.url, &links)?;
            }
            queue_links(shared, links, job.entry.depth.saturating_add(1))?
        }
        None => Links {
            not_parsed: Some(match refused {
                Some("too-deep") => {
                    "the page could not be parsed (nested deeper than any real page)"
                }
                Some("too-many-attributes") => {
                    "the page could not be parsed (a tag with more attributes than any real page's)"
                }
                Some(_) => {
                    "the page could not be parsed (markup that makes the parser work without end)"
                }
                None => "the page is not HTML",
            }),
            ..Links::default()
        },
    };
    let arrival = Arrival::Fetched(Fetched {
        page,
        etag,
        last_modified,
        headers,
        fetched_at,
        document: document.as_ref(),
    });
    let processed = pipeline::process(&shared.store, rule, arrival, &KEEP)?;
    tracing::info!(url = %job.entry.url, bytes, links = links.queued, "fetched");
    Ok(Some(SettledAs::Fetched {
        bytes,
        links,
        processed: Box::new(processed),
    }))
}

/// Queues the in-scope `links` of a page, up to the cap on links from one page, that this
/// run has not fetched and that are not fresh cable pages.
fn queue_links(shared: &Shared, links: Vec<PageUrl>, depth: u32) -> Result<Links, StoreError> {
    let now = Timestamp::now();
    let cap = shared.config.max_links_per_page as u64;
    let mut counted = Links::default();
    for url in links {
        let Some((site, kind)) = shared.scope(&url) else {
            continue;
        };
        counted.in_scope += 1;
        if counted.in_scope > cap {
            counted.over_cap += 1;
            continue;
        }
        if shared.is_done(&url) {
            continue;
        }
        if kind == LinkKind::Cable
            && let Some(record) = shared.store.page(&url)?
            && shared.is_fresh(&record, now)
        {
            continue;
        }
        let site = site.to_string();
        match shared.push(&site, &entry(url, kind, depth))? {
            Pushed::Queued => counted.queued += 1,
            Pushed::AlreadyQueued => {}
            Pushed::Full => counted.frontier_full += 1,
        }
    }
    if counted.over_cap > 0 {
        tracing::warn!(
            links = counted.in_scope,
            cap,
            "a page has more links than the cap; the rest were dropped"
        );
    }
    Ok(counted)
}

/// Whether a Content-Type may hold links: HTML, or not said.
fn is_html(content_type: Option<&str>) -> bool {
    content_type.is_none_or(|t| {
        let t = t.to_ascii_lowercase();
        t.contains("html") || t.trim().is_empty()
    })
}

/// Records a fetch that brought no page (the pipeline keeps a good stored copy over it; the
/// failure is counted in the summary all the same).
fn settle_failure(
    shared: &Shared,
    job: &Job,
    outcome: &FetchOutcome,
) -> Result<SettledAs, StoreError> {
    let Some(mut failure) = outcome.failure() else {
        // Only outcomes without a page come here.
        return Ok(SettledAs::NotModified);
    };
    // A 404 at the URL a template made from a cable ID: the site has no such page, which
    // is what a crawl by ID finds out, not an error of the site's.
    if let FetchOutcome::Gone { status } = outcome
        && job.entry.kind == LinkKind::Cable
        && shared
            .rules
            .rule(&job.site)
            .is_some_and(|rule| rule.is_cable_url(&job.entry.url))
    {
        failure.kind = NOT_ON_SITE.to_string();
        failure.message = format!(
            "HTTP {status}: {} has no page for this cable at its cable_url; not asked for again but with --retry-failed",
            job.site
        );
    }
    tracing::info!(url = %job.entry.url, kind = %failure.kind, message = %failure.message, "no page");
    if let Some(rule) = shared.rules.rule(&job.site) {
        let arrival = Arrival::Failed(Failure {
            url: job.entry.url.clone(),
            status: failure.status,
            kind: failure.kind.clone(),
            message: failure.message,
            at: Timestamp::now(),
        });
        pipeline::process(&shared.store, rule, arrival, &KEEP)?;
    }
    Ok(SettledAs::Failed {
        robots_denied: matches!(outcome, FetchOutcome::RobotsDenied { .. }),
        kind: failure.kind,
    })
}

#[cfg(test)]
mod tests;
