//! Unit tests of page records and cables: recording atomically, what a record does to a
//! page's cable, the ID index, and the queries that status, reclean and export need.

use std::collections::HashMap;

use crate::model::{Cable, CableId, PageUrl};
use crate::store::test_support::*;
use crate::store::*;

#[test]
fn page_and_cable_round_trip() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let cable = cable("08MOSCOW3728", &page_url, SITE, "1. (C) Summary.");
    let page = store_cable(&store, page_url.path(), &cable, &html(1));

    assert_eq!(store.page(&page_url).expect("page"), Some(page));
    assert_eq!(store.cable(&page_url).expect("cable"), Some(cable.clone()));
    assert_eq!(store.page(&url("/other.html")).expect("page"), None);
    // The fragment never reaches the server: it names the same page.
    let with_fragment = PageUrl::parse(&format!("{page_url}#par3")).expect("url");
    assert_eq!(store.cable(&with_fragment).expect("cable"), Some(cable));
}

#[test]
fn recording_an_unchanged_page_writes_nothing() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let cable = cable("08MOSCOW3728", &page_url, SITE, "1. (C) Summary.");
    let page = store_cable(&store, page_url.path(), &cable, &html(1));

    let mut page_writes = store.inner.pages.watch_prefix(b"");
    let mut cable_writes = store.inner.cables.watch_prefix(b"");
    let mut index_writes = store.inner.cable_ids.watch_prefix(b"");
    let change = store
        .record_page(&page, Some(&cable), ReplacePolicy::KeepPrevious)
        .expect("record again");
    assert_eq!(change, CableChange::Unchanged);
    assert!(!wrote(&mut page_writes));
    assert!(!wrote(&mut cable_writes));
    assert!(!wrote(&mut index_writes));

    // A newer fetch of the same page rewrites the page record, not the cable.
    let mut refetched = page;
    refetched.fetched_at = "2026-02-01T00:00:00Z".parse().expect("timestamp");
    let change = store
        .record_page(&refetched, Some(&cable), ReplacePolicy::KeepPrevious)
        .expect("record refetch");
    assert_eq!(change, CableChange::Unchanged);
    assert!(wrote(&mut page_writes), "the page record should change");
    assert!(!wrote(&mut cable_writes));
    assert!(!wrote(&mut index_writes));
}

#[test]
fn cable_changes_are_reported_and_rejects_keep_or_drop_the_previous_cable() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let first = cable("08MOSCOW3728", &page_url, SITE, "1. (C) Summary.");
    let page = store_cable(&store, page_url.path(), &first, &html(1));

    let mut second = first.clone();
    second.body.push_str("\n2. (C) More.");
    let change = store
        .record_page(&page, Some(&second), ReplacePolicy::KeepPrevious)
        .expect("record changed");
    assert_eq!(change, CableChange::Changed { previous: first });
    assert_eq!(store.cable(&page_url).expect("cable"), Some(second.clone()));

    let rejected_page = page_record(&page_url, page.body, rejected());
    let change = store
        .record_page(&rejected_page, None, ReplacePolicy::KeepPrevious)
        .expect("record reject");
    assert_eq!(change, CableChange::KeptPrevious);
    assert_eq!(store.cable(&page_url).expect("cable"), Some(second.clone()));
    assert_eq!(
        store.page(&page_url).expect("page"),
        Some(rejected_page.clone())
    );

    let change = store
        .record_page(&rejected_page, None, ReplacePolicy::DropRejected)
        .expect("record reject, dropping");
    assert_eq!(change, CableChange::Dropped { previous: second });
    assert_eq!(store.cable(&page_url).expect("cable"), None);
    assert!(
        store.inner.cable_ids.is_empty(),
        "the index entry went with the cable"
    );

    let change = store
        .record_page(&rejected_page, None, ReplacePolicy::DropRejected)
        .expect("record reject again");
    assert_eq!(change, CableChange::Rejected);

    let index_url = url("/index.html");
    let hash = store.put_body(SITE, &html(2)).expect("put").hash();
    let change = store
        .record_page(
            &page_record(&index_url, Some(hash), CleanOutcome::NotCleaned),
            None,
            ReplacePolicy::KeepPrevious,
        )
        .expect("record index page");
    assert_eq!(change, CableChange::NotCleaned);
}

#[test]
fn a_cable_whose_id_changes_moves_in_the_index() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let wrong = cable("08MOSCOW3728", &page_url, SITE, "text");
    let page = store_cable(&store, page_url.path(), &wrong, &html(1));
    let right = cable("08MOSCOW3729", &page_url, SITE, "text");
    let mut page = page;
    page.outcome = cable_outcome(&right);
    let change = store
        .record_page(&page, Some(&right), ReplacePolicy::KeepPrevious)
        .expect("record");
    assert_eq!(
        change,
        CableChange::Changed {
            previous: wrong.clone()
        }
    );
    assert!(store.cables_for_id(&wrong.id).expect("old id").is_empty());
    assert_eq!(store.cables_for_id(&right.id).expect("new id"), vec![right]);
}

#[test]
fn record_page_refuses_contradictions_and_missing_bodies() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let good = cable("08MOSCOW3728", &page_url, SITE, "text");
    let hash = store.put_body(SITE, &html(1)).expect("put").hash();

    let other = cable("08MOSCOW9999", &page_url, SITE, "text");
    let page = page_record(&page_url, Some(hash), cable_outcome(&good));
    let error = store
        .record_page(&page, Some(&other), ReplacePolicy::KeepPrevious)
        .expect_err("mismatched id");
    assert!(matches!(error, StoreError::Inconsistent { .. }), "{error}");
    assert!(error.to_string().contains("08MOSCOW9999"), "{error}");

    let error = store
        .record_page(&page, None, ReplacePolicy::KeepPrevious)
        .expect_err("missing cable");
    assert!(matches!(error, StoreError::Inconsistent { .. }), "{error}");

    let missing = BodyHash::of(b"not stored");
    let page = page_record(&page_url, Some(missing), cable_outcome(&good));
    let error = store
        .record_page(&page, Some(&good), ReplacePolicy::KeepPrevious)
        .expect_err("missing body");
    assert!(matches!(error, StoreError::MissingBody { .. }), "{error}");
    assert!(error.to_string().contains(&missing.to_string()), "{error}");
    assert!(error.to_string().contains("put_body"), "{error}");
    assert!(store.inner.pages.is_empty(), "nothing was recorded");
}

#[test]
fn cables_come_out_in_id_order_with_every_site_copy() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let other_site = "cablegatesearch.net";
    let mut n = 0;
    for (id, site) in [
        ("09STATE100", SITE),
        ("08MOSCOW3728", other_site),
        ("1974ATHENS02959", SITE),
        ("08MOSCOW3728", SITE),
        ("08MOSCOW372", SITE),
    ] {
        n += 1;
        let path = format!("/{site}/{id}.html");
        let copy = cable(id, &url(&path), site, &format!("text {n}"));
        store_cable(&store, &path, &copy, &html(n));
    }
    let order: Vec<(String, String)> = store
        .cables(None)
        .map(|c| c.map(|c| (c.id.to_string(), c.site)))
        .collect::<Result<_, _>>()
        .expect("iterate");
    let expected: Vec<(String, String)> = [
        ("08MOSCOW372", SITE),
        // One ID: by URL, and `/cablegate.` sorts before `/cablegatesearch`.
        ("08MOSCOW3728", SITE),
        ("08MOSCOW3728", other_site),
        ("09STATE100", SITE),
        // Canonical IDs write the year with two digits and no leading zeros.
        ("74ATHENS2959", SITE),
    ]
    .iter()
    .map(|(id, site)| (id.to_string(), site.to_string()))
    .collect();
    assert_eq!(order, expected);

    let only_other: Vec<Cable> = store
        .cables(Some(other_site))
        .collect::<Result<_, _>>()
        .expect("iterate");
    assert_eq!(only_other.len(), 1);
    assert_eq!(only_other[0].site, other_site);

    let copies = store
        .cables_for_id(&CableId::parse("08MOSCOW3728").expect("id"))
        .expect("copies");
    assert_eq!(copies.len(), 2, "both sites' copies, and not 08MOSCOW372");
}

#[test]
fn pages_iterate_by_site_and_stats_count_per_site() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let fresh = cable("08MOSCOW3728", &url("/a.html"), SITE, "text");
    store_cable(&store, "/a.html", &fresh, &html(1));
    let mut stale = cable("08MOSCOW3729", &url("/b.html"), SITE, "text");
    stale.rules = format!("{SITE}@oldoldoldold");
    stale.suspect = vec![crate::model::Suspect {
        kind: crate::model::SuspectKind::MoreLink,
        detail: "a teaser".to_string(),
    }];
    store_cable(&store, "/b.html", &stale, &html(2));
    let hash = store.put_body(SITE, &html(3)).expect("put").hash();
    store
        .record_page(
            &page_record(&url("/c.html"), Some(hash), rejected()),
            None,
            ReplacePolicy::KeepPrevious,
        )
        .expect("reject");
    let failed = CleanOutcome::Failed {
        kind: "timeout".to_string(),
        message: "no answer in 30 s".to_string(),
    };
    let mut other = page_record(&url("/d.html"), None, failed);
    other.site = "other.example".to_string();
    store
        .record_page(&other, None, ReplacePolicy::KeepPrevious)
        .expect("failed fetch");

    let pages: Vec<PageRecord> = store
        .pages(Some(SITE))
        .collect::<Result<_, _>>()
        .expect("pages");
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p.site == SITE));

    let current = HashMap::from([(SITE.to_string(), RULES.to_string())]);
    let stats = store.site_stats(&current).expect("stats");
    assert_eq!(
        stats.get(SITE),
        Some(&SiteStats {
            pages: 3,
            cables: 2,
            rejected: 1,
            not_cleaned: 0,
            failed: 0,
            stale_cables: 1,
            suspect_cables: 1,
        })
    );
    assert_eq!(
        stats.get("other.example").map(|s| (s.pages, s.failed)),
        Some((1, 1))
    );
}

#[test]
fn a_cable_index_entry_without_its_cable_is_reported() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/a.html");
    store_cable(
        &store,
        "/a.html",
        &cable("08MOSCOW3728", &page_url, SITE, "t"),
        &html(1),
    );
    store
        .inner
        .cables
        .remove(page_url.as_str())
        .expect("remove");
    let results: Vec<_> = store.cables(None).collect();
    assert!(
        matches!(
            results.as_slice(),
            [Err(StoreError::Corrupt {
                tree: "cable_ids",
                ..
            })]
        ),
        "{results:?}"
    );
}

#[test]
fn a_cable_reads_the_same_with_its_body_at_hand() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let cable = cable("08MOSCOW3728", &page_url, SITE, "1. (C) Summary.");
    let body = html(1);
    store_cable(&store, page_url.path(), &cable, &body);
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

#[test]
fn the_decision_a_dry_run_asks_is_the_one_recording_makes() {
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let old = cable("08MOSCOW3728", &page_url, SITE, "1. Text.");
    let keep = ReplacePolicy::KeepPrevious;
    let decide = |cable: Option<&Cable>, stored: Option<Cable>, outcome: &CleanOutcome, policy| {
        CableChange::decide(outcome, cable, stored, policy)
    };
    assert_eq!(
        decide(None, Some(old.clone()), &rejected(), keep),
        CableChange::KeptPrevious
    );
    assert!(matches!(
        decide(
            None,
            Some(old.clone()),
            &rejected(),
            ReplacePolicy::DropRejected
        ),
        CableChange::Dropped { .. }
    ));
    assert_eq!(
        decide(Some(&old), Some(old.clone()), &cable_outcome(&old), keep),
        CableChange::Unchanged
    );
    assert_eq!(decide(None, None, &rejected(), keep), CableChange::Rejected);
    assert_eq!(
        decide(None, None, &CleanOutcome::NotCleaned, keep),
        CableChange::NotCleaned
    );
    // Recording the same page against a real store decides alike.
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    store_cable(&store, page_url.path(), &old, &html(1));
    let hash = store.put_body(SITE, &html(1)).expect("put").hash();
    let page = page_record(&page_url, Some(hash), rejected());
    let predicted = decide(
        None,
        store.cable(&page_url).expect("cable"),
        &page.outcome,
        ReplacePolicy::DropRejected,
    );
    let recorded = store
        .record_page(&page, None, ReplacePolicy::DropRejected)
        .expect("record");
    assert_eq!(predicted, recorded);
}
