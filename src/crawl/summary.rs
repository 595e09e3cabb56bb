//! What a crawl did, counted as it goes: the final summary (also stored with the run and
//! printed as JSON with `--json`) and the live counters a progress bar reads.

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::archive::ArchiveSummary;
use super::record::{Settled, SettledAs, StartCounts};
use crate::pipeline::{NOT_ON_SITE, Tally};
use crate::store::{Frontier, LinkKind};

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ended {
    /// Nothing was left to fetch.
    Finished,
    /// `--max-pages` fetches were made; the rest waits in the frontier.
    MaxPages,
    /// Stopped on request (Ctrl-C, SIGTERM); the rest waits in the frontier.
    Interrupted,
}

/// A seed or index page that gave the crawl nothing to follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Barren {
    /// The page.
    pub url: String,
    /// Why it gave nothing.
    pub reason: String,
}

/// How many barren pages a summary names (it counts them all in `errors` or not at all).
const MAX_BARREN: usize = 20;

/// The summary of one crawl run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The run's id in the store's run log.
    pub run: u64,
    /// How it ended.
    pub ended: Ended,
    /// Wall-clock time, seconds.
    pub seconds: f64,
    /// What the run started from.
    pub start: StartCounts,
    /// Pages asked for (each once, redirects and retries included in one). Pages not asked
    /// for are not counted (see `held_back`).
    pub requests: u64,
    /// Requests that carried the stored copy's validators (If-None-Match /
    /// If-Modified-Since).
    pub conditional: u64,
    /// Pages that came (2xx) and were stored.
    pub fetched: u64,
    /// Of those, cable pages.
    pub fetched_cable_pages: u64,
    /// Of those, index pages.
    pub fetched_index_pages: u64,
    /// 304 answers: the stored copy is current.
    pub not_modified: u64,
    /// Stored cable pages not fetched because they are newer than `--recheck-after`.
    pub skipped: u64,
    /// Pages robots.txt forbade.
    pub robots_denied: u64,
    /// Pages not asked for, because their host's robots.txt could not be read: they stay
    /// queued for the next run.
    pub held_back: u64,
    /// Hosts whose robots.txt could not be read, and why (`dns`, `refused`, `timeout`,
    /// `http-503`…).
    pub hosts_unreachable: BTreeMap<String, String>,
    /// Cable pages asked for by ID (`--known-ids`) that the site does not have: a 404 at
    /// its `cable_url`, recorded as `not-on-site`, not counted in `errors`.
    pub not_on_site: u64,
    /// Requests that brought no page, for any reason but robots.txt or a cable the site
    /// does not have.
    pub errors: u64,
    /// Those, by kind (`gone`, `timeout`, `http-500`, `too-large`, `redirect-loop`, …).
    pub errors_by_kind: BTreeMap<String, u64>,
    /// Those, by host, then kind.
    pub errors_by_host: BTreeMap<String, BTreeMap<String, u64>>,
    /// Cables stored for the first time.
    pub new_cables: u64,
    /// Cables whose text or metadata changed.
    pub changed_cables: u64,
    /// Cable pages fetched again whose cable came out the same.
    pub unchanged_cables: u64,
    /// Cable pages the rules refused (see `cablestrip status`).
    pub rejected_pages: u64,
    /// Cables stored as suspect: the quality gate doubts they are the cable and only the
    /// cable (see `cablestrip show`).
    pub suspect_cables: u64,
    /// Links queued from fetched pages.
    pub links_queued: u64,
    /// Links dropped: past the cap on links taken from one page, or because their site's
    /// share of the frontier was full.
    pub links_dropped: u64,
    /// Seeds and index pages that gave no link in the crawl's scope, with why (the first
    /// few): a seed to change, a follow pattern to add, or a site to ingest instead.
    pub barren: Vec<Barren>,
    /// Body bytes received (decoded).
    pub bytes: u64,
    /// Requests per second over the run.
    pub pages_per_second: f64,
    /// Jobs dropped at the end of a stop's grace, their fetch or their page's cleaning
    /// still going; they stay queued.
    pub abandoned: u64,
    /// Entries left in the frontier for the next run.
    pub queued: u64,
    /// What the run wrote into its WARC archive, with `--warc`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warc: Option<ArchiveSummary>,
    /// What storing the fetched pages did, from which the cable counts above are taken.
    #[serde(skip)]
    tally: Tally,
}

impl Summary {
    pub(super) fn new(run: u64, start: StartCounts) -> Summary {
        Summary {
            run,
            ended: Ended::Finished,
            seconds: 0.0,
            start,
            requests: 0,
            conditional: 0,
            fetched: 0,
            fetched_cable_pages: 0,
            fetched_index_pages: 0,
            not_modified: 0,
            skipped: start.cable_pages_fresh,
            robots_denied: 0,
            held_back: 0,
            hosts_unreachable: BTreeMap::new(),
            not_on_site: 0,
            errors: 0,
            errors_by_kind: BTreeMap::new(),
            errors_by_host: BTreeMap::new(),
            new_cables: 0,
            changed_cables: 0,
            unchanged_cables: 0,
            rejected_pages: 0,
            suspect_cables: 0,
            links_queued: 0,
            links_dropped: start.dropped_full,
            barren: Vec::new(),
            bytes: 0,
            pages_per_second: 0.0,
            abandoned: 0,
            queued: 0,
            warc: None,
            tally: Tally::default(),
        }
    }

    /// Errors as a share of requests (0 when nothing was asked for).
    pub fn error_share(&self) -> f64 {
        if self.requests == 0 {
            0.0
        } else {
            self.errors as f64 / self.requests as f64
        }
    }

    /// Whether pages were wanted (asked for, or held back for want of robots.txt) and not
    /// one brought a page, a 304, or the site's word that it has no page for a cable.
    pub fn nothing_fetched(&self) -> bool {
        self.requests + self.held_back > 0
            && self.fetched + self.not_modified + self.not_on_site == 0
    }

    /// Names a seed or index page that gave nothing to follow.
    fn barren(&mut self, settled: &Settled, reason: String) {
        if self.barren.len() < MAX_BARREN {
            self.barren.push(Barren {
                url: settled.url.to_string(),
                reason,
            });
        }
    }

    pub(super) fn add(&mut self, settled: &Settled) {
        if let SettledAs::HeldBack { why } = &settled.result {
            self.held_back += 1;
            self.hosts_unreachable
                .entry(settled.host.clone())
                .or_insert_with(|| why.clone());
            return;
        }
        self.requests += 1;
        if settled.conditional {
            self.conditional += 1;
        }
        let follows = settled.kind == LinkKind::Follow || settled.depth == 0;
        match &settled.result {
            SettledAs::Fetched {
                bytes,
                links,
                processed,
            } => {
                if follows && links.in_scope == 0 && settled.kind == LinkKind::Follow {
                    let reason = links.not_parsed.map_or_else(
                        || "no link on it is a page of the crawl's sites (a seed to change, or a [urls] follow pattern to add; `cablestrip ingest` takes a saved mirror)".to_string(),
                        str::to_string,
                    );
                    self.barren(settled, reason);
                }
                self.links_dropped += links.over_cap + links.frontier_full;
                self.fetched += 1;
                match settled.kind {
                    LinkKind::Cable => self.fetched_cable_pages += 1,
                    LinkKind::Follow => self.fetched_index_pages += 1,
                }
                self.bytes += bytes;
                self.links_queued += links.queued;
                self.tally.add(processed);
                let tally = &self.tally;
                self.new_cables = tally.new;
                self.changed_cables = tally.changed + tally.restamped;
                self.unchanged_cables = tally.unchanged + tally.skipped_cables;
                self.rejected_pages = tally.rejected_pages();
                self.suspect_cables = tally.suspect;
            }
            SettledAs::NotModified => self.not_modified += 1,
            SettledAs::Failed {
                robots_denied: true,
                ..
            } => {
                if settled.depth == 0 {
                    self.barren(settled, "robots.txt forbids the seed".to_string());
                }
                self.robots_denied += 1;
            }
            SettledAs::HeldBack { .. } => {}
            SettledAs::Failed { kind, .. } if kind == NOT_ON_SITE => {
                if settled.depth == 0 {
                    self.barren(
                        settled,
                        "the site has no page for this cable (404 at its cable_url)".to_string(),
                    );
                }
                self.not_on_site += 1;
            }
            SettledAs::Failed { kind, .. } => {
                if settled.depth == 0 {
                    self.barren(settled, format!("the seed's fetch failed ({kind})"));
                }
                self.errors += 1;
                *self.errors_by_kind.entry(kind.clone()).or_default() += 1;
                *self
                    .errors_by_host
                    .entry(settled.host.clone())
                    .or_default()
                    .entry(kind.clone())
                    .or_default() += 1;
            }
        }
    }

    pub(super) fn finish(&mut self, ended: Ended, elapsed: Duration, queued: u64) {
        self.ended = ended;
        self.seconds = elapsed.as_secs_f64();
        self.pages_per_second = if self.seconds > 0.0 {
            self.requests as f64 / self.seconds
        } else {
            0.0
        };
        self.queued = queued;
    }
}

/// Live counters of a running crawl, for a progress display. Cheap to read from any thread.
#[derive(Debug)]
pub struct Progress {
    frontier: Frontier,
    started: OnceLock<Instant>,
    done: AtomicU64,
    fetched: AtomicU64,
    errors: AtomicU64,
}

/// The counters at one moment.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ProgressSnapshot {
    /// Requests settled.
    pub done: u64,
    /// Pages that came.
    pub fetched: u64,
    /// Requests that brought no page (robots.txt denials aside).
    pub errors: u64,
    /// Entries in the frontier (including those in flight).
    pub queued: u64,
    /// Since the run started.
    pub elapsed: Duration,
}

impl ProgressSnapshot {
    /// Requests settled per second so far.
    pub fn rate(&self) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.done as f64 / secs
        } else {
            0.0
        }
    }
}

impl Progress {
    pub(super) fn new(frontier: Frontier) -> Progress {
        Progress {
            frontier,
            started: OnceLock::new(),
            done: AtomicU64::new(0),
            fetched: AtomicU64::new(0),
            errors: AtomicU64::new(0),
        }
    }

    pub(super) fn start(&self) {
        let _ = self.started.set(Instant::now());
    }

    pub(super) fn add(&self, settled: &Settled) {
        self.done.fetch_add(1, Ordering::Relaxed);
        match &settled.result {
            SettledAs::Fetched { .. } => {
                self.fetched.fetch_add(1, Ordering::Relaxed);
            }
            SettledAs::Failed {
                robots_denied: false,
                kind,
            } if kind != NOT_ON_SITE => {
                self.errors.fetch_add(1, Ordering::Relaxed);
            }
            _ => {}
        }
    }

    /// The counters now.
    pub fn snapshot(&self) -> ProgressSnapshot {
        ProgressSnapshot {
            done: self.done.load(Ordering::Relaxed),
            fetched: self.fetched.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            queued: self.frontier.len(),
            elapsed: self.started.get().map_or(Duration::ZERO, Instant::elapsed),
        }
    }
}
