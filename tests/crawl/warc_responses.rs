//! `crawl --warc DIR` archives every response the crawl receives, not only the pages: a
//! 404 and a 503 with their bodies (each 503 retried, each try), every hop of a 301 → 302
//! chain, each with its request, in the order received; warcio checks the files; the
//! store holds what a crawl without `--warc` stores; and ingest of the archive stores only
//! the 2xx pages, counting the rest by status.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cablestrip::warc::{self, RecordType};

use crate::support::site::{cable_page, index_page};
use crate::support::{Reply, TEST_RULE, TestServer, open_store, python};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The site: a front page listing a cable, a cable gone (404, with a page saying so), a
/// listing that is always busy (503, with a body), and an old address that moves twice
/// before the cable it names.
fn serve(server: &TestServer) {
    let links = [
        "/cable/10TEST1.html".to_string(),
        "/cable/10TEST2.html".to_string(),
        "/list/busy.html".to_string(),
        "/t/old.html".to_string(),
    ];
    server.route("/", Reply::html(index_page("Front page", &links)));
    server.route(
        "/cable/10TEST1.html",
        Reply::html(cable_page("10TEST1", &[])),
    );
    server.route(
        "/cable/10TEST2.html",
        Reply::status(404)
            .header("Content-Type", "text/html")
            .body("<html><body>No such cable here</body></html>"),
    );
    server.route(
        "/list/busy.html",
        Reply::status(503)
            .header("Content-Type", "text/html")
            .header("Retry-After", "0")
            .body("<html><body>Busy, come back later</body></html>"),
    );
    server.route(
        "/t/old.html",
        Reply::redirect(301, "/t/mid.html").body("moved for good"),
    );
    server.route(
        "/t/mid.html",
        Reply::redirect(302, "/cable/10TEST3.html").body("moved for now"),
    );
    server.route(
        "/cable/10TEST3.html",
        Reply::html(cable_page("10TEST3", &[])),
    );
}

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

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn run(&self, db: &str, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cablestrip"));
        command
            .current_dir(self.dir.path())
            .env_remove("RUST_LOG")
            .args(["--db", db])
            .args(args);
        command
    }

    /// A crawl of `server` into `db`, archived into `warc` when given.
    fn crawl(&self, server: &TestServer, db: &str, warc: Option<&Path>) -> Command {
        let map = format!("{}=test.site", server.host());
        let seed = server.url("/").to_string();
        let mut args = vec![
            "crawl",
            "--host-map",
            &map,
            "--seeds",
            &seed,
            "--rate",
            "0",
            "--json",
        ];
        if let Some(warc) = warc {
            args.extend(["--warc", warc.to_str().expect("UTF-8")]);
        }
        self.run(db, &args)
    }
}

async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .expect("join")
}

/// Every page record of the store at `db`, as (URL, status, body, outcome): what a crawl
/// decided of each URL, without the times.
fn stored(db: &Path) -> Vec<(String, u16, String, String)> {
    let store = open_store(db);
    let mut pages: Vec<_> = store
        .pages(None)
        .map(|record| {
            let record = record.expect("a page record");
            (
                record.url.to_string(),
                record.status,
                format!("{:?}", record.body),
                format!("{:?}", record.outcome),
            )
        })
        .collect();
    pages.sort();
    pages
}

/// (type, target URI, status line or request line) of every record that has a URI.
fn exchanges(files: &[PathBuf]) -> Vec<(RecordType, String, String)> {
    files
        .iter()
        .flat_map(|f| warc::open(f).expect("open").map(|r| r.expect("whole")))
        .filter_map(|record| {
            let uri = record.target_uri.clone()?;
            let first = text(&record.block).lines().next().unwrap_or("").to_string();
            Some((record.record_type, uri, first))
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_response_is_archived_error_pages_retries_and_each_redirect_hop_with_its_request() {
    let server = TestServer::start().await;
    serve(&server);
    let work = Work::new();
    let warc_dir = work.path("warc");

    let plain = output(work.crawl(&server, "plain.db", None)).await;
    let archived = output(work.crawl(&server, "archived.db", Some(&warc_dir))).await;
    assert_eq!(plain.status.code(), archived.status.code());
    let summary: serde_json::Value = serde_json::from_slice(&archived.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&archived.stderr)));
    // The archive changes nothing of what the crawl stores.
    assert_eq!(
        stored(&work.path("plain.db")),
        stored(&work.path("archived.db"))
    );
    let pages = stored(&work.path("archived.db"));
    let gone = pages
        .iter()
        .find(|p| p.0.ends_with("/cable/10TEST2.html"))
        .expect("the 404 is recorded");
    assert_eq!(gone.1, 404, "{pages:?}");
    assert!(
        pages
            .iter()
            .any(|p| p.0.ends_with("/cable/10TEST3.html") && p.1 == 200),
        "the redirected page is stored under its final URL: {pages:?}"
    );

    let warc = &summary["warc"];
    assert_eq!(warc["responses"], 3, "/, 10TEST1, 10TEST3: {summary}");
    assert_eq!(warc["redirects"], 2, "{summary}");
    assert_eq!(warc["other_responses"], 5, "a 404 and four 503s: {summary}");

    let files = warc::warc_files(std::slice::from_ref(&warc_dir)).expect("the folder");
    let records = exchanges(&files);
    let url = |path: &str| server.url(path).to_string();
    // Per URL chain, in the order received: the response, then its request.
    let chain = |paths: &[&str]| -> Vec<(RecordType, String, String)> {
        let uris: Vec<String> = paths.iter().map(|p| url(p)).collect();
        records
            .iter()
            .filter(|r| uris.contains(&r.1))
            .cloned()
            .collect()
    };
    let pair = |path: &str, status_line: &str, request_line: &str| {
        [
            (RecordType::Response, url(path), status_line.to_string()),
            (RecordType::Request, url(path), request_line.to_string()),
        ]
    };
    let expected: Vec<_> = [
        pair(
            "/t/old.html",
            "HTTP/1.1 301 Moved Permanently",
            "GET /t/old.html HTTP/1.1",
        ),
        pair(
            "/t/mid.html",
            "HTTP/1.1 302 Found",
            "GET /t/mid.html HTTP/1.1",
        ),
        pair(
            "/cable/10TEST3.html",
            "HTTP/1.1 200 OK",
            "GET /cable/10TEST3.html HTTP/1.1",
        ),
    ]
    .concat();
    assert_eq!(
        chain(&["/t/old.html", "/t/mid.html", "/cable/10TEST3.html"]),
        expected
    );
    assert_eq!(
        chain(&["/cable/10TEST2.html"]),
        pair(
            "/cable/10TEST2.html",
            "HTTP/1.1 404 Not Found",
            "GET /cable/10TEST2.html HTTP/1.1"
        )
    );
    let busy = pair(
        "/list/busy.html",
        "HTTP/1.1 503 Service Unavailable",
        "GET /list/busy.html HTTP/1.1",
    );
    assert_eq!(
        chain(&["/list/busy.html"]),
        [busy.clone(), busy.clone(), busy.clone(), busy].concat(),
        "every try"
    );
    // The error pages' bodies are kept.
    let block_of = |path: &str| {
        files
            .iter()
            .flat_map(|f| warc::open(f).expect("open").map(|r| r.expect("whole")))
            .find(|r| {
                r.record_type == RecordType::Response && r.target_uri.as_deref() == Some(&url(path))
            })
            .map(|r| text(&r.block))
            .expect("a response")
    };
    assert!(block_of("/cable/10TEST2.html").ends_with("No such cable here</body></html>"));
    assert!(block_of("/list/busy.html").contains("Busy, come back later"));
    assert!(block_of("/t/old.html").contains("\r\nLocation: /t/mid.html\r\n"));

    // warcio reads every record and checks every digest.
    let python = python::python_with("warcio", "warcio>=1.7,<2");
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/warc/warcio_summary.py");
    let checked = Command::new(python)
        .arg(script)
        .args(&files)
        .output()
        .expect("python runs");
    assert!(checked.status.success(), "{}", text(&checked.stderr));
    let seen: serde_json::Value = serde_json::from_slice(&checked.stdout).expect("JSON");
    assert_eq!(seen["types"]["response"], 10, "{seen}");
    assert_eq!(seen["types"]["request"], 10, "{seen}");
    assert_eq!(
        seen["responses"][url("/t/mid.html")]["status"],
        302,
        "{seen}"
    );
    assert_eq!(
        seen["responses"][url("/cable/10TEST2.html")]["status"],
        404,
        "{seen}"
    );

    // Ingest takes the 2xx pages only; the rest is counted by status.
    let map = format!("{}=test.site", server.host());
    let ingested = output(work.run(
        "fresh.db",
        &[
            "ingest",
            warc_dir.to_str().expect("UTF-8"),
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
    assert_eq!(report["new_cables"], 2, "{report}");
    assert_eq!(report["pages"], 3, "{report}");
    let skipped = &report["skipped_pages"];
    assert_eq!(skipped["http-404"], 1, "{report}");
    assert_eq!(skipped["http-503"], 4, "{report}");
    assert_eq!(skipped["http-301"], 1, "{report}");
    assert_eq!(skipped["http-302"], 1, "{report}");
    let urls: BTreeSet<String> = stored(&work.path("fresh.db"))
        .into_iter()
        .map(|p| p.0)
        .collect();
    let expected: BTreeSet<String> = ["/", "/cable/10TEST1.html", "/cable/10TEST3.html"]
        .iter()
        .map(|p| server.site_url(p).to_string())
        .collect();
    assert_eq!(urls, expected);
}

/// The fetcher itself: an error page whose body breaks off or outgrows the cap is still
/// the outcome its status says, and what came of its body is kept, marked; a page over
/// the cap and a refused connection leave nothing received.
#[tokio::test]
async fn an_error_body_cut_or_over_the_cap_keeps_its_outcome_and_says_why_it_is_not_whole() {
    use std::sync::Arc;

    use cablestrip::crawl::{FetchConfig, FetchOutcome, FetchRequest, Fetcher, PolitenessConfig};

    let server = TestServer::start().await;
    let rules = crate::support::rules_for(&server);
    let config = FetchConfig {
        max_body_bytes: 64,
        politeness: PolitenessConfig {
            rate: Some(0.0),
            ..PolitenessConfig::default()
        },
        ..FetchConfig::default()
    };
    let fetcher = Fetcher::new(Arc::clone(&rules), config).expect("valid config");
    let long = "x".repeat(200);
    server.route(
        "/t/broken",
        Reply::status(404).body(long.clone()).cut_short(10),
    );
    server.route("/t/long", Reply::status(410).body(long.clone()));
    server.route("/t/big", Reply::html(long));
    let scope = |_: &cablestrip::model::PageUrl| true;
    let get = |path: &str| FetchRequest::new(server.url(path));

    let (outcome, received) = fetcher.fetch_recorded(&get("/t/broken"), &scope).await;
    assert_eq!(outcome, FetchOutcome::Gone { status: 404 });
    assert_eq!(fetcher.fetch(&get("/t/broken"), &scope).await, outcome);
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].body, b"xxxxxxxxxx");
    assert_eq!(received[0].truncated, Some("disconnect"));

    let (outcome, received) = fetcher.fetch_recorded(&get("/t/long"), &scope).await;
    assert_eq!(outcome, FetchOutcome::Gone { status: 410 });
    assert_eq!(received[0].body.len(), 64);
    assert_eq!(received[0].truncated, Some("length"));

    let (outcome, received) = fetcher.fetch_recorded(&get("/t/big"), &scope).await;
    assert_eq!(outcome, FetchOutcome::TooLarge { limit: 64 });
    assert!(received.is_empty(), "{received:?}");
}
