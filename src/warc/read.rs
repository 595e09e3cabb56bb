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
use super::record::{Location, Record, field};
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

    /// Gives back what a bad record consumed, but its first byte, and searches on from
    /// there.
    fn fail_text(&mut self, error: WarcError, consumed: &[&[u8]]) -> WarcError {
        let joined: Vec<u8> = consumed.concat();
        match joined.split_first() {
            Some((&prev, rest)) => {
                self.stream.unread(rest);
                self.state = State::ScanText { prev };
            }
            None => self.state = State::Ready,
        }
        self.first = false;
        error
    }

    /// Moves to the next line starting `WARC/` in this unit, or to the unit's end.
    fn scan_text(&mut self, prev: u8) -> Result<(), GzipError> {
        const START: &[u8] = b"WARC/";
        // How much of `\nWARC/` the bytes just passed match.
        let mut matched = usize::from(prev == b'\n');
        loop {
            let bytes = self.stream.fill()?;
            if bytes.is_empty() {
                self.skipped_bytes += matched.saturating_sub(1) as u64;
                self.state = State::Ready;
                return Ok(());
            }
            let mut used = 0;
            let mut found = false;
            while used < bytes.len() {
                if matched == 0 {
                    match memchr::memchr(b'\n', &bytes[used..]) {
                        Some(at) => {
                            used += at + 1;
                            matched = 1;
                        }
                        None => used = bytes.len(),
                    }
                    continue;
                }
                let byte = bytes[used];
                if byte == START[matched - 1] {
                    matched += 1;
                    used += 1;
                    if matched == START.len() + 1 {
                        found = true;
                        break;
                    }
                } else {
                    matched = 0;
                }
            }
            self.stream.consume(used);
            if found {
                // The search consumed the record's own `WARC/`: hand it out again.
                self.stream.unread(START);
                self.skipped_bytes += used.saturating_sub(START.len()) as u64;
                self.state = State::Ready;
                return Ok(());
            }
            self.skipped_bytes += used as u64;
        }
    }

    /// Reads the next record from a place where one should start.
    fn read_record(&mut self) -> Option<Result<Record, WarcError>> {
        // Between records, and at a unit's start: blank lines, the end of a unit.
        loop {
            let bytes = match self.stream.fill() {
                Ok(bytes) => bytes,
                Err(e) => return Some(Err(self.fail_gzip(e))),
            };
            if bytes.is_empty() {
                match self.stream.next_unit() {
                    Ok(true) => continue,
                    Ok(false) => {
                        self.state = State::Done;
                        return None;
                    }
                    Err(e) => return Some(Err(self.fail_gzip(e))),
                }
            }
            let blank = bytes
                .iter()
                .take_while(|&&b| b == b'\r' || b == b'\n')
                .count();
            if blank == 0 {
                break;
            }
            self.stream.consume(blank);
        }
        let (offset, offset_in_member) = self.stream.location();
        let location = Location {
            offset,
            offset_in_member,
        };
        Some(self.parse_record(location))
    }

    fn parse_record(&mut self, location: Location) -> Result<Record, WarcError> {
        let offset = location.offset;
        let mut raw = Vec::with_capacity(1024);
        // The version line.
        let line = match self.read_line(&mut raw) {
            Ok(line) => line,
            Err(fail) => return Err(self.line_failure(fail, offset, &raw)),
        };
        let version = match raw[line.clone()].strip_prefix(b"WARC/") {
            Some(rest) => String::from_utf8_lossy(rest).trim().to_string(),
            None => {
                let found = escape_start(&raw[line]);
                let error = if self.first {
                    WarcError::NotWarc {
                        file: self.path(),
                        offset,
                        found,
                    }
                } else {
                    WarcError::BadHeader {
                        file: self.path(),
                        offset,
                        problem: format!("no `WARC/1.x` line where a record starts, but `{found}`"),
                    }
                };
                return Err(self.fail_text(error, &[&raw]));
            }
        };
        // The fields, up to the blank line.
        let mut headers: Vec<(String, String)> = Vec::with_capacity(16);
        loop {
            let line = match self.read_line(&mut raw) {
                Ok(line) => line,
                Err(fail) => return Err(self.line_failure(fail, offset, &raw)),
            };
            let text = trim_line_end(&raw[line]);
            if text.is_empty() {
                break;
            }
            if text[0] == b' ' || text[0] == b'\t' {
                if let Some((_, value)) = headers.last_mut() {
                    value.push(' ');
                    value.push_str(String::from_utf8_lossy(text).trim());
                    continue;
                }
            }
            let Some(colon) = memchr::memchr(b':', text) else {
                let problem = format!("`{}` is not a `Name: value` field", escape_start(text));
                let error = self.bad_header(offset, problem);
                return Err(self.fail_text(error, &[&raw]));
            };
            let name = String::from_utf8_lossy(&text[..colon]).trim().to_string();
            let value = String::from_utf8_lossy(&text[colon + 1..])
                .trim()
                .to_string();
            headers.push((name, value));
        }
        let length = match field(&headers, "Content-Length").map(str::parse::<u64>) {
            Some(Ok(length)) => length,
            Some(Err(_)) | None => {
                let problem = match field(&headers, "Content-Length") {
                    Some(value) => format!("Content-Length `{value}` is not a number of bytes"),
                    None => "it has no Content-Length".to_string(),
                };
                let error = self.bad_header(offset, problem);
                return Err(self.fail_text(error, &[&raw]));
            }
        };
        if length > self.limits.max_block_bytes {
            return Err(self.skip_large(location, length));
        }
        let block = match self.read_block(length) {
            Ok(block) => block,
            Err((Some(gzip), _)) => return Err(self.fail_gzip(gzip)),
            Err((None, block)) => {
                let error = if memchr::memmem::find(&block, b"\nWARC/").is_some() {
                    WarcError::BadLength {
                        file: self.path(),
                        offset,
                        length,
                    }
                } else {
                    WarcError::Truncated {
                        file: self.path(),
                        offset,
                        what: self.cut_record(),
                    }
                };
                return Err(self.fail_text(error, &[&raw, &block]));
            }
        };
        match self.read_trailer() {
            Ok(Ok(())) => {}
            Ok(Err(trailer)) => {
                let error = WarcError::BadLength {
                    file: self.path(),
                    offset,
                    length,
                };
                return Err(self.fail_text(error, &[&raw, &block, &trailer]));
            }
            Err(gzip) => return Err(self.fail_gzip(gzip)),
        }
        // At the end of a member this reads and checks its trailer, so a record is not
        // delivered from a member whose CRC fails.
        if let Err(gzip) = self.stream.fill() {
            return Err(self.fail_gzip(gzip));
        }
        self.first = false;
        Ok(Record::from_parts(
            Arc::clone(&self.file),
            location,
            version,
            headers,
            block,
        ))
    }

    fn bad_header(&self, offset: u64, problem: String) -> WarcError {
        WarcError::BadHeader {
            file: self.path(),
            offset,
            problem,
        }
    }

    fn cut_record(&self) -> &'static str {
        if self.stream.is_gzip() {
            "the record is cut short by the end of its gzip member"
        } else {
            "the record is cut short by the end of the file"
        }
    }

    fn line_failure(&mut self, fail: LineFailure, offset: u64, raw: &[u8]) -> WarcError {
        let warc_start = raw.starts_with(b"WARC/") || b"WARC/".starts_with(raw);
        let error = match fail {
            LineFailure::Gzip(gzip) => return self.fail_gzip(gzip),
            _ if !warc_start && self.first => WarcError::NotWarc {
                file: self.path(),
                offset,
                found: escape_start(raw),
            },
            _ if !warc_start => self.bad_header(
                offset,
                format!(
                    "no `WARC/1.x` line where a record starts, but `{}`",
                    escape_start(raw)
                ),
            ),
            LineFailure::Cut => WarcError::Truncated {
                file: self.path(),
                offset,
                what: self.cut_record(),
            },
            LineFailure::TooLong => self.bad_header(
                offset,
                format!(
                    "its header runs over {} bytes without the blank line that ends it",
                    self.limits.max_header_bytes
                ),
            ),
        };
        self.fail_text(error, &[raw])
    }

    /// Appends one line (through its `\n`) to `raw`, returning its range there.
    fn read_line(&mut self, raw: &mut Vec<u8>) -> Result<std::ops::Range<usize>, LineFailure> {
        let start = raw.len();
        loop {
            let bytes = self.stream.fill().map_err(LineFailure::Gzip)?;
            if bytes.is_empty() {
                return Err(LineFailure::Cut);
            }
            let room = self.limits.max_header_bytes.saturating_sub(raw.len());
            let window = &bytes[..bytes.len().min(room)];
            match memchr::memchr(b'\n', window) {
                Some(at) => {
                    raw.extend_from_slice(&window[..=at]);
                    self.stream.consume(at + 1);
                    return Ok(start..raw.len());
                }
                None => {
                    let n = window.len();
                    raw.extend_from_slice(window);
                    self.stream.consume(n);
                    if raw.len() >= self.limits.max_header_bytes {
                        return Err(LineFailure::TooLong);
                    }
                }
            }
        }
    }

    /// The block, or what there was of it when the unit ended first.
    fn read_block(&mut self, length: u64) -> Result<Vec<u8>, (Option<GzipError>, Vec<u8>)> {
        let length = usize::try_from(length).unwrap_or(usize::MAX);
        let mut block = Vec::with_capacity(length);
        while block.len() < length {
            let bytes = match self.stream.fill() {
                Ok(bytes) => bytes,
                Err(e) => return Err((Some(e), block)),
            };
            if bytes.is_empty() {
                return Err((None, block));
            }
            let n = bytes.len().min(length - block.len());
            block.extend_from_slice(&bytes[..n]);
            self.stream.consume(n);
        }
        Ok(block)
    }

    /// Reads the `\r\n\r\n` after a block (or `\n\n`, which some writers put): `Ok(Err)`
    /// with the line-end bytes read when something else follows.
    fn read_trailer(&mut self) -> Result<Result<(), Vec<u8>>, GzipError> {
        let mut got = Vec::with_capacity(4);
        while got.len() < 4 {
            match self.stream.fill()?.first() {
                Some(&byte) if byte == b'\r' || byte == b'\n' => {
                    got.push(byte);
                    self.stream.consume(1);
                }
                _ => break,
            }
        }
        if got == b"\r\n\r\n" || got.starts_with(b"\n\n") {
            Ok(Ok(()))
        } else {
            Ok(Err(got))
        }
    }

    /// Streams past a record over the size limit, holding none of it.
    fn skip_large(&mut self, location: Location, length: u64) -> WarcError {
        let error = WarcError::TooLarge {
            file: self.path(),
            offset: location.offset,
            length,
            limit: self.limits.max_block_bytes,
        };
        self.first = false;
        let mut left = length;
        while left > 0 {
            let available = match self.stream.fill() {
                Ok(bytes) => bytes.len() as u64,
                Err(e) => {
                    let _ = self.fail_gzip(e);
                    return error;
                }
            };
            if available == 0 {
                // The unit ended first: the next one is where reading goes on.
                self.state = State::Ready;
                return error;
            }
            let step = available.min(left);
            self.stream.consume(usize::try_from(step).unwrap_or(0));
            left -= step;
        }
        match self.read_trailer() {
            Ok(Ok(())) => self.state = State::Ready,
            Ok(Err(trailer)) => self.scan_after(&trailer),
            Err(e) => {
                let _ = self.fail_gzip(e);
            }
        }
        error
    }

    /// Searches on after bytes that should have ended a record and did not: from the
    /// second of them, or (none read) from the next byte, taken as at a line's start, so
    /// a record that follows a block with no blank line is still found.
    fn scan_after(&mut self, trailer: &[u8]) {
        match trailer.split_first() {
            Some((&prev, rest)) => {
                self.stream.unread(rest);
                self.state = State::ScanText { prev };
            }
            None => self.state = State::ScanText { prev: b'\n' },
        }
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

/// Why a header line could not be read.
#[derive(Debug)]
enum LineFailure {
    Gzip(GzipError),
    /// The unit ended inside the header.
    Cut,
    /// The header is over the limit.
    TooLong,
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

fn trim_line_end(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// The first bytes of `bytes`, printable, for a message.
fn escape_start(bytes: &[u8]) -> String {
    const SHOWN: usize = 40;
    if bytes.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
        return "zstd-compressed data (decompress it with `zstd -d` first)".to_string();
    }
    let line = trim_line_end(&bytes[..bytes.len().min(SHOWN)]);
    let mut text: String = line.escape_ascii().to_string();
    if bytes.len() > SHOWN {
        text.push('…');
    }
    text
}

#[cfg(test)]
mod tests;
