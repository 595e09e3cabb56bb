//! `cablestrip export --format sqlite` through the binary: the tables against the JSON
//! Lines export, full-text queries, filters, replacing a file, refusals; then the file as
//! Python's sqlite3 and Datasette read it.

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use crate::support::mirror::*;

/// Exports `filled` to `out` as SQLite with `extra` flags; panics unless it succeeds.
fn export_sqlite(db: &str, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "--db",
        db,
        "export",
        "--format",
        "sqlite",
        "--out",
        path_str(out),
    ];
    args.extend_from_slice(extra);
    let output = cablestrip(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// The JSON Lines export with `extra` flags, as records.
fn jsonl(db: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let mut args = vec!["--db", db, "export"];
    args.extend_from_slice(extra);
    let output = cablestrip(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).expect("a JSON line"))
        .collect()
}

fn count(db: &Connection, sql: &str) -> i64 {
    db.query_row(sql, [], |row| row.get(0))
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

fn strings(db: &Connection, sql: &str) -> Vec<String> {
    let mut statement = db.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    statement
        .query_map([], |row| row.get(0))
        .and_then(Iterator::collect)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// A column's SQL value as the JSON Lines record writes the field.
fn as_json(value: rusqlite::types::Value, field: &str) -> serde_json::Value {
    use rusqlite::types::Value;
    let nested = [
        "tags",
        "references",
        "to",
        "info",
        "excluded",
        "classified_by",
        "cut",
        "suspect",
    ];
    match value {
        Value::Null => serde_json::Value::Null,
        Value::Text(text) if nested.contains(&field) => {
            serde_json::from_str(&text).expect("JSON text")
        }
        Value::Text(text) => serde_json::Value::String(text),
        other => panic!("{field}: unexpected {other:?}"),
    }
}

#[test]
fn sqlite_export_holds_every_field_of_the_jsonl_records_and_every_copy() {
    let filled = filled();
    let out = filled.root.join("cables.db");
    export_sqlite(&filled.db, &out, &[]);
    assert!(
        !filled.root.join(".cables.db.partial").exists(),
        "the partial file is moved into place"
    );
    let db = Connection::open(&out).expect("open");
    let records = jsonl(&filled.db, &[]);
    assert_eq!(records.len(), 6);
    assert_eq!(count(&db, "SELECT count(*) FROM cables"), 6);

    // Every column of every row is the JSON Lines record's field.
    let mut rows = db
        .prepare("SELECT * FROM cables ORDER BY id")
        .expect("prepare");
    let columns: Vec<String> = rows.column_names().iter().map(|c| c.to_string()).collect();
    let mut rows = rows.query([]).expect("query");
    let mut n = 0;
    while let Some(row) = rows.next().expect("row") {
        let record = &records[n];
        let fields = record.as_object().expect("an object");
        assert_eq!(columns.len(), fields.len(), "one column per field");
        for (i, column) in columns.iter().enumerate() {
            let value = as_json(row.get(i).expect("value"), column);
            assert_eq!(value, record[column], "{} {column}", record["id"]);
        }
        n += 1;
    }
    assert_eq!(n, records.len());

    let tags: usize = records
        .iter()
        .map(|r| r["tags"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!(count(&db, "SELECT count(*) FROM tags") as usize, tags);
    assert_eq!(
        strings(&db, "SELECT id FROM tags WHERE tag = 'ENRG'"),
        ["09BRASILIA1187"]
    );
    let references: usize = records
        .iter()
        .map(|r| r["references"].as_array().map_or(0, Vec::len))
        .sum();
    assert!(references > 0);
    assert_eq!(
        count(&db, r#"SELECT count(*) FROM "references""#) as usize,
        references
    );

    // `sources` holds every stored copy, and marks the one `cables` holds.
    let all = jsonl(&filled.db, &["--all-sources"]);
    assert_eq!(
        count(&db, "SELECT count(*) FROM sources") as usize,
        all.len()
    );
    assert_eq!(
        strings(
            &db,
            "SELECT site FROM sources WHERE id = '08MOSCOW3728' ORDER BY chosen DESC"
        ),
        [CABLEGATE, SCOOP]
    );
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM sources JOIN cables USING (id) WHERE chosen AND sources.url = cables.url"
        ),
        6
    );

    let indexes = strings(
        &db,
        "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name",
    );
    for index in [
        "cables_classification",
        "cables_created",
        "cables_origin",
        "tags_tag",
    ] {
        assert!(indexes.iter().any(|i| i == index), "{index} in {indexes:?}");
    }
}

#[test]
fn sqlite_full_text_search_finds_words_phrases_and_near_words_in_subject_and_body() {
    let filled = filled();
    let out = filled.root.join("cables.db");
    export_sqlite(&filled.db, &out, &[]);
    let db = Connection::open(&out).expect("open");
    let search = |query: &str| {
        strings(
            &db,
            &format!("SELECT id FROM cables_fts WHERE cables_fts MATCH '{query}' ORDER BY id"),
        )
    };
    assert_eq!(search("ethanol"), ["09BRASILIA1187"]);
    assert_eq!(search("Brussels"), ["08MOSCOW3728", "09VALLETTA123"]);
    assert_eq!(search("subject:fishing"), ["10REYKJAVIK77"]);
    assert_eq!(search("\"sugar mill\""), ["09SUVA155"]);
    assert_eq!(search("NEAR(ethanol tariff, 10)"), ["09BRASILIA1187"]);
    assert_eq!(search("ethanol NOT tariff"), Vec::<String>::new());
    // Ranked, as Datasette and most SQLite tools use it.
    assert_eq!(
        strings(
            &db,
            "SELECT cables.id FROM cables_fts JOIN cables ON cables.rowid = cables_fts.rowid \
             WHERE cables_fts MATCH 'libyan' ORDER BY rank"
        )
        .len(),
        2
    );
}

#[test]
fn sqlite_export_takes_the_filters_and_a_second_export_replaces_the_file_whole() {
    let filled = filled();
    let out = filled.root.join("cables.db");
    export_sqlite(&filled.db, &out, &[]);
    export_sqlite(&filled.db, &out, &["--site", SCOOP]);
    let ids = |out: &Path| {
        let db = Connection::open(out).expect("open");
        (
            strings(&db, "SELECT id FROM cables ORDER BY id"),
            strings(&db, "SELECT DISTINCT site FROM sources"),
            strings(
                &db,
                "SELECT id FROM cables_fts WHERE cables_fts MATCH 'ethanol OR sugar'",
            ),
        )
    };
    assert_eq!(
        ids(&out),
        (
            vec!["08MOSCOW3728".to_string(), "09SUVA155".to_string()],
            vec![SCOOP.to_string()],
            vec!["09SUVA155".to_string()],
        ),
        "the second export leaves nothing of the first"
    );
    let leftovers: Vec<PathBuf> = std::fs::read_dir(&filled.root)
        .expect("read dir")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path_str(path).contains("cables.db") && *path != out)
        .collect();
    assert_eq!(leftovers, Vec::<PathBuf>::new());

    export_sqlite(
        &filled.db,
        &out,
        &[
            "--since",
            "2009-09-01",
            "--id",
            "09BRASILIA1187",
            "09SUVA155",
        ],
    );
    assert_eq!(ids(&out).0, ["09BRASILIA1187"]);
}

#[test]
fn sqlite_export_refuses_stdout_and_all_sources_and_names_the_fix() {
    let filled = filled();
    for args in [
        vec!["--format", "sqlite"],
        vec!["--format", "sqlite", "--out", "-"],
        vec!["--format", "sqlite", "--out", "x.db", "--all-sources"],
    ] {
        let mut all = vec!["--db", filled.db.as_str(), "export"];
        all.extend_from_slice(&args);
        let output = cablestrip(&all);
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = stderr(&output);
        assert!(message.contains("fix:"), "{args:?}: {message}");
        assert!(message.contains("sqlite"), "{args:?}: {message}");
    }
    let missing = filled.root.join("no-such-folder").join("cables.db");
    let output = cablestrip(&[
        "--db",
        &filled.db,
        "export",
        "--format",
        "sqlite",
        "--out",
        path_str(&missing),
    ]);
    assert_ne!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("no-such-folder"),
        "{}",
        stderr(&output)
    );
    assert!(!missing.exists());
}

/// Python's own sqlite3 module (FTS5 included), as a journalist's script would use it.
#[test]
fn python_sqlite3_reads_the_export_and_its_full_text_index() {
    let filled = filled();
    let out = filled.root.join("cables.db");
    export_sqlite(&filled.db, &out, &[]);
    let script = r#"
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
found = [r[0] for r in db.execute(
    "SELECT id FROM cables_fts WHERE cables_fts MATCH 'NEAR(ethanol tariff)'")]
tags = json.loads(db.execute("SELECT tags FROM cables WHERE id = ?", (found[0],)).fetchone()[0])
tagged = [r[0] for r in db.execute("SELECT id FROM tags WHERE tag = 'EFIS'")]
print(json.dumps({"found": found, "tags": tags, "tagged": tagged}))
"#;
    let output = std::process::Command::new("python3")
        .args(["-c", script, path_str(&out)])
        .output()
        .unwrap_or_else(|e| panic!("python3 is needed for this test ({e}); fix: install Python 3"));
    assert!(output.status.success(), "{}", stderr(&output));
    let answer: serde_json::Value = serde_json::from_str(&stdout(&output)).expect("JSON");
    assert_eq!(
        answer,
        serde_json::json!({
            "found": ["09BRASILIA1187"],
            "tags": ["PREL", "ETRD", "ENRG", "BR"],
            "tagged": ["10REYKJAVIK77"],
        })
    );
}
