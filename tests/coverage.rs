//! `cablestrip coverage` and the status line through the binary: the IDs known from every
//! source (listings, page URLs, the stored cables of every site, their references, ID
//! lists), the per-site counts, `--missing`, `--json`, and the errors a bad ID list, a bad
//! site or an unwritable file get (exit status 2, the value and the fix, nothing written).

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeSet;

use support::mirror::*;

fn coverage(db: &str, extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["--db", db, "coverage", "--json"];
    args.extend_from_slice(extra);
    json(&args)
}

fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .expect("the file was written")
        .lines()
        .map(str::to_string)
        .collect()
}

#[test]
fn every_source_of_an_id_is_known_and_each_site_counted() {
    let filled = filled();
    let missing = filled.root.join("missing.txt");
    let report = coverage(&filled.db, &["--missing", path_str(&missing)]);
    // Stored copies of three sites: the Cable Viewer's three, Scoop's two (08MOSCOW3728 is
    // also the Viewer's), cablegatesearch.net's two.
    let viewer = &report["sites"][CABLEGATE];
    assert_eq!(viewer["clean"], 3, "{report:#}");
    assert_eq!(
        viewer["rejected"], 1,
        "09VALLETTA188's page has no body: {report:#}"
    );
    assert_eq!(report["sites"][CABLEGATESEARCH]["clean"], 2, "{report:#}");
    assert!(report["several_sites"].as_u64() >= Some(1), "{report:#}");
    assert_eq!(
        report["sites"]["search.wikileaks.org"]["not_tried"], report["known"],
        "every rule's site is counted, one holding nothing too"
    );
    let missing = lines(&missing);
    let has = |id: &str| missing.iter().any(|m| m == id);
    // From the release-date listing's links, a reference of 09VALLETTA123, the URL of the
    // rejected page.
    assert!(has("09TELAVIV512") && has("09VALLETTA301"), "{missing:?}");
    assert!(has("09STATE18812") && has("09VALLETTA98"), "{missing:?}");
    assert!(has("09VALLETTA188"), "{missing:?}");
    assert!(
        !has("09VALLETTA123") && !has("08MOSCOW3728"),
        "held: {missing:?}"
    );
    assert_eq!(report["missing"].as_u64(), Some(missing.len() as u64));
    for source in ["listing", "reference", "page"] {
        assert!(
            report["missing_by_source"][source].as_u64() >= Some(1),
            "{source}: {report:#}"
        );
    }
    let known = report["known"].as_u64().expect("known");
    assert_eq!(
        report["held"].as_u64().expect("held") + report["missing"].as_u64().expect("missing"),
        known
    );
    assert_eq!(report["by_year"]["2009"]["held"], 4, "{report:#}");
    assert_eq!(report["by_origin"]["TELAVIV"]["held"], 0, "{report:#}");

    // The status line says the same.
    let status = cablestrip(&["--db", &filled.db, "status"]);
    let text = stdout(&status);
    let line = text
        .lines()
        .find(|l| l.starts_with("coverage"))
        .unwrap_or_else(|| panic!("no coverage line: {text}"));
    assert!(
        line.contains(&format!("{known} cable IDs known"))
            && line.contains(&format!("{} held by no site", missing.len())),
        "{line}"
    );
}

#[test]
fn a_site_asked_for_is_counted_alone_and_missing_means_what_it_lacks() {
    let filled = filled();
    let missing = filled.root.join("lacks.txt");
    let report = coverage(
        &filled.db,
        &["--site", SCOOP, "--missing", path_str(&missing)],
    );
    let sites: Vec<&String> = report["sites"].as_object().expect("sites").keys().collect();
    assert_eq!(sites, [SCOOP]);
    let lacks = lines(&missing);
    assert!(lacks.iter().any(|id| id == "09VALLETTA123"), "{lacks:?}");
    assert!(
        !lacks.iter().any(|id| id == "08MOSCOW3728"),
        "Scoop holds it: {lacks:?}"
    );
    let text = stdout(&cablestrip(&[
        "--db", &filled.db, "coverage", "--site", SCOOP,
    ]));
    assert!(text.contains("www.scoop.co.nz"), "{text}");
    assert!(!text.contains(CABLEGATE), "{text}");
}

#[test]
fn an_id_list_is_recorded_once_from_lines_or_csv() {
    let filled = filled();
    let list = filled.root.join("ids.txt");
    std::fs::write(
        &list,
        "id\n10BERLIN77\n\n# known from elsewhere\n08MOSCOW3728\n",
    )
    .expect("write");
    let report = coverage(&filled.db, &["--ids", path_str(&list)]);
    assert_eq!(report["recorded"]["ids"], 2, "{report:#}");
    assert_eq!(report["recorded"]["new"], 2, "{report:#}");
    assert_eq!(
        report["missing_by_source"]["list"], 1,
        "08MOSCOW3728 is held: {report:#}"
    );
    let csv = filled.root.join("export.csv");
    std::fs::write(
        &csv,
        "subject,ID\r\n\"BERLIN, AGAIN\",10BERLIN77\r\n\"A NEW ONE, QUOTED\",\"1974ATHENS02959_b\"\r\n",
    )
    .expect("write");
    let again = coverage(&filled.db, &["--ids", path_str(&csv)]);
    assert_eq!(again["recorded"]["ids"], 2, "{again:#}");
    assert_eq!(
        again["recorded"]["new"], 1,
        "10BERLIN77 was known: {again:#}"
    );
    assert_eq!(
        again["known"].as_u64(),
        report["known"].as_u64().map(|k| k + 1)
    );
    let missing = filled.root.join("missing.txt");
    coverage(&filled.db, &["--missing", path_str(&missing)]);
    let missing: BTreeSet<String> = lines(&missing).into_iter().collect();
    assert!(
        missing.contains("10BERLIN77") && missing.contains("74ATHENS2959"),
        "{missing:?}"
    );
    // A list given to a store that does not exist yet makes one.
    let fresh = filled.root.join("fresh.db");
    let made = coverage(path_str(&fresh), &["--ids", path_str(&list)]);
    assert_eq!(made["known"], 2, "{made:#}");
}

/// Runs `coverage ARGS` on `db`, which must fail with status 2 and a message holding every
/// one of `words`.
fn refused(db: &str, args: &[&str], words: &[&str]) {
    let mut all = vec!["--db", db, "coverage"];
    all.extend_from_slice(args);
    let output = cablestrip(&all);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {message}");
    assert!(!message.contains("panicked"), "{message}");
    for word in words {
        assert!(
            message.contains(word),
            "{args:?} should say {word:?}: {message}"
        );
    }
}

#[test]
fn a_bad_id_list_is_refused_with_its_value_and_fix_and_nothing_is_written() {
    let filled = filled();
    let before = coverage(&filled.db, &[]);
    let root = &filled.root;

    refused(
        &filled.db,
        &["--ids", path_str(&root.join("no-such-file.txt"))],
        &["cannot read the ID list", "no-such-file.txt", "fix:"],
    );

    let csv = root.join("cables.csv");
    std::fs::write(&csv, "created,subject\n2008-12-01,\"IRAN, MISSILES\"\n").expect("write");
    refused(
        &filled.db,
        &["--ids", path_str(&csv)],
        &[
            "cables.csv",
            "names no ID column",
            "fix: name the column of cable IDs `id`",
        ],
    );

    let bad = root.join("bad.txt");
    std::fs::write(&bad, "10BERLIN77\n08 MOSCOW 3728\n10BERLIN78\n").expect("write");
    refused(
        &filled.db,
        &["--ids", path_str(&bad)],
        &["bad.txt:2", "`08 MOSCOW 3728` is not a cable ID", "fix:"],
    );
    // Nothing of the bad lists was recorded, not even their good lines.
    assert_eq!(coverage(&filled.db, &[]), before);
    // A bad list never makes a store either.
    let fresh = root.join("never.db");
    refused(path_str(&fresh), &["--ids", path_str(&bad)], &["bad.txt:2"]);
    assert!(!fresh.exists(), "a refused list made a store");
}

#[test]
fn a_bad_site_or_an_unwritable_missing_file_is_refused() {
    let filled = filled();
    refused(
        &filled.db,
        &["--site", "wikileaks.example"],
        &["wikileaks.example", "fix:"],
    );
    refused(
        &filled.db,
        &["--missing", "/nonexistent-folder/missing.txt"],
        &[
            "cannot write --missing /nonexistent-folder/missing.txt",
            "fix:",
        ],
    );
    // Without a store there is nothing to count: the store error, not a panic.
    let output = cablestrip(&["--db", path_str(&filled.root.join("none.db")), "coverage"]);
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
}

#[test]
fn the_listings_of_a_warc_file_make_their_ids_known_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let warc = dir.path().join("site.warc.gz");
    support::warc::write_warc(&warc, &support::warc::cablegate_pages());
    let db = dir.path().join("db");
    json(&["--db", path_str(&db), "ingest", path_str(&warc), "--json"]);
    let missing = dir.path().join("missing.txt");
    let report = coverage(path_str(&db), &["--missing", path_str(&missing)]);
    let missing = lines(&missing);
    assert!(
        missing.iter().any(|id| id == "09TELAVIV512")
            && missing.iter().any(|id| id == "09VALLETTA301"),
        "the release-date listing's links: {missing:?}"
    );
    assert!(
        report["missing_by_source"]["listing"].as_u64() >= Some(2),
        "{report:#}"
    );
}
