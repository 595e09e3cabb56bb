//! Unit tests of what the crawl's tasks share: when a stored page is fresh.

use std::time::Duration;

use super::*;

fn record(outcome: CleanOutcome, fetched_at: Timestamp) -> PageRecord {
    PageRecord {
        url: PageUrl::parse("http://example.org/cable/1.html").expect("url"),
        site: "example".to_string(),
        status: 200,
        content_type: None,
        etag: None,
        last_modified: None,
        headers: Vec::new(),
        fetched_at,
        body: None,
        outcome,
    }
}

#[test]
fn freshness_follows_recheck_after_and_what_may_pass_is_never_fresh() {
    let now = Timestamp::now();
    let day = Duration::from_secs(86_400);
    let yesterday = now - SignedDuration::from_hours(24);
    let kept = record(CleanOutcome::NotCleaned, yesterday);
    assert!(is_fresh(&kept, 2 * day, false, now));
    assert!(!is_fresh(&kept, day / 2, false, now));
    assert!(
        !is_fresh(&kept, Duration::ZERO, false, now),
        "0 re-checks always"
    );
    for (kind, fresh) in [
        ("http-503", false),
        ("http-500", false),
        ("http-429", false),
        ("timeout", false),
        ("connect", false),
        ("robots-unreachable", false),
        ("gone", true),
        ("http-403", false),
        ("too-large", false),
        ("robots-denied", false),
        ("redirect-out-of-scope", false),
    ] {
        let failed = record(
            CleanOutcome::Failed {
                kind: kind.to_string(),
                message: String::new(),
            },
            yesterday,
        );
        assert_eq!(is_fresh(&failed, 2 * day, false, now), fresh, "{kind}");
        assert!(
            !is_fresh(&failed, 2 * day, true, now),
            "--retry-failed: {kind}"
        );
    }
    // A cable the site has no page for (a 404 at its cable_url) is not asked for again,
    // however old the answer, but with --retry-failed.
    let not_on_site = record(
        CleanOutcome::Failed {
            kind: NOT_ON_SITE.to_string(),
            message: String::new(),
        },
        now - SignedDuration::from_hours(24 * 365),
    );
    assert!(is_fresh(&not_on_site, 2 * day, false, now));
    assert!(!is_fresh(&not_on_site, 2 * day, true, now));
    let rejected = record(
        CleanOutcome::Rejected {
            kind: "not-a-cable".to_string(),
            message: String::new(),
            rules_version: "r".to_string(),
        },
        yesterday,
    );
    assert!(
        !is_fresh(&rejected, 2 * day, false, now),
        "a reject is fetched again"
    );
}
