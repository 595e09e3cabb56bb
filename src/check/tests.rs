//! Unit tests of the check job: what it reports of a sound and a damaged store, and what
//! its repair brings back: a lost cable cleaned again from its raw page with the rules, a
//! lost raw page listed as unrecoverable and marked so that the next arrival stores it.

use jiff::Timestamp;

use super::*;
use crate::model::Page;
use crate::pipeline::Fetched;
use crate::store::damage::Part;
use crate::store::{BODY_LOST, BodyHash, CleanOutcome};

const URL: &str = "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html";

fn page() -> Page {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/cablegate.wikileaks.org/standard.html"
    );
    let body = std::fs::read(file).expect("the fixture page");
    Page::from_bytes(url(), body)
}

fn url() -> PageUrl {
    PageUrl::parse(URL).expect("url")
}

fn rules() -> RuleSet {
    RuleSet::builtin().expect("built-in rules")
}

fn arrive(store: &Store, rules: &RuleSet) {
    let rule = rules.require("cablegate.wikileaks.org").expect("rule");
    let fetched = Fetched {
        page: page(),
        etag: None,
        last_modified: None,
        headers: Vec::new(),
        fetched_at: "2026-01-02T03:04:05Z".parse::<Timestamp>().expect("time"),
        document: None,
    };
    process(store, rule, Arrival::Fetched(fetched), &Options::default()).expect("process");
    store.flush().expect("flush");
}

/// A database holding the fixture cable; the store is closed, as `check` opens it itself.
fn stored(damage: impl FnOnce(&Store)) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db");
    let store = Store::open(&path).expect("open");
    arrive(&store, &rules());
    damage(&store);
    (dir, path)
}

#[test]
fn a_sound_store_is_reported_sound_and_a_repair_changes_nothing() {
    let (_dir, path) = stored(|_| {});
    let report = check(&path, &rules(), false).expect("check");
    assert!(report.is_sound(), "{:#?}", report.problems);
    assert_eq!(report.counts.map(|c| c.cables), Some(1));
    let checksum = Store::open(&path)
        .and_then(|s| s.content_checksum())
        .expect("checksum");
    let report = check(&path, &rules(), true).expect("repair");
    assert!(report.is_repaired());
    let repair = report.repair.expect("a repair report");
    assert!(repair.repaired.is_empty() && repair.recleaned.is_empty());
    assert!(repair.recovery.damaged_copy.is_none());
    let after = Store::open(&path)
        .and_then(|s| s.content_checksum())
        .expect("checksum");
    assert_eq!(
        after, checksum,
        "a repair of a sound store writes no content"
    );
}

#[test]
fn a_lost_cable_is_cleaned_again_from_its_raw_page() {
    let (_dir, path) = stored(|store| store.damage_remove(&Part::Cable(&url())));
    let report = check(&path, &rules(), false).expect("check");
    assert!(!report.is_sound());
    assert!(
        report
            .problems
            .iter()
            .any(|p| matches!(p, Problem::CableMissing { url: u, .. } if *u == url())),
        "{:#?}",
        report.problems
    );
    let report = check(&path, &rules(), true).expect("repair");
    assert!(report.is_repaired(), "{report:#?}");
    let repair = report.repair.expect("repair");
    assert_eq!(repair.recleaned.len(), 1);
    assert_eq!(repair.recleaned[0].id.as_str(), "09VALLETTA123");
    let store = Store::open(&path).expect("open");
    assert_eq!(
        store.cable(&url()).expect("read").map(|c| c.id.to_string()),
        Some("09VALLETTA123".to_string())
    );
}

#[test]
fn a_lost_raw_page_is_unrecoverable_and_comes_back_with_the_next_arrival() {
    let hash = BodyHash::of(&page().body);
    let (_dir, path) = stored(|store| store.damage_remove(&Part::Body(&hash)));
    let report = check(&path, &rules(), true).expect("repair");
    assert!(!report.is_repaired(), "a lost page is not recovered");
    let repair = report.repair.expect("repair");
    assert_eq!(repair.unrecoverable.len(), 1, "{:#?}", repair.unrecoverable);
    let lost = &repair.unrecoverable[0];
    assert_eq!(lost.url, Some(url()));
    assert!(
        lost.fix.contains("crawl") && lost.fix.contains("ingest"),
        "{lost:?}"
    );
    assert!(repair.problems.is_empty(), "{:#?}", repair.problems);

    let store = Store::open(&path).expect("open");
    let record = store.page(&url()).expect("read").expect("kept");
    assert!(
        matches!(&record.outcome, CleanOutcome::Failed { kind, .. } if kind == BODY_LOST),
        "{record:?}"
    );
    arrive(&store, &rules());
    assert!(store.has_body(&hash).expect("look up"));
    assert!(store.cable(&url()).expect("read").is_some());
    drop(store);
    assert!(check(&path, &rules(), false).expect("check").is_sound());
}

#[test]
fn a_store_sled_cannot_open_is_reported_not_failed() {
    let (_dir, path) = stored(|_| {});
    let conf = path.join("conf");
    let mut bytes = std::fs::read(&conf).expect("read");
    bytes[0] ^= 0xff;
    std::fs::write(&conf, bytes).expect("write");
    let report = check(&path, &rules(), false).expect("a report, not an error");
    assert!(!report.opened);
    assert!(
        report
            .open_error
            .as_deref()
            .is_some_and(|e| e.contains("check --repair")),
        "{report:#?}"
    );
    assert!(report.bad_files.iter().any(|b| b.file == "conf"));
    let report = check(&path, &rules(), true).expect("repair");
    assert!(report.is_repaired(), "{report:#?}");
    assert_eq!(
        report.repair.map(|r| r.recovery.removed_files),
        Some(vec!["conf".to_string()])
    );
}

#[test]
fn a_missing_store_is_an_error_naming_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("no-such.db");
    for repair in [false, true] {
        let error = check(&path, &rules(), repair).expect_err("no store");
        assert!(matches!(error, StoreError::NotFound { .. }), "{error}");
        assert!(!path.exists(), "check creates no store");
    }
}
