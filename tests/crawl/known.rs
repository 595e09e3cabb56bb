//! `crawl --site search.wikileaks.org --known-ids` against a PlusD-layout site on
//! 127.0.0.1: the store holds the Cable Viewer's fixture mirror (its cables, the IDs its
//! listing links to, the cables they cite, a rejected page's), and the crawl asks PlusD for
//! exactly the known IDs PlusD has not given yet, each once, at the rule's rate; a 404 is
//! "not on this site", no error, and a run stopped part way resumes without asking twice.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::support::mirror::{
    CABLEGATE, cablegate_mirror, command, edited_selectors, json, path_str, stderr, stdout,
};
use crate::support::plusd::{PlusdCable, plusd_page, plusd_path};
use crate::support::{Reply, TestServer};

const PLUSD: &str = "search.wikileaks.org";

/// Every ID the ingested fixture mirror makes known: its three cables, its rejected page
/// (09VALLETTA188), the listing's links (09TELAVIV512, 09VALLETTA301) and the cables its
/// cables cite.
const KNOWN: [&str; 9] = [
    "08MOSCOW3728",
    "08VALLETTA123",
    "09STATE18812",
    "09TELAVIV512",
    "09TRIPOLI218",
    "09VALLETTA123",
    "09VALLETTA188",
    "09VALLETTA301",
    "09VALLETTA98",
];

/// The cables the PlusD test site has; every other page is a 404.
const ON_PLUSD: [PlusdCable<'static>; 4] = [
    PlusdCable {
        id: "08MOSCOW3728",
        post: "MOSCOW",
        number: 3728,
        subject: "RUSSIA: A TEST CABLE FROM MOSCOW",
    },
    PlusdCable {
        id: "09STATE18812",
        post: "STATE",
        number: 18812,
        subject: "A TEST CABLE FROM THE DEPARTMENT",
    },
    PlusdCable {
        id: "09TELAVIV512",
        post: "TEL AVIV",
        number: 512,
        subject: "ISRAEL: A TEST CABLE FROM TEL AVIV",
    },
    PlusdCable {
        id: "09VALLETTA123",
        post: "VALLETTA",
        number: 123,
        subject: "MALTA: A TEST CABLE FROM VALLETTA",
    },
];

/// The PlusD rule at 4 requests a second, so that the rule's own rate is what the server
/// sees (and a test takes seconds, not the real site's 2 s a page).
const RATE: f64 = 4.0;

struct Setup {
    dir: tempfile::TempDir,
    server: TestServer,
}

impl Setup {
    async fn new() -> Setup {
        let dir = tempfile::tempdir().expect("temp dir");
        edited_selectors(&dir.path().join("selectors"), PLUSD, |text| {
            text.replace("rate = 0.5", &format!("rate = {RATE:.1}"))
        });
        let mirror = dir.path().join("mirror");
        cablegate_mirror(&mirror);
        let setup = Setup {
            server: TestServer::start().await,
            dir,
        };
        let db = setup.db();
        let selectors = setup.selectors();
        tokio::task::spawn_blocking(move || {
            json(&[
                "--db",
                path_str(&db),
                "--selectors",
                path_str(&selectors),
                "ingest",
                path_str(&mirror),
                "--site",
                CABLEGATE,
                "--json",
            ])
        })
        .await
        .expect("join");
        for cable in &ON_PLUSD {
            setup
                .server
                .route(&plusd_path(cable.id), Reply::html(plusd_page(cable)));
        }
        setup
            .server
            .route("/robots.txt", Reply::text("User-agent: *\nAllow: /\n"));
        setup
    }

    fn db(&self) -> PathBuf {
        self.dir.path().join("db")
    }

    fn selectors(&self) -> PathBuf {
        self.dir.path().join("selectors")
    }

    /// Runs `cablestrip crawl --site search.wikileaks.org --known-ids EXTRA --json` against
    /// the test server, with no seeds but those EXTRA gives; returns the exit status and the
    /// summary.
    async fn crawl(&self, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
        self.crawl_site(PLUSD, &self.server, extra).await
    }

    /// The same crawl of `site`, served by `server`.
    async fn crawl_site(
        &self,
        site: &str,
        server: &TestServer,
        extra: &[&str],
    ) -> (Option<i32>, serde_json::Value) {
        let map = format!("{}={site}", server.host());
        let mut args: Vec<String> = [
            "--db",
            path_str(&self.db()),
            "--selectors",
            path_str(&self.selectors()),
            "crawl",
            "--site",
            site,
            "--known-ids",
            "--host-map",
            &map,
            "--json",
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        args.extend(extra.iter().map(ToString::to_string));
        // In the temporary folder: no seed lists but those given.
        let folder = self.dir.path().to_path_buf();
        let output = tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            command(&args)
                .current_dir(folder)
                .output()
                .expect("the binary runs")
        })
        .await
        .expect("join");
        let summary = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!(
                "no JSON summary ({e}): {}\n{}",
                stdout(&output),
                stderr(&output)
            )
        });
        (output.status.code(), summary)
    }

    /// How many times each PlusD cable page was asked for, by cable ID.
    fn asked(&self) -> BTreeMap<String, usize> {
        let mut asked = BTreeMap::new();
        for request in self.server.requests() {
            if let Some(name) = request.target.strip_prefix("/plusd/cables/") {
                let id = name.trim_end_matches(".html").trim_end_matches("_a");
                *asked.entry(id.to_string()).or_insert(0) += 1;
            }
        }
        asked
    }

    fn coverage(&self) -> serde_json::Value {
        json(&[
            "--db",
            path_str(&self.db()),
            "--selectors",
            path_str(&self.selectors()),
            "coverage",
            "--site",
            PLUSD,
            "--json",
        ])
    }
}

fn once_each(ids: &[&str]) -> BTreeMap<String, usize> {
    ids.iter().map(|id| (id.to_string(), 1)).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn known_ids_are_asked_of_plusd_exactly_once_and_a_second_run_asks_none() {
    let setup = Setup::new().await;
    let before = tokio::task::block_in_place(|| setup.coverage());
    assert_eq!(
        before["sites"][PLUSD]["not_tried"],
        KNOWN.len(),
        "{before:#}"
    );

    // One PlusD seed, as the shipped seed list has, and the known IDs; stopped after four
    // pages, as a night's crawl may be.
    let seed = format!("https://{PLUSD}{}", plusd_path("08MOSCOW3728"));
    let (status, first) = setup.crawl(&["--seeds", &seed, "--max-pages", "4"]).await;
    assert_eq!(status, Some(0), "{first:#}");
    assert_eq!(first["ended"], "max-pages", "{first:#}");
    let known = &first["start"]["known_ids"];
    assert_eq!(known["untried"], KNOWN.len(), "{first:#}");
    // The seed's URL is the template's for 08MOSCOW3728: queued once, as the seed.
    assert_eq!(known["queued"], KNOWN.len() - 1, "{first:#}");
    assert_eq!(known["already_queued"], 1, "{first:#}");
    let asked = setup.asked();
    assert_eq!(asked.values().sum::<usize>(), 4, "{asked:?}");
    assert!(asked.values().all(|&n| n == 1), "{asked:?}");

    // The next run resumes from the frontier: the rest, none of the first four again.
    let (status, second) = setup.crawl(&["--seeds", &seed]).await;
    assert_eq!(status, Some(0), "{second:#}");
    assert_eq!(second["ended"], "finished", "{second:#}");
    assert_eq!(
        setup.asked(),
        once_each(&KNOWN),
        "exactly the known IDs, once each"
    );
    let missing_on_plusd = KNOWN.len() - ON_PLUSD.len();
    let not_on_site =
        first["not_on_site"].as_u64().unwrap_or(0) + second["not_on_site"].as_u64().unwrap_or(0);
    assert_eq!(
        not_on_site, missing_on_plusd as u64,
        "{first:#}\n{second:#}"
    );
    assert_eq!(first["errors"], 0, "a 404 by ID is no error: {first:#}");
    assert_eq!(second["errors"], 0, "a 404 by ID is no error: {second:#}");

    let after = tokio::task::block_in_place(|| setup.coverage());
    let plusd = &after["sites"][PLUSD];
    assert_eq!(plusd["clean"], ON_PLUSD.len(), "{after:#}");
    assert_eq!(plusd["not_on_site"], missing_on_plusd, "{after:#}");
    assert_eq!(plusd["not_tried"], 0, "{after:#}");
    assert_eq!(
        after["known"],
        KNOWN.len(),
        "PlusD's pages cite no new cable"
    );

    // A third run asks for none of them again: held, or not on the site.
    let requests = setup.server.requests().len();
    let (status, third) = setup.crawl(&["--seeds", &seed]).await;
    assert_eq!(status, Some(0), "{third:#}");
    assert_eq!(third["start"]["known_ids"]["queued"], 0, "{third:#}");
    assert_eq!(setup.asked(), once_each(&KNOWN), "{third:#}");
    let again: Vec<String> = setup.server.requests()[requests..]
        .iter()
        .map(|r| r.target.clone())
        .collect();
    assert!(
        again.iter().all(|target| target == "/robots.txt"),
        "the third run asked for {again:?}"
    );

    // At the rule's rate: no two cable pages closer than a quarter second (less the
    // tolerance the politeness tests allow for a busy machine).
    let times: Vec<tokio::time::Instant> = setup
        .server
        .requests()
        .iter()
        .filter(|r| r.target.starts_with("/plusd/cables/"))
        .map(|r| r.at)
        .collect();
    let interval = Duration::from_secs_f64(1.0 / RATE);
    for pair in times.windows(2) {
        let gap = pair[1].duration_since(pair[0]);
        assert!(
            gap + Duration::from_millis(100) >= interval,
            "two requests {gap:?} apart, at a rate of {RATE} a second"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limit_bounds_a_nights_share_and_the_next_night_takes_the_next() {
    let setup = Setup::new().await;
    // No seed at all: the known IDs are the crawl's seeds.
    let (status, first) = setup.crawl(&["--limit", "3"]).await;
    assert_eq!(status, Some(0), "{first:#}");
    let known = &first["start"]["known_ids"];
    assert_eq!(known["queued"], 3, "{first:#}");
    assert_eq!(known["left"], KNOWN.len() - 3, "{first:#}");
    // In ID order, the first three.
    assert_eq!(setup.asked(), once_each(&KNOWN[..3]));
    let (status, second) = setup.crawl(&["--limit", "3"]).await;
    assert_eq!(status, Some(0), "{second:#}");
    assert_eq!(setup.asked(), once_each(&KNOWN[..6]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dated_template_takes_the_date_a_stored_copy_gives() {
    let setup = Setup::new().await;
    // PlusD gives 09STATE18812 and 09TELAVIV512 (created 2009-03-11), which the Cable
    // Viewer mirror lacks.
    let (status, _) = setup.crawl(&["--rate", "0"]).await;
    assert_eq!(status, Some(0));
    // A Cable Viewer mirror that has none of them (every page a 404). The crawl of the
    // site also re-checks what the store holds of it: its index page (a 404 here, an
    // error) and its rejected page (a 404 at a path of the template's: not on the site).
    let viewer = TestServer::start().await;
    let (status, summary) = setup
        .crawl_site(
            CABLEGATE,
            &viewer,
            &["--rate", "0", "--max-error-share", "1"],
        )
        .await;
    assert_eq!(status, Some(0), "{summary:#}");
    let known = &summary["start"]["known_ids"];
    // 08VALLETTA123, 09VALLETTA301 and 09VALLETTA98: no copy anywhere gives their date.
    assert_eq!(known["undated"], 3, "{summary:#}");
    assert_eq!(known["queued"], 2, "{summary:#}");
    let mut asked: Vec<String> = viewer
        .requests()
        .into_iter()
        .map(|r| r.target)
        .filter(|t| t != "/robots.txt")
        .collect();
    asked.sort();
    assert_eq!(
        asked,
        [
            "/cable/2009/03/09STATE18812.html",
            "/cable/2009/03/09TELAVIV512.html",
            "/cable/2009/04/09VALLETTA188.html",
            "/reldate/2010-12-01_0.html",
        ]
    );
    assert_eq!(summary["not_on_site"], 3, "{summary:#}");
    assert_eq!(summary["errors"], 1, "the index page: {summary:#}");
}

#[test]
fn known_ids_need_a_site_whose_rule_has_a_cable_url() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let run = |args: &[&str]| {
        let mut all = vec!["--db", path_str(&db), "crawl"];
        all.extend_from_slice(args);
        command(&all).output().expect("runs")
    };
    let output = run(&["--known-ids"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("--site"), "{}", stderr(&output));
    let output = run(&["--site", "www.scoop.co.nz", "--known-ids"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    let message = stderr(&output);
    assert!(
        message.contains("no `[urls] cable_url`")
            && message.contains("fix:")
            && message.contains(PLUSD),
        "{message}"
    );
    let output = run(&["--site", PLUSD, "--limit", "5"]);
    assert_eq!(output.status.code(), Some(2), "--limit without --known-ids");
    assert!(!Path::new(&db).exists(), "a refused crawl made a store");
}
