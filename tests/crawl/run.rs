//! The crawl loop end to end against a fixture site on 127.0.0.1: discovery through index
//! pages, dedupe, scope, robots.txt, faults (429, 500, timeouts, redirect loops, oversized
//! bodies), content encodings and charsets, incremental re-crawls, resuming from the
//! frontier, and stopping. Every figure is checked where it matters: in the server's log
//! of requests and in the store.

use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;

use crate::bench::{Bench, failure_kind, quick, stored_cables};
use crate::support::site::{
    FixtureSite, cable_ids, cable_page, cable_path, cable_text, index_page,
};
use crate::support::{Reply, TestServer};
use cablestrip::crawl::{CrawlConfig, Crawler, Ended, seeds};
use cablestrip::rules::RuleSet;
use cablestrip::store::{CleanOutcome, Store};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn discovery_through_index_pages_stores_every_cable_once() {
    let bench = Bench::start(FixtureSite::standard(12)).await;
    let summary = bench.crawl(quick()).await;

    let mut ids = cable_ids(12);
    ids.sort();
    let mut stored = stored_cables(&bench.store());
    stored.sort();
    assert_eq!(stored, ids);
    // Linked from both lists, from the previous cable and with fragments: fetched once.
    for id in cable_ids(12) {
        assert_eq!(bench.hits(&cable_path(&id)), 1, "{id}");
    }
    for index in ["/", "/list/1.html", "/list/2.html", "/robots.txt"] {
        assert_eq!(bench.hits(index), 1, "{index}");
    }
    assert_eq!(summary.ended, Ended::Finished);
    assert_eq!(summary.new_cables, 12);
    assert_eq!(summary.fetched_cable_pages, 12);
    assert_eq!(summary.fetched_index_pages, 3);
    assert_eq!((summary.errors, summary.queued), (0, 0));
    let store = bench.store();
    let cable = store
        .cable(&bench.server.site_url("/cable/10TEST3.html"))
        .expect("read")
        .expect("stored");
    assert!(
        cable.body.contains("This is the text of cable 10TEST3"),
        "{}",
        cable.body
    );
    assert!(store.frontier().is_empty());
    let run = store.last_run_of("crawl").expect("runs").expect("a run");
    assert!(run.finished.is_some() && run.summary.is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn scope_keeps_to_the_rule_paths_and_the_mapped_host() {
    let other = TestServer::start().await;
    other.route(
        "/cable/10OTHER1.html",
        Reply::html(cable_page("10OTHER1", &[])),
    );
    let site = FixtureSite::standard(2);
    site.put(
        "/",
        &index_page(
            "Front",
            &[
                "/list/1.html".to_string(),
                other.url("/cable/10OTHER1.html").to_string(),
                "/about".to_string(),
                "/cable/not-a-cable.txt".to_string(),
                "ftp://127.0.0.1/cable/10TEST1.html".to_string(),
                "/list/../cable/10TEST2.html".to_string(),
            ],
        ),
    );
    let bench = Bench::start(site).await;
    let summary = bench.crawl(quick()).await;
    assert!(
        other.requests().is_empty(),
        "an unmapped host is out of scope"
    );
    for path in ["/about", "/cable/not-a-cable.txt", "/static/site.css"] {
        assert_eq!(bench.hits(path), 0, "{path}");
    }
    assert_eq!(bench.hits("/cable/10TEST2.html"), 1, "resolved and deduped");
    assert_eq!(summary.errors, 0, "{summary:?}");
    assert_eq!(summary.new_cables, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_is_read_once_obeyed_and_denials_are_recorded() {
    let bench = Bench::start(FixtureSite::standard(6)).await;
    bench.server.route(
        "/robots.txt",
        Reply::text("User-agent: *\nDisallow: /cable/10TEST2.html\nDisallow: /list/2.html\n"),
    );
    let summary = bench.crawl(quick()).await;
    assert_eq!(bench.hits("/robots.txt"), 1);
    assert_eq!(bench.hits("/cable/10TEST2.html"), 0);
    assert_eq!(bench.hits("/list/2.html"), 0);
    assert_eq!(summary.robots_denied, 2);
    assert_eq!(summary.errors, 0, "a denial is policy, not an error");
    let store = bench.store();
    assert_eq!(
        failure_kind(&store, &bench.server.site_url("/cable/10TEST2.html")).as_deref(),
        Some("robots-denied")
    );
    // 10TEST5 and 10TEST6 are listed only on the denied list, but each cable links to the
    // next, so they are found all the same.
    assert_eq!(stored_cables(&store).len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_holds_at_the_server_during_a_crawl() {
    const RATE: f64 = 5.0;
    let site = FixtureSite::default();
    let ids = cable_ids(20);
    let paths: Vec<String> = ids.iter().map(|id| cable_path(id)).collect();
    site.put("/", &index_page("All", &paths));
    for id in &ids {
        site.put(&cable_path(id), &cable_page(id, &[]));
    }
    let bench = Bench::start(site).await;
    let mut config = quick();
    config.fetch.politeness.rate = Some(RATE);
    config.fetch.politeness.concurrency = Some(4);
    let summary = bench.crawl(config).await;
    assert_eq!(summary.new_cables, 20);

    let times: Vec<_> = bench.server.requests().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), 22, "robots.txt, the front page and 20 cables");
    let busiest = times
        .iter()
        .map(|&start| {
            times
                .iter()
                .filter(|&&t| t >= start && t - start <= Duration::from_secs(1))
                .count()
        })
        .max()
        .unwrap_or(0);
    let span = times[times.len() - 1] - times[0];
    let sustained = (times.len() - 1) as f64 / span.as_secs_f64();
    eprintln!(
        "crawl at {RATE}/s: {} requests over {span:?} = {sustained:.2}/s; busiest one-second window {busiest}",
        times.len()
    );
    assert!(
        busiest <= RATE as usize + 1,
        "a one-second window held {busiest} requests"
    );
    assert!(
        sustained >= 0.9 * RATE,
        "sustained {sustained:.2}/s, under 90 % of {RATE}/s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_with_retry_after_is_waited_out_and_a_500_is_retried() {
    let bench = Bench::start(FixtureSite::standard(4)).await;
    bench.server.sequence(
        "/cable/10TEST1.html",
        vec![
            Reply::status(429).header("Retry-After", "1"),
            Reply::html(cable_page("10TEST1", &[])),
        ],
    );
    bench.server.sequence(
        "/cable/10TEST3.html",
        vec![Reply::status(500), Reply::html(cable_page("10TEST3", &[]))],
    );
    let summary = bench.crawl(quick()).await;
    assert_eq!(summary.new_cables, 4);
    assert_eq!(summary.errors, 0, "{summary:?}");
    let asked = bench.server.requests_to("/cable/10TEST1.html");
    assert_eq!(asked.len(), 2);
    let waited = asked[1].at - asked[0].at;
    assert!(
        waited >= Duration::from_millis(950),
        "Retry-After: 1 honoured only {waited:?}"
    );
    assert_eq!(bench.hits("/cable/10TEST3.html"), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_response_times_out_is_recorded_and_retried_next_run() {
    let site = FixtureSite::standard(3);
    site.put_reply(
        "/cable/10TEST2.html",
        Reply::html(cable_page("10TEST2", &[])).delay(Duration::from_secs(2)),
    );
    let bench = Bench::start(site).await;
    let mut config = quick();
    config.fetch.read_timeout = Duration::from_millis(300);
    config.fetch.max_attempts = 2;
    let summary = bench.crawl(config.clone()).await;
    assert_eq!(
        summary.errors_by_kind.get("timeout"),
        Some(&1),
        "{summary:?}"
    );
    assert_eq!(
        summary
            .errors_by_host
            .get(&bench.server.host())
            .and_then(|kinds| kinds.get("timeout")),
        Some(&1)
    );
    assert_eq!(bench.hits("/cable/10TEST2.html"), 2, "retried once");
    let url = bench.server.site_url("/cable/10TEST2.html");
    assert_eq!(
        failure_kind(&bench.store(), &url).as_deref(),
        Some("timeout")
    );

    // A timeout may pass: the next run asks again, and this time the server is quick.
    bench
        .site
        .put("/cable/10TEST2.html", &cable_page("10TEST2", &[]));
    let again = bench.crawl(config).await;
    assert_eq!(again.start.cable_pages_queued, 1);
    assert_eq!(again.new_cables, 1);
    assert_eq!(again.fetched_cable_pages, 1, "only the one that failed");
    assert!(bench.store().cable(&url).expect("read").is_some());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirect_loops_and_redirects_out_of_scope_are_recorded_not_followed() {
    let bench = Bench::start(FixtureSite::standard(4)).await;
    bench.server.route(
        "/cable/10TEST1.html",
        Reply::redirect(302, "/list/loop.html"),
    );
    bench.server.route(
        "/list/loop.html",
        Reply::redirect(302, "/cable/10TEST1.html"),
    );
    bench.server.route(
        "/cable/10TEST2.html",
        Reply::redirect(301, "http://elsewhere.invalid/cable/10TEST2.html"),
    );
    bench.server.route(
        "/cable/10TEST3.html",
        Reply::redirect(301, "/cable/10MOVED3.html"),
    );
    bench.server.route(
        "/cable/10MOVED3.html",
        Reply::html(cable_page("10MOVED3", &[])),
    );
    let summary = bench.crawl(quick()).await;
    let store = bench.store();
    assert_eq!(
        failure_kind(&store, &bench.server.site_url("/cable/10TEST1.html")).as_deref(),
        Some("redirect-loop")
    );
    assert_eq!(
        failure_kind(&store, &bench.server.site_url("/cable/10TEST2.html")).as_deref(),
        Some("redirect-out-of-scope")
    );
    assert_eq!(bench.hits("/cable/10TEST1.html"), 1);
    assert_eq!(bench.hits("/list/loop.html"), 1);
    assert_eq!(summary.errors, 2, "{summary:?}");
    // A redirect within scope is followed; the page is stored under where it was found.
    assert_eq!(bench.hits("/cable/10MOVED3.html"), 1);
    assert_eq!(stored_cables(&store), ["10MOVED3", "10TEST4"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oversized_body_and_a_missing_page_are_recorded_with_their_reason() {
    let site = FixtureSite::standard(3);
    let big = format!(
        "<html><body><pre>{}</pre></body></html>",
        cable_text("10TEST1").repeat(2000)
    );
    site.put("/cable/10TEST1.html", &big);
    let bench = Bench::start(site).await;
    bench.site.put(
        "/list/1.html",
        &index_page(
            "List 1",
            &[
                "/cable/10TEST1.html".to_string(),
                "/cable/10GONE1.html".to_string(),
            ],
        ),
    );
    bench
        .server
        .route("/cable/10GONE2.html", Reply::status(410));
    bench.site.put(
        "/list/2.html",
        &index_page(
            "List 2",
            &[
                "/cable/10TEST2.html".to_string(),
                "/cable/10GONE2.html".to_string(),
            ],
        ),
    );
    let mut config = quick();
    config.fetch.max_body_bytes = 64 * 1024;
    let summary = bench.crawl(config).await;
    let store = bench.store();
    let record = store
        .page(&bench.server.site_url("/cable/10TEST1.html"))
        .expect("read")
        .expect("recorded");
    match &record.outcome {
        CleanOutcome::Failed { kind, message } => {
            assert_eq!(kind, "too-large");
            assert!(message.contains("65536-byte cap"), "{message}");
        }
        other => panic!("expected a failure record, got {other:?}"),
    }
    assert_eq!(record.body, None);
    let gone = store
        .page(&bench.server.site_url("/cable/10GONE1.html"))
        .expect("read")
        .expect("recorded");
    assert_eq!(gone.status, 404);
    assert_eq!(
        failure_kind(&store, &bench.server.site_url("/cable/10GONE2.html")).as_deref(),
        Some("gone")
    );
    assert_eq!(summary.errors_by_kind.get("gone"), Some(&2), "{summary:?}");
    assert_eq!(summary.errors_by_kind.get("too-large"), Some(&1));
    assert_eq!(bench.hits("/cable/10GONE1.html"), 1, "a 404 is not retried");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn gzip_and_a_wrong_charset_header_still_give_the_right_text() {
    let site = FixtureSite::standard(2);
    site.put_reply(
        "/cable/10TEST1.html",
        Reply::html(cable_page("10TEST1", &["/cable/10TEST9.html".to_string()])).gzip(),
    );
    let accented = cable_page("10TEST2", &[]).replace(
        "written for the crawl tests",
        "sent from Zürich by the Chargé d’Affaires",
    );
    site.put_reply(
        "/cable/10TEST2.html",
        Reply::status(200)
            .header("Content-Type", "text/html; charset=iso-8859-1")
            .body(accented.into_bytes()),
    );
    site.put("/cable/10TEST9.html", &cable_page("10TEST9", &[]));
    let bench = Bench::start(site).await;
    let summary = bench.crawl(quick()).await;
    assert_eq!(summary.errors, 0, "{summary:?}");
    let store = bench.store();
    let gz = store
        .cable(&bench.server.site_url("/cable/10TEST1.html"))
        .expect("read")
        .expect("the gzip page gave its cable");
    assert!(gz.body.contains("cable 10TEST1"), "{}", gz.body);
    assert_eq!(
        bench.hits("/cable/10TEST9.html"),
        1,
        "links read from a gzip body"
    );
    let latin = store
        .cable(&bench.server.site_url("/cable/10TEST2.html"))
        .expect("read")
        .expect("stored");
    assert!(
        latin.body.contains("Zürich by the Chargé d’Affaires"),
        "{}",
        latin.body
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_run_fetches_no_cable_page_and_asks_for_index_pages_conditionally() {
    let bench = Bench::start(FixtureSite::standard(8)).await;
    let first = bench.crawl(quick()).await;
    assert_eq!(first.new_cables, 8);
    let before = bench.server.requests().len();

    let second = bench.crawl(quick()).await;
    assert!(
        bench.cable_requests(before).is_empty(),
        "{:?}",
        bench.cable_requests(before)
    );
    let index_requests: Vec<_> = bench.server.requests()[before..]
        .iter()
        .filter(|r| r.target != "/robots.txt")
        .cloned()
        .collect();
    assert_eq!(index_requests.len(), 3, "/, /list/1.html, /list/2.html");
    for request in &index_requests {
        assert!(
            request.header("if-none-match").is_some()
                && request.header("if-modified-since") == Some(crate::support::site::LAST_MODIFIED),
            "{} was asked for without its validators",
            request.target
        );
    }
    assert_eq!(second.fetched_cable_pages, 0);
    assert_eq!(second.not_modified, 3);
    assert_eq!(second.conditional, 3);
    assert_eq!(second.skipped, 8, "every stored cable page is fresh");
    assert_eq!(
        second.start.seeds_queued + second.start.index_pages_queued,
        3,
        "the seed, and the stored index pages"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_cables_on_a_changed_index_page_come_in_on_the_next_run() {
    let bench = Bench::start(FixtureSite::standard(4)).await;
    bench.crawl(quick()).await;
    let before = bench.server.requests().len();
    bench.site.put(
        "/list/2.html",
        &index_page(
            "List 2",
            &[
                "/cable/10TEST4.html".to_string(),
                "/cable/10NEW1.html".to_string(),
            ],
        ),
    );
    bench
        .site
        .put("/cable/10NEW1.html", &cable_page("10NEW1", &[]));
    bench.site.serve_path(&bench.server, "/cable/10NEW1.html");
    let summary = bench.crawl(quick()).await;
    assert_eq!(bench.cable_requests(before), ["/cable/10NEW1.html"]);
    assert_eq!(summary.new_cables, 1);
    assert_eq!(summary.fetched_index_pages, 1, "only the list that changed");
    assert_eq!(summary.not_modified, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recheck_after_zero_asks_for_every_stored_cable_page_conditionally() {
    let bench = Bench::start(FixtureSite::standard(3)).await;
    bench.crawl(quick()).await;
    let before = bench.server.requests().len();
    bench.site.put(
        "/cable/10TEST2.html",
        &cable_page("10TEST2", &[]).replace("crawl tests", "crawl tests, corrected"),
    );
    let config = CrawlConfig {
        recheck_after: Duration::ZERO,
        ..quick()
    };
    let summary = bench.crawl(config).await;
    let mut asked = bench.cable_requests(before);
    asked.sort();
    assert_eq!(
        asked,
        [
            "/cable/10TEST1.html",
            "/cable/10TEST2.html",
            "/cable/10TEST3.html"
        ]
    );
    for request in &bench.server.requests()[before..] {
        if request.target.starts_with("/cable/") {
            assert!(
                request.header("if-none-match").is_some(),
                "{}",
                request.target
            );
        }
    }
    assert_eq!(summary.changed_cables, 1);
    assert_eq!(summary.fetched_cable_pages, 1);
    assert_eq!(summary.not_modified, 5, "3 index pages and 2 cable pages");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn max_pages_stops_early_and_the_next_run_resumes_from_the_frontier() {
    let bench = Bench::start(FixtureSite::standard(10)).await;
    let config = CrawlConfig {
        max_pages: Some(5),
        ..quick()
    };
    let first = bench.crawl(config).await;
    assert_eq!(first.ended, Ended::MaxPages);
    assert_eq!(first.requests, 5);
    assert!(first.queued > 0);
    let stored_first: HashSet<String> = stored_cables(&bench.store()).into_iter().collect();
    let before = bench.server.requests().len();

    let second = bench.crawl(quick()).await;
    assert_eq!(second.ended, Ended::Finished);
    assert_eq!(second.start.resumed, first.queued);
    assert_eq!(stored_cables(&bench.store()).len(), 10);
    for path in bench.cable_requests(before) {
        let id = path
            .trim_start_matches("/cable/")
            .trim_end_matches(".html")
            .to_string();
        assert!(!stored_first.contains(&id), "{id} was fetched again");
    }
    assert_eq!(
        second.new_cables as usize + stored_first.len(),
        10,
        "{second:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_lets_fetches_in_flight_finish_and_keeps_the_rest_queued() {
    let site = FixtureSite::default();
    let ids = cable_ids(30);
    let paths: Vec<String> = ids.iter().map(|id| cable_path(id)).collect();
    site.put("/", &index_page("All", &paths));
    for id in &ids {
        site.put_reply(
            &cable_path(id),
            Reply::html(cable_page(id, &[])).delay(Duration::from_millis(100)),
        );
    }
    let bench = Bench::start(site).await;
    let crawler = bench.crawler(quick());
    let stop = crawler.stop_handle();
    let seeds = bench.seeds(&["/"]);
    let server = &bench.server;
    let stopper = async {
        while server.requests().len() < 8 {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        stop.stop();
    };
    let (summary, ()) = tokio::join!(crawler.run(&seeds), stopper);
    let summary = summary.expect("the crawl runs");
    drop(crawler);
    assert_eq!(summary.ended, Ended::Interrupted);
    assert_eq!(summary.abandoned, 0, "nothing was waiting long");
    let asked = bench.cable_requests(0).len();
    assert!(
        asked < 30,
        "the stop took effect: {asked} cable pages asked for"
    );
    // Every request that went out was seen through: its page is stored.
    let store = bench.store();
    assert_eq!(stored_cables(&store).len(), asked);
    assert_eq!(store.frontier().len(), (30 - asked) as u64);
    assert_eq!(summary.queued, (30 - asked) as u64);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_host_does_not_hold_up_another() {
    // Host A is crawled at 5 requests a second and lists 20 cables before its link to
    // host B's list; B's pages must not wait behind A's queue.
    let slow = TestServer::start().await;
    let fast = TestServer::start().await;
    let a = FixtureSite::default();
    let mut links: Vec<String> = cable_ids(20).iter().map(|id| cable_path(id)).collect();
    links.push(fast.url("/list/b.html").to_string());
    a.put("/", &index_page("A", &links));
    for id in cable_ids(20) {
        a.put(&cable_path(&id), &cable_page(&id, &[]));
    }
    a.serve(&slow);
    let b = FixtureSite::default();
    b.put(
        "/list/b.html",
        &index_page(
            "B",
            &[
                "/cable/10BEE1.html".to_string(),
                "/cable/10BEE2.html".to_string(),
            ],
        ),
    );
    for id in ["10BEE1", "10BEE2"] {
        b.put(&cable_path(id), &cable_page(id, &[]));
    }
    b.serve(&fast);
    // Two sites, each served by its own host: a site is fetched from one mirror.
    let compile = |name: &'static str, origin: &'static str| {
        cablestrip::rules::Rule::compile(
            cablestrip::rules::RuleOrigin::Builtin(origin),
            name,
            &crate::support::TEST_RULE.replace("test.site", name),
        )
        .expect("the test rule compiles")
    };
    let mut rules = RuleSet::from_rules(vec![
        compile("test.site", "test.site.toml"),
        compile("other.site", "other.site.toml"),
    ])
    .expect("set");
    rules.map_host(&slow.host(), "test.site").expect("map");
    rules.map_host(&fast.host(), "other.site").expect("map");
    let rules = Arc::new(rules);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("db")).expect("open");
    let mut config = quick();
    config.fetch.politeness.rate = Some(5.0);
    let crawler = Crawler::new(store, Arc::clone(&rules), config).expect("valid");
    let seeds = seeds::resolve(
        &[slow.url("/").to_string()],
        seeds::GIVEN,
        std::path::Path::new("no-seed-dir"),
        &rules,
        None,
    )
    .expect("seed");
    let summary = crawler.run(&seeds).await.expect("the crawl runs");
    assert_eq!(summary.new_cables, 22);
    let started = slow.requests()[0].at;
    let a_done = slow.requests().last().expect("requests").at;
    let b_done = fast.requests().last().expect("requests").at;
    assert!(
        b_done - started < Duration::from_millis(1500),
        "host B finished {:?} after the start, behind host A's queue (A took {:?})",
        b_done - started,
        a_done - started
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_queued_by_pages_cleaned_at_once_are_all_fetched_in_the_same_run() {
    // Many lists cleaned side by side push their links at the same moments: none may be
    // passed over by the loop's walk through the frontier (regression: one cable in a
    // thousand was left for the next run).
    let site = FixtureSite::default();
    let lists: Vec<String> = (1..=20).map(|n| format!("/list/{n}.html")).collect();
    site.put("/", &index_page("Lists", &lists));
    for (n, list) in lists.iter().enumerate() {
        let ids: Vec<String> = (0..15)
            .map(|i| format!("10LIST{}", n * 15 + i + 1))
            .collect();
        let links: Vec<String> = ids.iter().map(|id| cable_path(id)).collect();
        site.put(list, &index_page(list, &links));
        for id in &ids {
            site.put(&cable_path(id), &cable_page(id, &[]));
        }
    }
    let bench = Bench::start(site).await;
    let config = CrawlConfig {
        clean_workers: 4,
        ..quick()
    };
    let summary = bench.crawl(config).await;
    assert_eq!(summary.new_cables, 300, "{summary:?}");
    assert_eq!(summary.queued, 0);
    assert_eq!(summary.requests, 321);
}
