//! Unit tests of the pipeline's skip decision: a page stored exactly so is left alone, but
//! not when the store has lost what its record names (its raw body, its cable, the cable's
//! index entry): then the same page arriving again stores what was lost.

use jiff::Timestamp;

use super::*;
use crate::model::{CableId, Page};
use crate::rules::RuleSet;
use crate::store::damage::Part;

const URL: &str = "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html";

fn page() -> Page {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/cablegate.wikileaks.org/standard.html"
    );
    let body = std::fs::read(file).expect("the fixture page");
    Page::from_bytes(PageUrl::parse(URL).expect("url"), body)
}

fn arrive(store: &Store, rule: &Rule) -> Processed {
    let fetched = Fetched {
        page: page(),
        etag: Some("\"v1\"".to_string()),
        last_modified: None,
        headers: Vec::new(),
        fetched_at: "2026-01-02T03:04:05Z".parse::<Timestamp>().expect("time"),
        document: None,
    };
    process(store, rule, Arrival::Fetched(fetched), &Options::default()).expect("process")
}

/// A store holding the fixture cable, and the rules that cleaned it.
fn stored() -> (tempfile::TempDir, Store, RuleSet) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("db")).expect("open");
    let rules = RuleSet::builtin().expect("built-in rules");
    let rule = cablegate(&rules);
    let first = arrive(&store, rule);
    assert_eq!(first.change, CableChange::New);
    let again = arrive(&store, rule);
    assert!(again.skipped, "a page stored exactly so is skipped");
    (dir, store, rules)
}

fn cablegate(rules: &RuleSet) -> &Rule {
    rules.require("cablegate.wikileaks.org").expect("rule")
}

fn url() -> PageUrl {
    PageUrl::parse(URL).expect("url")
}

fn id() -> CableId {
    CableId::parse("09VALLETTA123").expect("id")
}

#[test]
fn a_page_whose_raw_body_was_lost_is_stored_again_not_skipped() {
    let (_dir, store, rules) = stored();
    let rule = cablegate(&rules);
    let hash = BodyHash::of(&page().body);
    store.damage_remove(&Part::Body(&hash));
    let healed = arrive(&store, rule);
    assert!(!healed.skipped);
    assert!(healed.new_body);
    assert!(store.has_body(&hash).expect("look up"));
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
    assert!(arrive(&store, rule).skipped, "and then it is skipped again");
}

#[test]
fn a_page_whose_cable_was_lost_is_cleaned_again_not_skipped() {
    let (_dir, store, rules) = stored();
    let rule = cablegate(&rules);
    store.damage_remove(&Part::Cable(&url()));
    let healed = arrive(&store, rule);
    assert!(!healed.skipped);
    assert_eq!(healed.change, CableChange::New);
    assert_eq!(store.cables_for_id(&id()).expect("read").len(), 1);
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
}

#[test]
fn a_cable_whose_index_entry_was_lost_gets_it_back() {
    let (_dir, store, rules) = stored();
    let rule = cablegate(&rules);
    let (url, id) = (url(), id());
    store.damage_remove(&Part::IndexEntry(&id, &url));
    assert!(store.cables_for_id(&id).expect("read").is_empty());
    let healed = arrive(&store, rule);
    assert!(!healed.skipped);
    assert_eq!(
        healed.change,
        CableChange::Unchanged,
        "the cable itself is the same"
    );
    assert_eq!(store.cables_for_id(&id).expect("read").len(), 1);
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
}

#[test]
fn a_damaged_cable_that_check_removed_is_cleaned_again_on_the_next_arrival() {
    // The skip decision asks whether the cable is there, not whether it decodes (that
    // would read every stored cable on every ingest): `check --repair` removes a cable
    // that does not decode, and then the page's next arrival cleans it again.
    let (_dir, store, rules) = stored();
    let rule = cablegate(&rules);
    store.damage_garble(&Part::Cable(&url()));
    let audit = store.audit();
    let fixes = store
        .repair_records(&audit, &|_| "cablegate.wikileaks.org".to_string())
        .expect("repair");
    assert_eq!(fixes.reclean, vec![url()]);
    let healed = arrive(&store, rule);
    assert!(!healed.skipped);
    assert_eq!(healed.change, CableChange::New);
    assert_eq!(
        store.cable(&url()).expect("reads again").map(|c| c.id),
        Some(id())
    );
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
}
