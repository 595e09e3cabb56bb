//! Politeness measured where it matters, at the server: the rate limit, the concurrency
//! limit, robots.txt's Crawl-delay, and Retry-After. Kept apart from the outcome tests so
//! that the timed tests share their process with little else.
//!
//! Tolerances: the limiter never lets two requests start less than one interval apart,
//! but a request can reach the server a little late or early relative to its neighbours
//! (scheduling on a busy 2-core machine). Upper bounds on request counts are therefore
//! exact (a late request only lowers the count); lower bounds on gaps allow 100 ms; the
//! sustained rate must reach 90 % of the target.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{Reply, TestServer, rules_for};
use cablestrip::crawl::{
    FetchConfig, FetchOutcome, FetchRequest, Fetcher, PolitenessConfig, in_scope,
};
use cablestrip::model::PageUrl;
use tokio::time::Instant;

fn config(rate: f64, concurrency: u32) -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
        politeness: PolitenessConfig {
            rate: Some(rate),
            concurrency: Some(concurrency),
            backoff_base: Duration::from_millis(50),
            backoff_max: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(5),
        },
        ..FetchConfig::default()
    }
}

/// Fetches every path at once, each in its own task, and returns the outcomes in order.
async fn fetch_all(
    server: &TestServer,
    config: FetchConfig,
    paths: &[String],
) -> Vec<FetchOutcome> {
    let rules = rules_for(server);
    let fetcher = Arc::new(Fetcher::new(Arc::clone(&rules), config).expect("valid config"));
    let mut tasks = Vec::new();
    for path in paths {
        let fetcher = Arc::clone(&fetcher);
        let rules = Arc::clone(&rules);
        let url = server.url(path);
        tasks.push(tokio::spawn(async move {
            let scope = |url: &PageUrl| in_scope(&rules, url).is_some();
            fetcher.fetch(&FetchRequest::new(url), &scope).await
        }));
    }
    let mut outcomes = Vec::new();
    for task in tasks {
        outcomes.push(task.await.expect("fetch task does not panic"));
    }
    outcomes
}

fn gaps(times: &[Instant]) -> Vec<Duration> {
    times.windows(2).map(|w| w[1] - w[0]).collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_rate_limit_holds_at_the_server() {
    const RATE: f64 = 5.0;
    const PAGES: usize = 16;
    let server = TestServer::start().await;
    let paths: Vec<String> = (0..PAGES).map(|n| format!("/t/page/{n}")).collect();
    for path in &paths {
        server.route(path, Reply::html("page"));
    }
    // Concurrency well above what the rate needs, so that the rate is what limits.
    let outcomes = fetch_all(&server, config(RATE, 4), &paths).await;
    assert!(
        outcomes.iter().all(|o| o.label() == "fetched"),
        "{outcomes:?}"
    );

    // Every request the server saw, robots.txt included.
    let times: Vec<Instant> = server.requests().iter().map(|r| r.at).collect();
    assert_eq!(times.len(), PAGES + 1);
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
    let gaps = gaps(&times);
    let min_gap = gaps.iter().min().copied().unwrap_or_default();
    eprintln!(
        "rate {RATE}/s: {} requests over {span:?} = {sustained:.2}/s sustained; busiest closed 1 s window {busiest}; smallest gap {min_gap:?}",
        times.len()
    );
    assert!(
        busiest <= RATE as usize + 1,
        "a one-second window held {busiest} requests; at most {} allowed",
        RATE as usize + 1
    );
    assert!(
        sustained >= 0.9 * RATE,
        "sustained {sustained:.2}/s, below 90 % of {RATE}/s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_concurrency_limit_holds_at_the_server() {
    let server = TestServer::start().await;
    let paths: Vec<String> = (0..6).map(|n| format!("/t/slow/{n}")).collect();
    for path in &paths {
        server.route(path, Reply::html("slow").delay(Duration::from_millis(500)));
    }
    let outcomes = fetch_all(&server, config(0.0, 2), &paths).await;
    assert!(
        outcomes.iter().all(|o| o.label() == "fetched"),
        "{outcomes:?}"
    );
    assert_eq!(
        server.max_in_flight(),
        2,
        "six slow pages at concurrency 2 keep exactly two in flight"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn robots_crawl_delay_paces_the_host_even_without_a_rate() {
    let server = TestServer::start().await;
    server.route(
        "/robots.txt",
        Reply::text("User-agent: *\nCrawl-delay: 0.5\nDisallow: /t/private/\n"),
    );
    let mut paths: Vec<String> = (0..3).map(|n| format!("/t/page/{n}")).collect();
    paths.push("/t/private/x".to_string());
    for path in &paths {
        server.route(path, Reply::html("page"));
    }
    // Rate 0 turns the rate limit off: only the Crawl-delay paces.
    let outcomes = fetch_all(&server, config(0.0, 4), &paths).await;
    assert_eq!(outcomes[3].label(), "robots-denied");
    let requests = server.requests();
    let targets: Vec<&str> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(targets.iter().filter(|t| **t == "/robots.txt").count(), 1);
    assert!(!targets.contains(&"/t/private/x"));
    assert_eq!(requests.len(), 4, "robots.txt and three pages: {targets:?}");
    let times: Vec<Instant> = requests.iter().map(|r| r.at).collect();
    let gaps = gaps(&times);
    eprintln!("crawl-delay 0.5 s: gaps {gaps:?}");
    for gap in gaps {
        assert!(
            gap >= Duration::from_millis(400),
            "gap {gap:?} under the 0.5 s Crawl-delay"
        );
    }
}

#[tokio::test]
async fn retry_after_is_honoured_at_the_server() {
    let server = TestServer::start().await;
    server.sequence(
        "/t/busy",
        vec![
            Reply::status(429).header("Retry-After", "1"),
            Reply::html("now"),
        ],
    );
    let outcomes = fetch_all(&server, config(0.0, 1), &["/t/busy".to_string()]).await;
    assert_eq!(outcomes[0].label(), "fetched", "{outcomes:?}");
    let seen = server.requests_to("/t/busy");
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at - seen[0].at;
    eprintln!("Retry-After 1: gap {gap:?}");
    assert!(
        gap >= Duration::from_millis(1000),
        "retried after {gap:?}, asked 1 s"
    );
    assert!(
        gap < Duration::from_millis(2500),
        "waited {gap:?}, far more than asked"
    );
}

#[tokio::test]
async fn retry_after_is_capped() {
    let server = TestServer::start().await;
    server.sequence(
        "/t/very-busy",
        vec![
            Reply::status(503).header("Retry-After", "3600"),
            Reply::html("now"),
        ],
    );
    let mut capped = config(0.0, 1);
    capped.politeness.max_retry_after = Duration::from_millis(600);
    let outcomes = fetch_all(&server, capped, &["/t/very-busy".to_string()]).await;
    assert_eq!(outcomes[0].label(), "fetched", "{outcomes:?}");
    let seen = server.requests_to("/t/very-busy");
    assert_eq!(seen.len(), 2);
    let gap = seen[1].at - seen[0].at;
    eprintln!("Retry-After 3600 capped at 0.6 s: gap {gap:?}");
    assert!(
        gap >= Duration::from_millis(600),
        "retried after {gap:?}, cap 0.6 s"
    );
    assert!(
        gap < Duration::from_secs(2),
        "waited {gap:?}: the cap did not apply"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttle_pauses_the_whole_host_not_just_one_request() {
    let server = TestServer::start().await;
    server.sequence(
        "/t/first",
        vec![
            Reply::status(429).header("Retry-After", "1"),
            Reply::html("first"),
        ],
    );
    server.route("/t/second", Reply::html("second").delay(Duration::ZERO));
    let rules = rules_for(&server);
    let fetcher = Fetcher::new(Arc::clone(&rules), config(0.0, 2)).expect("valid config");
    let scope = |url: &PageUrl| in_scope(&rules, url).is_some();
    let first_request = FetchRequest::new(server.url("/t/first"));
    let first = fetcher.fetch(&first_request, &scope);
    let second = async {
        // Start once the 429 has arrived, while the host is paused.
        while server.requests_to("/t/first").is_empty() {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        fetcher
            .fetch(&FetchRequest::new(server.url("/t/second")), &scope)
            .await
    };
    let (first, second) = tokio::join!(first, second);
    assert_eq!(first.label(), "fetched");
    assert_eq!(second.label(), "fetched");
    let throttled = server.requests_to("/t/first")[0].at;
    let other = server.requests_to("/t/second")[0].at;
    assert!(
        other - throttled >= Duration::from_millis(1000),
        "another page went out {:?} after the 429 asked for 1 s",
        other - throttled
    );
}
