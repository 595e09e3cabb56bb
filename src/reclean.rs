//! Reclean: stored raw pages → clean with today's rule files → store what changed, without
//! the network.
//!
//! A page is stale when its outcome was made by another version of its site's rule, or when
//! its URL now classes as a cable page but it was stored as not cleaned; `--all` takes every
//! page the rule cleans. Pages whose site has no rule any more are counted and left. Each
//! page goes the same way as every other ([`pipeline::process`], as a stored arrival), and
//! the store writes only what differs, so with unchanged rules a reclean writes nothing.
//!
//! Each page is recorded in one transaction (page record, cable and index entry together)
//! and the store is flushed every batch, so a reclean killed midway leaves every page either
//! as it was or recleaned; the pages it did not reach are still stale, and a rerun finishes
//! them.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::model::Cable;
use crate::pipeline::{self, Arrival, Processed, Tally, same_content};
use crate::rules::{Rule, RuleSet, UrlKind};
use crate::store::{CableChange, CleanOutcome, PageRecord, ReplacePolicy, Store, StoreError};

/// Pages between two flushes.
pub const DEFAULT_BATCH: usize = 256;
/// Changed cables whose diff a dry run shows, unless told otherwise.
pub const DEFAULT_SAMPLE: usize = 5;
/// How many newly rejected pages a report names (it counts them all).
const MAX_LISTED_REJECTS: usize = 100;

/// What to reclean and how.
#[derive(Debug, Clone)]
pub struct RecleanOptions {
    /// Only this site's pages.
    pub site: Option<String>,
    /// Every page the rules clean, not only the stale ones.
    pub all: bool,
    /// Work out what would change, and write nothing.
    pub dry_run: bool,
    /// What to do with a stored cable when its page is now rejected.
    pub policy: ReplacePolicy,
    /// Changed cables to show a diff for (dry run).
    pub sample: usize,
    /// Pages between flushes.
    pub batch: usize,
}

impl Default for RecleanOptions {
    fn default() -> Self {
        RecleanOptions {
            site: None,
            all: false,
            dry_run: false,
            policy: ReplacePolicy::KeepPrevious,
            sample: DEFAULT_SAMPLE,
            batch: DEFAULT_BATCH,
        }
    }
}

/// What a reclean did (or, in a dry run, would do).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecleanReport {
    /// Nothing was written.
    pub dry_run: bool,
    /// Every page was recleaned, not only the stale ones.
    pub all: bool,
    /// Page records looked at.
    pub pages: usize,
    /// Pages cleaned again.
    pub examined: usize,
    /// Cables whose content changed.
    pub changed: usize,
    /// Cables whose content is the same and whose only change is the `rules` version stamp:
    /// written again with the new stamp.
    pub restamped: usize,
    /// Cables cleaned again and found identical, stamp and all: nothing written.
    pub unchanged: usize,
    /// Cables the quality gate found suspect, of those cleaned again.
    pub suspect: usize,
    /// Pages that gave a cable where they had none.
    pub new: usize,
    /// Pages that had a cable (or none, and no reject) and are now rejected.
    pub newly_rejected: usize,
    /// Of those, pages whose previous cable was kept.
    pub kept_previous: usize,
    /// Of those, pages whose previous cable was deleted (`--drop-rejected`).
    pub dropped: usize,
    /// Pages rejected before and again.
    pub still_rejected: usize,
    /// Pages whose URL the rule no longer classes as a cable page (their cable is kept).
    pub no_longer_cable_pages: usize,
    /// Pages left alone because no rule file names their site any more, by site.
    pub no_rule: BTreeMap<String, usize>,
    /// Pages that could not be recleaned because their raw body is not stored.
    pub missing_body: usize,
    /// The newly rejected pages: URL, and why.
    pub rejects: Vec<RejectedPage>,
    /// Diffs of the first changed cables (dry run).
    pub samples: Vec<ChangeSample>,
    /// Writes of page records and cables.
    pub writes: u64,
    /// Wall-clock time.
    pub seconds: f64,
    /// Pages examined per second.
    pub pages_per_second: f64,
}

/// A page whose new result is a reject.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedPage {
    /// The page.
    pub url: String,
    /// The reject's kind.
    pub kind: String,
    /// The reject's message.
    pub message: String,
}

/// A changed cable, as a unified diff of its text before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangeSample {
    /// The page.
    pub url: String,
    /// The cable's ID (after).
    pub id: String,
    /// The unified diff.
    pub diff: String,
}

/// What happened to one page.
enum Outcome {
    Skipped,
    NoRule(String),
    MissingBody,
    Cleaned(Box<Processed>),
}

/// Whether `page` needs cleaning again with `rule` (its site's current rule).
pub fn is_stale(page: &PageRecord, rule: &Rule, all: bool) -> bool {
    let cable_url = matches!(rule.classify(&page.url), UrlKind::Cable { .. });
    match &page.outcome {
        CleanOutcome::Cable { .. } | CleanOutcome::Rejected { .. } => {
            all || !pipeline::outcome_is_current(&page.outcome, rule)
        }
        CleanOutcome::NotCleaned => cable_url,
        // Nothing was fetched: only a new fetch can help.
        CleanOutcome::Failed { .. } => false,
    }
}

/// Recleans the stored pages that `options` selects, on every core. `progress` is called
/// with the number of pages looked at so far. A real run is logged (`Store::begin_run`)
/// with the report as its summary; a dry run writes nothing at all.
pub fn reclean(
    store: &Store,
    rules: &RuleSet,
    options: &RecleanOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<RecleanReport, StoreError> {
    let started = Instant::now();
    let writes_before = store.content_writes();
    let run = if options.dry_run {
        None
    } else {
        let run = store.begin_run("reclean")?;
        store.flush()?;
        Some(run)
    };
    let by_site: HashMap<&str, &Rule> =
        rules.rules().iter().map(|r| (r.name.as_str(), r)).collect();
    let mut report = RecleanReport {
        dry_run: options.dry_run,
        all: options.all,
        ..RecleanReport::default()
    };
    let mut tally = Tally::default();
    let looked_at = std::sync::atomic::AtomicU64::new(0);
    let mut pages = store.pages(options.site.as_deref());
    loop {
        // Read a batch, then work on it: the pages already recleaned sort before the
        // iterator's position, so it never meets them again.
        let batch: Vec<PageRecord> = pages
            .by_ref()
            .take(options.batch.max(1))
            .collect::<Result<_, _>>()?;
        if batch.is_empty() {
            break;
        }
        let outcomes: Vec<Result<Outcome, StoreError>> = batch
            .par_iter()
            .map(|page| {
                let outcome = match by_site.get(page.site.as_str()) {
                    None => Ok(Outcome::NoRule(page.site.clone())),
                    Some(rule) if is_stale(page, rule, options.all) => {
                        reclean_page(store, rule, page, options)
                    }
                    Some(_) => Ok(Outcome::Skipped),
                };
                progress(looked_at.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1);
                outcome
            })
            .collect();
        for (page, outcome) in batch.iter().zip(outcomes) {
            report.add(page, outcome?, options, &mut tally);
        }
        if !options.dry_run {
            store.flush()?;
            tracing::info!(
                pages = report.pages,
                examined = report.examined,
                "flushed a batch"
            );
        }
    }
    report.count(&tally);
    report.writes = store.content_writes() - writes_before;
    report.seconds = started.elapsed().as_secs_f64();
    if report.seconds > 0.0 {
        report.pages_per_second = report.examined as f64 / report.seconds;
    }
    if let Some(run) = run {
        let summary = serde_json::to_string(&report).unwrap_or_else(|_| "{}".to_string());
        store.finish_run(run.id, &summary)?;
        store.flush()?;
    }
    Ok(report)
}

/// Cleans one stored page again and records (or, in a dry run, works out) the result.
fn reclean_page(
    store: &Store,
    rule: &Rule,
    record: &PageRecord,
    options: &RecleanOptions,
) -> Result<Outcome, StoreError> {
    let pipeline_options = pipeline::Options {
        policy: options.policy,
        dry_run: options.dry_run,
    };
    match pipeline::process(
        store,
        rule,
        Arrival::Stored(record.clone()),
        &pipeline_options,
    ) {
        Ok(processed) => Ok(Outcome::Cleaned(Box::new(processed))),
        Err(StoreError::MissingBody { .. }) => Ok(Outcome::MissingBody),
        Err(error) => Err(error),
    }
}

impl RecleanReport {
    fn add(
        &mut self,
        page: &PageRecord,
        outcome: Outcome,
        options: &RecleanOptions,
        tally: &mut Tally,
    ) {
        self.pages += 1;
        let processed = match outcome {
            Outcome::Skipped => return,
            Outcome::NoRule(site) => {
                *self.no_rule.entry(site).or_insert(0) += 1;
                return;
            }
            Outcome::MissingBody => {
                self.missing_body += 1;
                return;
            }
            Outcome::Cleaned(processed) => processed,
        };
        tally.add(&processed);
        let was_rejected = matches!(processed.before, Some(CleanOutcome::Rejected { .. }));
        if let CleanOutcome::Rejected { kind, message, .. } = &processed.after
            && !was_rejected
            && self.rejects.len() < MAX_LISTED_REJECTS
        {
            self.rejects.push(RejectedPage {
                url: page.url.to_string(),
                kind: kind.clone(),
                message: message.clone(),
            });
        }
        if let (CableChange::Changed { previous }, Some(new)) =
            (&processed.change, &processed.cable)
            && options.dry_run
            && !same_content(previous, new)
            && self.samples.len() < options.sample
        {
            self.samples.push(ChangeSample {
                url: page.url.to_string(),
                id: new.id.to_string(),
                diff: cable_diff(previous, new),
            });
        }
    }

    /// Takes the cable counts from the run's tally.
    fn count(&mut self, tally: &Tally) {
        let n = |count: u64| usize::try_from(count).unwrap_or(usize::MAX);
        self.examined = n(tally.processed);
        self.changed = n(tally.changed);
        self.restamped = n(tally.restamped);
        self.unchanged = n(tally.unchanged);
        self.suspect = n(tally.suspect);
        self.new = n(tally.new);
        self.newly_rejected = n(tally.newly_rejected);
        self.kept_previous = n(tally.kept_previous);
        self.dropped = n(tally.dropped);
        self.still_rejected = n(tally.still_rejected);
        self.no_longer_cable_pages = n(tally.not_cleaned + tally.not_cleaned_kept);
    }
}

/// A cable as text for a diff: its fields, then header and body. The `rules` stamp is left
/// out, since every recleaned cable has a new one.
pub fn cable_text(cable: &Cable) -> String {
    let mut text = String::new();
    let mut field = |name: &str, value: Option<&str>| {
        text.push_str(&format!("{name}: {}\n", value.unwrap_or("")));
    };
    field("id", Some(cable.id.as_str()));
    field("title", cable.title.as_deref());
    field("subject", cable.subject.as_deref());
    field("created", cable.created.as_deref());
    field("classification", cable.classification.as_deref());
    field("origin", cable.origin.as_deref());
    field("tags", Some(&cable.tags.join(", ")));
    field("source_id", cable.source_id.as_deref());
    text.push_str("\n-- header --\n");
    text.push_str(cable.header.as_deref().unwrap_or(""));
    text.push_str("\n-- body --\n");
    text.push_str(&cable.body);
    text.push('\n');
    text
}

/// A unified diff from `before` to `after`.
pub fn cable_diff(before: &Cable, after: &Cable) -> String {
    let (old, new) = (cable_text(before), cable_text(after));
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(2)
        .header(
            &format!("{} ({})", before.url, before.rules),
            &format!("{} ({})", after.url, after.rules),
        )
        .to_string()
}

#[cfg(test)]
mod tests;
