//! Unit tests of the WARC reader: plain and gzip files, offsets, and every kind of bad
//! input (cut short, lying lengths, garbage, damage, over the limits) never panicking.

use std::io::Write;

use super::*;
use crate::warc::record::RecordType;
use crate::warc::testdata::{gzip, http, page, read_all, read_all_with, record, response, uris};

fn three_pages() -> Vec<Vec<u8>> {
    vec![
        page("https://example.org/a", "<p>a</p>"),
        page("https://example.org/b", "<p>b</p>"),
        page("https://example.org/c", "<p>c</p>"),
    ]
}

fn member_starts(members: &[Vec<u8>]) -> Vec<u64> {
    let mut at = 0;
    members
        .iter()
        .map(|m| {
            let start = at;
            at += m.len() as u64;
            start
        })
        .collect()
}

#[test]
fn a_plain_file_gives_each_record_at_its_offset() {
    let records = three_pages();
    let (read, errors) = read_all(&records.concat());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(
        uris(&read),
        [
            "https://example.org/a",
            "https://example.org/b",
            "https://example.org/c"
        ]
    );
    let offsets: Vec<u64> = read.iter().map(|r| r.location.offset).collect();
    assert_eq!(offsets, member_starts(&records));
    let first = &read[0];
    assert_eq!(first.record_type, RecordType::Response);
    assert_eq!(first.version, "1.1");
    assert_eq!(
        first.record_id.as_deref(),
        Some("<urn:test:https://example.org/a>")
    );
    assert_eq!(
        first.date.map(|d| d.to_string()).as_deref(),
        Some("2026-12-01T12:30:00Z")
    );
    assert!(first.block.starts_with(b"HTTP/1.1 200 OK\r\n"));
    assert!(first.block.ends_with(b"<p>a</p>"));
    assert_eq!(first.file.as_ref(), Path::new("test.warc"));
}

#[test]
fn a_gzip_file_gives_each_record_at_its_members_offset() {
    let members: Vec<Vec<u8>> = three_pages().iter().map(|r| gzip(r)).collect();
    let (read, errors) = read_all(&members.concat());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(read.len(), 3);
    let offsets: Vec<u64> = read.iter().map(|r| r.location.offset).collect();
    assert_eq!(offsets, member_starts(&members));
    assert!(read.iter().all(|r| r.location.offset_in_member == 0));
    let expected = http("200 OK", &[("Content-Type", "text/html")], b"<p>b</p>");
    assert_eq!(read[1].block, expected);
}

#[test]
fn gzip_is_told_by_its_magic_not_its_name() {
    let file = gzip(&three_pages().concat());
    let mut reader = WarcReader::new(file.as_slice(), Path::new("named-plain.warc"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(reader.is_gzip());
    assert!(reader.next().is_some_and(|r| r.is_ok()));
    let plain = three_pages().concat();
    let reader = WarcReader::new(plain.as_slice(), Path::new("named.warc.gz"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!reader.is_gzip());
}

#[test]
fn one_member_holding_every_record_gives_their_places_in_it() {
    let records = three_pages();
    let (read, errors) = read_all(&gzip(&records.concat()));
    assert!(errors.is_empty(), "{errors:?}");
    let places: Vec<(u64, u64)> = read
        .iter()
        .map(|r| (r.location.offset, r.location.offset_in_member))
        .collect();
    let starts = member_starts(&records);
    assert_eq!(places, [(0, starts[0]), (0, starts[1]), (0, starts[2])]);
}

#[test]
fn members_written_by_gzip_tools_with_names_and_comments_are_read() {
    let mut encoder = flate2::GzBuilder::new()
        .filename("page.warc")
        .comment("made by hand")
        .extra(vec![1, 2, 3, 4])
        .write(Vec::new(), flate2::Compression::fast());
    let _ = encoder.write_all(&three_pages()[0]);
    let member = encoder.finish().unwrap_or_default();
    let (read, errors) = read_all(&[member.clone(), member].concat());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(read.len(), 2);
}

#[test]
fn blank_lines_between_records_and_bare_lf_trailers_are_tolerated() {
    let mut lf = b"WARC/1.0\r\nWARC-Type: warcinfo\r\nContent-Length: 3\r\n\r\nabc\n\n".to_vec();
    lf.extend_from_slice(b"\r\n\r\n");
    lf.extend_from_slice(&three_pages()[0]);
    let (read, errors) = read_all(&lf);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(read.len(), 2);
    assert_eq!(read[0].block, b"abc");
    assert_eq!(read[0].version, "1.0");
}

#[test]
fn folded_header_lines_join_their_field() {
    let bytes = b"WARC/1.1\r\nWARC-Type: metadata\r\nX-Long: one\r\n  two\r\nContent-Length: 0\r\n\r\n\r\n\r\n";
    let (read, errors) = read_all(bytes);
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(read[0].header("x-long"), Some("one two"));
}

#[test]
fn a_gzip_member_cut_short_at_the_end_is_reported_after_the_records_before_it() {
    let members: Vec<Vec<u8>> = three_pages().iter().map(|r| gzip(r)).collect();
    let starts = member_starts(&members);
    let mut file = members.concat();
    file.truncate(file.len() - 20);
    let (read, errors) = read_all(&file);
    assert_eq!(
        uris(&read),
        ["https://example.org/a", "https://example.org/b"]
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        matches!(&errors[0], WarcError::Truncated { offset, .. } if *offset == starts[2]),
        "{}",
        errors[0]
    );
    assert!(errors[0].to_string().contains("test.warc"));
}

#[test]
fn a_gzip_member_cut_in_its_header_is_reported() {
    let members: Vec<Vec<u8>> = three_pages().iter().map(|r| gzip(r)).collect();
    let mut file = members[..2].concat();
    file.extend_from_slice(&members[2][..5]);
    let (read, errors) = read_all(&file);
    assert_eq!(read.len(), 2);
    assert!(
        matches!(&errors[..], [WarcError::Truncated { .. }]),
        "{errors:?}"
    );
}

#[test]
fn a_plain_record_cut_short_at_the_end_is_reported() {
    let records = three_pages();
    let starts = member_starts(&records);
    let mut file = records.concat();
    file.truncate(file.len() - 10);
    let (read, errors) = read_all(&file);
    assert_eq!(read.len(), 2);
    assert!(
        matches!(&errors[..], [WarcError::Truncated { offset, .. }] if *offset == starts[2]),
        "{errors:?}"
    );
}

#[test]
fn a_content_length_too_long_is_reported_and_the_records_it_swallowed_are_found() {
    let records = three_pages();
    let starts = member_starts(&records);
    let lying = String::from_utf8_lossy(&records[0])
        .replacen("Content-Length: ", "Content-Length: 9", 1)
        .into_bytes();
    let shift = lying.len() as u64 - records[0].len() as u64;
    let (read, errors) = read_all(&[lying, records[1].clone(), records[2].clone()].concat());
    assert_eq!(
        uris(&read),
        ["https://example.org/b", "https://example.org/c"]
    );
    assert_eq!(read[0].location.offset, starts[1] + shift);
    assert!(
        matches!(&errors[..], [WarcError::BadLength { offset: 0, .. }]),
        "{errors:?}"
    );
}

#[test]
fn a_content_length_too_short_is_reported_and_reading_goes_on() {
    let records = three_pages();
    let block_len = records[1].len()
        - records[1]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .unwrap_or(0)
        - 8;
    let lying = String::from_utf8_lossy(&records[1])
        .replacen(
            &format!("Content-Length: {block_len}"),
            &format!("Content-Length: {}", block_len - 3),
            1,
        )
        .into_bytes();
    let (read, errors) = read_all(&[records[0].clone(), lying, records[2].clone()].concat());
    assert_eq!(
        uris(&read),
        ["https://example.org/a", "https://example.org/c"]
    );
    assert!(
        matches!(&errors[..], [WarcError::BadLength { .. }]),
        "{errors:?}"
    );
}

#[test]
fn a_lying_length_inside_a_gzip_member_costs_only_that_member() {
    let records = three_pages();
    let lying = String::from_utf8_lossy(&records[1])
        .replacen("Content-Length: ", "Content-Length: 1", 1)
        .into_bytes();
    let file = [gzip(&records[0]), gzip(&lying), gzip(&records[2])].concat();
    let (read, errors) = read_all(&file);
    assert_eq!(
        uris(&read),
        ["https://example.org/a", "https://example.org/c"]
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn a_file_that_is_no_warc_gives_one_clear_error() {
    let html = b"<!DOCTYPE html>\n<html><body>WARC is a format</body></html>\n".repeat(50);
    let (read, errors) = read_all(&html);
    assert!(read.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
    let message = errors[0].to_string();
    assert!(matches!(errors[0], WarcError::NotWarc { offset: 0, .. }));
    assert!(
        message.contains("is not a WARC file") && message.contains("<!DOCTYPE html>"),
        "{message}"
    );
    let (read, errors) = read_all(&gzip(&html));
    assert!(read.is_empty());
    assert!(
        matches!(&errors[..], [WarcError::NotWarc { .. }]),
        "{errors:?}"
    );
}

#[test]
fn binary_garbage_without_line_ends_is_no_warc_and_bounded() {
    let garbage: Vec<u8> = (0..2_000_000u32).map(|i| (i % 251) as u8 | 0x80).collect();
    let limits = Limits {
        max_header_bytes: 4096,
        ..Limits::default()
    };
    let (read, errors) = read_all_with(&garbage, limits);
    assert!(read.is_empty());
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn zstd_compressed_warcs_are_named_as_such() {
    let mut zstd = vec![0x28, 0xb5, 0x2f, 0xfd];
    zstd.extend_from_slice(&[0u8; 64]);
    let (_, errors) = read_all(&zstd);
    assert!(errors[0].to_string().contains("zstd -d"), "{}", errors[0]);
}

#[test]
fn garbage_between_gzip_members_is_passed_over() {
    let members: Vec<Vec<u8>> = three_pages().iter().map(|r| gzip(r)).collect();
    let file = [
        members[0].clone(),
        b"\0\0garbage\x1f\x8b\x08 not quite".to_vec(),
        members[1].clone(),
        members[2].clone(),
    ]
    .concat();
    let (read, errors) = read_all(&file);
    assert_eq!(read.len(), 3);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(matches!(errors[0], WarcError::Gzip { .. }), "{}", errors[0]);
}

#[test]
fn a_member_whose_crc_fails_is_not_delivered() {
    let members: Vec<Vec<u8>> = three_pages().iter().map(|r| gzip(r)).collect();
    let starts = member_starts(&members);
    let mut bad = members[1].clone();
    let crc_at = bad.len() - 8;
    bad[crc_at] ^= 0xff;
    let (read, errors) = read_all(&[members[0].clone(), bad, members[2].clone()].concat());
    assert_eq!(
        uris(&read),
        ["https://example.org/a", "https://example.org/c"]
    );
    assert!(
        matches!(&errors[..], [WarcError::Gzip { offset, problem, .. }] if *offset == starts[1] && problem.contains("CRC")),
        "{errors:?}"
    );
}

#[test]
fn damage_inside_a_member_costs_only_that_member() {
    let big = "<p>cable text</p>".repeat(4000);
    let records = [
        page("https://example.org/a", &big),
        page("https://example.org/b", &big),
        page("https://example.org/c", &big),
    ];
    let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
    let mut bad = members[1].clone();
    for at in (40..bad.len() - 20).step_by(97) {
        bad[at] ^= 0x55;
    }
    let (read, errors) = read_all(&[members[0].clone(), bad, members[2].clone()].concat());
    assert_eq!(
        uris(&read),
        ["https://example.org/a", "https://example.org/c"]
    );
    assert_eq!(errors.len(), 1, "{errors:?}");
}

#[test]
fn a_record_over_the_limit_is_streamed_past_and_reported() {
    let big = page("https://example.org/big", &"x".repeat(10_000));
    let records = three_pages();
    let limits = Limits {
        max_block_bytes: 5_000,
        ..Limits::default()
    };
    for file in [
        [records[0].clone(), big.clone(), records[1].clone()].concat(),
        [gzip(&records[0]), gzip(&big), gzip(&records[1])].concat(),
    ] {
        let (read, errors) = read_all_with(&file, limits);
        assert_eq!(
            uris(&read),
            ["https://example.org/a", "https://example.org/b"]
        );
        assert!(
            matches!(&errors[..], [WarcError::TooLarge { length, limit: 5_000, .. }] if *length > 10_000),
            "{errors:?}"
        );
    }
}

#[test]
fn a_huge_declared_length_holds_no_memory() {
    let mut file = three_pages()[0].clone();
    file.extend_from_slice(
        b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: 999999999999999\r\n\r\nshort",
    );
    let (read, errors) = read_all(&file);
    assert_eq!(read.len(), 1);
    assert!(
        matches!(&errors[..], [WarcError::TooLarge { .. }]),
        "{errors:?}"
    );
}

#[test]
fn headers_without_content_length_or_with_bad_lines_are_reported() {
    let records = three_pages();
    for bad in [
        b"WARC/1.1\r\nWARC-Type: resource\r\n\r\nabc\r\n\r\n".to_vec(),
        b"WARC/1.1\r\nWARC-Type: resource\r\nContent-Length: ten\r\n\r\nabc\r\n\r\n".to_vec(),
        b"WARC/1.1\r\nno colon here\r\nContent-Length: 3\r\n\r\nabc\r\n\r\n".to_vec(),
    ] {
        let (read, errors) = read_all(&[records[0].clone(), bad, records[1].clone()].concat());
        assert_eq!(
            uris(&read),
            ["https://example.org/a", "https://example.org/b"]
        );
        assert!(
            matches!(&errors[..], [WarcError::BadHeader { .. }]),
            "{errors:?}"
        );
    }
}

#[test]
fn a_header_over_the_limit_is_damage() {
    let long = format!(
        "WARC/1.1\r\nX-Long: {}\r\nContent-Length: 0\r\n\r\n\r\n\r\n",
        "y".repeat(5000)
    );
    let records = three_pages();
    let limits = Limits {
        max_header_bytes: 1024,
        ..Limits::default()
    };
    let file = [records[0].clone(), long.into_bytes(), records[1].clone()].concat();
    let (read, errors) = read_all_with(&file, limits);
    assert_eq!(read.len(), 2);
    assert!(
        matches!(&errors[..], [WarcError::BadHeader { .. }]),
        "{errors:?}"
    );
}

#[test]
fn warcinfo_request_and_metadata_records_are_read_as_such() {
    let file = [
        record(&[("WARC-Type", "warcinfo")], b"software: test\r\n"),
        record(
            &[
                ("WARC-Type", "request"),
                ("WARC-Target-URI", "<https://example.org/>"),
            ],
            b"GET / HTTP/1.1\r\n\r\n",
        ),
        record(&[("WARC-Type", "metadata")], b"via: x\r\n"),
        record(&[("WARC-Type", "Resource")], b"x"),
        record(&[("WARC-Type", "odd-one")], b""),
    ]
    .concat();
    let (read, errors) = read_all(&file);
    assert!(errors.is_empty(), "{errors:?}");
    let types: Vec<RecordType> = read.iter().map(|r| r.record_type.clone()).collect();
    assert_eq!(
        types,
        [
            RecordType::Warcinfo,
            RecordType::Request,
            RecordType::Metadata,
            RecordType::Resource,
            RecordType::Other("odd-one".to_string())
        ]
    );
    assert_eq!(read[1].target_uri.as_deref(), Some("https://example.org/"));
}

#[test]
fn a_record_is_read_again_at_its_location() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let records = three_pages();
    for (name, bytes) in [
        ("plain.warc", records.concat()),
        (
            "members.warc.gz",
            records.iter().flat_map(|r| gzip(r)).collect(),
        ),
        ("whole.warc.gz", gzip(&records.concat())),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let all: Vec<Record> = open(&path)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(Result::ok)
            .collect();
        assert_eq!(all.len(), 3, "{name}");
        for record in &all {
            let again = read_record_at(&path, record.location, Limits::default())
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(&again, record, "{name}");
        }
        let nowhere = Location {
            offset: 3,
            offset_in_member: 0,
        };
        assert!(read_record_at(&path, nowhere, Limits::default()).is_err());
    }
}

#[test]
fn a_missing_file_is_an_open_error() {
    let error = open(Path::new("/nonexistent/x.warc.gz")).err();
    assert!(matches!(error, Some(WarcError::Open { .. })), "{error:?}");
}

/// A small xorshift generator, so the damage is the same every run.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

#[test]
fn random_flips_and_cuts_never_panic_and_always_end() {
    let body = "<pre>¶1. (C) text of a cable</pre>\n".repeat(40);
    let records: Vec<Vec<u8>> = (0..6)
        .map(|i| {
            let block = http("200 OK", &[("Content-Type", "text/html")], body.as_bytes());
            response(
                &format!("https://example.org/{i}"),
                "2026-12-01T12:30:00Z",
                "<urn:x>",
                &block,
            )
        })
        .collect();
    let plain = records.concat();
    let members: Vec<u8> = records.iter().flat_map(|r| gzip(r)).collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    for original in [&plain, &members] {
        for round in 0..300 {
            let mut bytes = original.clone();
            let flips = 1 + next(&mut seed) % 8;
            for _ in 0..flips {
                let at = (next(&mut seed) % bytes.len() as u64) as usize;
                bytes[at] ^= 1 << (next(&mut seed) % 8);
            }
            if round % 3 == 0 {
                let cut = (next(&mut seed) % bytes.len() as u64) as usize;
                bytes.truncate(cut);
            }
            let (read, errors) = read_all(&bytes);
            assert!(
                read.len() <= records.len() + 1,
                "round {round}: {} records",
                read.len()
            );
            assert!(errors.len() <= bytes.len() + 1);
        }
    }
}

#[test]
fn reading_from_a_later_offset_keeps_the_files_offsets() {
    let records = three_pages();
    let starts = member_starts(&records);
    let file = records.concat();
    let tail = &file[usize::try_from(starts[1]).unwrap_or(0)..];
    let reader = WarcReader::starting_at(tail, Path::new("t.warc"), starts[1], Limits::default())
        .unwrap_or_else(|e| panic!("{e}"));
    let offsets: Vec<u64> = reader
        .filter_map(Result::ok)
        .map(|r| r.location.offset)
        .collect();
    assert_eq!(offsets, starts[1..]);
}
