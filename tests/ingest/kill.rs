//! An ingest killed with SIGKILL keeps what it flushed, and a rerun finishes it.

use crate::support::kill::*;
use crate::support::mirror::*;

#[test]
fn an_ingest_killed_midway_keeps_what_it_flushed_and_a_rerun_finishes_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mirror = dir.path().join("site");
    big_mirror(&mirror, CABLES);
    let db = dir.path().join("killed.db");
    let batch = BATCH.to_string();
    kill_after_flushes(&[
        "--db",
        path_str(&db),
        "ingest",
        path_str(&mirror),
        "--site",
        CABLEGATE,
        "--batch",
        &batch,
    ]);

    let found = check_consistent(&db);
    assert!(
        found.cables >= FLUSHES_BEFORE_KILL * BATCH,
        "the flushed batches are all there: {found:?}"
    );
    assert!(found.cables < CABLES, "the kill came midway: {found:?}");
    assert_eq!(
        found.pages, found.cables,
        "every page stored is a cable page"
    );
    let store = cablestrip::store::Store::open_existing(&db).expect("open");
    let run = store.last_run().expect("runs").expect("the killed run");
    assert_eq!(run.command, "ingest");
    assert!(
        run.finished.is_none(),
        "the killed run is shown as unfinished"
    );
    drop(store);

    let rerun = ingest(&db, &mirror, None);
    assert_eq!(
        rerun["unchanged_pages"].as_u64(),
        Some(found.pages as u64),
        "the rerun redoes nothing that was stored"
    );
    assert_eq!(
        rerun["new_cables"].as_u64(),
        Some((CABLES - found.cables) as u64)
    );
    let finished = check_consistent(&db);
    assert_eq!(finished.cables, CABLES);

    let fresh = dir.path().join("fresh.db");
    ingest(&fresh, &mirror, None);
    assert_eq!(export_all(&db), export_all(&fresh));
}
