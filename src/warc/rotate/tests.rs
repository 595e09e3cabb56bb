//! Unit tests of the crawl's WARC folder: names, `.open` while written, rotation by
//! size, and sealing what a crash left.

use std::fs;

use url::Url;

use super::*;
use crate::warc::read::open;
use crate::warc::record::RecordType;

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn fetch(writer: &mut RotatingWriter, n: u32) {
    let url = Url::parse(&format!("https://example.org/{n}")).unwrap_or_else(|e| panic!("{e}"));
    let date =
        Timestamp::from_second(1_796_128_200 + i64::from(n)).unwrap_or_else(|e| panic!("{e}"));
    let body = format!("<p>page {n}</p>").repeat(200);
    let response = Response {
        url: &url,
        date,
        status: 200,
        reason: None,
        headers: &[],
        body: body.as_bytes(),
        truncated: None,
    };
    let request = Request {
        url: &url,
        date,
        method: "GET",
        headers: &[],
    };
    writer
        .write_exchange(&response, Some(&request))
        .unwrap_or_else(|e| panic!("{e}"));
}

fn options(max_file_bytes: u64) -> RotateOptions {
    RotateOptions {
        max_file_bytes,
        warcinfo_fields: vec![("rules".to_string(), "x@1".to_string())],
        ..RotateOptions::default()
    }
}

#[test]
fn files_are_open_while_written_and_renamed_when_closed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut writer = RotatingWriter::new(dir.path(), options(DEFAULT_MAX_FILE_BYTES))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        names(dir.path()).is_empty(),
        "no file before the first write"
    );
    fetch(&mut writer, 0);
    fetch(&mut writer, 1);
    assert_eq!(
        names(dir.path()),
        ["cablestrip-20261201123000-00000.warc.gz.open"]
    );
    assert!(writer.current_path().is_some());
    let closed = writer.close().unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        names(dir.path()),
        ["cablestrip-20261201123000-00000.warc.gz"]
    );
    let records: Vec<_> = open(&closed[0]).unwrap_or_else(|e| panic!("{e}")).collect();
    let types: Vec<RecordType> = records
        .iter()
        .map(|r| {
            r.as_ref()
                .map(|r| r.record_type.clone())
                .unwrap_or(RecordType::Other(String::new()))
        })
        .collect();
    assert_eq!(
        types,
        [
            RecordType::Warcinfo,
            RecordType::Response,
            RecordType::Request,
            RecordType::Response,
            RecordType::Request
        ]
    );
    let info = records[0]
        .as_ref()
        .map(|r| r.header("WARC-Filename").map(str::to_string));
    assert_eq!(
        info.ok().flatten().as_deref(),
        Some("cablestrip-20261201123000-00000.warc.gz")
    );
}

#[test]
fn a_file_past_the_size_limit_is_closed_and_the_next_started() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut writer = RotatingWriter::new(&dir.path().join("warcs"), options(1))
        .unwrap_or_else(|e| panic!("{e}"));
    for n in 0..3 {
        fetch(&mut writer, n);
    }
    assert_eq!(writer.closed().len(), 2);
    drop(writer);
    assert_eq!(
        names(&dir.path().join("warcs")),
        [
            "cablestrip-20261201123000-00000.warc.gz",
            "cablestrip-20261201123001-00001.warc.gz",
            "cablestrip-20261201123002-00002.warc.gz"
        ]
    );
    for name in names(&dir.path().join("warcs")) {
        let records: Vec<_> = open(&dir.path().join("warcs").join(name))
            .unwrap_or_else(|e| panic!("{e}"))
            .collect();
        assert_eq!(records.len(), 3);
        assert!(records.iter().all(Result::is_ok));
    }
}

#[test]
fn names_taken_by_other_files_are_passed_over() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        dir.path().join("cablestrip-20261201123000-00000.warc.gz"),
        b"",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    fs::write(
        dir.path()
            .join("cablestrip-20261201123000-00001.warc.gz.open"),
        b"",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut writer = RotatingWriter::new(dir.path(), options(DEFAULT_MAX_FILE_BYTES))
        .unwrap_or_else(|e| panic!("{e}"));
    fetch(&mut writer, 0);
    let closed = writer.close().unwrap_or_else(|e| panic!("{e}"));
    assert!(
        closed[0].ends_with("cablestrip-20261201123000-00002.warc.gz"),
        "{closed:?}"
    );
}

#[test]
fn a_file_left_by_a_crash_is_cut_back_to_its_last_whole_record_and_sealed() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut writer = RotatingWriter::new(dir.path(), options(DEFAULT_MAX_FILE_BYTES))
        .unwrap_or_else(|e| panic!("{e}"));
    fetch(&mut writer, 0);
    fetch(&mut writer, 1);
    let open_path = writer
        .current_path()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    // A crash: the writer never closes, and the last member is half written.
    std::mem::forget(writer);
    let whole = fs::read(&open_path).unwrap_or_default();
    fs::write(&open_path, &whole[..whole.len() - 30]).unwrap_or_else(|e| panic!("{e}"));
    let before: Vec<_> = open(&open_path).unwrap_or_else(|e| panic!("{e}")).collect();
    assert!(
        matches!(before.last(), Some(Err(WarcError::Truncated { .. }))),
        "{before:?}"
    );

    let sealed = seal_abandoned(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sealed.len(), 1);
    assert_eq!(sealed[0].records, 4);
    assert!(sealed[0].cut_bytes > 30);
    let after: Vec<_> = open(&sealed[0].path)
        .unwrap_or_else(|e| panic!("{e}"))
        .collect();
    assert_eq!(after.len(), 4);
    assert!(after.iter().all(Result::is_ok), "{after:?}");
    assert_eq!(
        names(dir.path()),
        ["cablestrip-20261201123000-00000.warc.gz"]
    );
}

#[test]
fn a_not_modified_fetch_is_written_as_a_revisit_and_its_request() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut writer = RotatingWriter::new(dir.path(), options(DEFAULT_MAX_FILE_BYTES))
        .unwrap_or_else(|e| panic!("{e}"));
    let url = Url::parse("https://example.org/index.html").unwrap_or_else(|e| panic!("{e}"));
    let date = Timestamp::from_second(1_796_128_200).unwrap_or_else(|e| panic!("{e}"));
    let revisit = Revisit {
        url: &url,
        date,
        status: 304,
        headers: &[],
        refers_to_url: &url,
        refers_to_date: date,
        refers_to: None,
        payload_digest: None,
    };
    let request = Request {
        url: &url,
        date,
        method: "GET",
        headers: &[],
    };
    writer
        .write_revisit_exchange(&revisit, Some(&request))
        .unwrap_or_else(|e| panic!("{e}"));
    let closed = writer.close().unwrap_or_else(|e| panic!("{e}"));
    let types: Vec<RecordType> = open(&closed[0])
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(Result::ok)
        .map(|r| r.record_type)
        .collect();
    assert_eq!(
        types,
        [
            RecordType::Warcinfo,
            RecordType::Revisit,
            RecordType::Request
        ]
    );
}
