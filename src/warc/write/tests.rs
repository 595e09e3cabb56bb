//! Unit tests of the WARC writer: what it writes reads back the same, byte for byte,
//! the same every time.

use jiff::Timestamp;

use super::*;
use crate::warc::digest::{digest_matches, sha1_label};
use crate::warc::page::page_from_response;
use crate::warc::read::Limits;
use crate::warc::record::RecordType;
use crate::warc::testdata::read_all;

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap_or_else(|e| panic!("{e}"))
}

fn url(text: &str) -> Url {
    Url::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn headers() -> Vec<(String, String)> {
    vec![
        (
            "Content-Type".to_string(),
            "text/html; charset=windows-1252".to_string(),
        ),
        ("ETag".to_string(), "\"v1\"".to_string()),
        (
            "Last-Modified".to_string(),
            "Fri, 10 Dec 2010 10:00:00 GMT".to_string(),
        ),
        ("Content-Encoding".to_string(), "gzip".to_string()),
    ]
}

/// A warcinfo, two responses and a request, as the export and the crawl write them.
fn sample(compression: Compression) -> (Vec<u8>, Vec<Written>) {
    let mut writer = WarcWriter::new(Vec::new(), Path::new("out.warc.gz"), compression);
    let mut written = Vec::new();
    let fields = vec![(
        "rules".to_string(),
        "cablegate.wikileaks.org@abc123".to_string(),
    )];
    let push = |written: &mut Vec<Written>, w: Result<Written, WarcError>| {
        written.push(w.unwrap_or_else(|e| panic!("{e}")));
    };
    push(
        &mut written,
        writer.write_warcinfo(at(1_291_975_200), Some("out.warc.gz"), &fields),
    );
    let a = url("https://cablegate.wikileaks.org/cable/2010/12/10MOSCOW1.html");
    let body: &[u8] = b"<html>\xa7 1. (C) caf\xe9</html>";
    let headers = headers();
    let response = Response {
        url: &a,
        date: at(1_291_975_200),
        status: 200,
        reason: None,
        headers: &headers,
        body,
        truncated: None,
    };
    push(&mut written, writer.write_response(&response));
    let response_id = written[1].record_id.clone();
    let request = Request {
        url: &a,
        date: at(1_291_975_200),
        method: "GET",
        headers: &[("User-Agent".to_string(), "cablestrip".to_string())],
    };
    push(
        &mut written,
        writer.write_request(&request, Some(&response_id)),
    );
    let gone = url("https://cablegate.wikileaks.org/cable/2010/12/gone.html");
    push(
        &mut written,
        writer.write_response(&Response {
            url: &gone,
            date: Timestamp::new(1_291_975_201, 250_000_000).unwrap_or_else(|e| panic!("{e}")),
            status: 404,
            reason: Some("Not Found"),
            headers: &[],
            body: b"",
            truncated: None,
        }),
    );
    (writer.into_inner(), written)
}

#[test]
fn what_is_written_reads_back_the_same() {
    for compression in [Compression::default(), Compression::None] {
        let (bytes, written) = sample(compression);
        let (records, errors) = read_all(&bytes);
        assert!(errors.is_empty(), "{errors:?}");
        let types: Vec<RecordType> = records.iter().map(|r| r.record_type.clone()).collect();
        assert_eq!(
            types,
            [
                RecordType::Warcinfo,
                RecordType::Response,
                RecordType::Request,
                RecordType::Response
            ]
        );
        for (record, written) in records.iter().zip(&written) {
            assert_eq!(record.version, "1.1");
            assert_eq!(
                record.record_id.as_deref(),
                Some(written.record_id.as_str())
            );
            assert_eq!(record.location.offset, written.offset);
            assert_eq!(record.location.offset_in_member, 0);
            assert_eq!(
                record.verify_block_digest(),
                Some(true),
                "{:?}",
                record.record_type
            );
        }
        let info = String::from_utf8_lossy(&records[0].block);
        assert!(
            info.contains(&format!("software: {SOFTWARE}\r\n")),
            "{info}"
        );
        assert!(
            info.contains("rules: cablegate.wikileaks.org@abc123\r\n"),
            "{info}"
        );
        assert_eq!(records[0].header("WARC-Filename"), Some("out.warc.gz"));
        assert_eq!(
            records[0].content_type.as_deref(),
            Some("application/warc-fields")
        );

        let response = &records[1];
        assert_eq!(
            response.header("WARC-Warcinfo-ID"),
            Some(written[0].record_id.as_str())
        );
        assert_eq!(response.header("WARC-Date"), Some("2010-12-10T10:00:00Z"));
        let page =
            page_from_response(response, &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.body, b"<html>\xa7 1. (C) caf\xe9</html>");
        assert_eq!(page.status, 200);
        assert_eq!(
            page.content_type.as_deref(),
            Some("text/html; charset=windows-1252")
        );
        assert_eq!(page.etag.as_deref(), Some("\"v1\""));
        assert_eq!(
            page.last_modified.as_deref(),
            Some("Fri, 10 Dec 2010 10:00:00 GMT")
        );
        assert_eq!(page.date, at(1_291_975_200));
        let payload = response.payload_digest.as_deref().unwrap_or("");
        assert_eq!(digest_matches(payload, &page.body), Some(true));
        assert_eq!(payload, sha1_label(&page.body));

        let request = &records[2];
        assert_eq!(
            request.header("WARC-Concurrent-To"),
            Some(written[1].record_id.as_str())
        );
        assert!(request.block.starts_with(
            b"GET /cable/2010/12/10MOSCOW1.html HTTP/1.1\r\nHost: cablegate.wikileaks.org\r\n"
        ));

        let gone =
            page_from_response(&records[3], &Limits::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((gone.status, gone.body.len()), (404, 0));
        assert_eq!(
            records[3].header("WARC-Date"),
            Some("2010-12-10T10:00:01.250000Z")
        );
    }
}

#[test]
fn the_same_records_make_the_same_bytes() {
    assert_eq!(
        sample(Compression::default()).0,
        sample(Compression::default()).0
    );
    assert_eq!(sample(Compression::None).0, sample(Compression::None).0);
    let (_, written) = sample(Compression::default());
    let ids: std::collections::HashSet<&str> =
        written.iter().map(|w| w.record_id.as_str()).collect();
    assert_eq!(ids.len(), written.len(), "every record has its own ID");
}

#[test]
fn each_record_is_its_own_gzip_member() {
    let (bytes, written) = sample(Compression::default());
    let mut end = 0;
    for w in &written {
        assert_eq!(w.offset, end);
        let start = usize::try_from(w.offset).unwrap_or(0);
        let member = &bytes[start..start + usize::try_from(w.length).unwrap_or(0)];
        let mut decoder = flate2::read::GzDecoder::new(member);
        let mut text = Vec::new();
        let _ = std::io::Read::read_to_end(&mut decoder, &mut text);
        assert!(text.starts_with(b"WARC/1.1\r\n") && text.ends_with(b"\r\n\r\n"));
        end += w.length;
    }
    assert_eq!(end, bytes.len() as u64);
}

#[test]
fn plain_records_have_crlf_lines_and_the_closing_blank_line() {
    let (bytes, written) = sample(Compression::None);
    let first = &bytes[..usize::try_from(written[0].length).unwrap_or(0)];
    let text = String::from_utf8_lossy(first);
    assert!(
        text.starts_with("WARC/1.1\r\nWARC-Type: warcinfo\r\nWARC-Record-ID: <urn:uuid:"),
        "{text}"
    );
    assert!(text.ends_with("\r\n\r\n"));
    let header_end = text.find("\r\n\r\n").unwrap_or(0);
    assert!(
        !text[..header_end].replace("\r\n", "").contains('\n'),
        "{text}"
    );
}

/// Fails every write after the first `ok` bytes.
struct Full {
    ok: usize,
}

impl Write for Full {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.ok == 0 {
            return Err(io::Error::other("disk full"));
        }
        let n = buf.len().min(self.ok);
        self.ok -= n;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn a_failing_output_is_a_write_error_naming_the_file() {
    let mut writer = WarcWriter::new(
        Full { ok: 10 },
        Path::new("full.warc.gz"),
        Compression::None,
    );
    let error = writer.write_warcinfo(at(0), None, &[]).err();
    let message = error.map(|e| e.to_string()).unwrap_or_default();
    assert!(
        message.contains("full.warc.gz") && message.contains("disk full"),
        "{message}"
    );
}

#[test]
fn revisits_refer_to_the_archived_copy_and_resolve_to_its_page() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("nightly.warc.gz");
    let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut writer = WarcWriter::new(file, &path, Compression::default());
    let a = url("https://cablegate.wikileaks.org/index.html");
    let headers = headers();
    let body: &[u8] = b"<html>index</html>";
    let first = writer
        .write_response(&Response {
            url: &a,
            date: at(100),
            status: 200,
            reason: None,
            headers: &headers,
            body,
            truncated: None,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let etag = vec![("ETag".to_string(), "\"v1\"".to_string())];
    writer
        .write_revisit(&Revisit {
            url: &a,
            date: at(200),
            status: 304,
            headers: &etag,
            refers_to_url: &a,
            refers_to_date: at(100),
            refers_to: Some(&first.record_id),
            payload_digest: None,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let digest = sha1_label(body);
    let mirror = url("https://cablegate.wikileaks.org/index2.html");
    writer
        .write_revisit(&Revisit {
            url: &mirror,
            date: at(300),
            status: 200,
            headers: &[("Content-Type".to_string(), "text/html".to_string())],
            refers_to_url: &a,
            refers_to_date: at(100),
            refers_to: None,
            payload_digest: Some(&digest),
        })
        .unwrap_or_else(|e| panic!("{e}"));
    drop(writer);

    let records: Vec<_> = crate::warc::read::open(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(records[1].record_type, RecordType::Revisit);
    assert_eq!(
        records[1].header("WARC-Profile"),
        Some(PROFILE_NOT_MODIFIED)
    );
    assert_eq!(
        records[1].refers_to.as_deref(),
        Some(first.record_id.as_str())
    );
    assert_eq!(
        records[1].block,
        b"HTTP/1.1 304 Not Modified\r\nETag: \"v1\"\r\n\r\n"
    );
    assert_eq!(
        records[2].header("WARC-Profile"),
        Some(PROFILE_IDENTICAL_PAYLOAD)
    );
    assert_eq!(records[1].verify_block_digest(), Some(true));

    let mut pages = crate::warc::PageReader::new(vec![path], Limits::default());
    let pages: Vec<_> = pages
        .by_ref()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    let seen: Vec<(&str, u16, &[u8])> = pages
        .iter()
        .map(|p| (p.url.as_str(), p.status, p.body.as_slice()))
        .collect();
    assert_eq!(
        seen,
        [
            ("https://cablegate.wikileaks.org/index.html", 200, body),
            ("https://cablegate.wikileaks.org/index.html", 200, body),
            ("https://cablegate.wikileaks.org/index2.html", 200, body),
        ]
    );
    assert_eq!(pages[1].date, at(200));
    assert_eq!(pages[1].etag.as_deref(), Some("\"v1\""));
}

#[test]
fn a_body_not_whole_says_why_in_warc_truncated_and_a_whole_one_says_nothing() {
    let page = url("https://cablegate.wikileaks.org/busy.html");
    for (truncated, expected) in [(Some("length"), Some("length")), (None, None)] {
        let mut writer = WarcWriter::new(Vec::new(), Path::new("t.warc"), Compression::None);
        writer
            .write_response(&Response {
                url: &page,
                date: at(1_291_975_200),
                status: 503,
                reason: None,
                headers: &[],
                body: b"<html>Bus",
                truncated,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let (records, errors) = read_all(&writer.into_inner());
        assert!(errors.is_empty(), "{errors:?}");
        let field = records[0]
            .headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("WARC-Truncated"))
            .map(|(_, value)| value.as_str());
        assert_eq!(field, expected);
    }
}
