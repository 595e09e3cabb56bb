//! What the store's unit tests share: temporary databases, page URLs, pages shaped like
//! real ones, and cables and page records to store.

use std::time::Duration;

use jiff::Timestamp;

use super::*;
use crate::model::{Cable, CableId, PageUrl};

pub(crate) const SITE: &str = "cablegate.wikileaks.org";
pub(crate) const RULES: &str = "cablegate.wikileaks.org@0123456789ab";

pub(crate) fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db");
    (dir, path)
}

pub(crate) fn url(path: &str) -> PageUrl {
    PageUrl::parse(&format!("https://{SITE}{path}")).expect("test URL")
}

pub(crate) fn when() -> Timestamp {
    "2026-01-02T03:04:05Z".parse().expect("timestamp")
}

/// A page shaped like a real one: lots of shared chrome around a little text of its own.
pub(crate) fn html(n: usize) -> Vec<u8> {
    let mut page = String::from("<html><head><title>Cable viewer</title></head><body>");
    for i in 0..60 {
        page.push_str(&format!(
            "<div class=\"sidebar\"><a href=\"/origin/{i}_0.html\">Embassy number {i}</a> \
             <span>Browse by origin, by tag, by classification</span></div>\n"
        ));
    }
    page.push_str(&format!(
        "<pre>SUBJECT: TEST CABLE NUMBER {n}\n1. (C) Paragraph {n} about {}.</pre></body></html>",
        n * 7919 % 1000
    ));
    page.into_bytes()
}

/// A page whose sidebar lists 40 of 160 headlines, picked by `n`: no one page holds all the
/// chrome, as on a site whose sidebar changes over time.
pub(crate) fn varied_html(n: usize) -> Vec<u8> {
    let mut page = String::from("<html><body><ul class=\"headlines\">");
    for slot in 0..40 {
        let k = (n * 37 + slot * 4) % 160;
        let words = blake3::hash(&k.to_le_bytes()).to_hex();
        page.push_str(&format!(
            "<li><a href=\"/article/{k}.html\">Headline {k}: {}</a></li>\n",
            &words[..48]
        ));
    }
    page.push_str(&format!(
        "</ul><pre>SUBJECT: TEST CABLE {n}</pre></body></html>"
    ));
    page.into_bytes()
}

pub(crate) fn cable(id: &str, page: &PageUrl, site: &str, text: &str) -> Cable {
    Cable {
        id: CableId::parse(id).expect("test id"),
        url: page.clone(),
        site: site.to_string(),
        title: Some(format!("Viewing cable {id}")),
        subject: Some("TEST".to_string()),
        header: None,
        body: text.to_string(),
        created: Some("2008-01-01".to_string()),
        classification: Some("CONFIDENTIAL".to_string()),
        origin: Some("Embassy Moscow".to_string()),
        tags: vec!["PREL".to_string()],
        meta: Default::default(),
        rules: format!("{site}@0123456789ab"),
        source_id: None,
        cut: None,
        suspect: Vec::new(),
    }
}

pub(crate) fn page_record(
    page: &PageUrl,
    body: Option<BodyHash>,
    outcome: CleanOutcome,
) -> PageRecord {
    PageRecord {
        url: page.clone(),
        site: SITE.to_string(),
        status: 200,
        content_type: Some("text/html".to_string()),
        etag: Some("\"abc\"".to_string()),
        last_modified: None,
        headers: Vec::new(),
        fetched_at: when(),
        body,
        outcome,
    }
}

pub(crate) fn cable_outcome(cable: &Cable) -> CleanOutcome {
    CleanOutcome::Cable {
        id: cable.id.clone(),
        rules_version: cable.rules.clone(),
        suspect: cable.is_suspect(),
    }
}

pub(crate) fn rejected() -> CleanOutcome {
    CleanOutcome::Rejected {
        kind: "body-not-found".to_string(),
        message: "the body selector matched nothing".to_string(),
        rules_version: RULES.to_string(),
    }
}

/// Stores a body and a cable for `path`; returns the page record used.
pub(crate) fn store_cable(store: &Store, path: &str, cable: &Cable, body: &[u8]) -> PageRecord {
    let hash = store.put_body(&cable.site, body).expect("put body").hash();
    let mut page = page_record(&url(path), Some(hash), cable_outcome(cable));
    page.site = cable.site.clone();
    let change = store
        .record_page(&page, Some(cable), ReplacePolicy::KeepPrevious)
        .expect("record page");
    assert_eq!(change, CableChange::New);
    page
}

/// Whether `tree` reports any write within a short wait.
pub(crate) fn wrote(subscriber: &mut sled::Subscriber) -> bool {
    subscriber.next_timeout(Duration::from_millis(100)).is_ok()
}

/// A store holding two cable pages, an index page and a queued URL.
pub(crate) struct Two {
    pub _dir: tempfile::TempDir,
    pub path: std::path::PathBuf,
    pub store: Store,
    pub first: PageRecord,
    pub second: PageRecord,
}

pub(crate) fn two() -> Two {
    let (dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let first_url = url("/cable/2008/01/08MOSCOW3728.html");
    let second_url = url("/cable/2009/02/09STATE100.html");
    let first = store_cable(
        &store,
        first_url.path(),
        &cable("08MOSCOW3728", &first_url, SITE, "1. (C) One."),
        &html(1),
    );
    let second = store_cable(
        &store,
        second_url.path(),
        &cable("09STATE100", &second_url, SITE, "1. (C) Two."),
        &html(2),
    );
    let index = store.put_body(SITE, &html(3)).expect("put").hash();
    store
        .record_page(
            &page_record(&url("/index.html"), Some(index), CleanOutcome::NotCleaned),
            None,
            ReplacePolicy::KeepPrevious,
        )
        .expect("record index");
    store
        .frontier()
        .push(&FrontierEntry {
            url: url("/next.html"),
            kind: LinkKind::Follow,
            depth: 1,
            attempts: 0,
        })
        .expect("queue");
    store.flush().expect("flush");
    Two {
        _dir: dir,
        path,
        store,
        first,
        second,
    }
}

pub(crate) fn id_of(page: &PageRecord) -> CableId {
    match &page.outcome {
        CleanOutcome::Cable { id, .. } => id.clone(),
        other => panic!("not a cable page: {other:?}"),
    }
}
