//! The WARC layer against a real client, Python's warcio: what cablestrip writes passes
//! `warcio check` and reads back the same with warcio (the format layer's records, `export
//! --format warc` of a store, `crawl --warc` of a site), and what warcio records from pages
//! served on 127.0.0.1 (gzip-encoded, chunked, a revisit) cablestrip reads back as the
//! pages that were served, and `cablestrip ingest` stores as the same cables as the saved
//! pages. Needs `python3`; warcio is installed on first use where it is missing:
//! without it these tests fail, saying so.

#[path = "support/mod.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

use cablestrip::warc::{
    self, Compression, Limits, PageReader, RecordType, Request, Response, Revisit, WarcWriter,
    Written,
};
use jiff::Timestamp;
use serde_json::{Value, json};
use url::Url;

fn scripts() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warc")
}

/// A Python that imports warcio: installed on first use if need be (see the support
/// module `python`).
fn warcio_python() -> PathBuf {
    support::python::python_with("warcio", "warcio>=1.7,<2")
}

fn run_script(name: &str, args: &[&Path]) -> String {
    let output = Command::new(warcio_python())
        .arg(scripts().join(name))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "{name} failed ({}): {stderr}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// A page as the store keeps it: URL, status, headers kept, raw body.
type StoredPage = (Url, u16, Vec<(String, String)>, Vec<u8>);

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn at(second: i64) -> Timestamp {
    Timestamp::from_second(second).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn warcs_cablestrip_writes_pass_warcio_check_and_read_back_the_same() {
    warcio_python();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("export.warc.gz");
    let pages: Vec<StoredPage> = vec![
        (
            Url::parse("https://cablegate.wikileaks.org/cable/2010/12/10MOSCOW1.html")
                .unwrap_or_else(|e| panic!("{e}")),
            200,
            vec![
                ("Content-Type".into(), "text/html; charset=utf-8".into()),
                ("ETag".into(), "\"abc\"".into()),
                (
                    "Last-Modified".into(),
                    "Fri, 10 Dec 2010 10:00:00 GMT".into(),
                ),
            ],
            "<html><pre>¶1. (C) SUMMARY: text &amp; <<Israel>></pre></html>\r\n"
                .repeat(50)
                .into_bytes(),
        ),
        (
            Url::parse("https://www.scoop.co.nz/stories/WL0812/S00123.htm?from=index")
                .unwrap_or_else(|e| panic!("{e}")),
            200,
            // The crawler keeps bodies decoded: the writer renames the header that says gzip.
            vec![
                (
                    "Content-Type".into(),
                    "text/html; charset=windows-1252".into(),
                ),
                ("Content-Encoding".into(), "gzip".into()),
            ],
            b"<p>caf\xe9 \xa7 1</p>".to_vec(),
        ),
        (
            Url::parse("https://search.wikileaks.org/plusd/cables/gone.html")
                .unwrap_or_else(|e| panic!("{e}")),
            404,
            vec![],
            Vec::new(),
        ),
    ];
    let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut writer = WarcWriter::new(std::io::BufWriter::new(file), &path, Compression::default());
    let mut expected = Vec::new();
    let fields = vec![(
        "rules".to_string(),
        "cablegate.wikileaks.org@0123abcd".to_string(),
    )];
    let info: Written = writer
        .write_warcinfo(at(1_291_975_200), Some("export.warc.gz"), &fields)
        .unwrap_or_else(|e| panic!("{e}"));
    expected.push(json!({"type": "warcinfo", "offset": info.offset}));
    for (n, (url, status, headers, body)) in pages.iter().enumerate() {
        let date = at(1_291_975_200 + i64::try_from(n).unwrap_or(0));
        let response = Response {
            url,
            date,
            status: *status,
            reason: None,
            headers,
            body,
            truncated: None,
        };
        let written = writer
            .write_response(&response)
            .unwrap_or_else(|e| panic!("{e}"));
        expected.push(json!({
            "type": "response", "offset": written.offset, "uri": url.as_str(),
            "status": status, "body_hex": hex(body),
        }));
        let request = Request {
            url,
            date,
            method: "GET",
            headers: &[("User-Agent".to_string(), "cablestrip-test".to_string())],
        };
        let written = writer
            .write_request(&request, Some(&written.record_id))
            .unwrap_or_else(|e| panic!("{e}"));
        expected.push(json!({"type": "request", "offset": written.offset, "uri": url.as_str()}));
    }
    // The next night's fetch of the first page: 304, a revisit of the copy above.
    let (url, _, _, _) = &pages[0];
    let revisit = Revisit {
        url,
        date: at(1_292_061_600),
        status: 304,
        headers: &[("ETag".to_string(), "\"abc\"".to_string())],
        refers_to_url: url,
        refers_to_date: at(1_291_975_200),
        refers_to: None,
        payload_digest: None,
    };
    let written = writer
        .write_revisit(&revisit)
        .unwrap_or_else(|e| panic!("{e}"));
    expected.push(json!({"type": "revisit", "offset": written.offset, "uri": url.as_str()}));
    writer.flush().unwrap_or_else(|e| panic!("{e}"));
    drop(writer);
    let expected_path = dir.path().join("expected.json");
    std::fs::write(&expected_path, Value::Array(expected).to_string())
        .unwrap_or_else(|e| panic!("{e}"));

    let summary = run_script("check_with_warcio.py", &[&path, &expected_path]);
    let summary: Value =
        serde_json::from_str(summary.trim()).unwrap_or_else(|e| panic!("{e}: {summary}"));
    assert_eq!(summary["records"], 8, "{summary}");
    // warcio checks no revisit's digest: every other record's passed.
    assert_eq!(summary["digests_passed"], 7, "{summary}");
    assert_eq!(summary["responses"], 3, "{summary}");
}

#[test]
fn warcs_warcio_records_read_back_as_the_pages_served() {
    warcio_python();
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let path = dir.path().join("recorded.warc.gz");
    let printed = run_script("record_with_warcio.py", &[&path]);
    let expected: Value =
        serde_json::from_str(printed.trim()).unwrap_or_else(|e| panic!("{e}: {printed}"));

    // The recording really holds what the test is about: coded and chunked bodies.
    let records: Vec<_> = warc::open(&path)
        .unwrap_or_else(|e| panic!("{e}"))
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    let holds = |needle: &[u8]| {
        records.iter().any(|r| {
            r.record_type == RecordType::Response
                && r.block.windows(needle.len()).any(|w| w == needle)
        })
    };
    assert!(
        holds(b"Content-Encoding: gzip"),
        "no gzip-encoded response was recorded"
    );
    assert!(
        holds(b"Transfer-Encoding: chunked"),
        "no chunked response was recorded"
    );
    let mut types = std::collections::BTreeMap::new();
    for record in &records {
        *types
            .entry(record.record_type.as_str().to_string())
            .or_insert(0u64) += 1;
    }
    let expected_types: std::collections::BTreeMap<String, u64> = expected["records"]
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(types, expected_types);

    let mut reader = PageReader::new(vec![path], Limits::default());
    let pages: Vec<_> = reader
        .by_ref()
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{e}"));
    let wanted = expected["pages"].as_array().cloned().unwrap_or_default();
    assert_eq!(pages.len(), wanted.len());
    for (page, want) in pages.iter().zip(&wanted) {
        assert_eq!(page.url.as_str(), want["url"], "{want}");
        assert_eq!(
            u64::from(page.status),
            want["status"].as_u64().unwrap_or(0),
            "{}",
            page.url
        );
        assert_eq!(hex(&page.body), want["body_hex"], "{}", page.url);
        assert_eq!(
            page.content_type.as_deref(),
            want["content_type"].as_str(),
            "{}",
            page.url
        );
        assert_eq!(page.etag.as_deref(), want["etag"].as_str(), "{}", page.url);
        assert_eq!(
            page.last_modified.as_deref(),
            want["last_modified"].as_str(),
            "{}",
            page.url
        );
        assert_eq!(
            page.payload_from.is_some(),
            want["revisit"] == true,
            "{}",
            page.url
        );
    }
    let counts = reader.counts();
    assert_eq!(counts.revisits_resolved, 1);
    assert_eq!(counts.revisits_unresolved, 0);
    assert_eq!(counts.errors, 0);
    assert_eq!(counts.skipped.get("request").copied(), Some(6));
    assert_eq!(counts.skipped.get("metadata").copied(), Some(1));
    assert_eq!(counts.skipped.get("warcinfo").copied(), Some(1));
}

/// `warcio check` on `files` and every record read back with warcio (tests/warc/warcio_summary.py).
fn warcio_summary(files: &[PathBuf]) -> Value {
    let args: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let printed = run_script("warcio_summary.py", &args);
    serde_json::from_str(printed.trim()).unwrap_or_else(|e| panic!("{e}: {printed}"))
}

#[test]
fn a_stores_warc_export_passes_warcio_check_with_every_page_byte_for_byte() {
    use support::mirror::{cablestrip, filled, path_str, stderr};
    warcio_python();
    let filled = filled();
    let out = filled.root.join("store.warc.gz");
    let output = cablestrip(&[
        "--db",
        &filled.db,
        "export",
        "--format",
        "warc",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let summary = warcio_summary(std::slice::from_ref(&out));
    assert_eq!(summary["types"]["warcinfo"], 1, "{summary}");
    assert_eq!(summary["types"]["response"], 9, "{summary}");
    assert_eq!(summary["digests_passed"], 10, "{summary}");
    let store = cablestrip::store::Store::open_existing(Path::new(&filled.db)).expect("open");
    for record in store.pages(None) {
        let record = record.expect("a page record");
        let body = store
            .body(&record.body.expect("a body"))
            .expect("read")
            .expect("the body");
        let seen = &summary["responses"][record.url.as_str()];
        assert_eq!(
            seen["digest"],
            warc::sha1_label(&body),
            "{}: warcio reads the raw body",
            record.url
        );
        assert_eq!(seen["status"], record.status, "{}", record.url);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawls_warc_folder_passes_warcio_check() {
    use support::site::FixtureSite;
    warcio_python();
    let server = support::TestServer::start().await;
    FixtureSite::standard(6).serve(&server);
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir(dir.path().join("selectors")).expect("mkdir");
    std::fs::write(
        dir.path().join("selectors/test.site.toml"),
        support::TEST_RULE,
    )
    .expect("write");
    let warc_dir = dir.path().join("warc");
    let map = format!("{}=test.site", server.host());
    let seed = server.url("/").to_string();
    for _night in 0..2 {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cablestrip"));
        command
            .current_dir(dir.path())
            .env_remove("RUST_LOG")
            .args([
                "--db",
                "store.db",
                "crawl",
                "--host-map",
                &map,
                "--seeds",
                &seed,
                "--rate",
                "0",
                "--warc",
                warc_dir.to_str().expect("UTF-8"),
            ]);
        let output = tokio::task::spawn_blocking(move || command.output().expect("runs"))
            .await
            .expect("join");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let files = warc::warc_files(std::slice::from_ref(&warc_dir)).expect("the folder");
    assert_eq!(files.len(), 2);
    let summary = warcio_summary(&files);
    let types = &summary["types"];
    assert_eq!(types["warcinfo"], 2, "{summary}");
    assert!(types["revisit"].as_u64().unwrap_or(0) > 0, "{summary}");
    assert_eq!(
        types["request"].as_u64(),
        Some(types["response"].as_u64().unwrap_or(0) + types["revisit"].as_u64().unwrap_or(0)),
        "a request for every response and revisit: {summary}"
    );
}

#[test]
fn pages_warcio_recorded_gzip_encoded_chunked_and_revisited_ingest_as_the_saved_pages_do() {
    use support::mirror::{CABLEGATE, cablegate_mirror, cablestrip, json, path_str, stdout};
    warcio_python();
    let dir = tempfile::tempdir().expect("temp dir");
    let site = dir.path().join("site");
    cablegate_mirror(&site);
    let recorded = dir.path().join("recorded.warc.gz");
    let printed = run_script("record_site_with_warcio.py", &[&site, &recorded]);
    let served: Value = serde_json::from_str(printed.trim()).unwrap_or_else(|e| panic!("{e}"));
    let codings: Vec<&str> = served["codings"]
        .as_object()
        .map(|o| o.values().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for coding in ["plain", "gzip", "chunked"] {
        assert!(codings.contains(&coding), "{served}");
    }
    let host = served["base"]
        .as_str()
        .and_then(|b| b.strip_prefix("http://"))
        .expect("a base URL");

    let from_warc = dir.path().join("from-warc");
    let map = format!("{host}={CABLEGATE}");
    let report = json(&[
        "--db",
        path_str(&from_warc),
        "ingest",
        path_str(&recorded),
        "--host-map",
        &map,
        "--json",
    ]);
    assert_eq!(report["errors"], 0, "{report}");
    assert_eq!(report["revisits_resolved"], 1, "{report}");
    assert_eq!(report["skipped_records"]["request"], 8, "{report}");
    assert_eq!(report["new_cables"], 3, "{report}");

    let from_mirror = dir.path().join("from-mirror");
    json(&[
        "--db",
        path_str(&from_mirror),
        "ingest",
        path_str(&site),
        "--site",
        CABLEGATE,
        "--json",
    ]);
    let export = |db: &Path| stdout(&cablestrip(&["--db", path_str(db), "export"]));
    assert_eq!(export(&from_warc), export(&from_mirror));
}
