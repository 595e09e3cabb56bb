//! A crash midway, for the ingest and reclean tests: the binary killed with SIGKILL once it
//! has flushed a few batches, and the runs a test compares before and after.

#![allow(dead_code)]

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::Stdio;

use super::mirror::*;

/// Cables in the generated mirror: enough that a run is still going after a few batches.
pub const CABLES: usize = 600;
/// Pages per flush in these runs.
pub const BATCH: usize = 16;
/// Flushes to wait for before the kill.
pub const FLUSHES_BEFORE_KILL: usize = 3;

/// Runs the binary with `args` (and `-v`, which logs each flush) and kills it with SIGKILL
/// once it has logged `FLUSHES_BEFORE_KILL` flushes. Returns whether it was still running.
pub fn kill_after_flushes(args: &[&str]) -> bool {
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

pub fn ingest(db: &Path, mirror: &Path, selectors: Option<&Path>) -> serde_json::Value {
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

pub fn export_all(db: &Path) -> String {
    let output = cablestrip(&["--db", path_str(db), "export", "--all-sources"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
}
