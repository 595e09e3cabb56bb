//! `cablestrip ingest` against a real database, fed with mirrors built from the fixture pages.

use cablestrip::store::Store;

use crate::support::mirror::*;

#[test]
fn ingest_stores_pages_and_cables_and_a_second_ingest_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mirror = dir.path().join("site");
    cablegate_mirror(&mirror);
    let db = dir.path().join("db");
    let args = [
        "--db",
        path_str(&db),
        "ingest",
        path_str(&mirror),
        "--site",
        CABLEGATE,
        "--json",
    ];
    let first = json(&args);
    assert_eq!(first["files"], 7);
    assert_eq!(first["pages"], 5, "four cable pages and one index page");
    assert_eq!(first["skipped_files"], 2, "the style sheet and the article");
    assert_eq!(first["new_cables"], 3);
    assert_eq!(first["rejected"]["body-not-found"], 1);
    assert_eq!(first["index_pages"], 1);
    assert_eq!(first["new_bodies"], 5);
    let checksum = Store::open_existing(&db)
        .expect("open")
        .content_checksum()
        .expect("checksum");

    let second = json(&args);
    assert_eq!(second["unchanged_pages"], 5);
    assert_eq!(second["recorded_pages"], 0);
    assert_eq!(second["new_bodies"], 0);
    assert_eq!(second["writes"], 0);
    let store = Store::open_existing(&db).expect("open");
    assert_eq!(store.content_checksum().expect("checksum"), checksum);
    let run = store.last_run().expect("runs").expect("a run");
    assert_eq!(run.command, "ingest");
    assert!(run.finished.is_some() && run.summary.is_some());
    drop(store);

    let status = json(&["--db", path_str(&db), "status", "--json"]);
    let site = &status["sites"][CABLEGATE];
    assert_eq!(
        (
            &site["pages"],
            &site["cables"],
            &site["rejected"],
            &site["stale_cables"]
        ),
        (&5.into(), &3.into(), &1.into(), &0.into())
    );
}

#[test]
fn a_changed_file_is_cleaned_and_stored_again() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mirror = dir.path().join("site");
    cablegate_mirror(&mirror);
    let db = dir.path().join("db");
    let args = [
        "--db",
        path_str(&db),
        "ingest",
        path_str(&mirror),
        "--site",
        CABLEGATE,
        "--json",
    ];
    json(&args);
    let page = mirror.join("cable/2009/03/09TRIPOLI218.html");
    let text = std::fs::read_to_string(&page).expect("page");
    std::fs::write(&page, text.replace("LINDQVIST", "LINDQVIST (EDITED)")).expect("edit");
    let again = json(&args);
    assert_eq!(again["recorded_pages"], 1);
    assert_eq!(again["changed_cables"], 1);
    assert_eq!(again["new_bodies"], 1);
    let shown = cablestrip(&["--db", path_str(&db), "show", "09TRIPOLI218"]);
    assert!(
        stdout(&shown).contains("LINDQVIST (EDITED)"),
        "{}",
        stdout(&shown)
    );
}
