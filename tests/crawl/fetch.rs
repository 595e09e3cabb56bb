//! The fetcher's outcomes against a local server: conditional GET, redirects, retries,
//! timeouts, size caps, content encodings, robots.txt, and link extraction with scope.

use std::sync::Arc;
use std::time::Duration;

use crate::support::{Reply, TestServer, rules_for};
use cablestrip::crawl::DEFAULT_USER_AGENT;
use cablestrip::crawl::{
    ConfigError, FailureKind, FetchConfig, FetchOutcome, FetchRequest, Fetcher, PolitenessConfig,
    RobotsUnreachable, extract_links, in_scope,
};
use cablestrip::model::PageUrl;
use cablestrip::rules::{RuleSet, UrlKind};

/// Settings for outcome tests: no rate limit, short timeouts and backoffs.
fn quick_config() -> FetchConfig {
    FetchConfig {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        request_timeout: Duration::from_secs(5),
        politeness: PolitenessConfig {
            rate: Some(0.0),
            concurrency: Some(4),
            backoff_base: Duration::from_millis(40),
            backoff_max: Duration::from_millis(200),
            max_retry_after: Duration::from_secs(2),
        },
        ..FetchConfig::default()
    }
}

struct Site {
    server: TestServer,
    rules: Arc<RuleSet>,
    fetcher: Fetcher,
}

impl Site {
    async fn start(config: FetchConfig) -> Site {
        let server = TestServer::start().await;
        let rules = rules_for(&server);
        let fetcher = Fetcher::new(Arc::clone(&rules), config).expect("valid config");
        Site {
            server,
            rules,
            fetcher,
        }
    }

    async fn get(&self, path: &str) -> FetchOutcome {
        self.fetch(FetchRequest::new(self.server.url(path))).await
    }

    async fn fetch(&self, request: FetchRequest) -> FetchOutcome {
        let scope = |url: &PageUrl| in_scope(&self.rules, url).is_some();
        self.fetcher.fetch(&request, &scope).await
    }
}

fn fetched(outcome: FetchOutcome) -> (cablestrip::model::Page, Option<String>, Option<String>) {
    match outcome {
        FetchOutcome::Fetched {
            page,
            etag,
            last_modified,
            ..
        } => (page, etag, last_modified),
        other => panic!("expected a fetched page, got {other:?}"),
    }
}

#[tokio::test]
async fn a_page_is_fetched_with_our_user_agent_and_robots_404_allows_all() {
    let site = Site::start(quick_config()).await;
    site.server.route("/t/a", Reply::html("<p>hello</p>"));
    let (page, _, _) = fetched(site.get("/t/a").await);
    assert_eq!(page.url, site.server.url("/t/a"));
    assert_eq!(page.status, 200);
    assert_eq!(page.body, b"<p>hello</p>");
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );

    let requests = site.server.requests();
    let targets: Vec<_> = requests.iter().map(|r| r.target.as_str()).collect();
    assert_eq!(targets, ["/robots.txt", "/t/a"], "robots.txt first, once");
    for request in &requests {
        assert_eq!(request.header("user-agent"), Some(DEFAULT_USER_AGENT));
    }
    assert!(DEFAULT_USER_AGENT.starts_with("cablestrip/"));
    assert!(DEFAULT_USER_AGENT.contains("(+https://github.com/cablestrip/cablestrip)"));
}

#[tokio::test]
async fn the_user_agent_can_be_overridden() {
    let site = Site::start(FetchConfig {
        user_agent: "mirror-check/2.0 (+mailto:ops@example.org)".into(),
        ..quick_config()
    })
    .await;
    site.server.route("/t/a", Reply::html("x"));
    fetched(site.get("/t/a").await);
    assert_eq!(
        site.server.requests_to("/t/a")[0].header("user-agent"),
        Some("mirror-check/2.0 (+mailto:ops@example.org)")
    );
}

#[tokio::test]
async fn conditional_get_sends_the_validators_and_a_304_is_not_modified() {
    let site = Site::start(quick_config()).await;
    site.server.handler("/t/cond", |request, _| {
        if request.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304)
        } else {
            Reply::html("<p>v1</p>")
                .header("ETag", "\"v1\"")
                .header("Last-Modified", "Wed, 01 Dec 2010 10:00:00 GMT")
        }
    });
    let (_, etag, last_modified) = fetched(site.get("/t/cond").await);
    assert_eq!(etag.as_deref(), Some("\"v1\""));
    assert_eq!(
        last_modified.as_deref(),
        Some("Wed, 01 Dec 2010 10:00:00 GMT")
    );

    let again = FetchRequest::conditional(site.server.url("/t/cond"), etag, last_modified);
    assert!(matches!(
        site.fetch(again).await,
        FetchOutcome::NotModified { .. }
    ));

    let seen = site.server.requests_to("/t/cond");
    assert_eq!(seen.len(), 2);
    assert_eq!(
        seen[0].header("if-none-match"),
        None,
        "first fetch is plain"
    );
    assert_eq!(seen[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        seen[1].header("if-modified-since"),
        Some("Wed, 01 Dec 2010 10:00:00 GMT")
    );
}

#[tokio::test]
async fn a_304_to_a_plain_request_is_a_failure_not_a_stored_copy() {
    let site = Site::start(quick_config()).await;
    site.server.route("/t/liar", Reply::status(304));
    assert_eq!(
        site.get("/t/liar").await,
        FetchOutcome::Failed {
            kind: FailureKind::Status(304),
            attempts: 1
        }
    );
}

#[tokio::test]
async fn gone_pages_and_refusals_are_recorded_without_retries() {
    let site = Site::start(quick_config()).await;
    site.server.route("/t/gone", Reply::status(410));
    site.server.route("/t/forbidden", Reply::status(403));
    assert_eq!(
        site.get("/t/missing").await,
        FetchOutcome::Gone { status: 404 }
    );
    assert_eq!(
        site.get("/t/gone").await,
        FetchOutcome::Gone { status: 410 }
    );
    assert_eq!(
        site.get("/t/forbidden").await,
        FetchOutcome::Failed {
            kind: FailureKind::Status(403),
            attempts: 1
        }
    );
    assert_eq!(site.server.requests_to("/t/forbidden").len(), 1);
}

#[tokio::test]
async fn a_server_error_is_retried_then_succeeds() {
    let site = Site::start(quick_config()).await;
    site.server.sequence(
        "/t/flaky",
        vec![Reply::status(500), Reply::status(502), Reply::html("ok")],
    );
    let (page, _, _) = fetched(site.get("/t/flaky").await);
    assert_eq!(page.body, b"ok");
    let seen = site.server.requests_to("/t/flaky");
    assert_eq!(seen.len(), 3);
    // Backoff: base 40 ms then 80 ms, each at least half that after jitter.
    assert!(seen[1].at - seen[0].at >= Duration::from_millis(20));
    assert!(seen[2].at - seen[1].at >= Duration::from_millis(40));
}

#[tokio::test]
async fn a_server_error_that_persists_fails_after_the_attempt_limit() {
    let site = Site::start(quick_config()).await;
    site.server.route("/t/broken", Reply::status(500));
    assert_eq!(
        site.get("/t/broken").await,
        FetchOutcome::Failed {
            kind: FailureKind::Status(500),
            attempts: 4
        }
    );
    assert_eq!(site.server.requests_to("/t/broken").len(), 4);
}

#[tokio::test]
async fn a_slow_response_times_out_and_is_retried_up_to_the_limit() {
    let site = Site::start(FetchConfig {
        read_timeout: Duration::from_millis(300),
        request_timeout: Duration::from_secs(1),
        max_attempts: 2,
        ..quick_config()
    })
    .await;
    site.server
        .route("/t/slow", Reply::html("late").delay(Duration::from_secs(3)));
    let started = std::time::Instant::now();
    assert_eq!(
        site.get("/t/slow").await,
        FetchOutcome::Failed {
            kind: FailureKind::Timeout,
            attempts: 2
        }
    );
    assert_eq!(site.server.requests_to("/t/slow").len(), 2);
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "gave up after {:?}: the timeouts did not fire",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_refused_connection_is_named_as_refused() {
    // Bind a port, then free it: nothing listens there any more.
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr").port()
    };
    let url = PageUrl::parse(&format!("http://127.0.0.1:{port}/t/a")).expect("url");
    let site = Site::start(FetchConfig {
        max_attempts: 2,
        robots_unreachable: RobotsUnreachable::Allow,
        ..quick_config()
    })
    .await;
    assert_eq!(
        site.fetch(FetchRequest::new(url)).await,
        FetchOutcome::Failed {
            kind: FailureKind::Refused,
            attempts: 2
        }
    );
}

#[tokio::test]
async fn a_redirect_in_scope_is_followed() {
    let site = Site::start(quick_config()).await;
    site.server
        .route("/t/old", Reply::redirect(301, "/t/new#top"));
    site.server.route("/t/new", Reply::html("new home"));
    let (page, _, _) = fetched(site.get("/t/old").await);
    assert_eq!(page.url, site.server.url("/t/new"));
    assert_eq!(page.body, b"new home");
}

#[tokio::test]
async fn a_redirect_loop_is_reported_not_followed() {
    let site = Site::start(quick_config()).await;
    site.server
        .route("/t/loop-a", Reply::redirect(302, "/t/loop-b"));
    site.server
        .route("/t/loop-b", Reply::redirect(302, "/t/loop-a"));
    assert_eq!(
        site.get("/t/loop-a").await,
        FetchOutcome::RedirectLoop {
            to: site.server.url("/t/loop-a")
        }
    );
    assert_eq!(site.server.requests_to("/t/loop-a").len(), 1);
    assert_eq!(site.server.requests_to("/t/loop-b").len(), 1);
}

#[tokio::test]
async fn a_redirect_chain_stops_at_five_hops() {
    let site = Site::start(quick_config()).await;
    for n in 0..10 {
        site.server.route(
            &format!("/t/chain/{n}"),
            Reply::redirect(307, &format!("/t/chain/{}", n + 1)),
        );
    }
    assert_eq!(
        site.get("/t/chain/0").await,
        FetchOutcome::TooManyRedirects { limit: 5 }
    );
    let chain: Vec<_> = site
        .server
        .requests()
        .into_iter()
        .filter(|r| r.target.starts_with("/t/chain/"))
        .map(|r| r.target)
        .collect();
    assert_eq!(
        chain,
        [
            "/t/chain/0",
            "/t/chain/1",
            "/t/chain/2",
            "/t/chain/3",
            "/t/chain/4",
            "/t/chain/5"
        ],
        "the first request and five redirects followed"
    );
}

#[tokio::test]
async fn a_redirect_out_of_scope_is_reported_not_followed() {
    let site = Site::start(quick_config()).await;
    site.server
        .route("/t/about", Reply::redirect(301, "/about"));
    site.server.route(
        "/t/away",
        Reply::redirect(302, "http://elsewhere.invalid/x"),
    );
    site.server.route("/about", Reply::html("out of scope"));
    assert_eq!(
        site.get("/t/about").await,
        FetchOutcome::RedirectOutOfScope {
            to: site.server.url("/about")
        }
    );
    assert_eq!(
        site.get("/t/away").await,
        FetchOutcome::RedirectOutOfScope {
            to: PageUrl::parse("http://elsewhere.invalid/x").expect("url")
        }
    );
    assert!(site.server.requests_to("/about").is_empty());
}

#[tokio::test]
async fn an_oversized_body_is_dropped_whether_declared_chunked_or_compressed() {
    let limit = 64 * 1024;
    let site = Site::start(FetchConfig {
        max_body_bytes: limit,
        ..quick_config()
    })
    .await;
    let big = vec![b'x'; 200 * 1024];
    site.server.route("/t/big", Reply::html(big.clone()));
    site.server
        .route("/t/big-chunked", Reply::html(big.clone()).chunked());
    // 1 MB of zeros gzips to about 1 KB: only the decoded size can catch it.
    let bomb = Reply::html(vec![0u8; 1024 * 1024]).gzip();
    assert!(bomb.body.len() < 16 * 1024, "the bomb is small on the wire");
    site.server.route("/t/bomb", bomb);
    site.server
        .route("/t/fits", Reply::html(vec![b'y'; 60 * 1024]).gzip());

    for path in ["/t/big", "/t/big-chunked", "/t/bomb"] {
        assert_eq!(
            site.get(path).await,
            FetchOutcome::TooLarge { limit },
            "{path}"
        );
        assert_eq!(site.server.requests_to(path).len(), 1, "{path}: no retry");
    }
    let (page, _, _) = fetched(site.get("/t/fits").await);
    assert_eq!(page.body.len(), 60 * 1024);
}

#[tokio::test]
async fn a_gzip_body_is_decoded() {
    let site = Site::start(quick_config()).await;
    let html = "<html><body><pre>08MOSCOW3728 SUBJECT: GAS</pre></body></html>".repeat(50);
    site.server.route("/t/gz", Reply::html(html.clone()).gzip());
    let (page, _, _) = fetched(site.get("/t/gz").await);
    assert_eq!(page.body, html.as_bytes());
    let accept = site.server.requests_to("/t/gz")[0]
        .header("accept-encoding")
        .unwrap_or_default()
        .to_string();
    assert!(accept.contains("gzip"), "Accept-Encoding was {accept:?}");
}

#[tokio::test]
async fn a_wrong_charset_header_is_passed_on_with_the_bytes_untouched() {
    let site = Site::start(quick_config()).await;
    // UTF-8 bytes under a header that claims Latin-1: decoding is the cleaner's job.
    let body = "<p>Déjà vu — Ω</p>".as_bytes().to_vec();
    site.server.route(
        "/t/charset",
        Reply::status(200)
            .header("Content-Type", "text/html; charset=iso-8859-1")
            .body(body.clone()),
    );
    let (page, _, _) = fetched(site.get("/t/charset").await);
    assert_eq!(page.body, body);
    assert_eq!(
        page.content_type.as_deref(),
        Some("text/html; charset=iso-8859-1")
    );
}

#[tokio::test]
async fn robots_txt_disallow_is_obeyed_and_the_file_is_read_once() {
    let site = Site::start(quick_config()).await;
    site.server.route(
        "/robots.txt",
        Reply::text(
            "User-agent: *\nDisallow: /t/private/\n\nUser-agent: othercrawler\nDisallow: /\n",
        ),
    );
    site.server.route("/t/a", Reply::html("a"));
    site.server.route("/t/b", Reply::html("b"));
    site.server.route("/t/private/x", Reply::html("secret"));
    site.server
        .route("/t/to-private", Reply::redirect(302, "/t/private/x"));

    let (a, b, private) =
        tokio::join!(site.get("/t/a"), site.get("/t/b"), site.get("/t/private/x"));
    fetched(a);
    fetched(b);
    assert_eq!(
        private,
        FetchOutcome::RobotsDenied {
            url: site.server.url("/t/private/x")
        }
    );
    assert_eq!(
        site.get("/t/to-private").await,
        FetchOutcome::RobotsDenied {
            url: site.server.url("/t/private/x")
        },
        "a redirect into a disallowed path is not followed"
    );
    assert_eq!(site.server.requests_to("/robots.txt").len(), 1);
    assert!(site.server.requests_to("/t/private/x").is_empty());
}

#[tokio::test]
async fn an_unreachable_robots_txt_keeps_the_crawler_off_the_host_unless_allowed() {
    let config = FetchConfig {
        max_attempts: 2,
        ..quick_config()
    };
    let site = Site::start(config.clone()).await;
    site.server.route("/robots.txt", Reply::status(500));
    site.server.route("/t/a", Reply::html("a"));
    assert_eq!(
        site.get("/t/a").await,
        FetchOutcome::RobotsUnreachable {
            kind: FailureKind::Status(500)
        }
    );
    assert_eq!(site.get("/t/a").await.label(), "robots-unreachable");
    assert_eq!(
        site.server.requests_to("/robots.txt").len(),
        2,
        "retried once, then remembered for the run"
    );
    assert!(site.server.requests_to("/t/a").is_empty());

    let lenient = Site::start(FetchConfig {
        robots_unreachable: RobotsUnreachable::Allow,
        ..config
    })
    .await;
    lenient.server.route("/robots.txt", Reply::status(503));
    lenient.server.route("/t/a", Reply::html("a"));
    fetched(lenient.get("/t/a").await);
}

#[tokio::test]
async fn links_are_extracted_canonicalised_deduplicated_and_scoped() {
    let site = Site::start(quick_config()).await;
    site.server.route(
        "/list/2010-12",
        Reply::html(
            r##"<html><body>
            <a href="/cable/2010/../08MOSCOW3728.html#par1">one</a>
            <a href="../cable/08MOSCOW3728.html">same again</a>
            <a href="/list/2010-12?page=2">next</a>
            <a href="#top">self</a>
            <a href="/about">about</a>
            <a href="mailto:press@example.org">mail</a>
            <a href="HTTP://ELSEWHERE.invalid:80/cable/08X1.html">other site</a>
            <a>no href</a>
            </body></html>"##,
        ),
    );
    let (page, _, _) = fetched(site.get("/list/2010-12").await);
    let html = String::from_utf8(page.body).expect("utf-8 fixture");
    let links = extract_links(&page.url, &html);
    let as_text: Vec<String> = links.iter().map(|u| u.to_string()).collect();
    let base = site.server.url("/");
    assert_eq!(
        as_text,
        [
            base.join("/cable/08MOSCOW3728.html")
                .expect("url")
                .to_string(),
            base.join("/list/2010-12?page=2").expect("url").to_string(),
            base.join("/list/2010-12").expect("url").to_string(),
            base.join("/about").expect("url").to_string(),
            "http://elsewhere.invalid/cable/08X1.html".to_string(),
        ]
    );
    let scoped: Vec<_> = links.iter().map(|u| in_scope(&site.rules, u)).collect();
    assert_eq!(
        scoped,
        [
            Some((
                "test.site",
                UrlKind::Cable {
                    id: Some("08MOSCOW3728".into())
                }
            )),
            Some(("test.site", UrlKind::Follow)),
            Some(("test.site", UrlKind::Follow)),
            None,
            None,
        ]
    );
}

#[tokio::test]
async fn the_test_server_serves_a_fixture_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("cable")).expect("mkdir");
    std::fs::write(
        dir.path().join("index.html"),
        "<a href='/cable/08X1.html'>x</a>",
    )
    .expect("write");
    std::fs::write(dir.path().join("cable/08X1.html"), "<pre>cable</pre>").expect("write");
    let server = TestServer::from_dir(dir.path()).await;
    let rules = rules_for(&server);
    let fetcher = Fetcher::new(Arc::clone(&rules), quick_config()).expect("valid config");
    let scope = |url: &PageUrl| in_scope(&rules, url).is_some();

    let (index, _, _) = fetched(
        fetcher
            .fetch(&FetchRequest::new(server.url("/")), &scope)
            .await,
    );
    let links = extract_links(&index.url, &String::from_utf8_lossy(&index.body));
    assert_eq!(links, [server.url("/cable/08X1.html")]);
    let (cable, _, _) = fetched(
        fetcher
            .fetch(&FetchRequest::new(links[0].clone()), &scope)
            .await,
    );
    assert_eq!(cable.body, b"<pre>cable</pre>");
    assert_eq!(cable.content_type.as_deref(), Some("text/html"));
}

#[test]
fn settings_that_could_never_fetch_are_refused_with_the_fix() {
    let rules = Arc::new(RuleSet::from_rules(Vec::new()).expect("empty set"));
    let cases: [(FetchConfig, &str); 4] = [
        (
            FetchConfig {
                max_attempts: 0,
                ..FetchConfig::default()
            },
            "max attempts is 0",
        ),
        (
            FetchConfig {
                user_agent: "bad\nagent".into(),
                ..FetchConfig::default()
            },
            "printable ASCII",
        ),
        (
            FetchConfig {
                politeness: PolitenessConfig {
                    rate: Some(-2.0),
                    ..PolitenessConfig::default()
                },
                ..FetchConfig::default()
            },
            "a rate of -2 is not a rate",
        ),
        (
            FetchConfig {
                read_timeout: Duration::ZERO,
                ..FetchConfig::default()
            },
            "read timeout is 0",
        ),
    ];
    for (config, expected) in cases {
        let error: ConfigError = Fetcher::new(Arc::clone(&rules), config).expect_err("refused");
        assert!(
            error.to_string().contains(expected),
            "`{error}` should say {expected:?}"
        );
    }
}
