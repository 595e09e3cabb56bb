//! A reclean killed with SIGKILL leaves each cable old or new, and a rerun finishes it.

use crate::support::kill::*;
use crate::support::mirror::*;

#[test]
fn a_reclean_killed_midway_leaves_each_cable_old_or_new_and_a_rerun_finishes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mirror = dir.path().join("site");
    big_mirror(&mirror, CABLES);
    let db = dir.path().join("db");
    ingest(&db, &mirror, None);
    let old_version = {
        let found = check_consistent(&db);
        assert_eq!(found.cables, CABLES);
        found.versions.keys().next().expect("a version").clone()
    };

    // A rule edit that changes every cable (their TAGS are links): all are stale.
    let selectors = dir.path().join("selectors");
    edited_selectors(&selectors, CABLEGATE, drop_links);
    let batch = BATCH.to_string();
    kill_after_flushes(&[
        "--selectors",
        path_str(&selectors),
        "--db",
        path_str(&db),
        "reclean",
        "--batch",
        &batch,
    ]);

    let found = check_consistent(&db);
    assert_eq!(found.cables, CABLES, "no cable is lost");
    let recleaned = CABLES - found.versions.get(&old_version).copied().unwrap_or(0);
    assert!(
        (FLUSHES_BEFORE_KILL * BATCH..CABLES).contains(&recleaned),
        "the flushed batches are recleaned, the rest not yet: {found:?}"
    );
    assert_eq!(
        found.versions.len(),
        2,
        "old and new versions only: {found:?}"
    );

    let rerun = json(&[
        "--selectors",
        path_str(&selectors),
        "--db",
        path_str(&db),
        "reclean",
        "--json",
    ]);
    assert_eq!(
        rerun["examined"].as_u64(),
        Some((CABLES - recleaned) as u64),
        "the rerun does only what is left"
    );
    assert_eq!(rerun["changed"], rerun["examined"]);
    let finished = check_consistent(&db);
    assert_eq!(finished.versions.len(), 1);
    assert!(!finished.versions.contains_key(&old_version));

    // The same as ingesting with the new rules from the start.
    let fresh = dir.path().join("fresh.db");
    ingest(&fresh, &mirror, Some(&selectors));
    assert_eq!(export_all(&db), export_all(&fresh));
}
