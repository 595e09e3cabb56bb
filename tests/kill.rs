//! A crash midway: the binary is killed with SIGKILL during an ingest and during a reclean,
//! the database is reopened and checked whole (nothing flushed is lost, nothing is damaged),
//! and a rerun finishes the job with the same result as an uninterrupted run.

mod mirror;

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use mirror::*;

/// Cables in the generated mirror: enough that a run is still going after a few batches.
const CABLES: usize = 600;
/// Pages per flush in these runs.
const BATCH: usize = 16;
/// Flushes to wait for before the kill.
const FLUSHES_BEFORE_KILL: usize = 3;

/// Runs the binary with `args` (and `-v`, which logs each flush) and kills it with SIGKILL
/// once it has logged `FLUSHES_BEFORE_KILL` flushes. Returns whether it was still running.
fn kill_after_flushes(args: &[&str]) -> bool {
    let mut all = vec!["-v"];
    all.extend_from_slice(args);
    let mut child = command(&all)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let stderr = child.stderr.take().expect("stderr");
    let mut flushes = 0;
    for line in BufReader::new(stderr).lines() {
        let line = line.expect("a log line");
        if line.contains("flushed a batch") {
            flushes += 1;
            if flushes == FLUSHES_BEFORE_KILL {
                break;
            }
        }
    }
    assert_eq!(flushes, FLUSHES_BEFORE_KILL, "the run logged its flushes");
    // `Child::kill` sends SIGKILL on Unix: no destructor, no flush, no goodbye.
    let still_running = child.try_wait().expect("try_wait").is_none();
    child.kill().expect("kill");
    let status = child.wait().expect("wait");
    assert!(
        still_running && status.code().is_none(),
        "killed midway: {status:?}"
    );
    still_running
}

fn ingest(db: &Path, mirror: &Path, selectors: Option<&Path>) -> serde_json::Value {
    let batch = BATCH.to_string();
    let mut args = vec![];
    if let Some(selectors) = selectors {
        args.extend(["--selectors", path_str(selectors)]);
    }
    args.extend([
        "--db",
        path_str(db),
        "ingest",
        path_str(mirror),
        "--site",
        CABLEGATE,
        "--batch",
        &batch,
        "--json",
    ]);
    json(&args)
}

fn export_all(db: &Path) -> String {
    let output = cablestrip(&["--db", path_str(db), "export", "--all-sources"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
}

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
