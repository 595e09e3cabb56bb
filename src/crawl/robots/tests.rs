//! Unit tests of reading robots.txt.

use super::*;

fn url(text: &str) -> PageUrl {
    PageUrl::parse(text).expect("test URL parses")
}

#[test]
fn our_group_wins_over_the_star_group_and_delay_is_read() {
    let text = b"User-agent: *\nDisallow: /\n\nUser-agent: cablestrip\nDisallow: /private/\nCrawl-delay: 0.5\n";
    let policy = RobotsPolicy::from_body(
        agent_token("cablestrip/0.1.0 (+https://github.com/cablestrip/cablestrip)"),
        text,
        &url("http://example.org/robots.txt"),
    );
    assert!(policy.allows(&url("http://example.org/cable/1.html")));
    assert!(!policy.allows(&url("http://example.org/private/1.html")));
    assert_eq!(policy.crawl_delay(), Some(Duration::from_millis(500)));
}

#[test]
fn robots_url_keeps_scheme_host_and_port() {
    assert_eq!(
        robots_url(&url("https://example.org:8443/a/b?c#d")).map(String::from),
        Some("https://example.org:8443/robots.txt".to_string())
    );
}
