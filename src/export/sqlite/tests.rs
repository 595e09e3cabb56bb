//! Unit tests of the SQLite sink: its columns against the record, its rows, its full-text
//! index, and what a failed export leaves.

use super::*;
use crate::model::test_support;
use crate::model::{CableId, Reference, Suspect, SuspectKind};

fn cable(id: &str, site: &str, body: &str) -> Cable {
    test_support::cable(id, site, &format!("{site}@000000000000"), body)
}

#[test]
fn the_columns_are_the_fields_of_the_json_record_in_its_order() {
    let record = serde_json::to_string(&cable("08MOSCOW1", "a.org", "1. Text.")).expect("json");
    let record: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&record).expect("an object");
    let fields: Vec<&str> = record.keys().map(String::as_str).collect();
    let mut columns = SQLITE_COLUMNS.to_vec();
    columns.sort_unstable();
    let mut sorted = fields.clone();
    sorted.sort_unstable();
    assert_eq!(columns, sorted, "every field of the record has its column");
}

#[test]
fn a_finished_database_holds_rows_lists_as_json_and_a_working_full_text_index() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cables.db");
    let mut chosen = cable("08MOSCOW1", "a.org", "1. Uranium enrichment at the plant.");
    chosen.subject = Some("RUSSIA: A PLANT".to_string());
    chosen.tags = vec!["PREL".to_string(), "ENRG".to_string()];
    chosen.meta.references = vec![Reference {
        letter: Some("A".to_string()),
        id: Some(CableId::parse("08MOSCOW2").expect("id")),
        text: "08 MOSCOW 2".to_string(),
    }];
    let mut other = cable("08MOSCOW1", "b.org", "1. Uranium enrichment. More>>");
    other.suspect = vec![Suspect {
        kind: SuspectKind::Marker,
        detail: "More>>".to_string(),
    }];
    let mut sink: Box<dyn Sink> = Box::new(
        SqliteSink::create(dir.path().join(".cables.db.partial"), path.clone()).expect("create"),
    );
    sink.write_chosen(&chosen, &[chosen.clone(), other])
        .expect("write");
    sink.write(&cable("09PARIS1", "a.org", "1. Cheese."))
        .expect("write");
    sink.finish().expect("finish");
    assert!(!dir.path().join(".cables.db.partial").exists());

    let db = Connection::open(&path).expect("open");
    let count = |sql: &str| -> i64 { db.query_row(sql, [], |row| row.get(0)).expect(sql) };
    assert_eq!(count("SELECT count(*) FROM cables"), 2);
    assert_eq!(count("SELECT count(*) FROM tags WHERE id = '08MOSCOW1'"), 2);
    assert_eq!(
        count(r#"SELECT count(*) FROM "references" WHERE cited = '08MOSCOW2'"#),
        1
    );
    assert_eq!(count("SELECT count(*) FROM sources"), 3);
    assert_eq!(
        count("SELECT count(*) FROM sources WHERE chosen AND site = 'a.org'"),
        2
    );
    let (tags, suspect, title): (String, String, Option<String>) = db
        .query_row(
            "SELECT tags, suspect, title FROM cables WHERE id = '08MOSCOW1'",
            [],
            |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
        )
        .expect("row");
    assert_eq!(tags, r#"["PREL","ENRG"]"#);
    assert_eq!(suspect, "[]");
    assert_eq!(title, None, "an absent field is NULL");
    let found: String = db
        .query_row(
            "SELECT id FROM cables_fts WHERE cables_fts MATCH 'NEAR(uranium enrichment)'",
            [],
            |row| row.get(0),
        )
        .expect("one match");
    assert_eq!(found, "08MOSCOW1");
    // FTS5 has no infix NEAR (that is FTS4's): `uranium NEAR enrichment` runs, as three
    // words that must all be there, the middle one `near`.
    assert_eq!(
        count("SELECT count(*) FROM cables_fts WHERE cables_fts MATCH 'uranium NEAR enrichment'"),
        0
    );
    assert_eq!(
        count("SELECT count(*) FROM cables_fts WHERE cables_fts MATCH 'subject:plant'"),
        1
    );
}

#[test]
fn an_export_that_stops_before_finishing_leaves_no_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("cables.db");
    std::fs::write(&path, "the previous export").expect("write");
    let partial = dir.path().join(".cables.db.partial");
    let mut sink = SqliteSink::create(partial.clone(), path.clone()).expect("create");
    sink.write(&cable("08MOSCOW1", "a.org", "1. Text."))
        .expect("write");
    assert!(partial.exists());
    drop(sink);
    assert!(!partial.exists(), "the half-built database is deleted");
    assert_eq!(
        std::fs::read_to_string(&path).expect("read"),
        "the previous export"
    );
}
