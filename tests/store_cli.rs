//! ingest, reclean, export and show as a user runs them: the real binary against a real
//! sled database in a temporary folder, fed with mirrors built from the fixture pages.

mod mirror;

use std::path::Path;
use std::process::Stdio;

use cablestrip::store::Store;
use mirror::*;

/// A database holding the WikiLeaks, Scoop and cablegatesearch.net mirrors.
struct Filled {
    _dir: tempfile::TempDir,
    root: std::path::PathBuf,
    db: String,
}

fn filled() -> Filled {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    cablegate_mirror(&root.join("cablegate"));
    scoop_mirror(&root.join("scoop"));
    cablegatesearch_mirror(&root.join("cgs"));
    let db = path_str(&root.join("db")).to_string();
    for (folder, site) in [
        ("cablegate", CABLEGATE),
        ("scoop", SCOOP),
        ("cgs", CABLEGATESEARCH),
    ] {
        let mirror = root.join(folder);
        json(&[
            "--db",
            &db,
            "ingest",
            path_str(&mirror),
            "--site",
            site,
            "--json",
        ]);
    }
    Filled {
        _dir: dir,
        root,
        db,
    }
}

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

/// Replaces each site's rule version with `<site>@VERSION`, so that expected files do not
/// change whenever a rule file does.
fn without_versions(text: &str) -> String {
    let pattern = regex::Regex::new(r"@[0-9a-f]{12}\b").expect("pattern");
    pattern.replace_all(text, "@VERSION").into_owned()
}

fn expected(name: &str) -> String {
    std::fs::read_to_string(project().join("tests/expected/export").join(name))
        .unwrap_or_else(|e| panic!("expected file {name}: {e}"))
}

/// Compares `actual` with the expected file; with CABLESTRIP_BLESS=1 set, writes it instead
/// (then review the diff before committing).
fn assert_expected(name: &str, actual: &str) {
    let actual = without_versions(actual);
    let path = project().join("tests/expected/export").join(name);
    if std::env::var_os("CABLESTRIP_BLESS").is_some() {
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, &actual).expect("bless");
        return;
    }
    let want = expected(name);
    if want != actual {
        let diff = similar::TextDiff::from_lines(&want, &actual)
            .unified_diff()
            .header("expected", "actual")
            .to_string();
        panic!("{name} differs from its expected file:\n{diff}");
    }
}

#[test]
fn export_of_every_format_matches_the_expected_files() {
    let filled = filled();
    let db = filled.db.as_str();
    let run = |args: &[&str]| {
        let mut all = vec!["--db", db, "export"];
        all.extend_from_slice(args);
        let output = cablestrip(&all);
        assert_eq!(
            output.status.code(),
            Some(0),
            "{args:?}: {}",
            stderr(&output)
        );
        output
    };

    let jsonl = stdout(&run(&[]));
    assert_expected("cables.jsonl", &jsonl);
    assert_eq!(
        stdout(&run(&[])),
        jsonl,
        "two exports of one store are byte-identical"
    );
    // One record per cable: 08MOSCOW3728 from WikiLeaks (priority 100), not Scoop (10).
    let records: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect();
    assert_eq!(records.len(), 6);
    let moscow = records
        .iter()
        .find(|r| r["id"] == "08MOSCOW3728")
        .expect("08MOSCOW3728");
    assert_eq!(moscow["site"], CABLEGATE);

    assert_expected("all-sources.jsonl", &stdout(&run(&["--all-sources"])));

    let csv = run(&["--format", "csv"]);
    let csv = String::from_utf8(csv.stdout).expect("UTF-8");
    assert!(csv.starts_with("id,url,site,title,subject,header,body,created,classification,origin,tags,rules,source_id\r\n"));
    assert_expected("cables.csv", &csv);
    // RFC 4180: read back, it gives the same records.
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.expect("a CSV row")).collect();
    assert_eq!(rows.len(), records.len());
    for (row, record) in rows.iter().zip(&records) {
        assert_eq!(row.get(0), record["id"].as_str());
        assert_eq!(row.get(6), record["body"].as_str());
        let tags: Vec<&str> = record["tags"]
            .as_array()
            .expect("tags")
            .iter()
            .filter_map(|t| t.as_str())
            .collect();
        assert_eq!(row.get(10), Some(tags.join("; ").as_str()));
    }

    let txt = filled.root.join("txt");
    run(&["--format", "txt", "--out", path_str(&txt)]);
    let mut names: Vec<String> = std::fs::read_dir(&txt)
        .expect("txt folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "08MOSCOW3728.txt",
            "09BRASILIA1187.txt",
            "09SUVA155.txt",
            "09TRIPOLI218.txt",
            "09VALLETTA123.txt",
            "10REYKJAVIK77.txt",
        ]
        .map(String::from)
    );
    for name in &names {
        let text = std::fs::read_to_string(txt.join(name)).expect("txt file");
        assert_expected(&format!("txt/{name}"), &text);
    }

    let all = filled.root.join("txt-all");
    run(&["--format", "txt", "--out", path_str(&all), "--all-sources"]);
    assert!(
        all.join("08MOSCOW3728.cablegate.wikileaks.org.txt")
            .is_file()
    );
    assert!(all.join("08MOSCOW3728.www.scoop.co.nz.txt").is_file());
    assert_eq!(std::fs::read_dir(&all).expect("folder").count(), 7);
}

#[test]
fn export_filters_by_site_date_and_id() {
    let filled = filled();
    let db = filled.db.as_str();
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["--db", db, "export"];
        all.extend_from_slice(args);
        let output = cablestrip(&all);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        stdout(&output)
            .lines()
            .map(|l| {
                let record: serde_json::Value = serde_json::from_str(l).expect("JSON");
                format!(
                    "{}@{}",
                    record["id"].as_str().expect("id"),
                    record["site"].as_str().expect("site")
                )
            })
            .collect()
    };
    assert_eq!(
        ids(&["--site", SCOOP]),
        [
            format!("08MOSCOW3728@{SCOOP}"),
            format!("09SUVA155@{SCOOP}")
        ]
    );
    assert_eq!(
        ids(&["--since", "2009-03-10"]),
        [
            // WikiLeaks' copy is dated 2009-05-12 (its routing block), Scoop's 2008-12-23:
            // the filter picks copies, then priority picks among those left.
            format!("08MOSCOW3728@{CABLEGATE}"),
            format!("09BRASILIA1187@{CABLEGATESEARCH}"),
            format!("09TRIPOLI218@{CABLEGATE}"),
            format!("10REYKJAVIK77@{CABLEGATESEARCH}"),
        ]
    );
    assert_eq!(
        ids(&["--since", "2009-03-10", "--site", SCOOP]),
        Vec::<String>::new()
    );
    assert_eq!(
        ids(&["--id", "09tripoli218", "08MOSCOW3728_a", "--all-sources"]),
        [
            format!("08MOSCOW3728@{CABLEGATE}"),
            format!("08MOSCOW3728@{SCOOP}"),
            format!("09TRIPOLI218@{CABLEGATE}"),
        ]
    );
    let missing = cablestrip(&["--db", db, "export", "--id", "09TRIPOLI218", "99NOWHERE1"]);
    assert_eq!(
        missing.status.code(),
        Some(1),
        "an ID not stored is reported"
    );
    assert!(
        stderr(&missing).contains("99NOWHERE1"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(stdout(&missing).lines().count(), 1);
}

#[test]
fn export_to_a_closed_pipe_exits_quietly() {
    let filled = filled();
    let mut child = command(&["--db", &filled.db, "export", "--all-sources"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    let output = child.wait_with_output().expect("wait");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn export_to_a_file_writes_it_whole() {
    let filled = filled();
    let out = filled.root.join("cables.csv");
    let output = cablestrip(&[
        "--db",
        &filled.db,
        "export",
        "--format",
        "csv",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(&out).expect("the file");
    assert_eq!(without_versions(&text), expected("cables.csv"));
    assert!(
        !filled.root.join(".cables.csv.partial").exists(),
        "the partial file is moved into place"
    );
}

#[test]
fn bad_input_exits_2_naming_the_value_and_the_fix() {
    let filled = filled();
    let db = filled.db.as_str();
    let cases: [(&[&str], &str); 6] = [
        (
            &["ingest", "/nonexistent/mirror", "--site", CABLEGATE],
            "/nonexistent/mirror",
        ),
        (
            &["ingest", path_str(&filled.root), "--site", "nosuch.site"],
            "nosuch.site",
        ),
        (&["export", "--since", "last tuesday"], "last tuesday"),
        (&["export", "--format", "xml"], "xml"),
        (&["export", "--format", "txt"], "--out DIR"),
        (&["reclean", "--site", "nosuch.site"], "nosuch.site"),
    ];
    for (args, named) in cases {
        let mut all = vec!["--db", db];
        all.extend_from_slice(args);
        let output = cablestrip(&all);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        let message = stderr(&output);
        assert!(message.contains(named), "{args:?}: {message}");
        assert!(
            message.contains("fix") || message.contains("possible values"),
            "{args:?}: {message}"
        );
    }
    let bad_base = cablestrip(&[
        "--db",
        db,
        "ingest",
        path_str(&filled.root),
        "--site",
        CABLEGATE,
        "--base-url",
        "https://example.org/mirror/",
    ]);
    assert_eq!(bad_base.status.code(), Some(2), "{}", stderr(&bad_base));
}

#[test]
fn store_problems_exit_3() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-db");
    for command in [&["export"][..], &["reclean"], &["show", "08MOSCOW3728"]] {
        let mut all = vec!["--db", path_str(&missing)];
        all.extend_from_slice(command);
        let output = cablestrip(&all);
        assert_eq!(output.status.code(), Some(3), "{command:?}");
        assert!(stderr(&output).contains("--db"), "{}", stderr(&output));
    }
    assert!(!missing.exists(), "reading commands create no database");

    let filled = filled();
    let held = Store::open_existing(Path::new(&filled.db)).expect("open");
    let output = cablestrip(&["--db", &filled.db, "export"]);
    assert_eq!(output.status.code(), Some(3));
    assert!(
        stderr(&output).contains("another cablestrip"),
        "{}",
        stderr(&output)
    );
    drop(held);
}

#[test]
fn show_lists_every_copy_a_page_or_the_raw_bytes() {
    let filled = filled();
    let db = filled.db.as_str();
    let both = cablestrip(&["--db", db, "show", "08moscow3728"]);
    assert_eq!(both.status.code(), Some(0), "{}", stderr(&both));
    let text = stdout(&both);
    assert!(text.starts_with("08MOSCOW3728: 2 stored copies"), "{text}");
    let wikileaks = text
        .find(&format!("== {CABLEGATE}"))
        .expect("WikiLeaks copy");
    let scoop = text.find(&format!("== {SCOOP}")).expect("Scoop copy");
    assert!(wikileaks < scoop, "copies in URL order");
    assert!(text.contains("(current)") && text.contains("the copy `export` writes"));

    let url = "https://cablegate.wikileaks.org/cable/2009/04/09VALLETTA188.html";
    let page = cablestrip(&["--db", db, "show", url]);
    assert_eq!(page.status.code(), Some(0));
    assert!(
        stdout(&page).contains("rejected (body-not-found)"),
        "{}",
        stdout(&page)
    );
    let raw = cablestrip(&["--db", db, "show", url, "--raw"]);
    assert_eq!(
        raw.stdout,
        std::fs::read(fixture(CABLEGATE, "body-missing.html")).expect("fixture")
    );
    let raw = cablestrip(&["--db", db, "show", "08MOSCOW3728", "--raw"]);
    assert_eq!(
        raw.stdout,
        std::fs::read(fixture(CABLEGATE, "page-breaks.html")).expect("fixture"),
        "an ID's raw page is its preferred copy's"
    );

    let json_page = json(&["--db", db, "show", url, "--json"]);
    assert_eq!(json_page["page"]["outcome"]["state"], "rejected");
    assert!(json_page["cable"].is_null());

    let unknown = cablestrip(&["--db", db, "show", "99NOWHERE1"]);
    assert_eq!(unknown.status.code(), Some(1));
    let garbage = cablestrip(&["--db", db, "show", "../etc/passwd"]);
    assert_eq!(garbage.status.code(), Some(2));
    assert!(stderr(&garbage).contains("neither a cable ID nor a page URL"));
}

#[test]
fn eval_from_db_scores_what_export_writes() {
    let (dir, db) = ingested_cablegate_mirror();
    let mirror = dir.path().join("site");
    let mut truth = String::new();
    for (id, stem) in [
        ("09VALLETTA123", "standard"),
        ("09TRIPOLI218", "stray-tags"),
    ] {
        let read = |suffix: &str| {
            std::fs::read_to_string(fixture(CABLEGATE, &format!("{stem}{suffix}"))).expect("text")
        };
        truth.push_str(
            &serde_json::json!({"id": id, "header": read(".header.txt"), "body": read(".body.txt")})
                .to_string(),
        );
        truth.push('\n');
    }
    let truth_path = dir.path().join("truth.jsonl");
    std::fs::write(&truth_path, truth).expect("truth");
    let report = json(&[
        "--db",
        path_str(&db),
        "eval",
        "--from-db",
        "--site",
        CABLEGATE,
        "--json",
        "--min-exact",
        "1",
        path_str(&mirror),
        path_str(&truth_path),
    ]);
    assert_eq!(report["exact"], 2);
    assert_eq!(report["cables"], 3);
    assert_eq!(report["rejects"]["body-not-found"], 1);
    assert_eq!(report["cables_from_non_cable_pages"], 0);
}
