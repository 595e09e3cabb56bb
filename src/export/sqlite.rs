//! The SQLite export: one database file with the chosen copy of each cable (`cables`), its
//! tags, its references, every stored copy (`sources`), and an FTS5 index over subject and
//! body laid out so that Datasette finds it; built beside its final name in one
//! transaction and moved into place at the end.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use rusqlite::types::Value as Sql;

use super::{ExportError, Sink};
use crate::model::Cable;

/// The columns of the `cables` table: the fields of the cable record, in the order JSON
/// Lines writes them.
pub const SQLITE_COLUMNS: [&str; 23] = [
    "id",
    "url",
    "site",
    "title",
    "subject",
    "header",
    "body",
    "created",
    "classification",
    "origin",
    "tags",
    "references",
    "to",
    "info",
    "excluded",
    "signer",
    "classified_by",
    "declassify",
    "summary",
    "rules",
    "source_id",
    "cut",
    "suspect",
];

/// The tables, made before the first cable. `references` and `to` are SQL keywords, hence
/// quoted. The full-text index takes its text from `cables` (`content="cables"`, written
/// with double quotes because that is what Datasette looks for to offer a search box).
const SCHEMA: &str = r#"
CREATE TABLE cables (
    id TEXT PRIMARY KEY NOT NULL,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    title TEXT,
    subject TEXT,
    header TEXT,
    body TEXT NOT NULL,
    created TEXT,
    classification TEXT,
    origin TEXT,
    tags TEXT NOT NULL,
    "references" TEXT NOT NULL,
    "to" TEXT NOT NULL,
    info TEXT NOT NULL,
    excluded TEXT NOT NULL,
    signer TEXT,
    classified_by TEXT,
    declassify TEXT,
    summary TEXT,
    rules TEXT NOT NULL,
    source_id TEXT,
    cut TEXT,
    suspect TEXT NOT NULL
);
CREATE TABLE tags (
    id TEXT NOT NULL REFERENCES cables(id),
    tag TEXT NOT NULL
);
CREATE TABLE "references" (
    id TEXT NOT NULL REFERENCES cables(id),
    position INTEGER NOT NULL,
    letter TEXT,
    cited TEXT,
    text TEXT NOT NULL
);
CREATE TABLE sources (
    id TEXT NOT NULL REFERENCES cables(id),
    site TEXT NOT NULL,
    url TEXT NOT NULL,
    rules TEXT NOT NULL,
    source_id TEXT,
    suspect TEXT NOT NULL,
    created TEXT,
    chosen INTEGER NOT NULL
);
CREATE VIRTUAL TABLE cables_fts USING fts5(id UNINDEXED, subject, body, content="cables");
"#;

/// What is done once every cable is in: the indexes (faster made over full tables than
/// kept up row by row) and the full-text index, filled from `cables` in one pass.
const FINISH: &str = r#"
CREATE INDEX cables_created ON cables(created);
CREATE INDEX cables_origin ON cables(origin);
CREATE INDEX cables_classification ON cables(classification);
CREATE INDEX cables_site ON cables(site);
CREATE INDEX tags_tag ON tags(tag);
CREATE INDEX tags_id ON tags(id);
CREATE INDEX references_id ON "references"(id);
CREATE INDEX references_cited ON "references"(cited);
CREATE INDEX sources_id ON sources(id);
INSERT INTO cables_fts(cables_fts) VALUES('rebuild');
"#;

const INSERT_CABLE: &str = r#"INSERT INTO cables (id, url, site, title, subject, header, body,
    created, classification, origin, tags, "references", "to", info, excluded, signer,
    classified_by, declassify, summary, rules, source_id, cut, suspect)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
    ?19, ?20, ?21, ?22, ?23)"#;
const INSERT_TAG: &str = "INSERT INTO tags (id, tag) VALUES (?1, ?2)";
const INSERT_REFERENCE: &str =
    r#"INSERT INTO "references" (id, position, letter, cited, text) VALUES (?1, ?2, ?3, ?4, ?5)"#;
const INSERT_SOURCE: &str = "INSERT INTO sources (id, site, url, rules, source_id, suspect, \
    created, chosen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// A database being built at a hidden name beside `path`; [`Sink::finish`] commits it and
/// moves it into place, and dropping it unfinished (a failed export) deletes it.
#[derive(Debug)]
pub struct SqliteSink {
    connection: Option<Connection>,
    partial: PathBuf,
    path: PathBuf,
}

impl SqliteSink {
    /// Builds the database in `partial` (an empty or absent file) to end up as `path`.
    pub fn create(partial: PathBuf, path: PathBuf) -> Result<SqliteSink, ExportError> {
        // A journal left by an export that was killed would be rolled into the new file.
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut name = partial.clone().into_os_string();
            name.push(suffix);
            match std::fs::remove_file(&name) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(write_error(&path, error));
                }
                _ => {}
            }
        }
        let mut sink = SqliteSink {
            connection: None,
            partial,
            path,
        };
        let connection = Connection::open(&sink.partial).map_err(|e| sink.error(e))?;
        // The file is not the database anyone reads until it is whole and renamed, and a
        // failed export deletes it: no journal and no syncs are needed while building it.
        connection
            .execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;")
            .and_then(|()| connection.execute_batch(SCHEMA))
            .map_err(|e| sink.error(e))?;
        sink.connection = Some(connection);
        Ok(sink)
    }

    fn error(&self, error: rusqlite::Error) -> ExportError {
        write_error(&self.path, std::io::Error::other(error))
    }

    /// The error for a sink whose database was already finished (not reached through
    /// [`super::export`], which finishes last).
    fn finished(&self) -> ExportError {
        write_error(
            &self.path,
            std::io::Error::other("the database was already finished"),
        )
    }
}

/// Inserts `chosen` with its tags and references, and the rows of its stored copies.
fn insert(connection: &Connection, chosen: &Cable, stored: &[Cable]) -> rusqlite::Result<()> {
    let record = serde_json::to_value(chosen)
        .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
    let row = SQLITE_COLUMNS
        .iter()
        .map(|field| column_value(&record[field]));
    connection
        .prepare_cached(INSERT_CABLE)?
        .execute(rusqlite::params_from_iter(row))?;
    let id = chosen.id.as_str();
    let mut tag_insert = connection.prepare_cached(INSERT_TAG)?;
    for tag in &chosen.tags {
        tag_insert.execute((id, tag))?;
    }
    let mut reference_insert = connection.prepare_cached(INSERT_REFERENCE)?;
    for (position, reference) in (1_i64..).zip(&chosen.meta.references) {
        reference_insert.execute((
            id,
            position,
            reference.letter.as_deref(),
            reference.id.as_ref().map(|cited| cited.as_str()),
            &reference.text,
        ))?;
    }
    let mut source_insert = connection.prepare_cached(INSERT_SOURCE)?;
    for copy in stored {
        let suspect = serde_json::to_string(&copy.suspect)
            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
        source_insert.execute((
            id,
            &copy.site,
            copy.url.as_str(),
            &copy.rules,
            copy.source_id.as_deref(),
            suspect,
            copy.created.as_deref(),
            copy.url == chosen.url,
        ))?;
    }
    Ok(())
}

/// A field of the JSON record as an SQL value: absent is NULL, a string is itself (a
/// declassification date too), lists and objects are their JSON text (`[]` when empty, so
/// `json_each` reads every row).
fn column_value(value: &serde_json::Value) -> Sql {
    match value {
        serde_json::Value::Null => Sql::Null,
        serde_json::Value::String(text) => Sql::Text(text.clone()),
        serde_json::Value::Bool(flag) => Sql::Integer(i64::from(*flag)),
        serde_json::Value::Number(number) => match number.as_i64() {
            Some(integer) => Sql::Integer(integer),
            None => Sql::Real(number.as_f64().unwrap_or_default()),
        },
        nested => Sql::Text(nested.to_string()),
    }
}

fn write_error(path: &Path, source: std::io::Error) -> ExportError {
    ExportError::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl Sink for SqliteSink {
    fn write(&mut self, cable: &Cable) -> Result<(), ExportError> {
        self.write_chosen(cable, std::slice::from_ref(cable))
    }

    fn write_chosen(&mut self, chosen: &Cable, stored: &[Cable]) -> Result<(), ExportError> {
        let Some(connection) = self.connection.as_ref() else {
            return Err(self.finished());
        };
        insert(connection, chosen, stored).map_err(|e| self.error(e))
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        let Some(connection) = self.connection.take() else {
            return Err(self.finished());
        };
        let done = connection
            .execute_batch(FINISH)
            .and_then(|()| connection.execute_batch("COMMIT"))
            .and_then(|()| connection.close().map_err(|(_, error)| error))
            .map_err(|e| self.error(e))
            .and_then(|()| {
                std::fs::rename(&self.partial, &self.path).map_err(|e| write_error(&self.path, e))
            });
        if done.is_err() {
            let _ = std::fs::remove_file(&self.partial);
        }
        done
    }
}

impl Drop for SqliteSink {
    /// An export that stopped before [`Sink::finish`] leaves no half-built database.
    fn drop(&mut self) {
        if let Some(connection) = self.connection.take() {
            drop(connection);
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

#[cfg(test)]
mod tests;
