//! The command line as a whole: bad input exits 2 naming the value and the fix, a store
//! that cannot be used exits 3, reading commands create no database, `show`, and every
//! command into a pipe that closes early.

#[path = "support/mod.rs"]
mod support;

use std::path::Path;

use cablestrip::store::Store;
use support::mirror::*;

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
    for command in [
        &["export"][..],
        &["reclean"],
        &["show", "08MOSCOW3728"],
        &["status"],
        &["verify"],
    ] {
        let mut all = vec!["--db", path_str(&missing)];
        all.extend_from_slice(command);
        let output = cablestrip(&all);
        assert_eq!(output.status.code(), Some(3), "{command:?}");
        assert!(stderr(&output).contains("--db"), "{}", stderr(&output));
    }
    assert!(!missing.exists(), "reading commands create no database");
    // Arguments are resolved before the store is opened: a command that would create the
    // database refuses a bad flag without leaving one behind.
    let bad_site = cablestrip(&[
        "--db",
        path_str(&missing),
        "ingest",
        path_str(dir.path()),
        "--site",
        "nosuch.site",
    ]);
    assert_eq!(bad_site.status.code(), Some(2), "{}", stderr(&bad_site));
    let bad_rate = cablestrip(&[
        "--db",
        path_str(&missing),
        "crawl",
        "--seeds",
        "https://cablegate.wikileaks.org/index.html",
        "--rate=-1",
    ]);
    assert_eq!(bad_rate.status.code(), Some(2), "{}", stderr(&bad_rate));
    assert!(
        stderr(&bad_rate).contains("--rate -1 is not a rate"),
        "{}",
        stderr(&bad_rate)
    );
    assert!(!missing.exists(), "a refused command creates no database");

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
fn show_json_of_a_cable_with_several_copies_is_one_document() {
    let filled = filled();
    let shown = json(&["--db", &filled.db, "show", "08MOSCOW3728", "--json"]);
    assert_eq!(shown["id"], "08MOSCOW3728");
    assert_eq!(shown["copies"].as_array().map(Vec::len), Some(2), "{shown}");
    assert!(
        shown["preferred"].is_string() || shown["preferred"].is_object(),
        "{shown}"
    );
}

#[test]
fn every_command_piped_into_a_reader_that_stops_ends_quietly() {
    let filled = filled();
    let binary = env!("CARGO_BIN_EXE_cablestrip");
    let page = fixture(CABLEGATE, "standard.html");
    let page = path_str(&page).to_string();
    let mirror = path_str(&filled.root.join("cablegate")).to_string();
    let commands: Vec<Vec<&str>> = vec![
        vec!["status"],
        vec!["status", "--json"],
        vec!["export"],
        vec!["export", "--format", "csv"],
        vec!["export", "--all-sources", "--include-suspect"],
        vec!["show", "08MOSCOW3728"],
        vec!["show", "08MOSCOW3728", "--json"],
        vec!["show", "08MOSCOW3728", "--raw"],
        vec!["verify"],
        vec!["verify", "--json"],
        vec!["rules", "check"],
        vec!["rules", "test"],
        vec!["rules", "test", "--json"],
        vec![
            "clean",
            "--url",
            "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html",
            &page,
        ],
        vec![
            "clean",
            "--json",
            "--url",
            "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html",
            &page,
        ],
        vec!["ingest", &mirror, "--site", CABLEGATE],
        vec!["ingest", &mirror, "--site", CABLEGATE, "--json"],
        vec!["reclean", "--all", "--dry-run"],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["--help"],
    ];
    for command in commands {
        // The reader takes one byte and goes; the writer must notice the closed pipe, stop,
        // and say nothing. `head` leaves before a small output is written, or after.
        for reader in ["head -c1", "true"] {
            let line = format!(
                "'{binary}' --db '{}' {} | {reader} >/dev/null; exit ${{PIPESTATUS[0]}}",
                filled.db,
                command
                    .iter()
                    .map(|a| format!("'{a}'"))
                    .collect::<Vec<_>>()
                    .join(" ")
            );
            let output = std::process::Command::new("bash")
                .args(["-c", &line])
                .current_dir(project())
                .output()
                .expect("bash runs");
            assert_eq!(
                output.status.code(),
                Some(0),
                "{command:?} | {reader}: {}",
                stderr(&output)
            );
            assert_eq!(stderr(&output), "", "{command:?} | {reader}");
        }
    }
}
