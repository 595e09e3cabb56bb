//! Unit tests of per-host politeness: backoff, limits, Retry-After.

use super::*;

#[test]
fn retry_after_reads_seconds_and_http_dates() {
    let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_445_412_000); // 2015-10-21 07:20:00 UTC
    assert_eq!(
        parse_retry_after(" 120 ", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
        Some(Duration::from_secs(8 * 60))
    );
    assert_eq!(
        parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
        Some(Duration::ZERO),
        "a date in the past means now"
    );
    assert_eq!(
        parse_retry_after("99999999999999999999999", now),
        Some(Duration::from_secs(u64::MAX))
    );
    for junk in ["", "-5", "soon", "1.5"] {
        assert_eq!(parse_retry_after(junk, now), None, "{junk:?}");
    }
}

fn host(config: PolitenessConfig) -> Host {
    Host::new(
        HostKey::parse("example.org").expect("a host"),
        HostLimits {
            rate: 0.0,
            concurrency: 1,
        },
        config,
    )
}

#[test]
fn backoff_doubles_with_jitter_caps_and_resets_on_success() {
    let config = PolitenessConfig {
        backoff_base: Duration::from_secs(1),
        backoff_max: Duration::from_secs(8),
        max_retry_after: Duration::from_secs(30),
        ..PolitenessConfig::default()
    };
    let host = host(config);
    let mut pauses = Vec::new();
    for _ in 0..6 {
        pauses.push(host.record_throttle(Throttle::Status(500), None));
    }
    let full = [1, 2, 4, 8, 8, 8];
    for (pause, full) in pauses.iter().zip(full) {
        let full = Duration::from_secs(full);
        assert!(
            *pause >= full / 2 && *pause <= full,
            "{pause:?} not in [{:?}, {full:?}]",
            full / 2
        );
    }
    host.record_success();
    let after = host.record_throttle(Throttle::Timeout, None);
    assert!(after <= Duration::from_secs(1), "reset: {after:?}");
    assert_eq!(
        host.record_throttle(Throttle::Status(429), Some(Duration::from_secs(3600))),
        Duration::from_secs(30),
        "Retry-After is capped"
    );
    let blocked = host.blocked_for().expect("the host is paused");
    assert!(blocked > Duration::from_secs(29), "{blocked:?}");
}

#[test]
fn limits_come_from_the_override_then_the_rule_then_the_defaults() {
    let text = "[site]\nname = \"slow.site\"\nhosts = [\"slow.example\"]\n[urls]\ncable = ['^/c/']\n[extract]\nbody = { select = \"pre\" }\n[crawl]\nrate = 0.5\nconcurrency = 3\n";
    let rule = crate::rules::Rule::compile(
        crate::rules::RuleOrigin::Builtin("slow.site.toml"),
        "slow.site",
        text,
    )
    .expect("rule compiles");
    let rules = Arc::new(RuleSet::from_rules(vec![rule]).expect("set"));
    let url = |s: &str| PageUrl::parse(s).expect("url");
    let pool = HostPool::new(Arc::clone(&rules), PolitenessConfig::default()).expect("valid");
    assert_eq!(
        pool.limits_for(&url("http://slow.example/c/1")),
        HostLimits {
            rate: 0.5,
            concurrency: 3
        }
    );
    assert_eq!(
        pool.limits_for(&url("http://unknown.example/")),
        HostLimits {
            rate: DEFAULT_RATE,
            concurrency: DEFAULT_CONCURRENCY
        }
    );
    let overridden = HostPool::new(
        rules,
        PolitenessConfig {
            rate: Some(5.0),
            concurrency: Some(1),
            ..PolitenessConfig::default()
        },
    )
    .expect("valid");
    let host = overridden
        .host(&url("http://SLOW.example:80/c/2"))
        .expect("has a host");
    assert_eq!(
        host.limits(),
        HostLimits {
            rate: 5.0,
            concurrency: 1
        }
    );
    assert_eq!(host.key().as_str(), "slow.example");
    assert!(
        Arc::ptr_eq(
            &host,
            &overridden
                .host(&url("http://slow.example/other"))
                .expect("has a host")
        ),
        "one state per host"
    );
    assert_eq!(host.limits().interval(), Some(Duration::from_millis(200)));
}

#[test]
fn bad_overrides_are_refused() {
    for rate in [-1.0, f64::NAN, f64::INFINITY] {
        let config = PolitenessConfig {
            rate: Some(rate),
            ..PolitenessConfig::default()
        };
        assert!(config.validate().is_err(), "rate {rate}");
    }
    let config = PolitenessConfig {
        concurrency: Some(0),
        ..PolitenessConfig::default()
    };
    assert!(config.validate().is_err());
}
