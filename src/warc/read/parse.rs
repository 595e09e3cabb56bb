//! Parsing one record from the decoded bytes, and the search for the next record's start
//! after a bad one: the part of [`WarcReader`] that reads record by record.

use std::io::Read;
use std::sync::Arc;

use super::{State, WarcReader};
use crate::warc::error::WarcError;
use crate::warc::gzip::GzipError;
use crate::warc::record::{Location, Record, field};

impl<R: Read> WarcReader<R> {
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
    pub(super) fn scan_text(&mut self, prev: u8) -> Result<(), GzipError> {
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
    pub(super) fn read_record(&mut self) -> Option<Result<Record, WarcError>> {
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

/// Why a header line could not be read.
#[derive(Debug)]
enum LineFailure {
    Gzip(GzipError),
    /// The unit ended inside the header.
    Cut,
    /// The header is over the limit.
    TooLong,
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
