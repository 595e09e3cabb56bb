//! Reading a WARC file record by record, streaming: each record is parsed from the decoded
//! bytes, delivered with its location, and a damaged one is reported and passed over.
//!
//! After a bad record the reader goes on at the next place a record can start: the next
//! gzip member (searched for after a damaged member), or, inside a plain file or a member
//! holding several records, the next line that starts with `WARC/`, searched from the byte
//! after the bad record's start so that a record swallowed by a lying `Content-Length` is
//! still found.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::error::WarcError;
use super::gzip::GzipError;
use super::record::{Location, Record};
use super::stream::Stream;

/// The largest page body the crawler keeps (its `DEFAULT_MAX_BODY_BYTES`, counted after
/// decompression); the reader holds WARC pages to the same.
pub const MAX_BODY_BYTES: u64 = 20 * 1024 * 1024;

/// The largest record block read: a largest body plus 1 MiB for its HTTP head.
pub const DEFAULT_MAX_BLOCK_BYTES: u64 = MAX_BODY_BYTES + 1024 * 1024;

/// The largest WARC header read: real ones are well under 4 KiB.
pub const DEFAULT_MAX_HEADER_BYTES: usize = 256 * 1024;

/// How much one record may take: what bounds the reader's memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A record whose block is longer is skipped (streamed past, never held).
    pub max_block_bytes: u64,
    /// A record whose WARC header is longer is taken as damaged.
    pub max_header_bytes: usize,
    /// A page whose decoded HTTP body would be longer is skipped.
    pub max_body_bytes: u64,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_block_bytes: DEFAULT_MAX_BLOCK_BYTES,
            max_header_bytes: DEFAULT_MAX_HEADER_BYTES,
            max_body_bytes: MAX_BODY_BYTES,
        }
    }
}

/// What the reader does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Ready,
    /// Search the decoded bytes for the next line starting `WARC/`; `prev` is the byte
    /// before the first one to search.
    ScanText {
        prev: u8,
    },
    /// Search the file for the next good gzip member.
    ResyncGzip,
    Done,
}

/// The records of one WARC file, plain or gzip (told by its first bytes, not its name),
/// read from any `Read` without seeking, one record in memory at a time.
///
/// An iterator of `Result<Record, WarcError>`: after an error other than
/// [`WarcError::is_fatal`] it goes on with the next record, so iterating to the end
/// delivers every record that can be read.
#[derive(Debug)]
pub struct WarcReader<R> {
    stream: Stream<R>,
    file: Arc<Path>,
    limits: Limits,
    state: State,
    /// No record found yet: a failure now means the file is no WARC at all.
    first: bool,
    skipped_bytes: u64,
}

/// Opens a WARC file (`.warc`, `.warc.gz`, or anything holding one) for reading.
pub fn open(path: &Path) -> Result<WarcReader<File>, WarcError> {
    open_with(path, Limits::default())
}

/// [`open`] with other limits.
pub fn open_with(path: &Path, limits: Limits) -> Result<WarcReader<File>, WarcError> {
    let file = File::open(path).map_err(|source| WarcError::Open {
        file: path.to_path_buf(),
        source,
    })?;
    WarcReader::starting_at(file, path, 0, limits)
}

/// Reads the one record at `location` of the file at `path` (a location a reader gave).
pub fn read_record_at(
    path: &Path,
    location: Location,
    limits: Limits,
) -> Result<Record, WarcError> {
    let mut file = File::open(path).map_err(|source| WarcError::Open {
        file: path.to_path_buf(),
        source,
    })?;
    file.seek(SeekFrom::Start(location.offset))
        .map_err(|source| WarcError::Io {
            file: path.to_path_buf(),
            offset: location.offset,
            source,
        })?;
    let mut reader = WarcReader::starting_at(file, path, location.offset, limits)?;
    reader.pass_over(location.offset_in_member)?;
    let missing = || WarcError::BadRecord {
        file: path.to_path_buf(),
        offset: location.offset,
        problem: format!(
            "no record at this location (offset in its gzip member {})",
            location.offset_in_member
        ),
    };
    match reader.next() {
        Some(Ok(record)) if record.location == location => Ok(record),
        Some(Ok(_)) | None => Err(missing()),
        Some(Err(error)) => Err(error),
    }
}

impl<R: Read> WarcReader<R> {
    /// A reader over `input`, whose errors name the file `name`.
    pub fn new(input: R, name: &Path) -> Result<WarcReader<R>, WarcError> {
        WarcReader::starting_at(input, name, 0, Limits::default())
    }

    /// A reader over `input` positioned at file offset `offset` of the file `name`, so
    /// that offsets in records and errors are the file's.
    pub fn starting_at(
        input: R,
        name: &Path,
        offset: u64,
        limits: Limits,
    ) -> Result<WarcReader<R>, WarcError> {
        // A damaged member is searched again from its start, so its compressed bytes are
        // held; they are at most a little over the decoded size of the record they hold.
        let max_keep = usize::try_from(limits.max_block_bytes + limits.max_block_bytes / 64)
            .unwrap_or(usize::MAX)
            .saturating_add(limits.max_header_bytes)
            .saturating_add(1024 * 1024);
        let stream = Stream::new(input, offset, max_keep).map_err(|source| WarcError::Io {
            file: name.to_path_buf(),
            offset,
            source,
        })?;
        Ok(WarcReader {
            stream,
            file: Arc::from(name),
            limits,
            state: State::Ready,
            first: offset == 0,
            skipped_bytes: 0,
        })
    }

    /// Whether the file is gzip-compressed.
    pub fn is_gzip(&self) -> bool {
        self.stream.is_gzip()
    }

    /// Bytes of damaged or unreadable input passed over so far (decoded bytes inside a
    /// readable member or plain file, compressed bytes for damaged gzip members), besides
    /// those of records reported as too large.
    pub fn skipped_bytes(&self) -> u64 {
        self.skipped_bytes
    }

    /// The file name records and errors carry.
    pub fn file(&self) -> &Path {
        &self.file
    }

    fn path(&self) -> PathBuf {
        self.file.to_path_buf()
    }

    /// Passes over `n` decoded bytes of the first unit (to reach a record inside a member).
    fn pass_over(&mut self, mut n: u64) -> Result<(), WarcError> {
        if n == 0 {
            return Ok(());
        }
        self.first = false;
        let start = self.stream.file_offset();
        let file = Arc::clone(&self.file);
        if self
            .stream
            .fill()
            .map_err(|e| gzip_error(&file, e, start))?
            .is_empty()
        {
            self.stream
                .next_unit()
                .map_err(|e| gzip_error(&file, e, start))?;
        }
        while n > 0 {
            let available = self
                .stream
                .fill()
                .map_err(|e| gzip_error(&file, e, start))?
                .len() as u64;
            if available == 0 {
                return Err(WarcError::Truncated {
                    file: self.path(),
                    offset: start,
                    what: "the gzip member is cut short by the end of the file",
                });
            }
            let step = available.min(n);
            self.stream.consume(usize::try_from(step).unwrap_or(0));
            n -= step;
        }
        Ok(())
    }

    /// The error for a gzip failure and the state it leaves.
    fn fail_gzip(&mut self, error: GzipError) -> WarcError {
        let offset = self.stream.file_offset();
        self.state = match error {
            GzipError::Io(_) => State::Done,
            GzipError::Damaged { .. } | GzipError::CutShort { .. } => State::ResyncGzip,
        };
        gzip_error(&self.file, error, offset)
    }
}

/// The error for a gzip failure in `file`; `offset` is where reading was, for I/O errors.
fn gzip_error(file: &Path, error: GzipError, offset: u64) -> WarcError {
    match error {
        GzipError::Io(source) => WarcError::Io {
            file: file.to_path_buf(),
            offset,
            source,
        },
        GzipError::Damaged { offset, problem } => WarcError::Gzip {
            file: file.to_path_buf(),
            offset,
            problem,
        },
        GzipError::CutShort { offset } => WarcError::Truncated {
            file: file.to_path_buf(),
            offset,
            what: "the gzip member is cut short by the end of the file",
        },
    }
}

impl<R: Read> Iterator for WarcReader<R> {
    type Item = Result<Record, WarcError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            match self.state {
                State::Done => return None,
                State::Ready => return self.read_record(),
                State::ScanText { prev } => {
                    if let Err(e) = self.scan_text(prev) {
                        return Some(Err(self.fail_gzip(e)));
                    }
                }
                State::ResyncGzip => match self.stream.resync_gzip() {
                    Ok(Some(passed)) => {
                        self.skipped_bytes += passed;
                        self.state = State::Ready;
                    }
                    Ok(None) => {
                        self.state = State::Done;
                        return None;
                    }
                    Err(source) => {
                        self.state = State::Done;
                        return Some(Err(WarcError::Io {
                            file: self.path(),
                            offset: self.stream.file_offset(),
                            source,
                        }));
                    }
                },
            }
        }
    }
}

mod parse;

#[cfg(test)]
mod tests;
