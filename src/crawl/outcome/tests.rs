//! Unit tests of fetch outcomes: their recorded names, messages and which may pass.

use super::*;

#[test]
fn failures_are_recorded_with_a_stable_name_and_the_cap() {
    let record = FetchOutcome::TooLarge {
        limit: 20 * 1024 * 1024,
    }
    .failure()
    .expect("a failure");
    assert_eq!((record.kind.as_str(), record.status), ("too-large", 200));
    assert!(record.message.contains("20 MB cap"), "{}", record.message);
    let record = FetchOutcome::Failed {
        kind: FailureKind::Status(503),
        attempts: 4,
    }
    .failure()
    .expect("a failure");
    assert_eq!((record.kind.as_str(), record.status), ("http-503", 503));
    assert_eq!(
        FetchOutcome::NotModified {
            headers: Vec::new()
        }
        .failure(),
        None
    );
}

#[test]
fn every_failure_name_reads_back_and_says_whether_it_may_pass() {
    for kind in [
        FailureKind::Timeout,
        FailureKind::Dns,
        FailureKind::Refused,
        FailureKind::Tls,
        FailureKind::CutShort,
        FailureKind::Connect,
        FailureKind::Status(503),
        FailureKind::Body,
        FailureKind::Decode,
        FailureKind::BadRedirect,
        FailureKind::BadUrl,
        FailureKind::Request,
    ] {
        assert_eq!(FailureKind::from_name(&kind.name()), Some(kind), "{kind}");
    }
    for (kind, passes) in [
        ("http-503", true),
        ("http-500", true),
        ("http-429", true),
        ("timeout", true),
        ("connect", true),
        ("body", true),
        ("dns", true),
        ("refused", true),
        ("cut-short", true),
        ("robots-unreachable", true),
        ("gone", false),
        (crate::pipeline::NOT_ON_SITE, false),
        ("http-403", true),
        ("too-large", true),
        ("robots-denied", true),
        ("redirect-loop", true),
        ("decode", true),
        // What `check --repair` records for a page whose raw body the store lost.
        (crate::store::BODY_LOST, true),
    ] {
        assert_eq!(may_pass(kind), passes, "{kind}");
    }
}
