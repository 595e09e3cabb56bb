//! The pages of many WARC files: which files an input names (files, or folders of them),
//! and one pass over them that turns responses and revisits into pages, counting every
//! record it skips and why.
//!
//! A revisit is resolved against the responses of every file read before it; one whose
//! response comes later (files given out of order) waits, and all that wait are tried
//! again once every file has been read. Those still unresolved are counted.

use std::collections::BTreeMap;
use std::fs::File;
use std::path::{Path, PathBuf};

use super::error::WarcError;
use super::page::{self, RevisitIndex, WarcPage};
use super::read::{Limits, WarcReader, open_with};
use super::record::{Record, RecordType};

/// Revisit records held to be tried again at the end, at most (their blocks are HTTP
/// heads, a few hundred bytes each).
const MAX_WAITING_BYTES: usize = 64 * 1024 * 1024;

/// What a pass over WARC files found.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReadCounts {
    /// Files opened.
    pub files: u64,
    /// Records read whole.
    pub records: u64,
    /// Pages given: responses and resolved revisits.
    pub pages: u64,
    /// Revisits resolved to a payload in the input.
    pub revisits_resolved: u64,
    /// Revisits whose payload is not in the input.
    pub revisits_unresolved: u64,
    /// Records skipped, by kind: the record type (`request`, `metadata`, `warcinfo`, …),
    /// `non-http` for a response of another scheme or without an HTTP block.
    pub skipped: BTreeMap<String, u64>,
    /// Errors: damaged or unreadable records and pages (each was reported).
    pub errors: u64,
    /// Bytes of damaged input passed over.
    pub bytes_skipped: u64,
}

/// The WARC files an input names: each file as given, and in each folder (recursively,
/// in name order) the files named `*.warc` or `*.warc.gz`. Files still being written
/// (`*.open`) are left out of folders: give one by name to read what it holds.
pub fn warc_files(inputs: &[PathBuf]) -> Result<Vec<PathBuf>, WarcError> {
    let mut files = Vec::new();
    for input in inputs {
        if !input.is_dir() {
            files.push(input.clone());
            continue;
        }
        let mut found = Vec::new();
        for entry in walkdir::WalkDir::new(input).sort_by_file_name() {
            let entry = entry.map_err(|e| WarcError::Dir {
                dir: e.path().unwrap_or(input).to_path_buf(),
                source: e
                    .into_io_error()
                    .unwrap_or_else(|| std::io::Error::other("a loop of links")),
            })?;
            if entry.file_type().is_file() && is_warc_name(entry.path()) {
                found.push(entry.into_path());
            }
        }
        files.extend(found);
    }
    Ok(files)
}

/// The pages of a list of WARC files, read one file at a time.
///
/// An iterator of `Result<WarcPage, WarcError>`; errors are reported and reading goes on
/// (a file that cannot be opened is reported and passed over). [`PageReader::counts`]
/// holds the tallies, final once the iterator is done.
#[derive(Debug)]
pub struct PageReader {
    files: Vec<PathBuf>,
    next_file: usize,
    current: Option<(usize, WarcReader<File>)>,
    index: RevisitIndex,
    waiting: Vec<Record>,
    waiting_bytes: usize,
    retrying: bool,
    limits: Limits,
    counts: ReadCounts,
}

impl PageReader {
    /// A reader of `files` (as [`warc_files`] lists them), in that order.
    pub fn new(files: Vec<PathBuf>, limits: Limits) -> PageReader {
        PageReader {
            files,
            next_file: 0,
            current: None,
            index: RevisitIndex::new(),
            waiting: Vec::new(),
            waiting_bytes: 0,
            retrying: false,
            limits,
            counts: ReadCounts::default(),
        }
    }

    /// The tallies so far.
    pub fn counts(&self) -> &ReadCounts {
        &self.counts
    }

    fn skip(&mut self, kind: &str) {
        *self.counts.skipped.entry(kind.to_string()).or_insert(0) += 1;
    }

    /// A record read: a page, an error, or nothing (skipped, or waiting).
    fn take(&mut self, file: usize, record: Record) -> Option<Result<WarcPage, WarcError>> {
        self.counts.records += 1;
        match record.record_type {
            RecordType::Response if page::is_page_response(&record) => {
                self.index.note(file, &record);
                Some(self.counted(page::page_from_response(&record, &self.limits)))
            }
            RecordType::Response => {
                self.skip("non-http");
                None
            }
            RecordType::Revisit if page::is_page_revisit(&record) => self.revisit(record),
            RecordType::Revisit => {
                self.skip("non-http");
                None
            }
            ref other => {
                let kind = match other {
                    RecordType::Other(name) if name.is_empty() => "untyped",
                    other => other.as_str(),
                };
                let kind = kind.to_string();
                self.skip(&kind);
                None
            }
        }
    }

    fn revisit(&mut self, revisit: Record) -> Option<Result<WarcPage, WarcError>> {
        let Some(found) = self.index.locate(&revisit) else {
            let size = revisit.block.len() + 512;
            if !self.retrying && self.waiting_bytes + size <= MAX_WAITING_BYTES {
                self.waiting_bytes += size;
                self.waiting.push(revisit);
            } else {
                self.counts.revisits_unresolved += 1;
            }
            return None;
        };
        let original = match self.index.load(found, self.limits) {
            Ok(original) => original,
            Err(error) => {
                self.counts.errors += 1;
                return Some(Err(error));
            }
        };
        let result = page::page_from_revisit(&revisit, &original, &self.limits);
        if result.is_ok() {
            self.counts.revisits_resolved += 1;
        }
        Some(self.counted(result))
    }

    fn counted(&mut self, result: Result<WarcPage, WarcError>) -> Result<WarcPage, WarcError> {
        match &result {
            Ok(_) => self.counts.pages += 1,
            Err(_) => self.counts.errors += 1,
        }
        result
    }

    fn open_next(&mut self) -> Option<Result<WarcPage, WarcError>> {
        let path = self.files.get(self.next_file)?.clone();
        self.next_file += 1;
        match open_with(&path, self.limits) {
            Ok(reader) => {
                self.counts.files += 1;
                let number = self.index.add_file(&path);
                self.current = Some((number, reader));
                None
            }
            Err(error) => {
                self.counts.errors += 1;
                Some(Err(error))
            }
        }
    }
}

impl Iterator for PageReader {
    type Item = Result<WarcPage, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if let Some((number, reader)) = self.current.as_mut() {
                let number = *number;
                match reader.next() {
                    Some(Ok(record)) => match self.take(number, record) {
                        Some(item) => return Some(item),
                        None => continue,
                    },
                    Some(Err(error)) => {
                        self.counts.errors += 1;
                        return Some(Err(error));
                    }
                    None => {
                        self.counts.bytes_skipped += reader.skipped_bytes();
                        self.current = None;
                    }
                }
            }
            if self.next_file < self.files.len() {
                if let Some(item) = self.open_next() {
                    return Some(item);
                }
                continue;
            }
            // Every file read: the revisits that waited get their second chance.
            if !self.retrying {
                self.retrying = true;
                // Popped from the end, tried in the order they were read.
                self.waiting.reverse();
            }
            let revisit = self.waiting.pop()?;
            if let Some(item) = self.revisit(revisit) {
                return Some(item);
            }
        }
    }
}

/// Whether `path` names a file [`warc_files`] would take from a folder.
pub fn is_warc_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".warc") || name.ends_with(".warc.gz")
}

#[cfg(test)]
mod tests;
