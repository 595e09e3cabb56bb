//! `cablestrip crawl` as cron or a user runs it: exit statuses and the messages that go with
//! them, the JSON summary, and what a SIGKILL or Ctrl-C leaves behind for the next run.
//! The site is the crawl fixture site on 127.0.0.1, mapped onto the test rule's site with
//! --host-map.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use crate::support::site::{FixtureSite, cable_ids, cable_page, cable_path, index_page};
use crate::support::{Reply, TEST_RULE, TestServer};
use cablestrip::store::Store;

/// A working folder with the test rule file and a store path.
struct Workdir {
    dir: tempfile::TempDir,
}

impl Workdir {
    fn new() -> Workdir {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir(dir.path().join("selectors")).expect("mkdir");
        std::fs::write(dir.path().join("selectors/test.site.toml"), TEST_RULE).expect("write");
        Workdir { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn db(&self) -> PathBuf {
        self.path().join("store.db")
    }

    /// `cablestrip --db … crawl ARGS` run in the folder (so ./selectors is found).
    fn crawl(&self, args: &[&str]) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_cablestrip"));
        command
            .current_dir(self.path())
            .arg("--db")
            .arg(self.db())
            .arg("crawl")
            .args(args);
        command
    }

    /// The usual crawl of `server` from its front page, without a rate limit unless
    /// `extra` sets one.
    fn crawl_site(&self, server: &TestServer, extra: &[&str]) -> Command {
        let map = format!("{}=test.site", server.host());
        let seed = server.url("/").to_string();
        let mut args = vec!["--host-map", &map, "--seeds", &seed];
        if !extra.contains(&"--rate") {
            args.extend(["--rate", "0"]);
        }
        args.extend_from_slice(extra);
        self.crawl(&args)
    }
}

/// Runs a command to its end off the async workers (the test server runs on them).
async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("the binary runs"))
        .await
        .expect("join")
}

fn spawn(mut command: Command) -> Child {
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts")
}

async fn wait(child: Child) -> Output {
    tokio::task::spawn_blocking(move || child.wait_with_output().expect("wait"))
        .await
        .expect("join")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Waits until the server has seen `n` requests (or fails after 30 s).
async fn until_requests(server: &TestServer, n: usize) {
    for _ in 0..3000 {
        if server.requests().len() >= n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!(
        "the server saw only {} requests, expected {n}",
        server.requests().len()
    );
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .expect("kill runs");
    assert!(status.success(), "kill -{name} failed");
}

/// A flat site: the front page lists `n` cable pages.
fn flat_site(n: usize, delay: Duration) -> FixtureSite {
    let site = FixtureSite::default();
    let ids = cable_ids(n);
    let paths: Vec<String> = ids.iter().map(|id| cable_path(id)).collect();
    site.put("/", &index_page("All", &paths));
    for id in &ids {
        site.put_reply(
            &cable_path(id),
            Reply::html(cable_page(id, &[])).delay(delay),
        );
    }
    site
}

/// The URLs of the cables stored at `db`, read from a copy so that the next cablestrip
/// process finds the store unlocked.
fn stored_cable_urls(db: &Path) -> Vec<String> {
    let copy = crate::support::copy_store(db);
    let store = Store::open(copy.path()).expect("the store opens: it is consistent");
    store
        .cables(None)
        .map(|c| c.expect("cable reads").url.to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_crawls_a_site_and_a_second_run_fetches_no_cable_page() {
    let server = TestServer::start().await;
    FixtureSite::standard(6).serve(&server);
    let work = Workdir::new();

    let first = output(work.crawl_site(&server, &["--json"])).await;
    assert_eq!(first.status.code(), Some(0), "{}", text(&first.stderr));
    let summary: serde_json::Value =
        serde_json::from_slice(&first.stdout).expect("--json prints one JSON object");
    assert_eq!(summary["ended"], "finished");
    assert_eq!(summary["new_cables"], 6);
    assert_eq!(summary["fetched_cable_pages"], 6);
    assert_eq!(summary["errors"], 0);
    let user_agent = server.requests()[0]
        .header("user-agent")
        .unwrap_or_default()
        .to_string();
    assert!(
        user_agent.starts_with("cablestrip/") && user_agent.contains("+http"),
        "the User-Agent names the project and a contact URL: {user_agent}"
    );
    let before = server.requests().len();

    let second = output(work.crawl_site(&server, &[])).await;
    assert_eq!(second.status.code(), Some(0), "{}", text(&second.stderr));
    let report = text(&second.stdout);
    assert!(report.contains("(0 cable pages, 0 index pages"), "{report}");
    assert!(report.contains("not modified   3"), "{report}");
    assert!(
        server.requests()[before..]
            .iter()
            .all(|r| !r.target.starts_with("/cable/")),
        "the second run asked for a cable page"
    );

    // `status` sees what the crawl stored.
    let status = output({
        let mut c = Command::new(env!("CARGO_BIN_EXE_cablestrip"));
        c.current_dir(work.path())
            .arg("--db")
            .arg(work.db())
            .args(["status", "--json"]);
        c
    })
    .await;
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).expect("json");
    assert_eq!(status["sites"]["test.site"]["cables"], 6, "{status}");
    assert_eq!(status["last_run"]["command"], "crawl");
}

#[test]
fn a_bad_seed_line_exits_2_naming_the_file_and_line() {
    let work = Workdir::new();
    let list = work.path().join("seeds.txt");
    std::fs::write(
        &list,
        "# start here\nhttp://127.0.0.1:9/\nhttp//127.0.0.1:9/list/1.html\n",
    )
    .expect("write");
    let output = work
        .crawl(&[
            "--host-map",
            "127.0.0.1:9=test.site",
            "--seeds",
            &list.to_string_lossy(),
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let message = text(&output.stderr);
    assert!(message.contains("seeds.txt:3"), "{message}");
    assert!(
        message.contains("http//127.0.0.1:9/list/1.html"),
        "{message}"
    );
    assert!(!work.db().exists(), "nothing was opened or written");
}

#[test]
fn bad_host_maps_durations_and_seeds_exit_2_with_the_fix() {
    let work = Workdir::new();
    let cases: [(&[&str], &str); 7] = [
        (
            &[
                "--host-map",
                "127.0.0.1:9",
                "--seeds",
                "http://127.0.0.1:9/",
            ],
            "HOST[:PORT]=SITE",
        ),
        (
            &[
                "--host-map",
                "127.0.0.1:9=no.such.site",
                "--seeds",
                "http://127.0.0.1:9/",
            ],
            "known sites: test.site",
        ),
        (
            &["--recheck-after", "3x", "--seeds", "http://127.0.0.1:9/"],
            "such as 30d",
        ),
        (
            &["--seeds", "http://127.0.0.1:9/"],
            "--host-map 127.0.0.1:9=SITE",
        ),
        (&[], "no --seeds given and no seed lists"),
        (
            &[
                "--host-map",
                "127.0.0.1:9=test.site",
                "--seeds",
                "http://127.0.0.1:9/",
                "--rate=-2",
            ],
            "--rate -2 is not a rate",
        ),
        (
            &[
                "--host-map",
                "127.0.0.1:9=test.site",
                "--seeds",
                "http://127.0.0.1:9/",
                "--concurrency",
                "0",
            ],
            "--concurrency 0 would fetch nothing",
        ),
    ];
    for (args, expected) in cases {
        let output = work.crawl(args).output().expect("runs");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let message = text(&output.stderr);
        assert!(message.contains(expected), "{args:?}: {message}");
    }
}

#[test]
fn a_store_in_use_exits_3_and_says_so() {
    let work = Workdir::new();
    let _held = Store::open(&work.db()).expect("open");
    let output = work
        .crawl(&[
            "--host-map",
            "127.0.0.1:9=test.site",
            "--seeds",
            "http://127.0.0.1:9/",
        ])
        .output()
        .expect("runs");
    assert_eq!(output.status.code(), Some(3));
    let message = text(&output.stderr);
    assert!(message.contains("another cablestrip is using"), "{message}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crawl_that_fetches_nothing_exits_1() {
    let server = TestServer::start().await;
    // Every path is a 404, the front page included.
    let work = Workdir::new();
    let output = output(work.crawl_site(&server, &[])).await;
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stdout));
    assert!(
        text(&output.stderr).contains("nothing could be fetched"),
        "{}",
        text(&output.stderr)
    );
    assert!(
        text(&output.stdout).contains("gone 1"),
        "{}",
        text(&output.stdout)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_share_over_the_threshold_exits_1() {
    let server = TestServer::start().await;
    let site = flat_site(4, Duration::ZERO);
    site.serve(&server);
    server.route("/cable/10TEST1.html", Reply::status(404));
    let work = Workdir::new();
    // 1 error in 5 requests: 20 %, not over the default threshold.
    let fine = output(work.crawl_site(&server, &[])).await;
    assert_eq!(fine.status.code(), Some(0), "{}", text(&fine.stderr));
    let strict_work = Workdir::new();
    let strict = output(strict_work.crawl_site(&server, &["--max-error-share", "0.1"])).await;
    assert_eq!(strict.status.code(), Some(1));
    assert!(
        text(&strict.stderr).contains("--max-error-share"),
        "{}",
        text(&strict.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_sigkill_the_next_run_resumes_and_refetches_nothing_stored() {
    const CABLES: usize = 30;
    let server = TestServer::start().await;
    flat_site(CABLES, Duration::ZERO).serve(&server);
    let work = Workdir::new();
    let child = spawn(work.crawl_site(&server, &["--rate", "10"]));
    until_requests(&server, 12).await;
    // Long enough for some pages to reach the disk (sled syncs every half second).
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let mut child = child;
    child.kill().expect("SIGKILL");
    let _ = wait(child).await;

    let stored = stored_cable_urls(&work.db());
    assert!(
        !stored.is_empty() && stored.len() < CABLES,
        "{} cables were on disk at the kill",
        stored.len()
    );
    let copy = crate::support::copy_store(&work.db());
    let queued = Store::open(copy.path()).expect("open").frontier().len();
    assert!(queued > 0, "the frontier was saved");
    let before = server.requests().len();

    let resumed = output(work.crawl_site(&server, &["--json"])).await;
    assert_eq!(resumed.status.code(), Some(0), "{}", text(&resumed.stderr));
    let summary: serde_json::Value = serde_json::from_slice(&resumed.stdout).expect("json");
    assert_eq!(summary["start"]["resumed"], queued);
    for request in &server.requests()[before..] {
        let url = server.site_url(&request.target).to_string();
        assert!(
            !stored.contains(&url),
            "{url} was stored before the kill and fetched again"
        );
    }
    assert_eq!(stored_cable_urls(&work.db()).len(), CABLES);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_stops_cleanly_and_a_second_ctrl_c_quits_at_once() {
    let server = TestServer::start().await;
    flat_site(30, Duration::ZERO).serve(&server);
    let work = Workdir::new();
    let child = spawn(work.crawl_site(&server, &["--rate", "5"]));
    until_requests(&server, 6).await;
    signal(&child, "INT");
    let stopped = wait(child).await;
    assert_eq!(
        stopped.status.code(),
        Some(130),
        "a crawl stopped by SIGINT says so in its status, after its clean stop: {}",
        text(&stopped.stderr)
    );
    assert!(
        text(&stopped.stderr).contains("stopping"),
        "{}",
        text(&stopped.stderr)
    );
    let report = text(&stopped.stdout);
    assert!(report.contains("interrupted"), "{report}");
    let asked: Vec<String> = server
        .requests()
        .iter()
        .filter(|r| r.target.starts_with("/cable/"))
        .map(|r| server.site_url(&r.target).to_string())
        .collect();
    assert!(asked.len() < 30);
    let mut stored = stored_cable_urls(&work.db());
    stored.sort();
    let mut asked_sorted = asked.clone();
    asked_sorted.sort();
    assert_eq!(
        stored, asked_sorted,
        "every fetch in flight was finished and stored"
    );

    // SIGTERM (systemd's stop) ends the same way, with its own status.
    let term_work = Workdir::new();
    let child = spawn(term_work.crawl_site(&server, &["--rate", "5"]));
    tokio::time::sleep(Duration::from_millis(800)).await;
    signal(&child, "TERM");
    let terminated = wait(child).await;
    assert_eq!(
        terminated.status.code(),
        Some(143),
        "{}",
        text(&terminated.stderr)
    );
    assert!(text(&terminated.stdout).contains("interrupted"));

    // A second Ctrl-C does not wait for a slow response.
    let slow = TestServer::start().await;
    flat_site(3, Duration::from_secs(30)).serve(&slow);
    let slow_work = Workdir::new();
    let child = spawn(slow_work.crawl_site(&slow, &[]));
    until_requests(&slow, 3).await;
    signal(&child, "INT");
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = std::time::Instant::now();
    signal(&child, "INT");
    let quit = wait(child).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(quit.status.code(), Some(130), "{}", text(&quit.stderr));
    // The store is consistent, and the unfinished cables wait in the frontier (the front
    // page may too: what was not yet synced to disk is done again next time).
    let copy = crate::support::copy_store(&slow_work.db());
    let store = Store::open(copy.path()).expect("the store opens");
    let frontier = store.frontier();
    for id in cable_ids(3) {
        let url = slow.site_url(&cable_path(&id));
        assert!(frontier.contains(&url).expect("read"), "{url} is queued");
    }
}
