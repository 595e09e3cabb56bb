//! Unit tests of pages from responses and revisits, and of the revisit index.

use std::io::Cursor;

use super::*;
use crate::warc::read::WarcReader;
use crate::warc::testdata::{gzip, http, record, response};

fn one(bytes: &[u8]) -> Record {
    let mut reader = WarcReader::new(Cursor::new(bytes.to_vec()), Path::new("p.warc"))
        .unwrap_or_else(|e| panic!("{e}"));
    match reader.next() {
        Some(Ok(record)) => record,
        other => panic!("{other:?}"),
    }
}

fn limits() -> Limits {
    Limits::default()
}

fn revisit(fields: &[(&str, &str)], block: &[u8]) -> Record {
    let mut all = vec![
        ("WARC-Type", "revisit"),
        ("WARC-Target-URI", "https://example.org/a"),
        ("WARC-Date", "2026-12-02T00:00:00Z"),
        ("WARC-Record-ID", "<urn:uuid:revisit>"),
        (
            "WARC-Profile",
            "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest",
        ),
    ];
    all.extend_from_slice(fields);
    one(&record(&all, block))
}

/// A gzip-coded, chunked response of https://example.org/a, as a server sent it.
fn original() -> Record {
    let body = gzip(b"<p>the cable</p>");
    let mut chunked = format!("{:x}\r\n", body.len()).into_bytes();
    chunked.extend_from_slice(&body);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let block = http(
        "200 OK",
        &[
            ("Content-Type", "text/html; charset=utf-8"),
            ("Content-Encoding", "gzip"),
            ("Transfer-Encoding", "chunked"),
            ("ETag", "\"e1\""),
        ],
        &chunked,
    );
    let mut bytes = response(
        "https://example.org/a",
        "2026-12-01T12:30:00Z",
        "<urn:uuid:original>",
        &block,
    );
    let digest_line = "WARC-Payload-Digest: sha1:AAAA\r\n";
    let at = bytes
        .windows(2)
        .position(|w| w == b"\r\n")
        .map_or(0, |p| p + 2);
    bytes.splice(at..at, digest_line.bytes());
    one(&bytes)
}

#[test]
fn a_response_gives_its_page_decoded() {
    let record = original();
    assert!(is_page_response(&record));
    let page = page_from_response(&record, &limits()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.url.as_str(), "https://example.org/a");
    assert_eq!(page.body, b"<p>the cable</p>");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(page.etag.as_deref(), Some("\"e1\""));
    assert_eq!(page.last_modified, None);
    assert_eq!(page.date.to_string(), "2026-12-01T12:30:00Z");
    assert_eq!(page.record_id.as_deref(), Some("<urn:uuid:original>"));
    assert_eq!(page.payload_from, None);
}

#[test]
fn only_http_responses_are_pages() {
    let dns = one(&record(
        &[
            ("WARC-Type", "response"),
            ("WARC-Target-URI", "dns:example.org"),
            ("Content-Type", "text/dns"),
        ],
        b"example.org. 300 IN A 127.0.0.1",
    ));
    assert!(!is_page_response(&dns));
    let resource = one(&record(
        &[
            ("WARC-Type", "resource"),
            ("WARC-Target-URI", "https://example.org/"),
        ],
        b"x",
    ));
    assert!(!is_page_response(&resource));
    let ftp = one(&record(
        &[
            ("WARC-Type", "revisit"),
            ("WARC-Target-URI", "ftp://example.org/"),
        ],
        b"",
    ));
    assert!(!is_page_revisit(&ftp));
}

#[test]
fn responses_without_a_date_or_url_or_good_http_are_errors_naming_the_place() {
    let block = http("200 OK", &[], b"x");
    let no_date = one(&record(
        &[
            ("WARC-Type", "response"),
            ("WARC-Target-URI", "https://example.org/"),
            ("Content-Type", "application/http"),
        ],
        &block,
    ));
    let error = page_from_response(&no_date, &limits())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        error.contains("p.warc byte 0") && error.contains("no WARC-Date"),
        "{error}"
    );
    let bad_url = one(&response(
        "https://exa mple.org/",
        "2026-12-01T12:30:00Z",
        "<x>",
        &block,
    ));
    assert!(matches!(
        page_from_response(&bad_url, &limits()),
        Err(WarcError::BadRecord { .. })
    ));
    let bad_http = one(&response(
        "https://example.org/",
        "2026-12-01T12:30:00Z",
        "<x>",
        b"HTTP/1.1 2xx\r\n\r\n",
    ));
    let error = page_from_response(&bad_http, &limits()).err();
    assert!(
        matches!(error, Some(WarcError::Http { ref uri, .. }) if uri == "https://example.org/"),
        "{error:?}"
    );
}

#[test]
fn a_revisit_takes_its_own_head_and_the_originals_decoded_body() {
    let own = http(
        "200 OK",
        &[
            ("Content-Type", "text/html; charset=utf-8"),
            ("ETag", "\"e2\""),
        ],
        b"",
    );
    let page = page_from_revisit(&revisit(&[], &own), &original(), &limits())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.body, b"<p>the cable</p>");
    assert_eq!(page.etag.as_deref(), Some("\"e2\""));
    assert_eq!(page.date.to_string(), "2026-12-02T00:00:00Z");
    assert_eq!(page.record_id.as_deref(), Some("<urn:uuid:revisit>"));
    assert_eq!(page.payload_from.as_deref(), Some("<urn:uuid:original>"));
}

#[test]
fn a_not_modified_or_headless_revisit_is_the_original_page() {
    let not_modified = http("304 Not Modified", &[("ETag", "\"e1\"")], b"");
    for block in [not_modified, Vec::new()] {
        let page = page_from_revisit(&revisit(&[], &block), &original(), &limits())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.status, 200);
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/html; charset=utf-8")
        );
        assert_eq!(page.body, b"<p>the cable</p>");
    }
}

#[test]
fn the_index_finds_by_id_then_uri_and_date_then_digest() {
    let mut index = RevisitIndex::new();
    assert!(index.is_empty());
    let file = index.add_file(Path::new("p.warc"));
    let record = original();
    index.note(file, &record);
    assert_eq!(index.len(), 1);
    let expected = Some(Found {
        file,
        location: record.location,
    });
    let by_id = revisit(&[("WARC-Refers-To", "<urn:uuid:original>")], b"");
    assert_eq!(index.locate(&by_id), expected);
    let by_uri_date = revisit(
        &[
            ("WARC-Refers-To-Target-URI", "https://example.org/a"),
            ("WARC-Refers-To-Date", "2026-12-01T12:30:00Z"),
        ],
        b"",
    );
    assert_eq!(index.locate(&by_uri_date), expected);
    let by_digest = revisit(&[("WARC-Payload-Digest", "SHA1:aaaa")], b"");
    assert_eq!(index.locate(&by_digest), expected);
    let elsewhere = revisit(
        &[
            ("WARC-Refers-To", "<urn:uuid:other>"),
            ("WARC-Refers-To-Target-URI", "https://example.org/b"),
            ("WARC-Refers-To-Date", "2026-12-01T12:30:00Z"),
        ],
        b"",
    );
    assert_eq!(index.locate(&elsewhere), None);
    let error = index
        .load(
            Found {
                file: 9,
                location: record.location,
            },
            limits(),
        )
        .err();
    assert!(matches!(error, Some(WarcError::BadRecord { .. })));
}
