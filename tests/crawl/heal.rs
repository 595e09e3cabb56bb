//! A crawl that heals: what fails for a reason that can pass is asked for again within the
//! run and on the next one, a page cut short is never stored as a clean cable, one page or
//! one site cannot queue without bound, a seed that gives nothing is named, and a mirror's
//! pages are the site's pages whatever port serves them.

use std::time::Duration;

use crate::bench::{Bench, failure_kind, quick, stored_cables};
use crate::support::site::{FixtureSite, cable_ids, cable_page, cable_path, index_page};
use crate::support::{Reply, TestServer, rules_for, rules_for_host};
use cablestrip::crawl::{Crawler, seeds};

/// A page whose transfer stops after `bytes` of its declared length.
fn cut_mid_transfer(id: &str, bytes: usize) -> Reply {
    Reply::html(cable_page(id, &[])).cut_short(bytes)
}

/// A page whose text stops before its end, sent whole as it is: the server itself has only
/// part of it.
fn missing_its_end(id: &str) -> Reply {
    let page = cable_page(id, &[]);
    let cut = page.find("</pre>").expect("the fixture cable has a <pre>");
    Reply::html(page.as_bytes()[..cut - 10].to_vec())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_broken_mid_transfer_is_retried_never_stored_and_heals_next_run() {
    let site = FixtureSite::standard(4);
    site.put_reply("/cable/10TEST2.html", cut_mid_transfer("10TEST2", 120));
    let bench = Bench::start(site).await;
    let summary = bench.crawl(quick()).await;
    assert_eq!(
        bench.hits("/cable/10TEST2.html"),
        3,
        "tried max_attempts times"
    );
    assert_eq!(summary.errors_by_kind.get("body"), Some(&1), "{summary:?}");
    let url = bench.server.site_url("/cable/10TEST2.html");
    assert_eq!(failure_kind(&bench.store(), &url).as_deref(), Some("body"));
    assert!(bench.store().cable(&url).expect("read").is_none());
    assert_eq!(stored_cables(&bench.store()).len(), 3);

    // A plain rerun asks again, and this time the whole page comes.
    bench
        .site
        .put("/cable/10TEST2.html", &cable_page("10TEST2", &[]));
    let again = bench.crawl(quick()).await;
    assert_eq!(again.start.cable_pages_queued, 1, "{again:?}");
    assert_eq!(again.new_cables, 1);
    assert_eq!(stored_cables(&bench.store()).len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_missing_its_end_is_retried_then_kept_only_as_suspect_and_mended_next_run() {
    let site = FixtureSite::standard(3);
    site.put_reply("/cable/10TEST3.html", missing_its_end("10TEST3"));
    let bench = Bench::start(site).await;
    let summary = bench.crawl(quick()).await;
    assert_eq!(
        bench.hits("/cable/10TEST3.html"),
        3,
        "asked again for the rest"
    );
    assert_eq!(summary.suspect_cables, 1, "{summary:?}");
    let url = bench.server.site_url("/cable/10TEST3.html");
    let cable = bench
        .store()
        .cable(&url)
        .expect("read")
        .expect("kept, as suspect");
    assert!(
        cable.suspect.iter().any(|s| s.kind.name() == "cut-short"),
        "{:?}",
        cable.suspect
    );

    bench
        .site
        .put("/cable/10TEST3.html", &cable_page("10TEST3", &[]));
    let again = bench.crawl(quick()).await;
    assert_eq!(
        again.start.cable_pages_queued, 1,
        "a suspect cable is never fresh"
    );
    let mended = bench.store().cable(&url).expect("read").expect("cable");
    assert!(mended.suspect.is_empty(), "{:?}", mended.suspect);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_txt_that_denied_the_cables_and_then_allows_them_heals_on_a_plain_rerun() {
    let bench = Bench::start(FixtureSite::standard(6)).await;
    bench.server.route(
        "/robots.txt",
        Reply::text("User-agent: *\nDisallow: /cable/\n"),
    );
    let denied = bench.crawl(quick()).await;
    assert_eq!(denied.new_cables, 0);
    assert_eq!(denied.robots_denied, 6, "{denied:?}");

    bench
        .server
        .route("/robots.txt", Reply::text("User-agent: *\nAllow: /\n"));
    let again = bench.crawl(quick()).await;
    assert_eq!(again.start.cable_pages_queued, 6, "{again:?}");
    assert_eq!(again.skipped, 0, "nothing denied counts as a stored cable");
    assert_eq!(again.new_cables, 6);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gone_page_waits_for_its_recheck_unless_retry_failed_asks_now() {
    let site = FixtureSite::standard(3);
    site.put_reply("/cable/10TEST2.html", Reply::status(404));
    let bench = Bench::start(site).await;
    let first = bench.crawl(quick()).await;
    assert_eq!(first.errors_by_kind.get("gone"), Some(&1), "{first:?}");

    let plain = bench.crawl(quick()).await;
    assert_eq!(plain.start.gone_pages_waiting, 1, "{plain:?}");
    assert_eq!(
        bench.hits("/cable/10TEST2.html"),
        1,
        "gone is not asked again"
    );

    bench
        .site
        .put("/cable/10TEST2.html", &cable_page("10TEST2", &[]));
    let mut retry = quick();
    retry.retry_failed = true;
    let retried = bench.crawl(retry).await;
    assert_eq!(bench.hits("/cable/10TEST2.html"), 2);
    assert_eq!(retried.new_cables, 1, "{retried:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_past_the_per_page_cap_are_dropped_and_counted() {
    let site = FixtureSite::default();
    let ids = cable_ids(30);
    let links: Vec<String> = ids.iter().map(|id| cable_path(id)).collect();
    site.put("/", &index_page("Many", &links));
    for id in &ids {
        site.put(&cable_path(id), &cable_page(id, &[]));
    }
    let bench = Bench::start(site).await;
    let mut config = quick();
    config.max_links_per_page = 10;
    let summary = bench.crawl(config).await;
    assert_eq!(summary.new_cables, 10, "{summary:?}");
    assert_eq!(summary.links_dropped, 20);
    assert_eq!(bench.cable_requests(0).len(), 10);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_frontier_share_drops_links_and_counts_them() {
    let site = FixtureSite::default();
    let ids = cable_ids(12);
    let links: Vec<String> = ids.iter().map(|id| cable_path(id)).collect();
    site.put("/", &index_page("Many", &links));
    for id in &ids {
        site.put(&cable_path(id), &cable_page(id, &[]));
    }
    let bench = Bench::start(site).await;
    let mut config = quick();
    config.max_queued_per_site = 5;
    let summary = bench.crawl(config).await;
    assert!(summary.links_dropped >= 7, "{summary:?}");
    assert_eq!(
        summary.new_cables + summary.links_dropped,
        12,
        "every link was either fetched or counted as dropped: {summary:?}"
    );
    assert!(
        bench.store().frontier().len() <= 5,
        "the share holds after the run"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seed_that_gives_nothing_is_named_with_its_reason() {
    let site = FixtureSite::default();
    site.put(
        "/",
        &index_page(
            "Nothing here",
            &["/about".to_string(), "/static/a.css".to_string()],
        ),
    );
    site.put(
        "/list/1.html",
        &index_page("Denied", &[cable_path("10TEST1")]),
    );
    // Nested deeper than any real page: refused unparsed, so it has no links.
    site.put(
        "/t/deep.html",
        &format!("<html><body>{}</body></html>", "<div>".repeat(200_000)),
    );
    let bench = Bench::start(site).await;
    bench.server.route(
        "/robots.txt",
        Reply::text("User-agent: *\nDisallow: /list/\n"),
    );
    let summary = bench
        .crawl_from(quick(), &["/", "/list/1.html", "/t/deep.html"])
        .await;
    let named: Vec<(&str, &str)> = summary
        .barren
        .iter()
        .map(|b| (b.url.as_str(), b.reason.as_str()))
        .collect();
    assert_eq!(named.len(), 3, "{named:?}");
    assert!(
        named
            .iter()
            .any(|(url, why)| url.ends_with("/t/deep.html") && why.contains("could not be parsed")),
        "{named:?}"
    );
    assert!(
        named
            .iter()
            .any(|(url, why)| url.ends_with("test.site/") && why.contains("follow pattern")),
        "{named:?}"
    );
    assert!(
        named
            .iter()
            .any(|(url, why)| url.ends_with("/list/1.html") && why.contains("robots.txt")),
        "{named:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_that_cannot_be_reached_sends_nothing_counts_nothing_and_keeps_its_queue() {
    // A port nobody listens on: bind, learn it, let it go.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let rules = rules_for_host(&format!("127.0.0.1:{port}"));
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("db");
    let seeds = seeds::resolve(
        &[
            format!("http://127.0.0.1:{port}/"),
            format!("http://127.0.0.1:{port}/list/1.html"),
        ],
        seeds::GIVEN,
        std::path::Path::new("no-seed-dir"),
        &rules,
        None,
    )
    .expect("seeds");
    let crawler = Crawler::new(
        crate::support::open_store(&db),
        std::sync::Arc::clone(&rules),
        quick(),
    )
    .expect("valid");
    let summary = crawler.run(&seeds).await.expect("the crawl runs");
    drop(crawler);
    assert_eq!(summary.requests, 0, "no page was asked for: {summary:?}");
    assert_eq!(summary.held_back, 2);
    assert_eq!(
        summary
            .hosts_unreachable
            .get(&format!("127.0.0.1:{port}"))
            .map(String::as_str),
        Some("refused"),
        "{summary:?}"
    );
    assert!(summary.nothing_fetched());
    let store = crate::support::open_store(&db);
    assert_eq!(store.frontier().len(), 2, "both stay queued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mirror_on_another_port_brings_the_same_records_and_rechecks_go_to_it() {
    let site = FixtureSite::standard(4);
    let first = Bench::start(site.clone()).await;
    let summary = first.crawl(quick()).await;
    assert_eq!(summary.new_cables, 4);
    let store = first.store();
    let url = first.server.site_url("/cable/10TEST1.html");
    assert!(
        url.as_str().starts_with("https://test.site/"),
        "stored under the site's own URL: {url}"
    );
    assert!(store.cable(&url).expect("read").is_some());
    drop(store);

    // The same mirror on another port, into the same store: every page is re-checked at
    // the new port, none at the old, and no second copy appears.
    let second = TestServer::start().await;
    site.serve(&second);
    let rules = rules_for(&second);
    let before_old = first.server.requests().len();
    let mut config = quick();
    config.recheck_after = Duration::ZERO;
    let crawler = Crawler::new(
        crate::support::open_store(&first.db),
        std::sync::Arc::clone(&rules),
        config,
    )
    .expect("valid");
    let seeds = seeds::resolve(
        &[second.url("/").to_string()],
        seeds::GIVEN,
        std::path::Path::new("no-seed-dir"),
        &rules,
        None,
    )
    .expect("seeds");
    let again = crawler.run(&seeds).await.expect("runs");
    drop(crawler);
    assert_eq!(again.new_cables, 0, "{again:?}");
    assert_eq!(again.errors, 0, "{again:?}");
    assert_eq!(
        first.server.requests().len(),
        before_old,
        "the old port is not asked"
    );
    assert!(
        second
            .requests()
            .iter()
            .any(|r| r.target == "/cable/10TEST1.html"),
        "the stored cable page was re-checked at the mirror of this run"
    );
    let store = first.store();
    let copies = store
        .cables(None)
        .filter(|c| c.as_ref().is_ok_and(|c| c.id.to_string() == "10TEST1"))
        .count();
    assert_eq!(copies, 1, "one record per page, whatever port brought it");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mislabelled_and_utf16_pages_decode_by_their_bytes_and_leftover_damage_is_suspect() {
    let site = FixtureSite::standard(3);
    let accented = |id: &str| {
        cable_page(id, &[]).replace(
            "written for the crawl tests",
            "sent from Zürich by the Chargé d’Affaires – “in confidence”",
        )
    };
    // windows-1252 bytes under a UTF-8 header (and the page's own UTF-8 meta).
    let first = accented("10TEST1");
    let (legacy, _, unmappable) = encoding_rs::WINDOWS_1252.encode(&first);
    assert!(!unmappable);
    site.put_reply(
        "/cable/10TEST1.html",
        Reply::status(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(legacy.into_owned()),
    );
    // UTF-16LE with an honest header and no BOM.
    let utf16: Vec<u8> = accented("10TEST2")
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    site.put_reply(
        "/cable/10TEST2.html",
        Reply::status(200)
            .header("Content-Type", "text/html; charset=utf-16le")
            .body(utf16),
    );
    // UTF-8 with one byte damaged: the text stays, and the cable says what was lost.
    let mut damaged = accented("10TEST3").into_bytes();
    let at = damaged
        .windows(2)
        .position(|pair| pair == "ü".as_bytes())
        .expect("the ü is there");
    damaged[at + 1] = b'#';
    site.put_reply(
        "/cable/10TEST3.html",
        Reply::status(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(damaged),
    );
    let bench = Bench::start(site).await;
    let summary = bench.crawl(quick()).await;
    assert_eq!(summary.errors, 0, "{summary:?}");
    let store = bench.store();
    let cable = |path: &str| {
        store
            .cable(&bench.server.site_url(path))
            .expect("read")
            .expect("stored")
    };
    for path in ["/cable/10TEST1.html", "/cable/10TEST2.html"] {
        let clean = cable(path);
        assert!(
            clean
                .body
                .contains("Zürich by the Chargé d’Affaires – “in confidence”"),
            "{path}: {}",
            clean.body
        );
        assert!(clean.suspect.is_empty(), "{path}: {:?}", clean.suspect);
    }
    let hurt = cable("/cable/10TEST3.html");
    assert!(
        hurt.suspect
            .iter()
            .any(|s| s.kind.name() == "replacement-characters"),
        "{:?}",
        hurt.suspect
    );
    assert_eq!(summary.suspect_cables, 1);
}
