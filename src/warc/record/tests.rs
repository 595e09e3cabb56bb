//! Unit tests of record fields and WARC dates.

use super::*;

#[test]
fn warc_dates_are_read_with_or_without_fractions_and_zone() {
    let whole = parse_warc_date("2026-12-01T12:30:00Z");
    assert_eq!(whole.map(|t| t.as_second()), Some(1_796_128_200));
    assert_eq!(
        parse_warc_date(" 2026-12-01T12:30:00 ").map(|t| t.as_second()),
        Some(1_796_128_200)
    );
    let fine = parse_warc_date("2026-12-01T12:30:00.123456Z");
    assert_eq!(fine.map(|t| t.subsec_microsecond()), Some(123_456));
    assert_eq!(parse_warc_date("yesterday"), None);
}

#[test]
fn warc_dates_are_written_to_the_second_or_microsecond() {
    let whole = Timestamp::from_second(1_796_128_200).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format_warc_date(whole), "2026-12-01T12:30:00Z");
    let fine = Timestamp::new(1_796_128_200, 123_456_789).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format_warc_date(fine), "2026-12-01T12:30:00.123456Z");
    let before_1970 = Timestamp::new(-1, 500_000_000).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format_warc_date(before_1970), "1969-12-31T23:59:59.500000Z");
}

#[test]
fn record_types_are_read_in_any_case() {
    assert_eq!(RecordType::parse("Response"), RecordType::Response);
    assert_eq!(RecordType::parse(" revisit "), RecordType::Revisit);
    assert_eq!(RecordType::parse("x-custom").as_str(), "x-custom");
    assert_eq!(RecordType::Warcinfo.as_str(), "warcinfo");
}

#[test]
fn named_fields_are_parsed_and_all_kept() {
    let headers = vec![
        ("warc-type".to_string(), "revisit".to_string()),
        (
            "WARC-Target-URI".to_string(),
            "<http://example.org/>".to_string(),
        ),
        (
            "WARC-Refers-To-Date".to_string(),
            "2026-11-30T00:00:00Z".to_string(),
        ),
        (
            "WARC-Block-Digest".to_string(),
            super::digest::sha1_label(b"blk"),
        ),
        ("X-Other".to_string(), "kept".to_string()),
    ];
    let record = Record::from_parts(
        Arc::from(Path::new("f.warc")),
        Location {
            offset: 7,
            offset_in_member: 0,
        },
        "1.0".to_string(),
        headers,
        b"blk".to_vec(),
    );
    assert_eq!(record.record_type, RecordType::Revisit);
    assert_eq!(record.target_uri.as_deref(), Some("http://example.org/"));
    assert!(record.refers_to_date.is_some());
    assert_eq!(record.header("x-other"), Some("kept"));
    assert_eq!(record.verify_block_digest(), Some(true));
    assert!(!record.is_http());
}
