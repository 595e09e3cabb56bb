//! Unit tests of HTTP messages in WARC blocks: heads, chunked and coded bodies, and the
//! heads cablestrip writes.

use std::io::Write;

use super::*;
use crate::warc::testdata::{gzip, http};

const LIMIT: u64 = 20 * 1024 * 1024;

fn decode(headers: &[(&str, &str)], raw: &[u8]) -> Result<Vec<u8>, HttpError> {
    let headers: Vec<(String, String)> = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    decode_body(&headers, raw, LIMIT)
}

#[test]
fn a_head_gives_status_reason_headers_and_the_bodys_start() {
    let block = http(
        "404 Not Found",
        &[
            ("Content-Type", "text/html; charset=utf-8"),
            ("ETag", "\"abc\""),
        ],
        b"gone",
    );
    let head = parse_response_head(&block).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(head.status, 404);
    assert_eq!(head.reason, "Not Found");
    assert_eq!(
        head.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(head.header("ETAG"), Some("\"abc\""));
    assert_eq!(&block[head.body_start..], b"gone");
}

#[test]
fn heads_with_bare_lf_folded_lines_and_no_reason_are_read() {
    let block = b"HTTP/1.0 200\nContent-Type: text/html;\n charset=latin1\nbroken line\nX: \xe9t\xe9\n\nbody";
    let head = parse_response_head(block).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(head.status, 200);
    assert_eq!(head.reason, "");
    assert_eq!(
        head.header("Content-Type"),
        Some("text/html; charset=latin1")
    );
    assert_eq!(head.header("X"), Some("été"));
    assert_eq!(&block[head.body_start..], b"body");
}

#[test]
fn bad_heads_are_errors() {
    assert!(matches!(
        parse_response_head(b"<html>"),
        Err(HttpError::NoStatusLine(_))
    ));
    assert!(matches!(
        parse_response_head(b"HTTP/1.1 abc OK\r\n\r\n"),
        Err(HttpError::BadStatusLine(_))
    ));
    assert!(matches!(
        parse_response_head(b"HTTP/1.1 20 OK\r\n\r\n"),
        Err(HttpError::BadStatusLine(_))
    ));
    assert!(matches!(
        parse_response_head(b"HTTP/1.1 200 OK\r\nA: b\r\n"),
        Err(HttpError::HeadersNotEnded)
    ));
}

#[test]
fn chunked_bodies_are_joined() {
    let raw = b"5;ext=1\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: t\r\n\r\n";
    assert_eq!(
        decode(&[("Transfer-Encoding", "chunked")], raw),
        Ok(b"hello, world".to_vec())
    );
    let lf = b"3\nabc\n0\n\n";
    assert_eq!(
        decode(&[("transfer-encoding", "Chunked")], lf),
        Ok(b"abc".to_vec())
    );
}

#[test]
fn a_body_stored_unchunked_under_a_chunked_header_is_kept() {
    assert_eq!(
        decode(&[("Transfer-Encoding", "chunked")], b"<html>"),
        Ok(b"<html>".to_vec())
    );
}

#[test]
fn broken_chunked_bodies_are_errors() {
    for raw in [
        &b"5\r\nhel"[..],
        b"5\r\nhello",
        b"5\r\nhelloX0\r\n\r\n",
        b"5\r\nhello\r\nzz\r\n",
    ] {
        assert!(
            matches!(
                decode(&[("Transfer-Encoding", "chunked")], raw),
                Err(HttpError::BadChunked(_))
            ),
            "{raw:?}"
        );
    }
}

#[test]
fn gzip_deflate_and_br_bodies_are_decoded() {
    let text = b"<html>cable</html>".repeat(100);
    assert_eq!(
        decode(&[("Content-Encoding", "gzip")], &gzip(&text)),
        Ok(text.clone())
    );
    let mut zlib = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = zlib.write_all(&text);
    let zlib = zlib.finish().unwrap_or_default();
    assert_eq!(
        decode(&[("Content-Encoding", "deflate")], &zlib),
        Ok(text.clone())
    );
    let mut raw = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    let _ = raw.write_all(&text);
    let raw = raw.finish().unwrap_or_default();
    assert_eq!(
        decode(&[("Content-Encoding", "deflate")], &raw),
        Ok(text.clone())
    );
    let mut br = Vec::new();
    {
        let mut encoder = brotli::CompressorWriter::new(&mut br, 4096, 5, 22);
        let _ = encoder.write_all(&text);
    }
    assert_eq!(decode(&[("Content-Encoding", "br")], &br), Ok(text.clone()));
    assert_eq!(
        decode(&[("Content-Encoding", "identity")], &text),
        Ok(text.clone())
    );
}

#[test]
fn chunked_and_gzip_together_and_stacked_codings_are_undone_in_order() {
    let text = b"<p>twice</p>".to_vec();
    let twice = gzip(&gzip(&text));
    let mut chunked = format!("{:x}\r\n", twice.len()).into_bytes();
    chunked.extend_from_slice(&twice);
    chunked.extend_from_slice(b"\r\n0\r\n\r\n");
    let headers = [
        ("Transfer-Encoding", "chunked"),
        ("Content-Encoding", "gzip, x-gzip"),
    ];
    assert_eq!(decode(&headers, &chunked), Ok(text));
}

#[test]
fn unknown_and_broken_codings_are_errors() {
    assert_eq!(
        decode(&[("Content-Encoding", "zstd")], b"x"),
        Err(HttpError::UnknownCoding("zstd".to_string()))
    );
    assert!(matches!(
        decode(&[("Content-Encoding", "gzip")], b"not gzip"),
        Err(HttpError::BadCoding { .. })
    ));
}

#[test]
fn a_decompression_bomb_stops_at_the_limit() {
    let bomb = gzip(&vec![0u8; 3 * 1024 * 1024]);
    let headers = vec![("Content-Encoding".to_string(), "gzip".to_string())];
    assert_eq!(
        decode_body(&headers, &bomb, 1024 * 1024),
        Err(HttpError::BodyTooLarge { limit: 1024 * 1024 })
    );
    let chunked = b"ffffff\r\n";
    let headers = vec![("Transfer-Encoding".to_string(), "chunked".to_string())];
    assert_eq!(
        decode_body(&headers, chunked, 1024),
        Err(HttpError::BodyTooLarge { limit: 1024 })
    );
}

#[test]
fn a_written_head_describes_the_decoded_body() {
    let headers = vec![
        ("Content-Type".to_string(), "text/html".to_string()),
        ("Content-Encoding".to_string(), "gzip".to_string()),
        ("Transfer-Encoding".to_string(), "chunked".to_string()),
        ("Content-Length".to_string(), "99".to_string()),
        ("X-Evil".to_string(), "a\r\nInjected: yes".to_string()),
    ];
    let head = response_head(200, None, &headers, Some(12));
    let text = String::from_utf8_lossy(&head);
    assert_eq!(
        text,
        "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nX-Archive-Orig-Content-Encoding: gzip\r\n\
         X-Archive-Orig-Transfer-Encoding: chunked\r\nX-Archive-Orig-Content-Length: 99\r\n\
         X-Evil: a  Injected: yes\r\nContent-Length: 12\r\n\r\n"
    );
    let parsed = parse_response_head(&head).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(parsed.body_start, head.len());
    assert_eq!(
        String::from_utf8_lossy(&response_head(799, None, &[], Some(0))),
        "HTTP/1.1 799\r\nContent-Length: 0\r\n\r\n"
    );
    assert_eq!(
        String::from_utf8_lossy(&response_head(304, None, &[], None)),
        "HTTP/1.1 304 Not Modified\r\n\r\n"
    );
}

#[test]
fn a_written_request_names_the_path_query_and_host() {
    let url = Url::parse("http://127.0.0.1:8000/cable/2010/12/10X.html?a=1")
        .unwrap_or_else(|e| panic!("{e}"));
    let head = request_head(
        "GET",
        &url,
        &[("User-Agent".to_string(), "cablestrip".to_string())],
    );
    assert_eq!(
        String::from_utf8_lossy(&head),
        "GET /cable/2010/12/10X.html?a=1 HTTP/1.1\r\nHost: 127.0.0.1:8000\r\nUser-Agent: cablestrip\r\n\r\n"
    );
}
