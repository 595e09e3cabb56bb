//! Arrival → clean → store: the one path every page takes to the store, whatever brought it
//! (a fetch, a file of a saved mirror, a stored page cleaned again, a fetch that failed or
//! found the stored copy current), so that a page is cleaned and recorded the same way
//! however it arrived.
//!
//! [`process`] takes one [`Arrival`] and gives one [`Processed`]; the store decides what
//! the page's record does to its cable ([`CableChange::decide`]), and a dry run asks that
//! same decision without writing. [`Tally`] counts the outcomes for every job's summary.
//!
//! Beside that path: the cable IDs an index page names are recorded as known
//! ([`note_listing_ids`]), and [`Census`] reads back everything the store knows of every
//! cable ID, for `coverage` and for a crawl seeded from the known IDs.

mod known;
mod links;
mod listing;
mod tally;

use jiff::Timestamp;
use scraper::Html;

use crate::clean::{self, Reject};
use crate::model::{Cable, Page, PageUrl};
use crate::rules::{Rule, UrlKind};
use crate::store::{
    BodyHash, CableChange, CleanOutcome, PageRecord, ReplacePolicy, Store, StoreError,
};
pub use known::{Census, KnownId, NOT_ON_SITE, Seen, State};
pub use links::{extract_links, links_of};
pub use listing::note_listing_ids;
pub use tally::{Tally, same_content};

/// How a page came to the pipeline.
#[derive(Debug)]
pub enum Arrival<'d> {
    /// A page with its body: fetched, or read from a saved mirror.
    Fetched(Fetched<'d>),
    /// A stored page, cleaned again with today's rule (reclean): nothing is fetched.
    Stored(PageRecord),
    /// The server said the stored copy is current (a 304): a cable page's re-check clock
    /// restarts; nothing else is written.
    NotModified {
        /// The page.
        url: PageUrl,
        /// When the server said so.
        at: Timestamp,
    },
    /// A fetch that brought no page.
    Failed(Failure),
}

/// A page that came with its body.
#[derive(Debug)]
pub struct Fetched<'d> {
    /// The page itself.
    pub page: Page,
    /// The ETag the server sent.
    pub etag: Option<String>,
    /// The Last-Modified the server sent.
    pub last_modified: Option<String>,
    /// Every response header the server sent, in order; empty for a mirror's file. Kept
    /// with the page (but Content-Length: see [`PageRecord::headers`]) so that a WARC
    /// export can write the response as it came. They are not part of what makes a page
    /// "stored exactly so already": a fetch of an unchanged page writes nothing.
    pub headers: Vec<(String, String)>,
    /// When it was fetched (for a file: when it was last modified).
    pub fetched_at: Timestamp,
    /// The page already parsed by [`clean::parse`], when the caller parsed it for its
    /// links (the crawler): cleaning reuses it.
    pub document: Option<&'d Html>,
}

/// A fetch that brought no page, as it is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The page asked for.
    pub url: PageUrl,
    /// The HTTP status, when the server answered (0 when it did not).
    pub status: u16,
    /// A short stable name of the failure, e.g. `timeout`, `gone`.
    pub kind: String,
    /// What happened, in words.
    pub message: String,
    /// When the fetch ended.
    pub at: Timestamp,
}

/// How to process.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Options {
    /// What to do with a stored cable when its page now gives none.
    pub policy: ReplacePolicy,
    /// Decide what would change, and write nothing.
    pub dry_run: bool,
}

/// What processing one arrival did (or, in a dry run, would do).
#[derive(Debug, Clone, PartialEq)]
pub struct Processed {
    /// What the page's record did to its cable.
    pub change: CableChange,
    /// Why cleaning gave no cable, when it rejected the page.
    pub reject: Option<Reject>,
    /// Whether the raw body was new to the store.
    pub new_body: bool,
    /// Whether nothing was done: the page was stored exactly so already (same body, status
    /// and validators, cleaned by this version of the rule), or a failed fetch was not
    /// recorded over a good stored copy.
    pub skipped: bool,
    /// What cleaning had made of the page before, when it was stored.
    pub before: Option<CleanOutcome>,
    /// What cleaning makes of the page now.
    pub after: CleanOutcome,
    /// The page's cable now, when cleaning gave one.
    pub cable: Option<Cable>,
}

/// Brings one arrival to the store with `rule` (the rule of the page's site): cleans what
/// has a body, and records the page and its cable together.
///
/// A stored page whose raw body is missing is an error ([`StoreError::MissingBody`]): it
/// cannot be cleaned again until it is fetched or ingested again.
pub fn process(
    store: &Store,
    rule: &Rule,
    arrival: Arrival<'_>,
    options: &Options,
) -> Result<Processed, StoreError> {
    match arrival {
        Arrival::Fetched(fetched) => process_fetched(store, rule, &fetched, options),
        Arrival::Stored(record) => process_stored(store, rule, record, options),
        Arrival::NotModified { url, at } => process_not_modified(store, rule, &url, at, options),
        Arrival::Failed(failure) => process_failure(store, rule, failure, options),
    }
}

fn process_fetched(
    store: &Store,
    rule: &Rule,
    fetched: &Fetched<'_>,
    options: &Options,
) -> Result<Processed, StoreError> {
    let page = &fetched.page;
    let body_hash = BodyHash::of(&page.body);
    let previous = store.page(&page.url)?;
    if let Some(previous) = &previous
        && previous.body.as_ref() == Some(&body_hash)
        && previous.status == page.status
        && previous.etag == fetched.etag
        && previous.last_modified == fetched.last_modified
        && outcome_is_current(&previous.outcome, rule)
        && holds_what_it_names(store, previous)?
    {
        return Ok(Processed {
            change: CableChange::Unchanged,
            reject: None,
            new_body: false,
            skipped: true,
            before: Some(previous.outcome.clone()),
            after: previous.outcome.clone(),
            cable: None,
        });
    }
    let (after, cable, reject) = clean_page(page, rule, fetched.document);
    let record = PageRecord {
        url: page.url.clone(),
        site: rule.name.clone(),
        status: page.status,
        content_type: page.content_type.clone(),
        etag: fetched.etag.clone(),
        last_modified: fetched.last_modified.clone(),
        headers: kept_headers(&fetched.headers),
        fetched_at: fetched.fetched_at,
        body: Some(body_hash),
        outcome: after.clone(),
    };
    let (change, new_body) = if options.dry_run {
        let stored = store.cable(&page.url)?;
        let change = CableChange::decide(&after, cable.as_ref(), stored, options.policy);
        (change, !store.has_body(&body_hash)?)
    } else {
        let put = store.put_body(&rule.name, &page.body)?;
        let change = store.record_page(&record, cable.as_ref(), options.policy)?;
        (change, put.is_new())
    };
    Ok(Processed {
        change,
        reject,
        new_body,
        skipped: false,
        before: previous.map(|p| p.outcome),
        after,
        cable,
    })
}

fn process_stored(
    store: &Store,
    rule: &Rule,
    record: PageRecord,
    options: &Options,
) -> Result<Processed, StoreError> {
    let missing = || StoreError::MissingBody {
        path: store.path().to_path_buf(),
        url: record.url.to_string(),
        hash: record
            .body
            .map_or_else(|| "(none)".to_string(), |h| h.to_string()),
    };
    let hash = record.body.ok_or_else(missing)?;
    let body = store.body(&hash)?.ok_or_else(missing)?;
    let page = Page {
        url: record.url.clone(),
        status: record.status,
        content_type: record.content_type.clone(),
        body,
    };
    let previous = store.cable_with_body(&record.url, &hash, &page.body)?;
    let (after, cable, reject) = clean_page(&page, rule, None);
    let unchanged = after == record.outcome && cable == previous;
    let change = if options.dry_run || unchanged {
        // Nothing to write (the usual case with unchanged rules): recording would find the
        // same and write nothing, but only after reading the page and cable again.
        CableChange::decide(&after, cable.as_ref(), previous, options.policy)
    } else {
        let updated = PageRecord {
            outcome: after.clone(),
            ..record.clone()
        };
        store.record_page(&updated, cable.as_ref(), options.policy)?
    };
    Ok(Processed {
        change,
        reject,
        new_body: false,
        skipped: false,
        before: Some(record.outcome),
        after,
        cable,
    })
}

/// A 304 to a cable page's re-check: the stored copy is current, so its clock restarts and
/// it is next due a full re-check period from now. Nothing else is written.
fn process_not_modified(
    store: &Store,
    rule: &Rule,
    url: &PageUrl,
    at: Timestamp,
    options: &Options,
) -> Result<Processed, StoreError> {
    let record = store.page(url)?;
    let untouched = |record: Option<PageRecord>| Processed {
        change: CableChange::Unchanged,
        reject: None,
        new_body: false,
        skipped: true,
        before: record.as_ref().map(|r| r.outcome.clone()),
        after: record.map_or(CleanOutcome::NotCleaned, |r| r.outcome),
        cable: None,
    };
    let Some(mut record) = record.filter(|_| is_cable_page(rule, url)) else {
        return Ok(untouched(None));
    };
    let cable = match record.outcome {
        CleanOutcome::Cable { .. } => match store.cable(url)? {
            Some(cable) => Some(cable),
            // The record names a cable the store lacks: left for `check --repair` or a
            // reclean to mend.
            None => return Ok(untouched(Some(record))),
        },
        _ => None,
    };
    record.fetched_at = at;
    let change = if options.dry_run {
        CableChange::Unchanged
    } else {
        store.record_page(&record, cable.as_ref(), ReplacePolicy::KeepPrevious)?
    };
    Ok(Processed {
        change,
        reject: None,
        new_body: false,
        skipped: false,
        before: Some(record.outcome.clone()),
        after: record.outcome,
        cable,
    })
}

/// Records a fetch that brought no page, unless a good copy is stored: a failure tonight
/// must not hide the copy fetched last week.
fn process_failure(
    store: &Store,
    rule: &Rule,
    failure: Failure,
    options: &Options,
) -> Result<Processed, StoreError> {
    let stored = store.page(&failure.url)?;
    let before = stored.as_ref().map(|r| r.outcome.clone());
    let after = CleanOutcome::Failed {
        kind: failure.kind,
        message: failure.message,
    };
    if stored.is_some_and(|record| record.body.is_some()) {
        return Ok(Processed {
            change: CableChange::KeptPrevious,
            reject: None,
            new_body: false,
            skipped: true,
            before,
            after,
            cable: None,
        });
    }
    let record = PageRecord {
        url: failure.url,
        site: rule.name.clone(),
        status: failure.status,
        content_type: None,
        etag: None,
        last_modified: None,
        headers: Vec::new(),
        fetched_at: failure.at,
        body: None,
        outcome: after.clone(),
    };
    let change = if options.dry_run {
        CableChange::NotCleaned
    } else {
        store.record_page(&record, None, ReplacePolicy::KeepPrevious)?
    };
    Ok(Processed {
        change,
        reject: None,
        new_body: false,
        skipped: false,
        before,
        after,
        cable: None,
    })
}

/// The headers a page record keeps: all but Content-Length, which gave the size of the body
/// on the wire (compressed, perhaps), not of the body stored.
fn kept_headers(headers: &[(String, String)]) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| !name.eq_ignore_ascii_case("Content-Length"))
        .cloned()
        .collect()
}

/// Whether the store holds what a page's record names: its raw body, and its cable (in
/// the ID index too) when the record says it gave one. A page stored exactly so is left
/// alone as unchanged only when this holds, so that after damage a fresh fetch or ingest
/// stores again what was lost instead of calling it unchanged.
fn holds_what_it_names(store: &Store, record: &PageRecord) -> Result<bool, StoreError> {
    if let Some(hash) = &record.body
        && !store.has_body(hash)?
    {
        return Ok(false);
    }
    match &record.outcome {
        CleanOutcome::Cable { id, .. } => store.holds_cable(&record.url, id),
        _ => Ok(true),
    }
}

fn is_cable_page(rule: &Rule, url: &PageUrl) -> bool {
    matches!(rule.classify(url), UrlKind::Cable { .. })
}

/// Cleans a cable page (reusing `document` when given); an index page is recorded as not
/// cleaned.
fn clean_page(
    page: &Page,
    rule: &Rule,
    document: Option<&Html>,
) -> (CleanOutcome, Option<Cable>, Option<Reject>) {
    if !is_cable_page(rule, &page.url) {
        return (CleanOutcome::NotCleaned, None, None);
    }
    let result = match document {
        Some(document) => clean::clean_parsed(page, rule, document),
        None => clean::clean(page, rule),
    };
    match result {
        Ok(cable) => (
            CleanOutcome::Cable {
                id: cable.id.clone(),
                rules_version: cable.rules.clone(),
                suspect: cable.is_suspect(),
            },
            Some(cable),
            None,
        ),
        Err(reject) => (
            CleanOutcome::Rejected {
                kind: reject.kind().to_string(),
                message: reject.to_string(),
                rules_version: rule.version.clone(),
            },
            None,
            Some(reject),
        ),
    }
}

/// Whether a stored outcome was made by `rule` as it is now (or needs no cleaning).
pub fn outcome_is_current(outcome: &CleanOutcome, rule: &Rule) -> bool {
    match outcome {
        CleanOutcome::Cable { rules_version, .. }
        | CleanOutcome::Rejected { rules_version, .. } => *rules_version == rule.version,
        CleanOutcome::NotCleaned => true,
        CleanOutcome::Failed { .. } => false,
    }
}

#[cfg(test)]
mod tests;
