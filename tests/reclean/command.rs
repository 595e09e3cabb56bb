//! reclean as a user runs it: after no rule change (nothing written), after an edit that
//! only changes a rule's version (cables re-stamped, not changed), after one that changes
//! cables (with a dry run first), and after one that makes the rule reject its pages.

use std::path::Path;

use crate::support::mirror::*;
use cablestrip::store::Store;

fn checksum(db: &Path) -> u64 {
    Store::open_existing(db)
        .expect("open")
        .content_checksum()
        .expect("checksum")
}

fn reclean(db: &Path, selectors: Option<&Path>, extra: &[&str]) -> serde_json::Value {
    let mut args = vec![];
    if let Some(selectors) = selectors {
        args.extend(["--selectors", path_str(selectors)]);
    }
    args.extend(["--db", path_str(db), "reclean", "--json"]);
    args.extend_from_slice(extra);
    json(&args)
}

fn cable_json(db: &Path, selectors: &Path, id: &str) -> serde_json::Value {
    json(&[
        "--selectors",
        path_str(selectors),
        "--db",
        path_str(db),
        "export",
        "--id",
        id,
    ])
}

#[test]
fn with_unchanged_rules_a_reclean_touches_no_cable() {
    let (_dir, db) = ingested_cablegate_mirror();
    let before = checksum(&db);
    let stale_only = reclean(&db, None, &[]);
    assert_eq!(stale_only["examined"], 0, "nothing is stale");
    let all = reclean(&db, None, &["--all"]);
    assert_eq!(all["examined"], 4, "three cable pages and the rejected one");
    assert_eq!(all["unchanged"], 3);
    assert_eq!(all["still_rejected"], 1);
    for key in ["changed", "restamped", "new", "newly_rejected", "writes"] {
        assert_eq!(all[key], 0, "{key}: {all}");
    }
    assert_eq!(checksum(&db), before, "no page, body or cable was written");
}

#[test]
fn a_new_rule_version_alone_re_stamps_cables_without_changing_them() {
    let (dir, db) = ingested_cablegate_mirror();
    let selectors = dir.path().join("selectors");
    edited_selectors(&selectors, CABLEGATE, comment_only);
    let status = json(&[
        "--selectors",
        path_str(&selectors),
        "--db",
        path_str(&db),
        "status",
        "--json",
    ]);
    assert_eq!(status["sites"][CABLEGATE]["stale_cables"], 3);
    let report = reclean(&db, Some(&selectors), &[]);
    assert_eq!(report["examined"], 4);
    assert_eq!(report["restamped"], 3);
    assert_eq!(report["changed"], 0);
    assert_eq!(report["still_rejected"], 1);
    let again = reclean(&db, Some(&selectors), &[]);
    assert_eq!(again["examined"], 0, "nothing is stale any more");
}

#[test]
fn a_dry_run_shows_the_diff_and_writes_nothing_then_the_real_run_changes_the_cables() {
    let (dir, db) = ingested_cablegate_mirror();
    let selectors = dir.path().join("selectors");
    edited_selectors(&selectors, CABLEGATE, drop_links);
    let before = checksum(&db);
    let dry = reclean(&db, Some(&selectors), &["--dry-run", "--sample", "1"]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(dry["changed"], 3);
    assert_eq!(dry["writes"], 0);
    let samples = dry["samples"].as_array().expect("samples");
    assert_eq!(samples.len(), 1, "--sample 1");
    let diff = samples[0]["diff"].as_str().expect("diff");
    assert!(
        diff.contains("\n-tags: ") && diff.contains("\n+tags: \n"),
        "{diff}"
    );
    assert_eq!(checksum(&db), before, "a dry run writes nothing");
    let store = Store::open_existing(&db).expect("open");
    let last = store.last_run().expect("runs").expect("the ingest");
    assert_eq!(last.command, "ingest", "a dry run is not logged either");
    drop(store);

    // The text form prints the same diff.
    let text = cablestrip(&[
        "--selectors",
        path_str(&selectors),
        "--db",
        path_str(&db),
        "reclean",
        "--dry-run",
    ]);
    assert!(stdout(&text).contains("dry run: nothing was written"));
    assert!(stdout(&text).contains("@@"), "{}", stdout(&text));

    let real = reclean(&db, Some(&selectors), &[]);
    assert_eq!(real["changed"], 3);
    assert!(real["writes"].as_u64() >= Some(3));
    assert_ne!(checksum(&db), before);
    let cable = cable_json(&db, &selectors, "09VALLETTA123");
    assert_eq!(cable["tags"], serde_json::json!([]), "{cable}");
}

#[test]
fn a_page_now_rejected_keeps_its_cable_unless_asked_to_drop_it() {
    let (dir, db) = ingested_cablegate_mirror();
    let selectors = dir.path().join("selectors");
    edited_selectors(&selectors, CABLEGATE, |text| {
        text.replace(
            "body = { select = \"div.pane.big > code:nth-of-type(2) > pre\" }",
            "body = { select = \"div.no-such-pane > pre\" }",
        )
    });
    let report = reclean(&db, Some(&selectors), &[]);
    assert_eq!(report["newly_rejected"], 3);
    assert_eq!(report["kept_previous"], 3);
    assert_eq!(report["still_rejected"], 1);
    let rejects = report["rejects"].as_array().expect("rejects");
    assert_eq!(rejects.len(), 3);
    assert!(rejects.iter().all(|r| r["kind"] == "body-not-found"));
    let kept = cable_json(&db, &selectors, "09TRIPOLI218");
    assert!(
        kept["body"]
            .as_str()
            .is_some_and(|b| b.contains("LINDQVIST"))
    );

    // In a fresh store, with --drop-rejected, a reject deletes the cable.
    let (dir, db) = ingested_cablegate_mirror();
    let selectors = dir.path().join("selectors");
    edited_selectors(&selectors, CABLEGATE, |text| {
        text.replace(
            "body = { select = \"div.pane.big > code:nth-of-type(2) > pre\" }",
            "body = { select = \"div.no-such-pane > pre\" }",
        )
    });
    let report = reclean(&db, Some(&selectors), &["--drop-rejected"]);
    assert_eq!(report["dropped"], 3);
    let output = cablestrip(&["--db", path_str(&db), "export"]);
    assert_eq!(stdout(&output), "", "every cable was dropped");
    drop(dir);
}

#[test]
fn pages_of_a_site_without_a_rule_are_reported_and_left() {
    let (dir, db) = ingested_cablegate_mirror();
    let selectors = dir.path().join("selectors");
    std::fs::create_dir_all(&selectors).expect("mkdir");
    std::fs::copy(
        project().join("selectors/www.scoop.co.nz.toml"),
        selectors.join("www.scoop.co.nz.toml"),
    )
    .expect("copy");
    let before = checksum(&db);
    let report = reclean(&db, Some(&selectors), &["--all"]);
    assert_eq!(report["no_rule"][CABLEGATE], 5);
    assert_eq!(report["examined"], 0);
    assert_eq!(checksum(&db), before);
}

#[test]
fn a_reclean_fills_in_the_metadata_of_cables_stored_without_it() {
    let (_dir, db) = ingested_cablegate_mirror();
    // Cables as a cablestrip older than the metadata stored them: no references, no
    // addressees, no signer.
    {
        let store = Store::open_existing(&db).expect("open");
        let cables: Vec<_> = store
            .cables(None)
            .collect::<Result<_, _>>()
            .expect("cables read");
        for mut cable in cables {
            let page = store.page(&cable.url).expect("page").expect("stored");
            cable.meta = Default::default();
            store
                .record_page(&page, Some(&cable), Default::default())
                .expect("rewritten");
        }
        store.flush().expect("flush");
    }
    let before = json(&["--db", path_str(&db), "export", "--id", "09VALLETTA123"]);
    assert_eq!(before["references"], serde_json::json!([]));
    let status = json(&["--db", path_str(&db), "status", "--json"]);
    assert_eq!(status["citations"]["references"], 0);

    let report = reclean(&db, None, &["--all"]);
    assert_eq!(report["changed"], 3, "{report}");
    let after = json(&["--db", path_str(&db), "export", "--id", "09VALLETTA123"]);
    assert_eq!(after["references"][1]["id"], "09VALLETTA98", "{after}");
    assert_eq!(after["signer"], "KELLER");
    assert_eq!(after["to"][0]["route"], "RUEHC");
    let status = json(&["--db", path_str(&db), "status", "--json"]);
    assert!(
        status["citations"]["references"].as_u64() > Some(0),
        "{status}"
    );
}
