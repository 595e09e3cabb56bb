//! `crawl --known-ids`: the cable IDs the store knows of (see [`Census`]) that the crawl's
//! site has no page for yet, queued at the URL its rule's `cable_url` template makes, in ID
//! order and up to `--limit` a run. They go through the frontier like every other URL, so
//! they are fetched at the site's rate and a run that stops leaves them queued for the
//! next. An ID the site has any page for (a copy, a reject, a failure, a 404) is not queued
//! again here: the crawl's re-check rules decide when such a page is asked for again, and a
//! 404 at a template's URL ("not on this site") never is, but with `--retry-failed`.

use serde::Serialize;

use super::config::KnownIds;
use super::shared::{Pushed, Shared};
use crate::model::CableId;
use crate::pipeline::Census;
use crate::rules::{Rule, YearMonth};
use crate::store::{FrontierEntry, LinkKind, StoreError};

/// What queueing the known IDs did, for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct KnownCounts {
    /// IDs known to the store.
    pub known: u64,
    /// Of those, IDs the site has no page for yet.
    pub untried: u64,
    /// Of those, queued now.
    pub queued: u64,
    /// Of those, queued already (by an earlier run that did not finish).
    pub already_queued: u64,
    /// Left for another run by `--limit`.
    pub left: u64,
    /// Not queued because the template needs the cable's date and no stored copy gives it.
    pub undated: u64,
    /// Dropped because the site's share of the frontier is full.
    pub dropped_full: u64,
}

/// Queues the known IDs that `rule`'s site has no page for, at its `cable_url`.
pub(super) fn queue(
    shared: &Shared,
    rule: &Rule,
    settings: KnownIds,
) -> Result<KnownCounts, StoreError> {
    let census = Census::take(&shared.store, &shared.rules)?;
    let mut counts = KnownCounts {
        known: census.len() as u64,
        ..KnownCounts::default()
    };
    let Some(template) = &rule.cable_url else {
        return Ok(counts);
    };
    let limit = settings.limit.unwrap_or(u64::MAX);
    for id in census.untried_on(&rule.name) {
        counts.untried += 1;
        if counts.queued + counts.already_queued >= limit {
            counts.left += 1;
            continue;
        }
        let date = if template.needs_date() {
            date_of(shared, id)?
        } else {
            None
        };
        let Some(url) = rule.cable_url_for(id, date) else {
            counts.undated += 1;
            continue;
        };
        let entry = FrontierEntry {
            url,
            kind: LinkKind::Cable,
            // Not a seed: a link's depth, as the stored pages re-checked get.
            depth: 1,
            attempts: 0,
        };
        match shared.push(&rule.name, &entry)? {
            Pushed::Queued => counts.queued += 1,
            Pushed::AlreadyQueued => counts.already_queued += 1,
            Pushed::Full => counts.dropped_full += 1,
        }
    }
    tracing::info!(site = %rule.name, ?counts, "known IDs queued");
    Ok(counts)
}

/// The creation year and month of `id`, from the first stored copy that gives a date.
fn date_of(shared: &Shared, id: &CableId) -> Result<Option<YearMonth>, StoreError> {
    Ok(shared
        .store
        .cables_for_id(id)?
        .iter()
        .find_map(|cable| cable.created.as_deref().and_then(YearMonth::of_date)))
}
