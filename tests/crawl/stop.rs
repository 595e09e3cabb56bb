//! A stop asked while a page is being cleaned on the blocking pool: the crawl ends at the
//! end of its grace, without waiting for the clean, and leaves the page queued.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{Reply, TestServer, rules_for};
use cablestrip::crawl::{CrawlConfig, Crawler, Ended, FetchConfig, PolitenessConfig, seeds};

/// A cable page of the test site that takes far longer to clean than the grace below: a
/// million tags, cleaned in time linear in the page but not in a moment.
fn slow_page() -> String {
    format!(
        "<html><body><pre>UNCLASSIFIED\n\nSUBJECT: A SLOW PAGE\n\n{}</pre></body></html>",
        "<i>x</i>".repeat(200_000)
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_while_a_page_is_cleaned_ends_at_the_grace_and_keeps_the_page_queued() {
    let server = TestServer::start().await;
    let path = "/cable/10TEST1.html";
    server.route(path, Reply::html(slow_page()));
    let rules = rules_for(&server);
    let dir = tempfile::tempdir().expect("temp dir");
    let store = crate::support::open_store(&dir.path().join("db"));
    let grace = Duration::from_millis(100);
    let config = CrawlConfig {
        fetch: FetchConfig {
            politeness: PolitenessConfig {
                rate: Some(0.0),
                concurrency: Some(1),
                ..PolitenessConfig::default()
            },
            ..FetchConfig::default()
        },
        stop_grace: grace,
        clean_workers: 1,
        ..CrawlConfig::default()
    };
    let crawler = Crawler::new(store, Arc::clone(&rules), config).expect("valid settings");
    let seeds = seeds::resolve(
        &[server.url(path).to_string()],
        seeds::GIVEN,
        std::path::Path::new("no-seed-dir"),
        &rules,
        None,
    )
    .expect("the seed is in scope");
    let stop = crawler.stop_handle();
    let stopper = async {
        // Once the page is written out, the crawler has it and is cleaning it.
        while server.requests_to(path).is_empty() || server.in_flight() > 0 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        stop.stop();
    };
    let (summary, ()) = tokio::join!(crawler.run(&seeds), stopper);
    let summary = summary.expect("the crawl runs");
    assert_eq!(summary.ended, Ended::Interrupted);
    // Had the crawl waited for the clean, the page would have been fetched and stored.
    assert_eq!(
        (summary.abandoned, summary.fetched, summary.queued),
        (1, 0, 1),
        "{summary:?}"
    );
}
