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
