//! Tests of what the reading commands need from the store: refusing a missing database,
//! counting data writes, the content checksum, and reading a cable with its body at hand.

use url::Url;

use super::*;
use crate::model::{Cable, CableId};

const SITE: &str = "cablegate.wikileaks.org";

fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db");
    (dir, path)
}

fn url(path: &str) -> Url {
    Url::parse(&format!("https://{SITE}{path}")).expect("test URL")
}

/// A page with some chrome and a little text of its own.
fn html(n: usize) -> Vec<u8> {
    let mut page = String::from("<html><body>");
    for i in 0..40 {
        page.push_str(&format!(
            "<div class=\"sidebar\">Browse by origin {i}</div>\n"
        ));
    }
    page.push_str(&format!("<pre>SUBJECT: TEST CABLE {n}</pre></body></html>"));
    page.into_bytes()
}

fn cable(id: &str, page: &Url, text: &str) -> Cable {
    Cable {
        id: CableId::parse(id).expect("test id"),
        url: page.to_string(),
        site: SITE.to_string(),
        title: None,
        subject: Some("TEST".to_string()),
        header: None,
        body: text.to_string(),
        created: None,
        classification: None,
        origin: None,
        tags: vec![],
        rules: format!("{SITE}@0123456789ab"),
        source_id: None,
    }
}

/// Stores `body` and `cable` for the cable's page; returns the page record.
fn store_cable(store: &Store, cable: &Cable, body: &[u8]) -> PageRecord {
    let hash = store.put_body(SITE, body).expect("put body").hash();
    let page = PageRecord {
        url: Url::parse(&cable.url).expect("url"),
        site: SITE.to_string(),
        status: 200,
        content_type: None,
        etag: None,
        last_modified: None,
        fetched_at: "2026-01-02T03:04:05Z".parse().expect("timestamp"),
        body: Some(hash),
        outcome: CleanOutcome::Cable {
            id: cable.id.clone(),
            rules_version: cable.rules.clone(),
        },
    };
    let change = store
        .record_page(&page, Some(cable), ReplacePolicy::KeepPrevious)
        .expect("record page");
    assert_eq!(change, CableChange::New);
    page
}

#[test]
fn open_existing_refuses_a_folder_without_a_database_and_creates_nothing() {
    let (dir, path) = temp_db();
    let error = Store::open_existing(&path).expect_err("no database yet");
    assert!(matches!(error, StoreError::NotFound { .. }), "{error}");
    assert!(error.to_string().contains("--db"), "{error}");
    assert!(
        !path.exists(),
        "a refused open must not create the database"
    );
    // An empty folder is no database either.
    std::fs::create_dir(&path).expect("mkdir");
    assert!(Store::open_existing(&path).is_err());
    std::fs::remove_dir(&path).expect("rmdir");
    drop(Store::open(&path).expect("create"));
    Store::open_existing(&path).expect("now it exists");
    drop(dir);
}

#[test]
fn content_writes_and_checksum_see_data_writes_but_not_the_run_log() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let before = store.content_checksum().expect("checksum");
    assert_eq!(store.content_writes(), 0);
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let cable = cable("08MOSCOW3728", &page_url, "1. (C) Summary.");
    let page = store_cable(&store, &cable, &html(1));
    assert_eq!(
        store.content_writes(),
        2,
        "one body, one page with its cable"
    );
    let after = store.content_checksum().expect("checksum");
    assert_ne!(before, after);

    // Recording the same page again, and logging a run, change no data.
    store
        .record_page(&page, Some(&cable), ReplacePolicy::KeepPrevious)
        .expect("record again");
    let run = store.begin_run("reclean").expect("run");
    store.finish_run(run.id, "{}").expect("finish");
    assert_eq!(store.content_writes(), 2);
    assert_eq!(store.content_checksum().expect("checksum"), after);
}

#[test]
fn a_cable_reads_the_same_with_its_body_at_hand() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let cable = cable("08MOSCOW3728", &page_url, "1. (C) Summary.");
    let body = html(1);
    store_cable(&store, &cable, &body);
    let hash = BodyHash::of(&body);
    assert_eq!(
        store
            .cable_with_body(&page_url, &hash, &body)
            .expect("read"),
        Some(cable.clone())
    );
    // A body that is not the cable's own is not used: the stored one is read instead.
    let other = html(2);
    assert_eq!(
        store
            .cable_with_body(&page_url, &BodyHash::of(&other), &other)
            .expect("read"),
        Some(cable)
    );
    let elsewhere = url("/cable/2008/01/08MOSCOW9999.html");
    assert_eq!(
        store
            .cable_with_body(&elsewhere, &hash, &body)
            .expect("read"),
        None
    );
}
