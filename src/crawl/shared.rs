//! What every task of one crawl shares: the store, the rules, the fetcher, the settings,
//! the set of URLs fetched this run, and the lock that keeps frontier pushes in order.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use jiff::{SignedDuration, Timestamp};

use super::config::CrawlConfig;
use super::error::CrawlError;
use super::fetch::Fetcher;
use super::outcome::may_pass;
use super::scope::in_scope;
use crate::model::PageUrl;
use crate::rules::{RuleSet, UrlKind};
use crate::store::{CleanOutcome, FrontierEntry, LinkKind, PageRecord, Store, StoreError};

/// What every crawl task shares.
#[derive(Debug)]
pub(super) struct Shared {
    pub(super) store: Store,
    pub(super) rules: Arc<RuleSet>,
    pub(super) fetcher: Fetcher,
    pub(super) config: CrawlConfig,
    /// URLs whose fetch started this run.
    done: Mutex<HashSet<PageUrl>>,
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
    ) -> Shared {
        Shared {
            store,
            rules,
            fetcher,
            config,
            done: Mutex::new(HashSet::new()),
            push: Mutex::new(()),
        }
    }

    /// The site and kind of `url` if this run may fetch it: in a rule's scope and, with a
    /// site to keep to, that site's.
    pub(super) fn scope(&self, url: &PageUrl) -> Option<(&str, LinkKind)> {
        let (site, kind) = in_scope(&self.rules, url)?;
        if self.config.site.as_deref().is_some_and(|s| s != site) {
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

    /// Forgets what was fetched: a new run starts.
    pub(super) fn clear_done(&self) {
        self.lock_done().clear();
    }

    /// Queues `entry` unless its URL is queued; returns whether it was queued now.
    pub(super) fn push(&self, entry: &FrontierEntry) -> Result<bool, StoreError> {
        // Nothing inside leaves the guarded unit half-changed.
        let _one_at_a_time = self.push.lock().unwrap_or_else(PoisonError::into_inner);
        self.store.frontier().push(entry)
    }

    /// Whether a stored page needs no fetch now (see [`is_fresh`]).
    pub(super) fn is_fresh(&self, record: &PageRecord, now: Timestamp) -> bool {
        is_fresh(record, self.config.recheck_after, now)
    }

    fn lock_done(&self) -> MutexGuard<'_, HashSet<PageUrl>> {
        // A plain set, never left half-changed.
        self.done.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether a stored page needs no fetch now: fetched less than `recheck_after` ago, and
/// not a failure that may pass (a timeout, a 5xx, a refused connection).
pub(super) fn is_fresh(
    record: &PageRecord,
    recheck_after: std::time::Duration,
    now: Timestamp,
) -> bool {
    if let CleanOutcome::Failed { kind, .. } = &record.outcome
        && may_pass(kind)
    {
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
