//! Hand-built WARC bytes for the module's unit tests: records, gzip members, HTTP
//! responses, and a reader that collects every record and error of a file.

use std::io::{Cursor, Write};
use std::path::Path;

use super::error::WarcError;
use super::read::{Limits, WarcReader};
use super::record::Record;

/// A WARC/1.1 record with these fields (Content-Length added) and block.
pub fn record(fields: &[(&str, &str)], block: &[u8]) -> Vec<u8> {
    let mut out = b"WARC/1.1\r\n".to_vec();
    for (name, value) in fields {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", block.len()).as_bytes());
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// An HTTP/1.1 response with these headers and body, as a server sends it.
pub fn http(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    out.extend_from_slice(body);
    out
}

/// A `response` record of `uri` at `date` holding `block`.
pub fn response(uri: &str, date: &str, id: &str, block: &[u8]) -> Vec<u8> {
    record(
        &[
            ("WARC-Type", "response"),
            ("WARC-Record-ID", id),
            ("WARC-Date", date),
            ("WARC-Target-URI", uri),
            ("Content-Type", "application/http;msgtype=response"),
        ],
        block,
    )
}

/// A 200 text/html response record of `uri` with `body`.
pub fn page(uri: &str, body: &str) -> Vec<u8> {
    let block = http("200 OK", &[("Content-Type", "text/html")], body.as_bytes());
    response(
        uri,
        "2026-12-01T12:30:00Z",
        &format!("<urn:test:{uri}>"),
        &block,
    )
}

/// `bytes` as one gzip member.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(6));
    let _ = encoder.write_all(bytes);
    encoder.finish().unwrap_or_default()
}

/// Every record and every error of `bytes`, read as the file `test.warc`.
pub fn read_all(bytes: &[u8]) -> (Vec<Record>, Vec<WarcError>) {
    read_all_with(bytes, Limits::default())
}

/// [`read_all`] with other limits.
pub fn read_all_with(bytes: &[u8], limits: Limits) -> (Vec<Record>, Vec<WarcError>) {
    let (mut records, mut errors) = (Vec::new(), Vec::new());
    match WarcReader::starting_at(Cursor::new(bytes), Path::new("test.warc"), 0, limits) {
        Ok(reader) => {
            // Every item consumes input, so a file of n bytes cannot give more than n + 1.
            for item in reader.take(bytes.len() + 2) {
                match item {
                    Ok(record) => records.push(record),
                    Err(error) => errors.push(error),
                }
            }
        }
        Err(error) => errors.push(error),
    }
    (records, errors)
}

/// The target URIs of records.
pub fn uris(records: &[Record]) -> Vec<&str> {
    records
        .iter()
        .map(|r| r.target_uri.as_deref().unwrap_or(""))
        .collect()
}
