//! `cablestrip export` through the binary: every format, filters, pipes and files.

use std::process::Stdio;

use crate::support::mirror::*;

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
    assert!(csv.starts_with("id,url,site,title,subject,header,body,created,classification,origin,tags,rules,source_id,cut,suspect,references,reference_ids,to,info,excluded,signer,classified_by,declassify,summary\r\n"));
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
