//! Unit tests of the crawl's settings.

use super::*;

#[test]
fn durations_read_number_unit_groups() {
    let day = 24 * 60 * 60;
    for (text, secs) in [
        ("0", 0),
        ("30d", 30 * day),
        ("12h", 12 * 3600),
        ("1d12h", day + 12 * 3600),
        (" 90m ", 90 * 60),
        ("45s", 45),
        ("2w", 14 * day),
        ("0d", 0),
    ] {
        assert_eq!(
            parse_duration(text).map(|d| d.as_secs()),
            Ok(secs),
            "{text:?}"
        );
    }
    for bad in [
        "",
        "30",
        "d",
        "3x",
        "1.5d",
        "-1d",
        "12h30",
        "99999999999999999999w",
    ] {
        let error = parse_duration(bad).expect_err(bad);
        assert!(error.to_string().contains("30d"), "{error}");
    }
}

#[test]
fn sizes_read_a_number_and_a_unit() {
    for (text, bytes) in [
        ("1", 1),
        ("1000000", 1_000_000),
        ("1G", 1_000_000_000),
        (" 500M ", 500_000_000),
        ("64k", 64_000),
        ("2 MiB", 2 * 1024 * 1024),
        ("1GiB", 1 << 30),
        ("10kb", 10_000),
    ] {
        assert_eq!(parse_size(text), Ok(bytes), "{text:?}");
    }
    for bad in ["", "0", "0M", "M", "1.5G", "-1G", "1T", "99999999999999G"] {
        let error = parse_size(bad).expect_err(bad);
        assert!(error.to_string().contains("500M"), "{error}");
    }
}
