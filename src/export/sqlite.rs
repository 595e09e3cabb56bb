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

/// What is done once every cable is in: the indexes, faster made over full tables than
/// kept up row by row.
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
"#;

const INSERT_CABLE: &str = r#"INSERT INTO cables (id, url, site, title, subject, header, body,
    created, classification, origin, tags, "references", "to", info, excluded, signer,
    classified_by, declassify, summary, rules, source_id, cut, suspect)
    VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18,
    ?19, ?20, ?21, ?22, ?23)"#;
/// The full-text index's row for the cable just inserted (an external-content table is
/// told its rows; it keeps only the index).
const INSERT_FTS: &str = "INSERT INTO cables_fts (rowid, id, subject, body) \
    VALUES (last_insert_rowid(), ?1, ?2, ?3)";
const INSERT_TAG: &str = "INSERT INTO tags (id, tag) VALUES (?1, ?2)";
const INSERT_REFERENCE: &str =
    r#"INSERT INTO "references" (id, position, letter, cited, text) VALUES (?1, ?2, ?3, ?4, ?5)"#;
const INSERT_SOURCE: &str = "INSERT INTO sources (id, site, url, rules, source_id, suspect, \
    created, chosen) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

/// The rows of one exported cable, made on the exporting thread so that the writer's
/// thread, the slower one, only inserts.
#[derive(Debug)]
struct Rows {
    /// The `cables` row, [`SQLITE_COLUMNS`] in order.
    cable: Vec<Sql>,
    tags: Vec<String>,
    /// position, letter, cited, text.
    references: Vec<(i64, Option<String>, Option<String>, String)>,
    /// site, url, rules, source_id, suspect, created, chosen.
    sources: Vec<[Sql; 7]>,
}

impl Rows {
    fn of(chosen: &Cable, stored: &[Cable]) -> Result<Rows, serde_json::Error> {
        let record = serde_json::to_value(chosen)?;
        let mut sources = Vec::with_capacity(stored.len());
        for copy in stored {
            sources.push([
                Sql::Text(copy.site.clone()),
                Sql::Text(copy.url.to_string()),
                Sql::Text(copy.rules.clone()),
                copy.source_id.clone().map_or(Sql::Null, Sql::Text),
                Sql::Text(serde_json::to_string(&copy.suspect)?),
                copy.created.clone().map_or(Sql::Null, Sql::Text),
                Sql::Integer(i64::from(copy.url == chosen.url)),
            ]);
        }
        Ok(Rows {
            cable: SQLITE_COLUMNS
                .iter()
                .map(|field| column_value(&record[field]))
                .collect(),
            tags: chosen.tags.clone(),
            references: (1_i64..)
                .zip(&chosen.meta.references)
                .map(|(position, reference)| {
                    (
                        position,
                        reference.letter.clone(),
                        reference.id.as_ref().map(ToString::to_string),
                        reference.text.clone(),
                    )
                })
                .collect(),
            sources,
        })
    }

    /// Inserts these rows.
    fn insert(&self, connection: &Connection) -> rusqlite::Result<()> {
        connection
            .prepare_cached(INSERT_CABLE)?
            .execute(rusqlite::params_from_iter(&self.cable))?;
        // id, subject, body.
        let text = |i: usize| &self.cable[i];
        connection
            .prepare_cached(INSERT_FTS)?
            .execute((text(0), text(4), text(6)))?;
        let id = text(0);
        let mut tag_insert = connection.prepare_cached(INSERT_TAG)?;
        for tag in &self.tags {
            tag_insert.execute((id, tag))?;
        }
        let mut reference_insert = connection.prepare_cached(INSERT_REFERENCE)?;
        for (position, letter, cited, text) in &self.references {
            reference_insert.execute((id, position, letter, cited, text))?;
        }
        let mut source_insert = connection.prepare_cached(INSERT_SOURCE)?;
        for source in &self.sources {
            source_insert.execute(rusqlite::params_from_iter(
                std::iter::once(id).chain(source.iter()),
            ))?;
        }
        Ok(())
    }
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

/// How many cables may wait for the writer: enough to keep it busy, few enough to bound
/// memory.
const QUEUE: usize = 64;

/// A database being built at a hidden name beside `path` by a thread of its own, so that
/// indexing the text (most of the work) runs while the store is read; [`Sink::finish`]
/// commits it and moves it into place, and dropping it unfinished (a failed export)
/// deletes it.
#[derive(Debug)]
pub struct SqliteSink {
    queue: Option<std::sync::mpsc::SyncSender<Rows>>,
    writer: Option<std::thread::JoinHandle<rusqlite::Result<Connection>>>,
    partial: PathBuf,
    path: PathBuf,
    /// Moved into place: nothing to delete.
    placed: bool,
}

impl SqliteSink {
    /// Builds the database in `partial` (an empty or absent file) to end up as `path`.
    pub fn create(partial: PathBuf, path: PathBuf) -> Result<SqliteSink, ExportError> {
        let mut sink = SqliteSink {
            queue: None,
            writer: None,
            partial,
            path,
            placed: false,
        };
        // A journal left by an export that was killed would be rolled into the new file.
        for suffix in ["-journal", "-wal", "-shm"] {
            let mut name = sink.partial.clone().into_os_string();
            name.push(suffix);
            match std::fs::remove_file(&name) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    return Err(write_error(&sink.path, error));
                }
                _ => {}
            }
        }
        let connection = Connection::open(&sink.partial).map_err(|e| sink.error(e))?;
        // The file is not the database anyone reads until it is whole and renamed, and a
        // failed export deletes it: no journal and no syncs are needed while building it.
        connection
            .execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; BEGIN;")
            .and_then(|()| connection.execute_batch(SCHEMA))
            .map_err(|e| sink.error(e))?;
        let (queue, rows) = std::sync::mpsc::sync_channel::<Rows>(QUEUE);
        let writer = std::thread::Builder::new()
            .name("sqlite-export".to_string())
            .spawn(move || {
                for cable in rows {
                    cable.insert(&connection)?;
                }
                Ok(connection)
            })
            .map_err(|e| write_error(&sink.path, e))?;
        sink.queue = Some(queue);
        sink.writer = Some(writer);
        Ok(sink)
    }

    fn error(&self, error: rusqlite::Error) -> ExportError {
        write_error(&self.path, std::io::Error::other(error))
    }

    /// Waits for the writer to insert what it was sent, and takes back its connection
    /// (or the error that stopped it).
    fn join(&mut self) -> Result<Connection, ExportError> {
        drop(self.queue.take());
        match self.writer.take().map(std::thread::JoinHandle::join) {
            Some(Ok(Ok(connection))) => Ok(connection),
            Some(Ok(Err(error))) => Err(self.error(error)),
            Some(Err(_)) => Err(write_error(
                &self.path,
                std::io::Error::other("the thread writing the database stopped unexpectedly"),
            )),
            None => Err(write_error(
                &self.path,
                std::io::Error::other("the database was already finished"),
            )),
        }
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
        let rows = Rows::of(chosen, stored).map_err(|e| write_error(&self.path, e.into()))?;
        let sent = self.queue.as_ref().map(|queue| queue.send(rows));
        match sent {
            Some(Ok(())) => Ok(()),
            // The writer stopped: its error says why.
            _ => self.join().map(drop),
        }
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        let connection = self.join()?;
        connection
            .execute_batch(FINISH)
            .and_then(|()| connection.execute_batch("COMMIT"))
            .and_then(|()| connection.close().map_err(|(_, error)| error))
            .map_err(|e| self.error(e))?;
        std::fs::rename(&self.partial, &self.path).map_err(|e| write_error(&self.path, e))?;
        self.placed = true;
        Ok(())
    }
}

impl Drop for SqliteSink {
    /// An export that stopped before [`Sink::finish`] leaves no half-built database.
    fn drop(&mut self) {
        if !self.placed {
            drop(self.join());
            let _ = std::fs::remove_file(&self.partial);
        }
    }
}

#[cfg(test)]
mod tests;
