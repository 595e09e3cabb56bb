//! One WARC record as read: where it is in its file, its named header fields, all its
//! fields as written, and its block.

use std::path::Path;
use std::sync::Arc;

use jiff::Timestamp;

use super::digest;

/// The kinds of record the standard names (WARC/1.1 section 6), and any other.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordType {
    /// About the file itself: the tool, its settings.
    Warcinfo,
    /// A server's full response (for HTTP: status line, headers, body).
    Response,
    /// A resource without its protocol's framing (a file, an image).
    Resource,
    /// The request that was sent.
    Request,
    /// Metadata about another record.
    Metadata,
    /// A fetch whose content is not repeated: it refers to an earlier record's payload.
    Revisit,
    /// Another record's content, transformed.
    Conversion,
    /// The next segment of a record written in segments.
    Continuation,
    /// A type the standard does not name, as written.
    Other(String),
}

impl RecordType {
    /// The type as `WARC-Type` spells it (matched without regard to case).
    pub fn parse(text: &str) -> RecordType {
        let text = text.trim();
        match text.to_ascii_lowercase().as_str() {
            "warcinfo" => RecordType::Warcinfo,
            "response" => RecordType::Response,
            "resource" => RecordType::Resource,
            "request" => RecordType::Request,
            "metadata" => RecordType::Metadata,
            "revisit" => RecordType::Revisit,
            "conversion" => RecordType::Conversion,
            "continuation" => RecordType::Continuation,
            _ => RecordType::Other(text.to_string()),
        }
    }

    /// The type's name in the standard's spelling.
    pub fn as_str(&self) -> &str {
        match self {
            RecordType::Warcinfo => "warcinfo",
            RecordType::Response => "response",
            RecordType::Resource => "resource",
            RecordType::Request => "request",
            RecordType::Metadata => "metadata",
            RecordType::Revisit => "revisit",
            RecordType::Conversion => "conversion",
            RecordType::Continuation => "continuation",
            RecordType::Other(name) => name,
        }
    }
}

/// Where a record is, so that it can be read again: seek to `offset`, then (in a gzip
/// file) decode and pass over `offset_in_member` bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Location {
    /// The file offset of the record in a plain file; of its gzip member in a gzip file.
    pub offset: u64,
    /// Decoded bytes before the record in its gzip member: 0 with one record per member
    /// (as the standard recommends) and in a plain file.
    pub offset_in_member: u64,
}

/// One record as read.
///
/// The fields the pipeline uses are parsed once when the record is read; every field is
/// also kept as written in [`Record::headers`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    /// The file it was read from (the name given to the reader).
    pub file: Arc<Path>,
    /// Where it is in that file.
    pub location: Location,
    /// The version on its first line, e.g. `1.1`.
    pub version: String,
    /// `WARC-Type`; [`RecordType::Other`] with an empty name when missing.
    pub record_type: RecordType,
    /// `WARC-Target-URI`, without the angle brackets some WARC/1.0 writers put round it.
    pub target_uri: Option<String>,
    /// `WARC-Date`, when present and readable.
    pub date: Option<Timestamp>,
    /// `WARC-Record-ID`, e.g. `<urn:uuid:…>`.
    pub record_id: Option<String>,
    /// `WARC-Refers-To`: the record ID a revisit (or metadata) record refers to.
    pub refers_to: Option<String>,
    /// `WARC-Refers-To-Target-URI`: the URI of the record a revisit refers to.
    pub refers_to_target_uri: Option<String>,
    /// `WARC-Refers-To-Date`: the date of the record a revisit refers to.
    pub refers_to_date: Option<Timestamp>,
    /// `WARC-Payload-Digest`, e.g. `sha1:…`.
    pub payload_digest: Option<String>,
    /// `WARC-Block-Digest`.
    pub block_digest: Option<String>,
    /// `Content-Type` of the block, e.g. `application/http;msgtype=response`.
    pub content_type: Option<String>,
    /// Every header field, in order, as written (names as spelled, values trimmed).
    pub headers: Vec<(String, String)>,
    /// The block: `Content-Length` bytes.
    pub block: Vec<u8>,
}

impl Record {
    /// Builds a record from its header fields, parsing the named ones.
    pub(super) fn from_parts(
        file: Arc<Path>,
        location: Location,
        version: String,
        headers: Vec<(String, String)>,
        block: Vec<u8>,
    ) -> Record {
        let get = |name: &str| field(&headers, name).map(str::to_string);
        let uri = |name: &str| get(name).map(|v| strip_angle_brackets(&v).to_string());
        let date = |name: &str| field(&headers, name).and_then(parse_warc_date);
        Record {
            record_type: RecordType::parse(field(&headers, "WARC-Type").unwrap_or("")),
            target_uri: uri("WARC-Target-URI"),
            date: date("WARC-Date"),
            record_id: get("WARC-Record-ID"),
            refers_to: get("WARC-Refers-To"),
            refers_to_target_uri: uri("WARC-Refers-To-Target-URI"),
            refers_to_date: date("WARC-Refers-To-Date"),
            payload_digest: get("WARC-Payload-Digest"),
            block_digest: get("WARC-Block-Digest"),
            content_type: get("Content-Type"),
            file,
            location,
            version,
            headers,
            block,
        }
    }

    /// The first header field of that name (case-insensitive), as written.
    pub fn header(&self, name: &str) -> Option<&str> {
        field(&self.headers, name)
    }

    /// Whether the block is an HTTP message, by its content type or, when a writer left
    /// that out, by its first bytes.
    pub fn is_http(&self) -> bool {
        match &self.content_type {
            Some(kind) => kind.to_ascii_lowercase().starts_with("application/http"),
            None => self.block.starts_with(b"HTTP/"),
        }
    }

    /// Whether `WARC-Block-Digest` matches the block: `None` without one, or for an
    /// algorithm this reader does not compute (only SHA-1 is).
    pub fn verify_block_digest(&self) -> Option<bool> {
        digest::digest_matches(self.block_digest.as_deref()?, &self.block)
    }
}

/// The first field named `name` (case-insensitive).
pub(super) fn field<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

fn strip_angle_brackets(value: &str) -> &str {
    value
        .strip_prefix('<')
        .and_then(|v| v.strip_suffix('>'))
        .unwrap_or(value)
}

/// A `WARC-Date`: ISO 8601 in UTC, to the second or finer (`2026-12-01T12:30:00Z`,
/// `…00.123456Z`); a date written without its `Z`, as some tools do, is read as UTC.
pub fn parse_warc_date(text: &str) -> Option<Timestamp> {
    let text = text.trim();
    if let Ok(timestamp) = text.parse::<Timestamp>() {
        return Some(timestamp);
    }
    format!("{text}Z").parse::<Timestamp>().ok()
}

/// A `WARC-Date` as cablestrip writes it: to the second, or to the microsecond when the
/// time has a fraction (the finest that the usual readers, warcio's among them, parse).
pub fn format_warc_date(timestamp: Timestamp) -> String {
    let civil = jiff::tz::Offset::UTC.to_datetime(timestamp);
    let micros = civil.subsec_nanosecond() / 1000;
    let base = civil.strftime("%Y-%m-%dT%H:%M:%S");
    if micros == 0 {
        format!("{base}Z")
    } else {
        format!("{base}.{micros:06}Z")
    }
}

#[cfg(test)]
mod tests;
