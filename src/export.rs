//! Export: store → JSON Lines, one text file per cable, or CSV, streamed in cable-ID order
//! (then URL), so two exports of one store are byte-identical.
//!
//! By default one copy per cable ID is written: the copy of the site whose rule file has the
//! highest `priority`, then the site whose name sorts first, then the first URL; a site
//! without a rule file any more has priority 0. `--all-sources` writes every copy.

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use jiff::Timestamp;
use serde::Serialize;

use crate::model::{Cable, CableId};
use crate::rules::RuleSet;
use crate::store::{Store, StoreError};

/// What can stop an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// `--since` is not a date.
    #[error(
        "--since `{value}` is not a date; fix: give a day as YYYY-MM-DD (such as 2009-03-01) or a UTC time as 2009-03-01T12:00:00Z"
    )]
    BadSince {
        /// The value given.
        value: String,
    },
    /// A text file's name would not be a plain file name inside the output folder.
    #[error(
        "refusing to write `{name}`: a cable's file name must be a plain name inside the output folder; the store may hold a damaged record, check it with `cablestrip show`"
    )]
    UnsafeName {
        /// The name refused.
        name: String,
    },
    /// Writing the output failed.
    #[error("cannot write {}: {source}; fix: check the path, free space and permissions", path.display())]
    Write {
        /// What was being written (`-` for stdout).
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExportError {
    /// Whether the reader of stdout went away (`| head`): not a failure of the export.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, ExportError::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// A lower bound on `created`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since(Timestamp);

impl Since {
    /// Parses `YYYY-MM-DD` (the start of that day, UTC) or an RFC 3339 time.
    pub fn parse(text: &str) -> Result<Since, ExportError> {
        parse_instant(text.trim())
            .map(Since)
            .ok_or_else(|| ExportError::BadSince {
                value: text.to_string(),
            })
    }
}

/// A cable's `created` (a day, or a day and time in UTC) as an instant.
fn parse_instant(text: &str) -> Option<Timestamp> {
    if let Ok(time) = text.parse::<Timestamp>() {
        return Some(time);
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp())
}

/// Which cables to export.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only this site's copies.
    pub site: Option<String>,
    /// Only cables created at or after this; cables without a `created` are left out.
    pub since: Option<Since>,
    /// Only these cables (any order, repeats allowed); empty for all.
    pub ids: Vec<CableId>,
    /// Every copy, not one per ID.
    pub all_sources: bool,
}

/// Each site's `priority`, from its rule file.
#[derive(Debug, Clone, Default)]
pub struct Priorities(HashMap<String, i32>);

impl Priorities {
    /// The priorities of `rules`.
    pub fn of(rules: &RuleSet) -> Priorities {
        Priorities(
            rules
                .rules()
                .iter()
                .map(|rule| (rule.name.clone(), rule.priority))
                .collect(),
        )
    }

    /// `site`'s priority; 0 for a site without a rule file.
    pub fn get(&self, site: &str) -> i32 {
        self.0.get(site).copied().unwrap_or(0)
    }

    /// The preferred copy: highest priority, then the site name that sorts first, then the
    /// first in the order given.
    pub fn choose<'c>(&self, copies: &'c [Cable]) -> Option<&'c Cable> {
        let mut best: Option<&Cable> = None;
        for copy in copies {
            best = match best {
                Some(b)
                    if (self.get(&b.site), std::cmp::Reverse(&b.site))
                        >= (self.get(&copy.site), std::cmp::Reverse(&copy.site)) =>
                {
                    Some(b)
                }
                _ => Some(copy),
            };
        }
        best
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    /// Records written.
    pub written: usize,
    /// Cables (or, with all sources, copies) left out of a `since` filter for having no
    /// `created` date.
    pub undated: usize,
    /// IDs asked for that the store does not hold (after the site filter).
    pub missing_ids: Vec<String>,
}

/// Where exported cables go.
pub trait Sink {
    /// Writes one cable.
    fn write(&mut self, cable: &Cable) -> Result<(), ExportError>;
    /// Finishes the output (flushes, moves a finished file into place).
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
}

/// Streams the selected cables into `sink`, one ID's copies in memory at a time.
pub fn export(
    store: &Store,
    selection: &Selection,
    priorities: &Priorities,
    sink: &mut dyn Sink,
) -> Result<ExportReport, ExportError> {
    let mut report = ExportReport::default();
    let site = selection.site.as_deref();
    if selection.ids.is_empty() {
        let mut group: Vec<Cable> = Vec::new();
        for cable in store.cables(site) {
            let cable = cable?;
            if group.first().is_some_and(|first| first.id != cable.id) {
                write_group(&group, selection, priorities, sink, &mut report)?;
                group.clear();
            }
            group.push(cable);
        }
        write_group(&group, selection, priorities, sink, &mut report)?;
    } else {
        let mut ids = selection.ids.clone();
        ids.sort();
        ids.dedup();
        for id in ids {
            let group: Vec<Cable> = store
                .cables_for_id(&id)?
                .into_iter()
                .filter(|cable| site.is_none_or(|site| cable.site == site))
                .collect();
            if group.is_empty() {
                report.missing_ids.push(id.to_string());
            }
            write_group(&group, selection, priorities, sink, &mut report)?;
        }
    }
    Ok(report)
}

/// Writes the copies of one cable that the selection keeps.
fn write_group(
    group: &[Cable],
    selection: &Selection,
    priorities: &Priorities,
    sink: &mut dyn Sink,
    report: &mut ExportReport,
) -> Result<(), ExportError> {
    if group.is_empty() {
        return Ok(());
    }
    let kept: Vec<Cable> = match selection.since {
        None => group.to_vec(),
        Some(Since(since)) => {
            let dated: Vec<(&Cable, Timestamp)> = group
                .iter()
                .filter_map(|c| Some((c, parse_instant(c.created.as_deref()?)?)))
                .collect();
            report.undated += if selection.all_sources {
                group.len() - dated.len()
            } else {
                usize::from(dated.is_empty())
            };
            dated
                .into_iter()
                .filter(|(_, created)| *created >= since)
                .map(|(cable, _)| cable.clone())
                .collect()
        }
    };
    if selection.all_sources {
        for cable in &kept {
            sink.write(cable)?;
            report.written += 1;
        }
    } else if let Some(cable) = priorities.choose(&kept) {
        sink.write(cable)?;
        report.written += 1;
    }
    Ok(())
}

/// The CSV columns, in order: the cable record's fields.
pub const CSV_COLUMNS: [&str; 13] = [
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
    path: PathBuf,
    finisher: Option<Box<dyn FnOnce() -> std::io::Result<()>>>,
}

impl<W: Write> std::fmt::Debug for CsvSink<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvSink")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl<W: Write> CsvSink<W> {
    /// Writes to `out`, named `path` in messages; the header row is written first.
    pub fn new(out: W, path: &Path) -> Result<Self, ExportError> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(out);
        writer
            .write_record(CSV_COLUMNS)
            .map_err(|e| csv_error(path, e))?;
        Ok(CsvSink {
            writer,
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
        let tags = cable.tags.join(CSV_TAG_SEPARATOR);
        let text = |value: &Option<String>| value.clone().unwrap_or_default();
        let record = [
            cable.id.to_string(),
            cable.url.clone(),
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

    /// A JSON Lines sink that writes this file.
    pub fn jsonl(self) -> JsonlSink<std::fs::File> {
        let path = self.path.clone();
        let (file, finish) = self.split();
        let mut sink = JsonlSink::new(file, &path);
        sink.out.finisher = Some(finish);
        sink
    }

    /// A CSV sink that writes this file.
    pub fn csv(self) -> Result<CsvSink<std::fs::File>, ExportError> {
        let path = self.path.clone();
        let (file, finish) = self.split();
        let mut sink = CsvSink::new(file, &path)?;
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
mod tests {
    use super::*;

    fn cable(id: &str, site: &str, created: Option<&str>) -> Cable {
        Cable {
            id: CableId::parse(id).expect("id"),
            url: format!("https://{site}/{id}"),
            site: site.to_string(),
            title: None,
            subject: None,
            header: None,
            body: "1. Text.".to_string(),
            created: created.map(str::to_string),
            classification: None,
            origin: None,
            tags: vec![],
            rules: format!("{site}@000000000000"),
            source_id: None,
        }
    }

    #[test]
    fn the_highest_priority_then_the_first_site_name_wins() {
        let mut priorities = Priorities::default();
        priorities.0.insert("b.org".to_string(), 10);
        priorities.0.insert("c.org".to_string(), 10);
        let copies = [
            cable("08MOSCOW1", "a.org", None),
            cable("08MOSCOW1", "c.org", None),
            cable("08MOSCOW1", "b.org", None),
        ];
        assert_eq!(
            priorities.choose(&copies).map(|c| c.site.as_str()),
            Some("b.org")
        );
        assert_eq!(priorities.get("gone.org"), 0);
        assert_eq!(Priorities::default().choose(&[]), None);
    }

    #[test]
    fn since_takes_days_and_times_and_refuses_the_rest() {
        let day = Since::parse("2009-03-04").expect("a day");
        assert_eq!(
            day.0,
            "2009-03-04T00:00:00Z".parse::<Timestamp>().expect("time")
        );
        assert!(Since::parse("2009-03-04T10:10:00Z").is_ok());
        for bad in ["yesterday", "2009-13-01", "04/03/2009", ""] {
            let error = Since::parse(bad).expect_err(bad).to_string();
            assert!(error.contains("fix:"), "{error}");
        }
        assert!(parse_instant("2009-03-04T10:10:00Z") > parse_instant("2009-03-04"));
    }

    #[test]
    fn only_plain_names_are_file_names() {
        for good in ["08MOSCOW3728.txt", "08MOSCOW3728.www.scoop.co.nz.2.txt"] {
            assert!(is_plain_file_name(good), "{good}");
        }
        for bad in [
            "",
            ".",
            "..",
            "../x.txt",
            "/etc/passwd",
            "a/b.txt",
            "a\\b.txt",
            ".hidden",
            "C:x.txt",
            "x\0.txt",
            "nul\n.txt",
        ] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn a_hostile_name_writes_nothing_anywhere() {
        let root = tempfile::tempdir().expect("temp dir");
        let out = root.path().join("out");
        std::fs::create_dir(&out).expect("mkdir");
        for hostile in [
            "../escaped.txt",
            "../../escaped.txt",
            "/tmp/escaped.txt",
            "..",
        ] {
            let error = write_file_in(&out, hostile, b"x").expect_err(hostile);
            assert!(matches!(error, ExportError::UnsafeName { .. }), "{error}");
        }
        assert!(!root.path().join("escaped.txt").exists());
        assert_eq!(std::fs::read_dir(&out).expect("list").count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_in_the_folder_is_replaced_not_followed() {
        let root = tempfile::tempdir().expect("temp dir");
        let target = root.path().join("precious");
        std::fs::write(&target, b"keep me").expect("write");
        let out = root.path().join("out");
        std::fs::create_dir(&out).expect("mkdir");
        std::os::unix::fs::symlink(&target, out.join("08MOSCOW1.txt")).expect("symlink");
        write_file_in(&out, "08MOSCOW1.txt", b"cable").expect("write");
        assert_eq!(std::fs::read(&target).expect("read"), b"keep me");
        assert_eq!(
            std::fs::read(out.join("08MOSCOW1.txt")).expect("read"),
            b"cable"
        );
    }

    #[test]
    fn a_text_file_is_header_blank_line_body() {
        let mut with_header = cable("08MOSCOW1", "a.org", None);
        with_header.header = Some("R 011200Z DEC 08".to_string());
        assert_eq!(
            cable_file_text(&with_header),
            "R 011200Z DEC 08\n\n1. Text.\n"
        );
        assert_eq!(
            cable_file_text(&cable("08MOSCOW1", "a.org", None)),
            "1. Text.\n"
        );
    }
}
