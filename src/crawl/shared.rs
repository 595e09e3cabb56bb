//! What every task of one crawl shares: the store, the rules, the fetcher, the settings,
//! the set of URLs fetched this run, and the lock that keeps frontier pushes in order.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use jiff::{SignedDuration, Timestamp};

use super::archive::Archive;
use super::config::CrawlConfig;
use super::error::CrawlError;
use super::fetch::Fetcher;
use super::outcome::may_pass;
use super::scope::in_scope;
use crate::model::PageUrl;
use crate::pipeline::NOT_ON_SITE;
use crate::rules::{RuleSet, UrlKind};
use crate::store::{CleanOutcome, FrontierEntry, LinkKind, PageRecord, Store, StoreError};

/// What every crawl task shares.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) store: Store,
    pub(super) rules: Arc<RuleSet>,
    pub(super) fetcher: Fetcher,
    pub(super) config: CrawlConfig,
    /// The WARC archive, with `--warc`.
    pub(super) archive: Option<Archive>,
    /// URLs whose fetch started this run.
    done: Mutex<HashSet<PageUrl>>,
    /// URLs not asked for this run, because their host's robots.txt could not be read:
    /// done for this run, but left queued for the next.
    held: Mutex<HashSet<PageUrl>>,
    /// Entries in the frontier per site, to keep each under its cap.
    queued: Mutex<HashMap<String, u64>>,
    /// Held around every frontier push: the loop reads the frontier on from the last
    /// position it saw, which is sound only while pushes write in position order (see
    /// `Frontier::peek_from`).
    push: Mutex<()>,
}

impl Shared {
    pub(super) fn new(
        store: Store,
        rules: Arc<RuleSet>,
        fetcher: Fetcher,
        config: CrawlConfig,
        archive: Option<Archive>,
    ) -> Shared {
        Shared {
            store,
            rules,
            fetcher,
            config,
            archive,
            done: Mutex::new(HashSet::new()),
            held: Mutex::new(HashSet::new()),
            queued: Mutex::new(HashMap::new()),
            push: Mutex::new(()),
        }
    }

    /// The site and kind of `url` (a site's own URL) if this run may fetch it: in a rule's
    /// scope and, with a site to keep to, that site's.
    ///
    /// With hosts mapped onto sites, the crawl keeps to those sites: the others' hosts are
    /// not this run's to reach.
    pub(super) fn scope(&self, url: &PageUrl) -> Option<(&str, LinkKind)> {
        let (site, kind) = in_scope(&self.rules, url)?;
        if self.config.site.as_deref().is_some_and(|s| s != site) {
            return None;
        }
        if self.rules.has_mirrors() && !self.rules.is_mirrored(site) {
            return None;
        }
        let kind = match kind {
            UrlKind::Cable { .. } => LinkKind::Cable,
            _ => LinkKind::Follow,
        };
        Some((site, kind))
    }

    /// Marks `url` fetched this run; false if it already was.
    pub(super) fn mark_done(&self, url: &PageUrl) -> bool {
        self.lock_done().insert(url.clone())
    }

    /// Whether `url` was fetched this run.
    pub(super) fn is_done(&self, url: &PageUrl) -> bool {
        self.lock_done().contains(url)
    }

    /// Forgets what was fetched and held back, and counts the frontier's entries per site
    /// afresh: a new run starts.
    pub(super) fn start_run(&self) -> Result<(), StoreError> {
        self.lock_done().clear();
        lock(&self.held).clear();
        let mut counts: HashMap<String, u64> = HashMap::new();
        let mut position = 0;
        loop {
            let batch = self.store.frontier().peek_from(position, 4096)?;
            let Some(last) = batch.last() else { break };
            position = last.seq.saturating_add(1);
            for queued in &batch {
                if let Some(rule) = self.rules.rule_for_url(&queued.entry.url) {
                    *counts.entry(rule.name.clone()).or_insert(0) += 1;
                }
            }
        }
        *lock(&self.queued) = counts;
        Ok(())
    }

    /// Marks `url` as held back this run: not asked for, left queued.
    pub(super) fn hold(&self, url: &PageUrl) {
        lock(&self.held).insert(url.clone());
    }

    /// Whether `url` was held back this run.
    pub(super) fn is_held(&self, url: &PageUrl) -> bool {
        lock(&self.held).contains(url)
    }

    /// Queues `entry` (a URL of `site`) unless its URL is queued or the site's share of the
    /// frontier is full.
    pub(super) fn push(&self, site: &str, entry: &FrontierEntry) -> Result<Pushed, StoreError> {
        // Nothing inside leaves the guarded unit half-changed.
        let _one_at_a_time = self.push.lock().unwrap_or_else(PoisonError::into_inner);
        let mut queued = lock(&self.queued);
        let count = queued.entry(site.to_string()).or_insert(0);
        if *count >= self.config.max_queued_per_site {
            return Ok(if self.store.frontier().contains(&entry.url)? {
                Pushed::AlreadyQueued
            } else {
                Pushed::Full
            });
        }
        if self.store.frontier().push(entry)? {
            *count += 1;
            Ok(Pushed::Queued)
        } else {
            Ok(Pushed::AlreadyQueued)
        }
    }

    /// Takes `url` out of the frontier: it was dealt with.
    pub(super) fn forget(&self, url: &PageUrl) -> Result<(), StoreError> {
        if self.store.frontier().remove(url)?
            && let Some(rule) = self.rules.rule_for_url(url)
            && let Some(count) = lock(&self.queued).get_mut(&rule.name)
        {
            *count = count.saturating_sub(1);
        }
        Ok(())
    }

    /// Whether a stored page needs no fetch now (see [`is_fresh`]).
    pub(super) fn is_fresh(&self, record: &PageRecord, now: Timestamp) -> bool {
        is_fresh(
            record,
            self.config.recheck_after,
            self.config.retry_failed,
            now,
        )
    }

    fn lock_done(&self) -> MutexGuard<'_, HashSet<PageUrl>> {
        lock(&self.done)
    }
}

/// What pushing an entry did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pushed {
    /// It is queued now.
    Queued,
    /// Its URL was queued before.
    AlreadyQueued,
    /// The site's share of the frontier is full: it was dropped.
    Full,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // Plain sets and counters, never left half-changed.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Whether a stored page needs no fetch now: fetched less than `recheck_after` ago, and
/// nothing that a new fetch may mend: not a failure that may pass (see [`may_pass`]), not a
/// page the rules rejected, not a suspect cable (a page cut short comes whole the next
/// time). With `retry_failed`, no failure, reject or suspect cable is fresh.
pub(super) fn is_fresh(
    record: &PageRecord,
    recheck_after: std::time::Duration,
    retry_failed: bool,
    now: Timestamp,
) -> bool {
    let mendable = match &record.outcome {
        // Asking again would only hear the 404 again: the site has no page for the cable.
        CleanOutcome::Failed { kind, .. } if kind == NOT_ON_SITE => return !retry_failed,
        CleanOutcome::Failed { kind, .. } => retry_failed || may_pass(kind),
        CleanOutcome::Rejected { .. } | CleanOutcome::Cable { suspect: true, .. } => true,
        _ => false,
    };
    if mendable {
        return false;
    }
    let limit = SignedDuration::try_from(recheck_after).unwrap_or(SignedDuration::MAX);
    now.duration_since(record.fetched_at) < limit
}

/// Runs store work on the blocking pool.
pub(super) async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, CrawlError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => Ok(result?),
        Err(error) => Err(CrawlError::Task {
            message: error.to_string(),
        }),
    }
}

#[cfg(test)]
mod tests;
