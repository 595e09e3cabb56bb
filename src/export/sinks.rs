//! The export formats: JSON Lines, CSV and one text file per cable, each a [`Sink`], and
//! the files they write: beside their final name first, moved into place at the end, and
//! only under plain names inside the output folder.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use super::{ExportError, Sink};
use crate::model::Cable;

/// The CSV columns, in order: the cable record's fields.
pub const CSV_COLUMNS: [&str; 24] = [
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
    "rules",
    "source_id",
    "cut",
    "suspect",
    "references",
    "reference_ids",
    "to",
    "info",
    "excluded",
    "signer",
    "classified_by",
    "declassify",
    "summary",
];

/// How tags are joined in one CSV field.
pub const CSV_TAG_SEPARATOR: &str = "; ";

/// JSON Lines: one cable record per line.
#[derive(Debug)]
pub struct JsonlSink<W: Write> {
    out: Output<W>,
}

impl<W: Write> JsonlSink<W> {
    /// Writes to `out`, named `path` in messages.
    pub fn new(out: W, path: &Path) -> Self {
        JsonlSink {
            out: Output::new(out, path),
        }
    }
}

impl<W: Write> Sink for JsonlSink<W> {
    fn write(&mut self, cable: &Cable) -> Result<(), ExportError> {
        let mut line = serde_json::to_vec(cable).map_err(|e| self.out.error(e.into()))?;
        line.push(b'\n');
        self.out.write(&line)
    }

    fn finish(self: Box<Self>) -> Result<(), ExportError> {
        self.out.finish()
    }
}

/// CSV per RFC 4180: a header row, CRLF line ends, fields quoted when they need it; tags
/// joined by `; `, absent fields empty.
pub struct CsvSink<W: Write> {
    writer: csv::Writer<W>,
    table: CsvTable,
    path: PathBuf,
    finisher: Option<Box<dyn FnOnce() -> std::io::Result<()>>>,
}

/// What a CSV export's rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CsvTable {
    /// One row per cable, [`CSV_COLUMNS`].
    Cables,
    /// The citation graph: one row per reference to a cable, [`EDGE_COLUMNS`].
    Edges,
}

/// The columns of the citation graph's CSV: the citing cable, the cited one, and the
/// reference's letter (empty when the `REF:` block does not letter its references).
pub const EDGE_COLUMNS: [&str; 3] = ["from", "to", "letter"];

impl<W: Write> std::fmt::Debug for CsvSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSink")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<W: Write> CsvSink<W> {
    /// Writes `table` to `out`, named `path` in messages; the header row is written first.
    pub fn new(out: W, path: &Path, table: CsvTable) -> Result<Self, ExportError> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        let header: &[&str] = match table {
            CsvTable::Cables => &CSV_COLUMNS,
            CsvTable::Edges => &EDGE_COLUMNS,
        };
        writer
            .write_record(header)
            .map_err(|e| csv_error(path, e))?;
        Ok(CsvSink {
            writer,
            table,
            path: path.to_path_buf(),
            finisher: None,
        })
    }
}

fn csv_error(path: &Path, error: csv::Error) -> ExportError {
    let source = match error.into_kind() {
        csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    };
    ExportError::Write {
        path: path.to_path_buf(),
        source,
    }
}

impl<W: Write> Sink for CsvSink<W> {
    fn write(&mut self, cable: &Cable) -> Result<(), ExportError> {
        if self.table == CsvTable::Edges {
            for reference in &cable.meta.references {
                if let Some(cited) = &reference.id {
                    let letter = reference.letter.as_deref().unwrap_or_default();
                    self.writer
                        .write_record([cable.id.as_str(), cited.as_str(), letter])
                        .map_err(|e| csv_error(&self.path, e))?;
                }
            }
            return Ok(());
        }
        let tags = cable.tags.join(CSV_TAG_SEPARATOR);
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let record = [
            cable.id.to_string(),
            cable.url.to_string(),
            cable.site.clone(),
            text(&cable.title),
            text(&cable.subject),
            text(&cable.header),
            cable.body.clone(),
            text(&cable.created),
            text(&cable.classification),
            text(&cable.origin),
            tags,
            cable.rules.clone(),
            text(&cable.source_id),
            cable
                .cut
                .as_ref()
                .map(|cut| serde_json::to_string(cut).unwrap_or_default())
                .unwrap_or_default(),
            cable
                .suspect
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(CSV_TAG_SEPARATOR),
            json_text(&cable.meta.references),
            cable
                .meta
                .references
                .iter()
                .filter_map(|reference| reference.id.as_ref().map(ToString::to_string))
                .collect::<Vec<_>>()
                .join(CSV_TAG_SEPARATOR),
            json_text(&cable.meta.to),
            json_text(&cable.meta.info),
            json_text(&cable.meta.excluded),
            text(&cable.meta.signer),
            cable
                .meta
                .classified_by
                .as_ref()
                .map(json_text)
                .unwrap_or_default(),
            cable
                .meta
                .declassify
                .as_ref()
                .map(json_text)
                .unwrap_or_default(),
            text(&cable.meta.summary),
        ];
        self.writer
            .write_record(&record)
            .map_err(|e| csv_error(&self.path, e))
    }

    fn finish(mut self: Box<Self>) -> Result<(), ExportError> {
        self.writer.flush().map_err(|source| ExportError::Write {
            path: self.path.clone(),
            source,
        })?;
        match self.finisher.take() {
            Some(finish) => finish().map_err(|source| ExportError::Write {
                path: self.path.clone(),
                source,
            }),
            None => Ok(()),
        }
    }
}

/// A nested field as JSON text for one CSV cell: an empty list is an empty cell, and a
/// value that is a plain string (a declassification date) is that string.
fn json_text<T: serde::Serialize + ?Sized>(value: &T) -> String {
    let json = serde_json::to_string(value).unwrap_or_default();
    if json == "[]" {
        return String::new();
    }
    match serde_json::from_str::<String>(&json) {
        Ok(text) => text,
        Err(_) => json,
    }
}

/// A writer with its name for messages, and, for a file, the move into place at the end.
struct Output<W: Write> {
    out: std::io::BufWriter<W>,
    path: PathBuf,
    finisher: Option<Box<dyn FnOnce() -> std::io::Result<()>>>,
}

impl<W: Write> std::fmt::Debug for Output<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Output")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<W: Write> Output<W> {
    fn new(out: W, path: &Path) -> Self {
        Output {
            out: std::io::BufWriter::with_capacity(256 * 1024, out),
            path: path.to_path_buf(),
            finisher: None,
        }
    }

    fn error(&self, source: std::io::Error) -> ExportError {
        ExportError::Write {
            path: self.path.clone(),
            source,
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), ExportError> {
        self.out.write_all(bytes).map_err(|e| self.error(e))
    }

    fn finish(mut self) -> Result<(), ExportError> {
        self.out.flush().map_err(|e| self.error(e))?;
        match self.finisher.take() {
            Some(finish) => finish().map_err(|e| self.error(e)),
            None => Ok(()),
        }
    }
}

/// A file written beside its final path and moved into place when the export finishes, so
/// an export that fails midway never leaves a cut-short file under the name asked for.
#[derive(Debug)]
pub struct PendingFile {
    file: std::fs::File,
    partial: PathBuf,
    path: PathBuf,
}

impl PendingFile {
    /// Creates `<dir>/.<name>.partial` for `path`.
    pub fn create(path: &Path) -> Result<PendingFile, ExportError> {
        let write_error = |source| ExportError::Write {
            path: path.to_path_buf(),
            source,
        };
        let name = path
            .file_name()
            .ok_or_else(|| write_error(std::io::Error::other("the path names no file")))?;
        let mut partial_name = std::ffi::OsString::from(".");
        partial_name.push(name);
        partial_name.push(".partial");
        let partial = path.with_file_name(partial_name);
        let file = std::fs::File::create(&partial).map_err(write_error)?;
        Ok(PendingFile {
            file,
            partial,
            path: path.to_path_buf(),
        })
    }

    fn split(self) -> (std::fs::File, Box<dyn FnOnce() -> std::io::Result<()>>) {
        let PendingFile {
            file,
            partial,
            path,
        } = self;
        (file, Box::new(move || std::fs::rename(&partial, &path)))
    }

    /// Another handle on the file being written, for a writer of its own (WARC).
    pub fn file(&self) -> Result<std::fs::File, ExportError> {
        self.file.try_clone().map_err(|source| ExportError::Write {
            path: self.path.clone(),
            source,
        })
    }

    /// Moves the finished file into place, once its bytes are on disk.
    pub fn commit(self) -> Result<(), ExportError> {
        let write_error = |source| ExportError::Write {
            path: self.path.clone(),
            source,
        };
        self.file.sync_all().map_err(write_error)?;
        std::fs::rename(&self.partial, &self.path).map_err(write_error)
    }

    /// Removes the unfinished file: what was being written failed.
    pub fn discard(self) {
        // Nothing more can be done if it cannot be removed; its name says it is partial.
        let _ = std::fs::remove_file(&self.partial);
    }

    /// A JSON Lines sink that writes this file.
    pub fn jsonl(self) -> JsonlSink<std::fs::File> {
        let path = self.path.clone();
        let (file, finish) = self.split();
        let mut sink = JsonlSink::new(file, &path);
        sink.out.finisher = Some(finish);
        sink
    }

    /// An SQLite sink that builds its database in this file.
    pub fn sqlite(self) -> Result<super::SqliteSink, ExportError> {
        let PendingFile {
            file,
            partial,
            path,
        } = self;
        drop(file);
        super::SqliteSink::create(partial, path)
    }

    /// A CSV sink that writes this file.
    pub fn csv(self, table: CsvTable) -> Result<CsvSink<std::fs::File>, ExportError> {
        let path = self.path.clone();
        let (file, finish) = self.split();
        let mut sink = CsvSink::new(file, &path, table)?;
        sink.finisher = Some(finish);
        Ok(sink)
    }
}

/// One text file per cable in a folder: `<ID>.txt`, or `<ID>.<site>.txt` with every source
/// (and `<ID>.<site>.<n>.txt` for a site's second copy of one cable). The content is the
/// header, a blank line, then the body (just the body when there is no header), ending in a
/// newline.
#[derive(Debug)]
pub struct TxtSink {
    dir: PathBuf,
    all_sources: bool,
    used: HashSet<String>,
}

impl TxtSink {
    /// Writes into `dir`, creating it if needed.
    pub fn new(dir: &Path, all_sources: bool) -> Result<TxtSink, ExportError> {
        std::fs::create_dir_all(dir).map_err(|source| ExportError::Write {
            path: dir.to_path_buf(),
            source,
        })?;
        Ok(TxtSink {
            dir: dir.to_path_buf(),
            all_sources,
            used: HashSet::new(),
        })
    }

    fn name_for(&mut self, cable: &Cable) -> String {
        let stem = if self.all_sources {
            format!("{}.{}", cable.id, cable.site)
        } else {
            cable.id.to_string()
        };
        let mut name = format!("{stem}.txt");
        let mut n = 1;
        while self.used.contains(&name) {
            n += 1;
            name = format!("{stem}.{n}.txt");
        }
        self.used.insert(name.clone());
        name
    }
}

/// The text of a cable's file: header, blank line, body; or the body alone.
pub fn cable_file_text(cable: &Cable) -> String {
    match cable.header.as_deref().filter(|h| !h.trim().is_empty()) {
        Some(header) => format!("{header}\n\n{}\n", cable.body),
        None => format!("{}\n", cable.body),
    }
}

impl Sink for TxtSink {
    fn write(&mut self, cable: &Cable) -> Result<(), ExportError> {
        let name = self.name_for(cable);
        write_file_in(&self.dir, &name, cable_file_text(cable).as_bytes())
    }

    fn finish(self: Box<Self>) -> Result<(), ExportError> {
        Ok(())
    }
}

/// Whether `name` is a plain file name: letters, digits, `.`, `-` and `_`, not starting
/// with a dot, one path component.
pub fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 255
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        && matches!(
            Path::new(name).components().collect::<Vec<_>>()[..],
            [Component::Normal(_)]
        )
}

/// Writes `bytes` to `dir/name`, where `name` must be a plain file name: through a
/// temporary file in `dir` renamed over the name, so a symbolic link already there is
/// replaced, never followed.
pub fn write_file_in(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), ExportError> {
    if !is_plain_file_name(name) {
        return Err(ExportError::UnsafeName {
            name: name.to_string(),
        });
    }
    let path = dir.join(name);
    let partial = dir.join(format!(".{name}.partial"));
    let write_error = |source| ExportError::Write {
        path: path.clone(),
        source,
    };
    match std::fs::remove_file(&partial) {
        Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
            return Err(write_error(error));
        }
        _ => {}
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&partial)
        .map_err(write_error)?;
    file.write_all(bytes).map_err(write_error)?;
    drop(file);
    std::fs::rename(&partial, &path).map_err(write_error)
}

#[cfg(test)]
mod tests;
