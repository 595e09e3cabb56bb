//! Unit tests of a pass over many WARC files: pages, skipped records counted by type,
//! revisits resolved across files (and in either order), and files that fail.

use std::fs;

use super::*;
use crate::warc::digest::sha1_label;
use crate::warc::testdata::{gzip, http, record};

fn write(dir: &Path, name: &str, records: &[Vec<u8>]) -> PathBuf {
    let path = dir.join(name);
    let bytes: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path
}

fn response(uri: &str, date: &str, id: &str, body: &str) -> Vec<u8> {
    let block = http("200 OK", &[("Content-Type", "text/html")], body.as_bytes());
    let digest = sha1_label(body.as_bytes());
    record(
        &[
            ("WARC-Type", "response"),
            ("WARC-Record-ID", id),
            ("WARC-Date", date),
            ("WARC-Target-URI", uri),
            ("Content-Type", "application/http; msgtype=response"),
            ("WARC-Payload-Digest", &digest),
        ],
        &block,
    )
}

fn revisit(uri: &str, id: &str, refers: &[(&str, &str)]) -> Vec<u8> {
    let mut fields = vec![
        ("WARC-Type", "revisit"),
        ("WARC-Record-ID", id),
        ("WARC-Date", "2026-12-02T00:00:00Z"),
        ("WARC-Target-URI", uri),
        ("Content-Type", "application/http; msgtype=response"),
    ];
    fields.extend_from_slice(refers);
    record(
        &fields,
        &http("200 OK", &[("Content-Type", "text/html")], b""),
    )
}

fn bodies(pages: &[WarcPage]) -> Vec<(String, String)> {
    pages
        .iter()
        .map(|p| {
            (
                p.url.to_string(),
                String::from_utf8_lossy(&p.body).into_owned(),
            )
        })
        .collect()
}

#[test]
fn responses_become_pages_and_everything_else_is_counted() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a_digest = sha1_label(b"<p>a</p>");
    let first = write(
        dir.path(),
        "1.warc.gz",
        &[
            record(&[("WARC-Type", "warcinfo")], b"software: x\r\n"),
            record(
                &[
                    ("WARC-Type", "request"),
                    ("WARC-Target-URI", "https://example.org/a"),
                ],
                b"GET /a HTTP/1.1\r\n\r\n",
            ),
            response(
                "https://example.org/a",
                "2026-12-01T00:00:00Z",
                "<urn:a>",
                "<p>a</p>",
            ),
            record(&[("WARC-Type", "metadata")], b"outlinks: x\r\n"),
            record(
                &[
                    ("WARC-Type", "response"),
                    ("WARC-Target-URI", "dns:example.org"),
                ],
                b"dns",
            ),
            record(
                &[
                    ("WARC-Type", "resource"),
                    ("WARC-Target-URI", "https://example.org/logo.png"),
                ],
                b"png",
            ),
            revisit(
                "https://example.org/a",
                "<urn:r1>",
                &[("WARC-Refers-To", "<urn:a>")],
            ),
        ],
    );
    let second = write(
        dir.path(),
        "2.warc.gz",
        &[
            revisit(
                "https://example.org/a",
                "<urn:r2>",
                &[
                    ("WARC-Refers-To-Target-URI", "https://example.org/a"),
                    ("WARC-Refers-To-Date", "2026-12-01T00:00:00Z"),
                ],
            ),
            revisit(
                "https://example.org/mirror-of-a",
                "<urn:r3>",
                &[("WARC-Payload-Digest", &a_digest)],
            ),
            revisit(
                "https://example.org/later",
                "<urn:r4>",
                &[("WARC-Refers-To", "<urn:in-third>")],
            ),
            revisit(
                "https://example.org/nowhere",
                "<urn:r5>",
                &[("WARC-Refers-To", "<urn:missing>")],
            ),
        ],
    );
    let third = write(
        dir.path(),
        "3.warc.gz",
        &[response(
            "https://example.org/later",
            "2026-12-01T00:00:00Z",
            "<urn:in-third>",
            "<p>later</p>",
        )],
    );
    let missing = dir.path().join("missing.warc.gz");
    let mut reader = PageReader::new(vec![first, missing, second, third], Limits::default());
    let (mut pages, mut errors) = (Vec::new(), Vec::new());
    for item in reader.by_ref() {
        match item {
            Ok(page) => pages.push(page),
            Err(error) => errors.push(error),
        }
    }
    assert_eq!(
        bodies(&pages),
        [
            ("https://example.org/a".to_string(), "<p>a</p>".to_string()),
            ("https://example.org/a".to_string(), "<p>a</p>".to_string()),
            ("https://example.org/a".to_string(), "<p>a</p>".to_string()),
            (
                "https://example.org/mirror-of-a".to_string(),
                "<p>a</p>".to_string()
            ),
            (
                "https://example.org/later".to_string(),
                "<p>later</p>".to_string()
            ),
            (
                "https://example.org/later".to_string(),
                "<p>later</p>".to_string()
            ),
        ]
    );
    assert_eq!(pages[1].payload_from.as_deref(), Some("<urn:a>"));
    assert_eq!(pages[5].record_id.as_deref(), Some("<urn:r4>"));
    assert!(
        matches!(&errors[..], [WarcError::Open { .. }]),
        "{errors:?}"
    );
    let counts = reader.counts();
    assert_eq!(counts.files, 3);
    assert_eq!(counts.records, 12);
    assert_eq!(counts.pages, 6);
    assert_eq!(counts.revisits_resolved, 4);
    assert_eq!(counts.revisits_unresolved, 1);
    assert_eq!(counts.errors, 1);
    let skipped: Vec<(&str, u64)> = counts
        .skipped
        .iter()
        .map(|(k, v)| (k.as_str(), *v))
        .collect();
    assert_eq!(
        skipped,
        [
            ("metadata", 1),
            ("non-http", 1),
            ("request", 1),
            ("resource", 1),
            ("warcinfo", 1)
        ]
    );
}

#[test]
fn damaged_records_are_reported_and_counted_and_the_rest_read() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("cut.warc.gz");
    let mut bytes = gzip(&response(
        "https://example.org/a",
        "2026-12-01T00:00:00Z",
        "<urn:a>",
        "a",
    ));
    let broken = http("HTTP/1.1 abc", &[], b"");
    bytes.extend(gzip(&record(
        &[
            ("WARC-Type", "response"),
            ("WARC-Target-URI", "https://example.org/b"),
            ("WARC-Date", "2026-12-01T00:00:00Z"),
        ],
        &broken[9..],
    )));
    let cut = gzip(&response(
        "https://example.org/c",
        "2026-12-01T00:00:00Z",
        "<urn:c>",
        "c",
    ));
    bytes.extend_from_slice(&cut[..cut.len() / 2]);
    fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    let mut reader = PageReader::new(vec![path], Limits::default());
    let items: Vec<Result<WarcPage, WarcError>> = reader.by_ref().collect();
    assert_eq!(items.len(), 3, "{items:?}");
    assert!(items[0].is_ok());
    assert!(
        matches!(items[1], Err(WarcError::Http { .. })),
        "{:?}",
        items[1]
    );
    assert!(
        matches!(items[2], Err(WarcError::Truncated { .. })),
        "{:?}",
        items[2]
    );
    assert_eq!((reader.counts().pages, reader.counts().errors), (1, 2));
}

#[test]
fn folders_give_their_warc_files_in_name_order() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let sub = dir.path().join("night-2");
    fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
    for name in [
        "b.warc.gz",
        "a.WARC",
        "c.warc.gz.open",
        "notes.txt",
        "d.warc.zst",
    ] {
        fs::write(dir.path().join(name), b"").unwrap_or_else(|e| panic!("{e}"));
    }
    fs::write(sub.join("e.warc.gz"), b"").unwrap_or_else(|e| panic!("{e}"));
    let lone = dir.path().join("notes.txt");
    let files = warc_files(&[dir.path().to_path_buf(), lone]).unwrap_or_else(|e| panic!("{e}"));
    let names: Vec<String> = files
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap_or(p)
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        names,
        ["a.WARC", "b.warc.gz", "night-2/e.warc.gz", "notes.txt"]
    );
}
