//! `crawl --warc DIR` through the binary: a request and a response record for every page
//! fetched and a revisit for every 304, files rotated by size, what a killed crawl left
//! detectable on read and sealed by the next one, and the archive ingested back.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use cablestrip::warc::{self, Limits, PageReader, RecordType};

use crate::support::site::FixtureSite;
use crate::support::{Reply, TEST_RULE, TestServer};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A folder with the test rule file, a store and a WARC folder.
struct Work {
    dir: tempfile::TempDir,
}

impl Work {
    fn new() -> Work {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("selectors")).expect("mkdir");
        std::fs::write(dir.path().join("selectors/test.site.toml"), TEST_RULE).expect("write");
        Work { dir }
    }

    fn warc_dir(&self) -> PathBuf {
        self.dir.path().join("warc")
    }

    fn command(&self, db: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cablestrip"));
        command
            .current_dir(self.dir.path())
            .env_remove("RUST_LOG")
            .args(["--db", db])
            .args(args);
        command
    }

    fn crawl(&self, server: &TestServer, extra: &[&str]) -> Command {
        let map = format!("{}=test.site", server.host());
        let seed = server.url("/").to_string();
        let warc = self.warc_dir();
        let mut args = vec![
            "crawl",
            "--host-map",
            &map,
            "--seeds",
            &seed,
            "--rate",
            "0",
            "--warc",
            warc.to_str().expect("UTF-8"),
            "--json",
        ];
        args.extend_from_slice(extra);
        self.command("store.db", &args)
    }
}

async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .expect("join")
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .expect("the WARC folder")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

fn records(files: &[PathBuf]) -> Vec<warc::Record> {
    files
        .iter()
        .flat_map(|f| {
            warc::open(f)
                .expect("open")
                .map(|r| r.expect("a whole record"))
        })
        .collect()
}

fn count(records: &[warc::Record], kind: &RecordType) -> usize {
    records.iter().filter(|r| &r.record_type == kind).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fetch_is_archived_a_304_as_a_revisit_and_the_archive_ingests_back() {
    let server = TestServer::start().await;
    FixtureSite::standard(6).serve(&server);
    let work = Work::new();

    let first = output(work.crawl(&server, &[])).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&first.stdout).expect("JSON");
    let fetched = summary["fetched_cable_pages"].as_u64().expect("a count")
        + summary["fetched_index_pages"].as_u64().expect("a count");
    assert_eq!(summary["warc"]["responses"], fetched, "{summary}");
    let first_files = files(&work.warc_dir());
    assert_eq!(first_files.len(), 1, "{first_files:?}");
    assert!(warc::is_warc_name(&first_files[0]), "closed, not .open");
    let archived = records(&first_files);
    assert_eq!(archived[0].record_type, RecordType::Warcinfo);
    let info = text(&archived[0].block);
    assert!(info.contains("rules: test.site@"), "{info}");
    assert_eq!(count(&archived, &RecordType::Response), fetched as usize);
    assert_eq!(count(&archived, &RecordType::Request), fetched as usize);
    // The archived body is what the server sent.
    let front = archived
        .iter()
        .find(|r| {
            r.record_type == RecordType::Response
                && r.target_uri.as_deref() == Some(server.url("/").as_str())
        })
        .expect("the front page's response");
    let page = warc::page_from_response(front, &Limits::default()).expect("a page");
    assert!(text(&page.body).contains("Front page"));
    assert!(page.etag.is_some(), "the headers are archived");

    let second = output(work.crawl(&server, &[])).await;
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&second.stdout).expect("JSON");
    let not_modified = summary["not_modified"].as_u64().expect("a count");
    assert!(not_modified > 0, "{summary}");
    assert_eq!(summary["warc"]["revisits"], not_modified);
    let all = files(&work.warc_dir());
    assert_eq!(all.len(), 2, "one file a run: {all:?}");
    let archived = records(&all);
    assert_eq!(
        count(&archived, &RecordType::Revisit),
        not_modified as usize
    );

    // The archive alone rebuilds the store's cables. It holds the URLs really fetched,
    // so the same --host-map takes them as the site's.
    let map = format!("{}=test.site", server.host());
    let ingested = output(work.command(
        "fresh.db",
        &[
            "ingest",
            work.warc_dir().to_str().expect("UTF-8"),
            "--host-map",
            &map,
            "--json",
        ],
    ))
    .await;
    assert_eq!(
        ingested.status.code(),
        Some(0),
        "{}",
        text(&ingested.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&ingested.stdout).expect("JSON");
    assert_eq!(report["revisits_resolved"], not_modified, "{report}");
    assert_eq!(report["revisits_unresolved"], 0, "{report}");
    assert_eq!(report["new_cables"], 6, "{report}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn files_are_rotated_by_size() {
    let server = TestServer::start().await;
    FixtureSite::standard(8).serve(&server);
    let work = Work::new();
    let run = output(work.crawl(&server, &["--warc-max-size", "2K"])).await;
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&run.stdout).expect("JSON");
    let written = files(&work.warc_dir());
    assert!(written.len() >= 3, "{written:?}");
    assert_eq!(
        summary["warc"]["files"].as_array().map(Vec::len),
        Some(written.len())
    );
    // Each file stands alone: its own warcinfo first.
    for file in &written {
        let first = warc::open(file)
            .expect("open")
            .next()
            .expect("a record")
            .expect("whole");
        assert_eq!(
            first.record_type,
            RecordType::Warcinfo,
            "{}",
            file.display()
        );
    }
    let bad = output(work.crawl(&server, &["--warc-max-size", "1.5G"])).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("such as 1G or 500M"),
        "{}",
        text(&bad.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_crawl_leaves_a_file_whose_cut_record_is_detected_and_the_next_crawl_seals_it() {
    let server = TestServer::start().await;
    let site = FixtureSite::standard(40);
    for path in site.paths() {
        if path.starts_with("/cable/") {
            let reply = Reply::html(format!("<html><pre>{path}</pre></html>"))
                .delay(Duration::from_millis(150));
            site.put_reply(&path, reply);
        }
    }
    site.serve(&server);
    let work = Work::new();
    let child = work
        .crawl(&server, &["--concurrency", "1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    for _ in 0..3000 {
        if server.requests().len() >= 10 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let mut child = child;
    tokio::task::spawn_blocking(move || child.wait().expect("wait"))
        .await
        .expect("join");

    let left = files(&work.warc_dir());
    assert_eq!(left.len(), 1, "{left:?}");
    assert!(
        left[0].to_string_lossy().ends_with(".warc.gz.open"),
        "{left:?}"
    );
    // Whatever the kill cut, reading ends in whole records or a reported error, never in
    // a record taken for whole.
    let mut reader = PageReader::new(left.clone(), Limits::default());
    let pages = reader.by_ref().filter(Result::is_ok).count();
    assert!(pages >= 1, "the pages before the kill are there");

    let next = output(work.crawl(&server, &[])).await;
    assert_eq!(next.status.code(), Some(0), "{}", text(&next.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&next.stdout).expect("JSON");
    let sealed = &summary["warc"]["sealed"][0];
    assert!(
        sealed["records"].as_u64().expect("a count") >= 2,
        "{summary}"
    );
    let all = files(&work.warc_dir());
    assert!(all.iter().all(|f| warc::is_warc_name(f)), "{all:?}");
    // Sealed, the old file reads to its end without an error.
    let sealed_file = PathBuf::from(sealed["file"].as_str().expect("a name"));
    let mut errors = 0;
    for record in warc::open(&sealed_file).expect("open") {
        errors += usize::from(record.is_err());
    }
    assert_eq!(errors, 0);
}
