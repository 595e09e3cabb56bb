//! Ingest of WARC files: every `response` record (and every `revisit` whose payload the
//! input holds) of an http(s) page that a rule knows becomes a stored page, with its real
//! URL, status, headers and the record's date as its fetch time, through the same
//! arrival → clean → store path as every other page ([`pipeline::process`]).
//!
//! One thread reads the files (the format layer, [`crate::warc`], decodes gzip members,
//! chunked and compressed bodies and resolves revisits) while the pages read before are
//! cleaned and stored on every core, a batch at a time, flushed after each. Records are
//! stored in the order read, so of several records of one URL the last read is what the
//! store keeps (files in a folder are read in name order, which for crawl archives is
//! the order of time). A damaged record is reported with its file and offset, counted and
//! passed over; the reader goes on with the next record it can find.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use super::{DEFAULT_BATCH, IngestError, StoredCounts, Throughput};
use crate::model::{Page, PageUrl};
use crate::pipeline::{self, Arrival, Fetched, Processed, Tally};
use crate::rules::{Rule, RuleSet, UrlKind};
use crate::store::{ReplacePolicy, Store, StoreError};
use crate::warc::{Limits, PageReader, WarcError, WarcPage};

/// How many problems a report names (it counts them all).
const MAX_LISTED_PROBLEMS: usize = 20;

/// How many hosts no rule knows a report names, with their pages.
const MAX_LISTED_HOSTS: usize = 20;

/// How to ingest WARC files.
#[derive(Debug, Clone)]
pub struct WarcIngestOptions {
    /// Pages between flushes.
    pub batch: usize,
    /// What to do with a stored cable when its page now gives none.
    pub policy: ReplacePolicy,
    /// Only this site's pages (a rule file's name); every site's when `None`.
    pub site: Option<String>,
    /// What one record may take.
    pub limits: Limits,
}

impl Default for WarcIngestOptions {
    fn default() -> Self {
        WarcIngestOptions {
            batch: DEFAULT_BATCH,
            policy: ReplacePolicy::KeepPrevious,
            site: None,
            limits: Limits::default(),
        }
    }
}

/// What an ingest of WARC files did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct WarcIngestReport {
    /// The sites whose pages were taken, with the version of the rule that cleaned them.
    pub sites: BTreeMap<String, String>,
    /// WARC files read.
    pub files: u64,
    /// Records read whole.
    pub records: u64,
    /// Pages the files gave: responses of http(s) URLs, and revisits resolved.
    pub warc_pages: u64,
    /// Revisits resolved to a payload in the input.
    pub revisits_resolved: u64,
    /// Revisits whose payload is not in the input: counted, not stored.
    pub revisits_unresolved: u64,
    /// Records that give no page, by type: `request`, `metadata`, `warcinfo`, `non-http`…
    pub skipped_records: BTreeMap<String, u64>,
    /// Pages not taken, by why: `no-rule` (a host no rule file names: see `unknown_hosts`),
    /// `other-site` (not `--site`'s), `not-a-page` (a path the rule neither cleans nor
    /// follows: styles, images, articles), `http-404` and other statuses but 2xx.
    pub skipped_pages: BTreeMap<String, u64>,
    /// The hosts no rule knows, with their pages (the first few): `--host-map HOST=SITE`
    /// takes a mirror's pages as the site's.
    pub unknown_hosts: BTreeMap<String, u64>,
    /// Pages taken through cleaning and storing.
    pub pages: usize,
    /// Damaged or unreadable records, files and pages (each passed over).
    pub errors: u64,
    /// The first of those, each naming its file and byte offset.
    pub problems: Vec<String>,
    /// Bytes of damaged input passed over.
    pub bytes_skipped: u64,
    /// What storing the pages did.
    #[serde(flatten)]
    pub stored: StoredCounts,
    /// How much was read and written, and how fast.
    #[serde(flatten)]
    pub speed: Throughput,
}

impl WarcIngestReport {
    fn problem(&mut self, error: &WarcError) {
        self.errors += 1;
        tracing::debug!(%error, "WARC problem");
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(error.to_string());
        }
    }

    fn skip(&mut self, why: &str) {
        *self.skipped_pages.entry(why.to_string()).or_insert(0) += 1;
    }
}

/// A page taken for storing, with its site's rule.
struct Taken<'r> {
    url: PageUrl,
    rule: &'r Rule,
    page: WarcPage,
}

/// Ingests the pages of the WARC `files` (as [`crate::warc::warc_files`] lists them) into
/// `store`, each with the rule of its site in `rules` (where `--host-map` has mapped
/// mirrors), flushing every `options.batch` pages and at the end. `progress` is called
/// with the bytes of input read so far. The run is logged, with the report as its summary.
pub fn ingest_warc(
    store: &Store,
    rules: &RuleSet,
    files: &[PathBuf],
    options: &WarcIngestOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<WarcIngestReport, IngestError> {
    let started = Instant::now();
    let writes_before = store.content_writes();
    let run = store.begin_run("ingest")?;
    store.flush()?;
    let mut report = WarcIngestReport::default();
    let mut tally = Tally::default();
    // Where each file starts in the input as a whole, for the progress in bytes.
    let mut starts = HashMap::new();
    let mut total = 0u64;
    for file in files {
        starts.insert(file.clone(), total);
        total += std::fs::metadata(file).map_or(0, |m| m.len());
    }
    let (sender, receiver) = mpsc::sync_channel(options.batch.max(1));
    let reader = PageReader::new(files.to_vec(), options.limits);
    let counts = std::thread::scope(|scope| {
        let reading = scope.spawn(move || {
            let mut reader = reader;
            for item in reader.by_ref() {
                if sender.send(item).is_err() {
                    break;
                }
            }
            reader.counts().clone()
        });
        let mut run = Batches {
            store,
            options,
            tally: &mut tally,
            report: &mut report,
            batch: Vec::new(),
            urls: HashSet::new(),
        };
        let stored = (|| {
            for item in receiver {
                match item {
                    Ok(page) => {
                        let at = starts.get(page.file.as_ref()).copied().unwrap_or(0);
                        progress(at + page.location.offset);
                        run.take(rules, page)?;
                    }
                    Err(error) => run.report.problem(&error),
                }
            }
            run.flush_batch()
        })();
        // Ends the reader when storing failed part way: its next send finds no receiver.
        let counts = reading.join().map_err(|panic| IngestError::Reader {
            message: panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_string()))
                .unwrap_or_else(|| "it panicked".to_string()),
        });
        stored?;
        counts
    })?;
    progress(total);
    report.files = counts.files;
    report.records = counts.records;
    report.warc_pages = counts.pages;
    report.revisits_resolved = counts.revisits_resolved;
    report.revisits_unresolved = counts.revisits_unresolved;
    report.skipped_records = counts.skipped;
    report.bytes_skipped = counts.bytes_skipped;
    report.stored = StoredCounts::of(&tally);
    let pages = report.pages as u64;
    report.speed.finish(store, writes_before, started, pages);
    let summary = serde_json::to_string(&report).unwrap_or_else(|_| "{}".to_string());
    store.finish_run(run.id, &summary)?;
    store.flush()?;
    Ok(report)
}

/// The pages read so far, in batches that are stored on every core.
struct Batches<'a, 'r> {
    store: &'a Store,
    options: &'a WarcIngestOptions,
    tally: &'a mut Tally,
    report: &'a mut WarcIngestReport,
    batch: Vec<Taken<'r>>,
    /// The batch's URLs: a second record of one URL waits for the next batch, so that the
    /// records of a URL are stored in the order read.
    urls: HashSet<PageUrl>,
}

impl<'r> Batches<'_, 'r> {
    /// Takes a page into the batch if it is one to store, storing the batch when it is full.
    fn take(&mut self, rules: &'r RuleSet, page: WarcPage) -> Result<(), IngestError> {
        let Some(taken) = self.classify(rules, page) else {
            return Ok(());
        };
        if self.urls.contains(&taken.url) {
            self.flush_batch()?;
        }
        self.urls.insert(taken.url.clone());
        self.batch.push(taken);
        if self.batch.len() >= self.options.batch.max(1) {
            self.flush_batch()?;
        }
        Ok(())
    }

    /// The page as one to store, or `None`, counted as skipped.
    fn classify(&mut self, rules: &'r RuleSet, page: WarcPage) -> Option<Taken<'r>> {
        let Ok(fetched) = PageUrl::new(page.url.clone()) else {
            self.report.skip("bad-url");
            return None;
        };
        // A mapped mirror's page is the site's own.
        let url = rules.site_url(&fetched);
        let Some(rule) = rules.rule_for_url(&url) else {
            self.report.skip("no-rule");
            let hosts = &mut self.report.unknown_hosts;
            let host = fetched.host().to_string();
            if hosts.len() < MAX_LISTED_HOSTS || hosts.contains_key(&host) {
                *hosts.entry(host).or_insert(0) += 1;
            }
            return None;
        };
        if self.options.site.as_deref().is_some_and(|s| s != rule.name) {
            self.report.skip("other-site");
            return None;
        }
        if !(200..300).contains(&page.status) {
            self.report.skip(&format!("http-{}", page.status));
            return None;
        }
        if rule.classify(&url) == UrlKind::Other {
            self.report.skip("not-a-page");
            return None;
        }
        Some(Taken { url, rule, page })
    }

    /// Stores the batch on every core, then flushes the store.
    fn flush_batch(&mut self) -> Result<(), IngestError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.batch);
        self.urls.clear();
        for taken in &batch {
            let rule = taken.rule;
            self.report
                .sites
                .entry(rule.name.clone())
                .or_insert_with(|| rule.version.clone());
            self.report.speed.bytes_read += taken.page.body.len() as u64;
        }
        self.report.pages += batch.len();
        let store = self.store;
        let policy = self.options.policy;
        let outcomes: Vec<Result<Processed, StoreError>> = batch
            .into_par_iter()
            .map(|taken| store_page(store, taken, policy))
            .collect();
        for outcome in outcomes {
            self.tally.add(&outcome?);
        }
        self.store.flush()?;
        tracing::info!(pages = self.report.pages, "flushed a batch");
        Ok(())
    }
}

fn store_page(
    store: &Store,
    taken: Taken<'_>,
    policy: ReplacePolicy,
) -> Result<Processed, StoreError> {
    let Taken { url, rule, page } = taken;
    // An index page's links name cables the archive may lack: known IDs for `coverage`.
    if rule.classify(&url) == UrlKind::Follow {
        let links = pipeline::extract_links(&url, &String::from_utf8_lossy(&page.body));
        pipeline::note_listing_ids(store, rule, &url, &links)?;
    }
    let arrival = Arrival::Fetched(Fetched {
        page: Page {
            url,
            status: page.status,
            content_type: page.content_type,
            body: page.body,
        },
        etag: page.etag,
        last_modified: page.last_modified,
        headers: page.headers,
        fetched_at: page.date,
        document: None,
    });
    let options = pipeline::Options {
        policy,
        dry_run: false,
    };
    pipeline::process(store, rule, arrival, &options)
}

/// Whether `path` is a WARC input rather than a mirror: a file (a file given is read as a
/// WARC, whatever its name), or a folder that holds `.warc` or `.warc.gz` files.
pub fn is_warc_input(path: &Path) -> bool {
    if !path.is_dir() {
        return true;
    }
    walkdir::WalkDir::new(path)
        .into_iter()
        .filter_map(Result::ok)
        .any(|entry| entry.file_type().is_file() && crate::warc::is_warc_name(entry.path()))
}

#[cfg(test)]
mod tests;
