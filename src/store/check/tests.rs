//! Unit tests of the store's audit: a sound store is found sound with its counts, and each
//! kind of damage to one entry is found and named by URL, cable ID or key.

use crate::store::damage::Part;
use crate::store::test_support::*;
use crate::store::*;

#[test]
fn a_sound_store_is_found_sound_with_its_counts() {
    let two = two();
    let audit = two.store.audit();
    assert!(audit.is_sound(), "{:#?}", audit.problems);
    assert!(!audit.needs_rebuild());
    let counts = audit.counts;
    assert_eq!(
        (
            counts.pages,
            counts.cable_pages,
            counts.cables,
            counts.index_entries
        ),
        (3, 2, 2, 2)
    );
    assert_eq!(counts.bodies_checked, 3);
    assert_eq!(counts.frontier, 1);
    assert!(counts.flush >= 1, "{counts:?}");
}

#[test]
fn a_missing_raw_body_is_named_by_its_page() {
    let two = two();
    let hash = two.first.body.expect("a body");
    two.store.damage_remove(&Part::Body(&hash));
    let problems = two.store.audit().problems;
    assert!(
        problems.contains(&Problem::BodyMissing {
            url: two.first.url.clone(),
            hash
        }),
        "{problems:#?}"
    );
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert!(
        text.iter()
            .any(|t| t.contains(two.first.url.as_str()) && t.contains("missing")),
        "{text:#?}"
    );
}

#[test]
fn a_garbled_raw_body_is_damaged_not_missing() {
    let two = two();
    let hash = two.second.body.expect("a body");
    two.store.damage_garble(&Part::Body(&hash));
    let problems = two.store.audit().problems;
    assert!(
        problems.iter().any(|p| matches!(p,
            Problem::BodyDamaged { url, hash: h, .. } if *url == two.second.url && *h == hash)),
        "{problems:#?}"
    );
}

#[test]
fn a_missing_cable_and_its_orphaned_index_entry_are_found() {
    let two = two();
    two.store.damage_remove(&Part::Cable(&two.first.url));
    let problems = two.store.audit().problems;
    let id = id_of(&two.first);
    assert!(
        problems.contains(&Problem::CableMissing {
            url: two.first.url.clone(),
            id: id.clone()
        }),
        "{problems:#?}"
    );
    assert!(
        problems.contains(&Problem::IndexOrphan {
            id: id.to_string(),
            url: two.first.url.to_string()
        }),
        "{problems:#?}"
    );
}

#[test]
fn a_cable_missing_from_the_index_is_found() {
    let two = two();
    let id = id_of(&two.second);
    two.store
        .damage_remove(&Part::IndexEntry(&id, &two.second.url));
    let problems = two.store.audit().problems;
    assert_eq!(
        problems,
        vec![Problem::NotIndexed {
            url: two.second.url,
            id
        }]
    );
}

#[test]
fn records_that_do_not_decode_are_named_by_tree_and_key() {
    let two = two();
    two.store.damage_garble(&Part::Page(&two.first.url));
    two.store.damage_garble(&Part::Cable(&two.second.url));
    let audit = two.store.audit();
    let problems = &audit.problems;
    assert!(
        problems.iter().any(|p| matches!(p,
            Problem::BadRecord { tree: "pages", key, .. } if key == two.first.url.as_str())),
        "{problems:#?}"
    );
    assert!(
        problems.iter().any(|p| matches!(p,
            Problem::CableDamaged { url, .. } if *url == two.second.url)),
        "{problems:#?}"
    );
    // A cable that does not decode is not also called missing, nor its entry an orphan.
    assert!(
        !problems.iter().any(|p| matches!(
            p,
            Problem::CableMissing { .. } | Problem::IndexOrphan { .. }
        )),
        "{problems:#?}"
    );
    // The cable whose page record is damaged is still there: its page has no record.
    assert!(
        problems.iter().any(|p| matches!(p,
            Problem::CableWithoutPage { url, .. } if *url == two.first.url)),
        "{problems:#?}"
    );
}

#[test]
fn a_frontier_whose_two_trees_disagree_is_found() {
    let two = two();
    two.store
        .inner
        .frontier_urls
        .insert(url("/elsewhere.html").as_str(), &42u64.to_be_bytes())
        .expect("write");
    let problems = two.store.audit().problems;
    assert!(
        problems.iter().any(|p| matches!(p,
            Problem::Frontier { key, .. } if key.ends_with("/elsewhere.html"))),
        "{problems:#?}"
    );
}

#[test]
fn a_missing_schema_version_is_found() {
    let two = two();
    two.store.inner.meta.remove(SCHEMA_KEY).expect("remove");
    assert!(two.store.audit().problems.contains(&Problem::NoSchema));
}
