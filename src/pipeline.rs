//! Page → clean → store: the one path that crawl and ingest share, so a page is stored and
//! cleaned the same way however it arrived.

use jiff::Timestamp;
use scraper::Html;

use crate::clean::{self, Reject};
use crate::model::{Cable, Page};
use crate::rules::{Rule, UrlKind};
use crate::store::{CableChange, CleanOutcome, PageRecord, ReplacePolicy, Store, StoreError};

/// A page as it arrived, with what the server said about it.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// The page itself.
    pub page: Page,
    /// The ETag the server sent.
    pub etag: Option<String>,
    /// The Last-Modified the server sent.
    pub last_modified: Option<String>,
    /// When it was fetched (for a file: when it was last modified).
    pub fetched_at: Timestamp,
}

/// What storing one page did.
#[derive(Debug, Clone)]
pub struct Stored {
    /// Whether the raw body was new to the store.
    pub new_body: bool,
    /// What happened to the page's cable.
    pub change: CableChange,
    /// The reject, when cleaning gave none.
    pub reject: Option<Reject>,
    /// Whether the page was already stored exactly so and nothing was done.
    pub skipped: bool,
}

/// Stores `arrival`'s raw body, cleans it with `rule` if it is a cable page, and records the
/// page and its cable together.
///
/// A page already stored with the same body, status and validators, and cleaned by this
/// version of the rule, is left alone: nothing is cleaned or written.
pub fn store_page(
    store: &Store,
    rule: &Rule,
    arrival: &Arrival,
    policy: ReplacePolicy,
) -> Result<Stored, StoreError> {
    store_parsed_page(store, rule, arrival, policy, None)
}

/// [`store_page`] for a caller that has already parsed the page with
/// [`clean::parse_page`] (the crawler, for its links): cleaning reuses that document.
pub fn store_parsed_page(
    store: &Store,
    rule: &Rule,
    arrival: &Arrival,
    policy: ReplacePolicy,
    document: Option<&Html>,
) -> Result<Stored, StoreError> {
    let page = &arrival.page;
    let body_hash = crate::store::BodyHash::of(&page.body);
    let previous = store.page(&page.url)?;
    if let Some(previous) = &previous
        && previous.body.as_ref() == Some(&body_hash)
        && previous.status == page.status
        && previous.etag == arrival.etag
        && previous.last_modified == arrival.last_modified
        && outcome_is_current(&previous.outcome, rule)
    {
        return Ok(Stored {
            new_body: false,
            change: CableChange::Unchanged,
            reject: None,
            skipped: true,
        });
    }
    let put = store.put_body(&rule.name, &page.body)?;
    let (outcome, cable, reject) = clean_page_with(page, rule, document);
    let record = PageRecord {
        url: page.url.clone(),
        site: rule.name.clone(),
        status: page.status,
        content_type: page.content_type.clone(),
        etag: arrival.etag.clone(),
        last_modified: arrival.last_modified.clone(),
        fetched_at: arrival.fetched_at,
        body: Some(put.hash()),
        outcome,
    };
    let change = store.record_page(&record, cable.as_ref(), policy)?;
    Ok(Stored {
        new_body: put.is_new(),
        change,
        reject,
        skipped: false,
    })
}

/// Cleans a cable page; an index page is recorded as not cleaned.
pub fn clean_page(page: &Page, rule: &Rule) -> (CleanOutcome, Option<Cable>, Option<Reject>) {
    clean_page_with(page, rule, None)
}

fn clean_page_with(
    page: &Page,
    rule: &Rule,
    document: Option<&Html>,
) -> (CleanOutcome, Option<Cable>, Option<Reject>) {
    if !matches!(rule.classify(&page.url), UrlKind::Cable { .. }) {
        return (CleanOutcome::NotCleaned, None, None);
    }
    let result = match document {
        Some(document) => clean::clean_parsed(page, rule, document),
        None => clean::clean_with(page, rule),
    };
    let outcome = CleanOutcome::of(&result, &rule.version);
    match result {
        Ok(cable) => (outcome, Some(cable), None),
        Err(reject) => (outcome, None, Some(reject)),
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
