//! From records to pages: a `response` record of an http(s) URL, or a `revisit` record
//! with the record it refers to, becomes the page cablestrip keeps (URL, status, the
//! headers it uses, decoded body, fetch time); and the index that finds what a revisit
//! refers to, by record ID, by target URI and date, or by payload digest.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use jiff::Timestamp;
use url::Url;

use super::error::WarcError;
use super::http::{self, HttpError, HttpHead};
use super::read::{Limits, read_record_at};
use super::record::{Location, Record, RecordType};

/// A page as a WARC gives it, independent of the store: what the integration maps onto
/// `Page` and `PageRecord`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WarcPage {
    /// The record's `WARC-Target-URI`, an http or https URL.
    pub url: Url,
    /// The HTTP status.
    pub status: u16,
    /// The Content-Type header (for the charset).
    pub content_type: Option<String>,
    /// The ETag header.
    pub etag: Option<String>,
    /// The Last-Modified header.
    pub last_modified: Option<String>,
    /// Every header of the HTTP head the status comes from, in order, as recorded (so a
    /// Content-Encoding or Transfer-Encoding here describes the body as it was sent).
    pub headers: Vec<(String, String)>,
    /// The body, with the chunked framing and content codings removed.
    pub body: Vec<u8>,
    /// The record's `WARC-Date`: when the page was fetched.
    pub date: Timestamp,
    /// The record's `WARC-Record-ID`.
    pub record_id: Option<String>,
    /// The file of the record.
    pub file: Arc<Path>,
    /// Where the record is in it.
    pub location: Location,
    /// For a resolved revisit: the record ID (or location) of the record whose payload it is.
    pub payload_from: Option<String>,
}

/// Whether a record is one that gives a page: a `response` with an HTTP block for an
/// http(s) URI. `revisit` records give pages through [`page_from_revisit`].
pub fn is_page_response(record: &Record) -> bool {
    record.record_type == RecordType::Response && record.is_http() && has_http_uri(record)
}

/// Whether a revisit record is one [`page_from_revisit`] can make a page of.
pub fn is_page_revisit(record: &Record) -> bool {
    record.record_type == RecordType::Revisit && has_http_uri(record)
}

fn has_http_uri(record: &Record) -> bool {
    record.target_uri.as_deref().is_some_and(|uri| {
        let lower = uri.get(..8).unwrap_or(uri).to_ascii_lowercase();
        lower.starts_with("http://") || lower.starts_with("https://")
    })
}

/// The page of a `response` record (see [`is_page_response`]).
pub fn page_from_response(record: &Record, limits: &Limits) -> Result<WarcPage, WarcError> {
    let (url, date) = url_and_date(record)?;
    let head = http::parse_response_head(&record.block).map_err(|e| http_error(record, e))?;
    let body = http::decode_body(
        &head.headers,
        &record.block[head.body_start..],
        limits.max_body_bytes,
    )
    .map_err(|e| http_error(record, e))?;
    Ok(page(record, url, date, &head, body, None))
}

/// The page of a `revisit` record, whose payload is `original`'s (a `response` record
/// the revisit refers to). The status and headers are the revisit's own when it holds an
/// HTTP head (what the server said this time), else the original's; the body is decoded
/// with the original's headers, since they describe how its stored bytes are coded. A
/// `304 Not Modified` revisit gives the original's status: the page is the original's.
pub fn page_from_revisit(
    revisit: &Record,
    original: &Record,
    limits: &Limits,
) -> Result<WarcPage, WarcError> {
    let (url, date) = url_and_date(revisit)?;
    let stored = http::parse_response_head(&original.block).map_err(|e| http_error(original, e))?;
    let body = http::decode_body(
        &stored.headers,
        &original.block[stored.body_start..],
        limits.max_body_bytes,
    )
    .map_err(|e| http_error(original, e))?;
    let own = if revisit.block.starts_with(b"HTTP/") {
        http::parse_response_head(&revisit.block).ok()
    } else {
        None
    };
    let head = match own {
        Some(head) if head.status != 304 => head,
        _ => stored,
    };
    let from = original
        .record_id
        .clone()
        .unwrap_or_else(|| format!("{}@{}", original.file.display(), original.location.offset));
    Ok(page(revisit, url, date, &head, body, Some(from)))
}

fn page(
    record: &Record,
    url: Url,
    date: Timestamp,
    head: &HttpHead,
    body: Vec<u8>,
    payload_from: Option<String>,
) -> WarcPage {
    let keep = |name: &str| head.header(name).map(str::to_string);
    WarcPage {
        url,
        status: head.status,
        content_type: keep("Content-Type"),
        etag: keep("ETag"),
        last_modified: keep("Last-Modified"),
        headers: head.headers.clone(),
        body,
        date,
        record_id: record.record_id.clone(),
        file: Arc::clone(&record.file),
        location: record.location,
        payload_from,
    }
}

fn url_and_date(record: &Record) -> Result<(Url, Timestamp), WarcError> {
    let bad = |problem: String| WarcError::BadRecord {
        file: record.file.to_path_buf(),
        offset: record.location.offset,
        problem,
    };
    let uri = record.target_uri.as_deref().ok_or_else(|| {
        bad(format!(
            "the {} record has no WARC-Target-URI",
            record.record_type.as_str()
        ))
    })?;
    let url =
        Url::parse(uri).map_err(|e| bad(format!("WARC-Target-URI `{uri}` is not a URL ({e})")))?;
    let date = record
        .date
        .ok_or_else(|| match record.header("WARC-Date") {
            Some(text) => bad(format!("WARC-Date `{text}` is not a date")),
            None => bad("the record has no WARC-Date".to_string()),
        })?;
    Ok((url, date))
}

fn http_error(record: &Record, problem: HttpError) -> WarcError {
    WarcError::Http {
        file: record.file.to_path_buf(),
        offset: record.location.offset,
        uri: record.target_uri.clone().unwrap_or_default(),
        problem,
    }
}

/// A key of the index: a 128-bit hash of the text, so the index costs the same per
/// record whatever the lengths of its URIs.
type Key = [u8; 16];

fn key(parts: &[&str]) -> Key {
    let mut hasher = blake3::Hasher::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update(b"\0");
    }
    let mut key = [0u8; 16];
    key.copy_from_slice(&hasher.finalize().as_bytes()[..16]);
    key
}

/// Where a record is among several files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Found {
    /// The file's number in the index ([`RevisitIndex::add_file`]).
    pub file: usize,
    /// The record's location in it.
    pub location: Location,
}

/// The responses seen so far, by what a revisit may refer to them with; about 120 bytes a
/// response, whatever its size, since records are found again in their files, not kept.
#[derive(Debug, Default)]
pub struct RevisitIndex {
    files: Vec<PathBuf>,
    by_id: HashMap<Key, Found>,
    by_uri_date: HashMap<Key, Found>,
    by_digest: HashMap<Key, Found>,
}

impl RevisitIndex {
    /// An empty index.
    pub fn new() -> RevisitIndex {
        RevisitIndex::default()
    }

    /// Numbers a file whose responses will be noted.
    pub fn add_file(&mut self, path: &Path) -> usize {
        self.files.push(path.to_path_buf());
        self.files.len() - 1
    }

    /// Notes a response record of file `file` (see [`is_page_response`]). The first
    /// record of a key is kept, as the record the revisits after it were made against.
    pub fn note(&mut self, file: usize, record: &Record) {
        let found = Found {
            file,
            location: record.location,
        };
        if let Some(id) = &record.record_id {
            self.by_id.entry(key(&[id.trim()])).or_insert(found);
        }
        if let (Some(uri), Some(date)) = (&record.target_uri, record.date) {
            self.by_uri_date
                .entry(key(&[uri, &date.to_string()]))
                .or_insert(found);
        }
        if let Some(digest) = &record.payload_digest {
            self.by_digest
                .entry(key(&[&digest.trim().to_ascii_lowercase()]))
                .or_insert(found);
        }
    }

    /// The response a revisit refers to, if noted: by `WARC-Refers-To`, else by
    /// `WARC-Refers-To-Target-URI` with `WARC-Refers-To-Date`, else by its payload digest
    /// (the identical-payload-digest profile: any response of that digest holds the bytes).
    pub fn locate(&self, revisit: &Record) -> Option<Found> {
        let by_id = revisit
            .refers_to
            .as_ref()
            .and_then(|id| self.by_id.get(&key(&[id.trim()])));
        let by_uri_date = || match (&revisit.refers_to_target_uri, revisit.refers_to_date) {
            (Some(uri), Some(date)) => self.by_uri_date.get(&key(&[uri, &date.to_string()])),
            _ => None,
        };
        let by_digest = || {
            revisit
                .payload_digest
                .as_ref()
                .and_then(|d| self.by_digest.get(&key(&[&d.trim().to_ascii_lowercase()])))
        };
        by_id.or_else(by_uri_date).or_else(by_digest).copied()
    }

    /// Reads a located record again from its file.
    pub fn load(&self, found: Found, limits: Limits) -> Result<Record, WarcError> {
        let path = self
            .files
            .get(found.file)
            .ok_or_else(|| WarcError::BadRecord {
                file: PathBuf::new(),
                offset: found.location.offset,
                problem: format!("file number {} was never added to the index", found.file),
            })?;
        read_record_at(path, found.location, limits)
    }

    /// Responses noted.
    pub fn len(&self) -> usize {
        self.by_id.len().max(self.by_uri_date.len())
    }

    /// Whether none is noted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests;
