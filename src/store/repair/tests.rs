//! Unit tests of the store's own repairs: each kind of damage to one entry is mended (or
//! handed to the caller to clean again, or marked for the next crawl), and the store is
//! found sound afterwards.

use crate::model::PageUrl;
use crate::store::damage::Part;
use crate::store::test_support::*;
use crate::store::*;

fn site_of(_: &PageUrl) -> String {
    SITE.to_string()
}

fn repair(store: &Store) -> StoreRepair {
    let audit = store.audit();
    assert!(!audit.is_sound(), "the damage is found");
    store.repair_records(&audit, &site_of).expect("repair")
}

#[test]
fn a_lost_index_entry_is_written_again_from_the_cable() {
    let two = two();
    let id = id_of(&two.first);
    two.store
        .damage_remove(&Part::IndexEntry(&id, &two.first.url));
    let fixes = repair(&two.store);
    assert_eq!(
        fixes.repaired,
        vec![Repaired::RebuiltIndex {
            added: 1,
            removed: 0,
            rewritten: 0
        }]
    );
    assert!(fixes.reclean.is_empty() && fixes.refetch.is_empty());
    assert!(two.store.audit().is_sound());
    assert_eq!(two.store.cables_for_id(&id).expect("read").len(), 1);
}

#[test]
fn a_page_whose_body_is_lost_is_marked_for_the_next_crawl() {
    let two = two();
    let hash = two.first.body.expect("a body");
    two.store.damage_remove(&Part::Body(&hash));
    let fixes = repair(&two.store);
    assert_eq!(fixes.refetch, vec![two.first.url.clone()]);
    assert!(
        fixes.repaired.iter().any(|r| matches!(r,
            Repaired::MarkedForRefetch { url, .. } if url == two.first.url.as_str())),
        "{:?}",
        fixes.repaired
    );
    let record = two.store.page(&two.first.url).expect("read").expect("kept");
    assert_eq!(record.body, None);
    assert_eq!(record.etag, None, "the next fetch is not conditional");
    assert!(
        matches!(&record.outcome, CleanOutcome::Failed { kind, message }
            if kind == BODY_LOST && message.contains("crawl")),
        "{record:?}"
    );
    // The cable, compressed against the lost body, went with it, and its index entry.
    assert_eq!(two.store.cable(&two.first.url).expect("read"), None);
    assert!(
        two.store
            .cables_for_id(&id_of(&two.first))
            .expect("read")
            .is_empty()
    );
    assert!(
        two.store.audit().is_sound(),
        "{:#?}",
        two.store.audit().problems
    );
}

#[test]
fn a_page_whose_cable_is_lost_is_handed_back_to_clean_again() {
    let two = two();
    two.store.damage_remove(&Part::Cable(&two.second.url));
    let fixes = repair(&two.store);
    assert_eq!(fixes.reclean, vec![two.second.url.clone()]);
    assert!(fixes.refetch.is_empty());
    // The orphaned index entry is gone; what is left is the cable the caller cleans again.
    let problems = two.store.audit().problems;
    assert_eq!(
        problems,
        vec![Problem::CableMissing {
            url: two.second.url.clone(),
            id: id_of(&two.second)
        }]
    );
}

#[test]
fn a_damaged_page_record_is_rebuilt_from_its_cable() {
    let two = two();
    two.store.damage_garble(&Part::Page(&two.first.url));
    let fixes = repair(&two.store);
    assert!(
        fixes.repaired.iter().any(|r| matches!(r,
            Repaired::RebuiltPageRecord { url, id }
                if url == two.first.url.as_str() && id == "08MOSCOW3728")),
        "{:?}",
        fixes.repaired
    );
    let record = two
        .store
        .page(&two.first.url)
        .expect("read")
        .expect("rebuilt");
    assert_eq!(record.body, two.first.body);
    assert_eq!(record.outcome, two.first.outcome);
    assert!(
        two.store.audit().is_sound(),
        "{:#?}",
        two.store.audit().problems
    );
}

#[test]
fn a_damaged_cable_is_removed_and_its_page_cleaned_again() {
    let two = two();
    two.store.damage_garble(&Part::Cable(&two.first.url));
    let fixes = repair(&two.store);
    assert!(
        fixes.repaired.iter().any(|r| matches!(r,
            Repaired::RemovedCable { url, .. } if url == two.first.url.as_str())),
        "{:?}",
        fixes.repaired
    );
    assert_eq!(fixes.reclean, vec![two.first.url.clone()]);
    assert_eq!(two.store.cable(&two.first.url).expect("read"), None);
}

#[test]
fn a_lost_schema_version_and_a_garbled_flush_record_are_written_again() {
    let two = two();
    two.store.inner.meta.remove(SCHEMA_KEY).expect("remove");
    two.store.flush().expect("flush");
    let fixes = repair(&two.store);
    assert!(fixes.repaired.contains(&Repaired::WroteSchema), "{fixes:?}");
    drop(two.store);
    std::fs::write(two.path.join(FLUSH_FILE), b"garbage").expect("garble");
    let store = Store::open(&two.path).expect("a garbled flush record does not stop an open");
    let fixes = repair(&store);
    assert!(
        fixes
            .repaired
            .iter()
            .any(|r| matches!(r, Repaired::ResetFlushRecord { .. })),
        "{fixes:?}"
    );
    drop(store);
    let store = Store::open(&two.path).expect("reopen");
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
}

#[test]
fn a_frontier_whose_two_trees_disagree_is_mended() {
    let two = two();
    two.store
        .inner
        .frontier_urls
        .insert(url("/elsewhere.html").as_str(), &42u64.to_be_bytes())
        .expect("write");
    let fixes = repair(&two.store);
    assert!(
        fixes
            .repaired
            .iter()
            .any(|r| matches!(r, Repaired::RebuiltFrontier { changed: 1 })),
        "{fixes:?}"
    );
    assert!(two.store.audit().is_sound());
    assert_eq!(two.store.frontier().len(), 1);
}
