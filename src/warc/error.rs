//! What can go wrong with a WARC file, each error naming the file, the byte offset, what
//! is wrong and what to do.

use std::io;
use std::path::PathBuf;

use super::http::HttpError;

/// Why a WARC file (or a record in it) could not be read or written.
///
/// Reading goes on after every error but [`WarcError::Open`] and [`WarcError::Io`]: the
/// records before it have been delivered, and the reader has moved to the next record
/// (the next gzip member, or the next `WARC/1.` line of a plain file).
#[derive(Debug, thiserror::Error)]
pub enum WarcError {
    /// The file cannot be opened.
    #[error("cannot open the WARC file {}: {source}; fix: check the path and its permissions", file.display())]
    Open {
        /// The file.
        file: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// Reading the file failed part way; nothing after `offset` is read.
    #[error("cannot read the WARC file {} at byte {offset}: {source}; fix: check the disk or copy the file again", file.display())]
    Io {
        /// The file.
        file: PathBuf,
        /// Where reading stopped.
        offset: u64,
        /// Why.
        source: io::Error,
    },
    /// A folder given as input cannot be listed.
    #[error("cannot list the folder {}: {source}; fix: pass a folder of .warc or .warc.gz files", dir.display())]
    Dir {
        /// The folder.
        dir: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// The file holds no WARC record where its first one should be.
    #[error(
        "{} is not a WARC file: at byte {offset} it holds `{found}` where a `WARC/1.x` record should start; fix: give .warc or .warc.gz files (a saved site's folder is ingested as a mirror)",
        file.display()
    )]
    NotWarc {
        /// The file.
        file: PathBuf,
        /// Where the record should have started.
        offset: u64,
        /// The first bytes found there, escaped.
        found: String,
    },
    /// A record's header is malformed.
    #[error(
        "{} byte {offset}: bad WARC record header: {problem}; the record is skipped and reading goes on at the next record; fix: only the tool that wrote the file can restore this record",
        file.display()
    )]
    BadHeader {
        /// The file.
        file: PathBuf,
        /// The record's offset (its gzip member's, in a gzip file).
        offset: u64,
        /// What is wrong.
        problem: String,
    },
    /// A record is larger than the reader accepts.
    #[error(
        "{} byte {offset}: record of {length} bytes is over the limit of {limit} bytes per record (a page body of at most 20 MiB plus its headers); it is skipped; fix: none needed unless such pages matter, then raise `Limits::max_block_bytes`",
        file.display()
    )]
    TooLarge {
        /// The file.
        file: PathBuf,
        /// The record's offset.
        offset: u64,
        /// Its `Content-Length`.
        length: u64,
        /// The limit.
        limit: u64,
    },
    /// A record's `Content-Length` does not end where the record does.
    #[error(
        "{} byte {offset}: the record's Content-Length {length} is not followed by the blank line that ends a record: the length is wrong or the record is damaged; it is skipped; fix: repair the writer that made the file",
        file.display()
    )]
    BadLength {
        /// The file.
        file: PathBuf,
        /// The record's offset.
        offset: u64,
        /// The `Content-Length` it declares.
        length: u64,
    },
    /// The file (or its gzip member) ends inside a record.
    #[error(
        "{} byte {offset}: {what} (the WARC was still being written, its writer crashed, or the copy is incomplete); it is skipped; fix: copy the file again if it should be whole",
        file.display()
    )]
    Truncated {
        /// The file.
        file: PathBuf,
        /// The offset of the record (or gzip member) cut short.
        offset: u64,
        /// What is cut short, and by what: `the gzip member is cut short by the end of the file`.
        what: &'static str,
    },
    /// A gzip member is damaged.
    #[error(
        "{} byte {offset}: damaged gzip member: {problem}; its records are skipped and reading goes on at the next good member; fix: copy the file again",
        file.display()
    )]
    Gzip {
        /// The file.
        file: PathBuf,
        /// The member's offset.
        offset: u64,
        /// What is wrong.
        problem: String,
    },
    /// A response record's HTTP message cannot be read.
    #[error(
        "{} byte {offset}: the HTTP response of {uri} {problem}; the page is skipped; fix: fetch the page again (the file's other records are not affected)",
        file.display()
    )]
    Http {
        /// The file.
        file: PathBuf,
        /// The record's offset.
        offset: u64,
        /// The record's target URI.
        uri: String,
        /// What is wrong.
        problem: HttpError,
    },
    /// A response record has no usable target URI or date.
    #[error("{} byte {offset}: {problem}; the record is skipped; fix: repair the writer that made the file", file.display())]
    BadRecord {
        /// The file.
        file: PathBuf,
        /// The record's offset.
        offset: u64,
        /// What is missing or wrong.
        problem: String,
    },
    /// Writing a WARC file failed.
    #[error("cannot write the WARC file {}: {source}; fix: check that its folder exists, is writable and has space", file.display())]
    Write {
        /// The file.
        file: PathBuf,
        /// Why.
        source: io::Error,
    },
}

impl WarcError {
    /// Whether reading the file cannot go on after this error.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            WarcError::Open { .. } | WarcError::Io { .. } | WarcError::Dir { .. }
        )
    }

    /// The byte offset the error is at, when it is about a place in a file.
    pub fn offset(&self) -> Option<u64> {
        match self {
            WarcError::Io { offset, .. }
            | WarcError::NotWarc { offset, .. }
            | WarcError::BadHeader { offset, .. }
            | WarcError::TooLarge { offset, .. }
            | WarcError::BadLength { offset, .. }
            | WarcError::Truncated { offset, .. }
            | WarcError::Gzip { offset, .. }
            | WarcError::Http { offset, .. }
            | WarcError::BadRecord { offset, .. } => Some(*offset),
            WarcError::Open { .. } | WarcError::Dir { .. } | WarcError::Write { .. } => None,
        }
    }
}
