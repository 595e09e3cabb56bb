//! `cablestrip export --format warc` through the binary: the stored raw pages as response
//! records, read back by cablestrip's reader; the same bytes twice; `--site` and
//! `--since`; and the round trip mirror → store → WARC → fresh store, whose JSON Lines
//! are the same.

use std::path::Path;

use cablestrip::model::PageUrl;
use cablestrip::store::Store;
use cablestrip::warc::{self, RecordType};

use crate::support::mirror::*;

fn export_warc(db: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let mut args = vec![
        "--db",
        db,
        "export",
        "--format",
        "warc",
        "--out",
        path_str(out),
    ];
    args.extend_from_slice(extra);
    cablestrip(&args)
}

fn records(path: &Path) -> Vec<warc::Record> {
    warc::open(path)
        .expect("open the export")
        .collect::<Result<Vec<_>, _>>()
        .expect("every record reads")
}

#[test]
fn the_stored_pages_come_out_as_response_records_byte_for_byte_and_the_same_twice() {
    let filled = filled();
    let out = filled.root.join("pages.warc.gz");
    let output = export_warc(&filled.db, &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("pages written"),
        "{}",
        stderr(&output)
    );
    let records = records(&out);
    assert_eq!(records[0].record_type, RecordType::Warcinfo);
    let info = String::from_utf8_lossy(&records[0].block).into_owned();
    assert!(info.contains("software: cablestrip/"), "{info}");
    for site in [CABLEGATE, SCOOP, CABLEGATESEARCH] {
        assert!(info.contains(&format!("rules: {site}@")), "{info}");
    }
    let store = Store::open_existing(Path::new(&filled.db)).expect("open");
    let responses: Vec<_> = records[1..].iter().collect();
    assert!(
        responses
            .iter()
            .all(|r| r.record_type == RecordType::Response)
    );
    assert_eq!(responses.len(), 9, "every stored page with a body");
    for record in &responses {
        let uri = record.target_uri.as_deref().expect("a target URI");
        let stored = store
            .page(&PageUrl::parse(uri).expect("url"))
            .expect("read")
            .expect("a stored page");
        // WARC-Date keeps microseconds, the finest warcio reads; a mirror file's time has
        // nanoseconds.
        let micros = stored.fetched_at.as_microsecond();
        assert_eq!(
            record.date.map(|d| d.as_microsecond()),
            Some(micros),
            "{uri}"
        );
        let page = warc::page_from_response(record, &warc::Limits::default()).expect("a page");
        let body = store
            .body(&stored.body.expect("a body"))
            .expect("read")
            .expect("body");
        assert_eq!(page.body, body, "{uri}: the raw body byte for byte");
        assert_eq!(page.status, stored.status);
        assert_eq!(page.content_type, stored.content_type);
        let digest = record
            .header("WARC-Payload-Digest")
            .expect("a payload digest");
        assert_eq!(warc::digest_matches(digest, &body), Some(true), "{uri}");
        assert!(record.record_id.is_some());
    }
    drop(store);

    // The file's name is in its warcinfo record: the same name, in another folder.
    std::fs::create_dir_all(filled.root.join("again")).expect("mkdir");
    let again = filled.root.join("again/pages.warc.gz");
    let output = export_warc(&filled.db, &again, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        std::fs::read(&out).expect("read") == std::fs::read(&again).expect("read"),
        "two exports of one store are the same bytes"
    );
}

#[test]
fn site_and_since_choose_the_pages() {
    let filled = filled();
    let out = filled.root.join("scoop.warc");
    let output = export_warc(&filled.db, &out, &["--site", SCOOP]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let uris: Vec<_> = records(&out)
        .iter()
        .filter_map(|r| r.target_uri.clone())
        .collect();
    assert_eq!(uris.len(), 2);
    assert!(
        uris.iter()
            .all(|u| u.starts_with("https://www.scoop.co.nz/"))
    );

    let later = filled.root.join("later.warc.gz");
    let output = export_warc(&filled.db, &later, &["--since", "2999-01-01"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(records(&later).len(), 1, "the warcinfo record alone");
    assert!(
        stderr(&output).contains("9 fetched before --since"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_warc_export_ingested_into_a_fresh_store_exports_the_same_cables() {
    let filled = filled();
    let out = filled.root.join("all.warc.gz");
    let output = export_warc(&filled.db, &out, &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let fresh = filled.root.join("fresh");
    let ingested = json(&["--db", path_str(&fresh), "ingest", path_str(&out), "--json"]);
    assert_eq!(ingested["errors"], 0, "{ingested}");
    let jsonl = |db: &str| stdout(&cablestrip(&["--db", db, "export", "--all-sources"]));
    let before = jsonl(&filled.db);
    assert!(before.lines().count() >= 5, "{before}");
    assert_eq!(jsonl(path_str(&fresh)), before);
}

#[test]
fn a_warc_export_needs_a_warc_file_name_and_takes_no_cable_flags() {
    let filled = filled();
    let db = filled.db.as_str();
    for (args, says) in [
        (
            vec!["--db", db, "export", "--format", "warc"],
            "add --out FILE.warc.gz",
        ),
        (
            vec!["--db", db, "export", "--format", "warc", "--out", "x.json"],
            "is no WARC file name",
        ),
        (
            vec![
                "--db",
                db,
                "export",
                "--format",
                "warc",
                "--out",
                "x.warc.gz",
                "--id",
                "09TRIPOLI218",
            ],
            "leave --id out",
        ),
    ] {
        let output = cablestrip(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        assert!(
            stderr(&output).contains(says),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert!(!project().join("x.warc.gz").exists());
}
