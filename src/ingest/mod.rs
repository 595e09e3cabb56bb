//! Ingest: a saved mirror of a site (as wget, HTTrack or the WikiLeaks torrent leave it,
//! mapped to URLs by [`crate::mirror`]), or WARC files (the [`warc`] module here) → each
//! page through the same arrival → clean → store path as every other page
//! ([`pipeline::process`]), on every core.
//!
//! A file's modification time is its `fetched_at`, and a page already stored with the same
//! body and cleaned by the current rule is left alone, so re-ingesting an unchanged mirror
//! writes nothing.

pub mod warc;

use std::collections::BTreeMap;
use std::time::Instant;

use jiff::Timestamp;
use rayon::prelude::*;
use serde::Serialize;

use crate::mirror::{MirrorError, MirrorFile, Plan};
use crate::model::Page;
use crate::pipeline::{self, Arrival, Fetched, Processed, Tally};
use crate::rules::{Rule, UrlKind};
use crate::store::{ReplacePolicy, Store, StoreError};

/// Pages between two flushes: a crash loses at most this many pages' work.
pub const DEFAULT_BATCH: usize = 256;

/// How many unreadable files a report names (it counts them all).
const MAX_LISTED_UNREADABLE: usize = 20;

/// What stops an ingest.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The mirror cannot be read.
    #[error(transparent)]
    Mirror(#[from] MirrorError),
    /// The store failed; what was flushed before is safe.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The thread reading WARC files stopped unexpectedly; what was flushed before is safe.
    #[error(
        "the WARC reader stopped: {message}; this is a bug in cablestrip, please report it with the file that caused it"
    )]
    Reader {
        /// What the thread said.
        message: String,
    },
}

/// How to ingest.
#[derive(Debug, Clone, Copy)]
pub struct IngestOptions {
    /// Pages between flushes.
    pub batch: usize,
    /// What to do with a stored cable when its page now gives none.
    pub policy: ReplacePolicy,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch: DEFAULT_BATCH,
            policy: ReplacePolicy::KeepPrevious,
        }
    }
}

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    /// The site.
    pub site: String,
    /// The rule version that cleaned the pages.
    pub rules: String,
    /// Files in the folder.
    pub files: usize,
    /// Files that map to a page of the site.
    pub pages: usize,
    /// Files that map to no page of the site (styles, images, articles…).
    pub skipped_files: usize,
    /// Files that map to a URL that an earlier file already gave.
    pub duplicate_files: usize,
    /// Files that could not be read.
    pub unreadable_files: usize,
    /// The first unreadable files, with why.
    pub unreadable: Vec<String>,
    /// What storing the pages did.
    #[serde(flatten)]
    pub stored: StoredCounts,
    /// How much was read and written, and how fast.
    #[serde(flatten)]
    pub speed: Throughput,
}

/// How much an ingest read and wrote, and how fast: mirror and WARC ingests alike.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Throughput {
    /// Bytes of the pages' bodies read (decoded, for a WARC's).
    pub bytes_read: u64,
    /// Writes of bodies, page records and cables.
    pub writes: u64,
    /// Wall-clock time.
    pub seconds: f64,
    /// Pages taken (cleaned and stored, or found unchanged) per second.
    pub pages_per_second: f64,
    /// Megabytes (10^6 bytes) of page bodies per second.
    pub megabytes_per_second: f64,
}

impl Throughput {
    /// Sets the time since `started`, the writes since `writes_before`, and the speeds of
    /// `pages` pages.
    pub(crate) fn finish(
        &mut self,
        store: &Store,
        writes_before: u64,
        started: Instant,
        pages: u64,
    ) {
        self.writes = store.content_writes() - writes_before;
        self.seconds = started.elapsed().as_secs_f64();
        if self.seconds > 0.0 {
            self.pages_per_second = pages as f64 / self.seconds;
            self.megabytes_per_second = self.bytes_read as f64 / 1e6 / self.seconds;
        }
    }
}

/// What storing an ingest's pages did, as its report counts it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StoredCounts {
    /// Pages already stored as they are (same body, cleaned by this rule): nothing done.
    pub unchanged_pages: usize,
    /// Pages recorded (new, or changed since they were stored).
    pub recorded_pages: usize,
    /// Raw bodies that were new to the store.
    pub new_bodies: usize,
    /// Index pages (kept for their links, not cleaned).
    pub index_pages: usize,
    /// Cables stored for the first time.
    pub new_cables: usize,
    /// Cables that replaced a different stored cable of the same page.
    pub changed_cables: usize,
    /// Cables cleaned again and found equal to the stored one.
    pub unchanged_cables: usize,
    /// Cables the quality gate found suspect, of those cleaned (see `cablestrip show`).
    pub suspect_cables: usize,
    /// Cable pages that the rule rejected, by reject kind.
    pub rejected: BTreeMap<String, usize>,
    /// Rejected pages whose earlier cable was kept.
    pub kept_previous: usize,
}

impl StoredCounts {
    /// The counts of a run's tally.
    pub fn of(tally: &Tally) -> StoredCounts {
        let n = |count: u64| usize::try_from(count).unwrap_or(usize::MAX);
        StoredCounts {
            unchanged_pages: n(tally.skipped),
            recorded_pages: n(tally.processed),
            new_bodies: n(tally.new_bodies),
            index_pages: n(tally.not_cleaned),
            new_cables: n(tally.new),
            changed_cables: n(tally.changed + tally.restamped),
            unchanged_cables: n(tally.unchanged),
            suspect_cables: n(tally.suspect),
            rejected: tally
                .rejected
                .iter()
                .map(|(kind, count)| (kind.clone(), n(*count)))
                .collect(),
            kept_previous: n(tally.kept_previous + tally.not_cleaned_kept + tally.dropped),
        }
    }
}

enum FileOutcome {
    Unreadable(String),
    Done {
        processed: Box<Processed>,
        bytes: u64,
    },
}

/// Ingests the files of `plan` into `store` with `rule`, on every core, flushing every
/// `options.batch` pages and at the end. `progress` is called with the number of files
/// done after each one. The run is logged (`Store::begin_run`), with the report as its
/// summary once it finishes.
pub fn ingest(
    store: &Store,
    rule: &Rule,
    plan: &Plan,
    options: IngestOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<IngestReport, IngestError> {
    let started = Instant::now();
    let writes_before = store.content_writes();
    let run = store.begin_run("ingest")?;
    store.flush()?;
    let mut report = IngestReport {
        site: rule.name.clone(),
        rules: rule.version.clone(),
        files: plan.seen,
        pages: plan.files.len(),
        skipped_files: plan.skipped.len(),
        duplicate_files: plan.duplicates.len(),
        ..IngestReport::default()
    };
    let mut tally = Tally::default();
    let done = std::sync::atomic::AtomicU64::new(0);
    for batch in plan.files.chunks(options.batch.max(1)) {
        let outcomes: Vec<Result<FileOutcome, StoreError>> = batch
            .par_iter()
            .map(|file| {
                let outcome = ingest_file(store, rule, file, options.policy);
                let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(finished);
                outcome
            })
            .collect();
        for (file, outcome) in batch.iter().zip(outcomes) {
            match outcome? {
                FileOutcome::Unreadable(why) => report.add_unreadable(file, &why),
                FileOutcome::Done { processed, bytes } => {
                    report.speed.bytes_read += bytes;
                    tally.add(&processed);
                }
            }
        }
        store.flush()?;
        tracing::info!(
            done = done.load(std::sync::atomic::Ordering::Relaxed),
            total = plan.files.len(),
            "flushed a batch"
        );
    }
    report.stored = StoredCounts::of(&tally);
    let processed = report.pages - report.unreadable_files;
    report
        .speed
        .finish(store, writes_before, started, processed as u64);
    let summary = serde_json::to_string(&report).unwrap_or_else(|_| "{}".to_string());
    store.finish_run(run.id, &summary)?;
    store.flush()?;
    Ok(report)
}

impl IngestReport {
    fn add_unreadable(&mut self, file: &MirrorFile, why: &str) {
        self.unreadable_files += 1;
        if self.unreadable.len() < MAX_LISTED_UNREADABLE {
            self.unreadable
                .push(format!("{}: {why}", file.path.display()));
        }
    }
}

fn ingest_file(
    store: &Store,
    rule: &Rule,
    file: &MirrorFile,
    policy: ReplacePolicy,
) -> Result<FileOutcome, StoreError> {
    let read = std::fs::metadata(&file.path).and_then(|metadata| {
        let body = std::fs::read(&file.path)?;
        Ok((metadata, body))
    });
    let (metadata, body) = match read {
        Ok(read) => read,
        Err(error) => return Ok(FileOutcome::Unreadable(error.to_string())),
    };
    // The file's modification time stands for when it was fetched: unchanged files keep it,
    // so storing them again changes nothing. A file system without times gives the epoch.
    let fetched_at = metadata
        .modified()
        .ok()
        .and_then(|time| Timestamp::try_from(time).ok())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let bytes = body.len() as u64;
    // An index page's links name cables the mirror may lack: known IDs for `coverage`.
    if rule.classify(&file.url) == UrlKind::Follow {
        let links = pipeline::extract_links(&file.url, &String::from_utf8_lossy(&body));
        pipeline::note_listing_ids(store, rule, &file.url, &links)?;
    }
    let arrival = Arrival::Fetched(Fetched {
        page: Page::from_bytes(file.url.clone(), body),
        etag: None,
        last_modified: None,
        headers: Vec::new(),
        fetched_at,
        document: None,
    });
    let options = pipeline::Options {
        policy,
        dry_run: false,
    };
    let processed = pipeline::process(store, rule, arrival, &options)?;
    Ok(FileOutcome::Done {
        processed: Box::new(processed),
        bytes,
    })
}
