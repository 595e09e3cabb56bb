//! Unit tests of gzip member decoding and the search for the next member.

use super::*;
use crate::warc::testdata::gzip;

fn decode_member(members: &mut Members, src: &mut Source<&[u8]>) -> Result<Vec<u8>, GzipError> {
    let mut out = Vec::new();
    let mut buf = [0u8; 1000];
    loop {
        let n = members.read(src, &mut buf)?;
        if n == 0 && !members.is_open() {
            return Ok(out);
        }
        out.extend_from_slice(&buf[..n]);
    }
}

#[test]
fn members_decode_one_after_another_with_their_offsets() {
    let a = gzip(b"WARC/1.1 first");
    let b = gzip(&b"WARC/1.1 second ".repeat(500));
    let file = [a.clone(), b].concat();
    let mut src = Source::new(file.as_slice(), 0, 1 << 20);
    let mut members = Members::new();
    assert!(members.begin(&mut src).unwrap_or(false));
    assert_eq!(members.start(), 0);
    assert_eq!(
        decode_member(&mut members, &mut src).unwrap_or_default(),
        b"WARC/1.1 first"
    );
    assert!(members.begin(&mut src).unwrap_or(false));
    assert_eq!(members.start(), a.len() as u64);
    assert_eq!(
        decode_member(&mut members, &mut src)
            .map(|v| v.len())
            .unwrap_or(0),
        16 * 500
    );
    assert!(!members.begin(&mut src).unwrap_or(true));
}

#[test]
fn a_bad_length_in_the_trailer_is_damage() {
    let mut member = gzip(b"WARC/1.1 x");
    let at = member.len() - 1;
    member[at] ^= 1;
    let mut src = Source::new(member.as_slice(), 0, 1 << 20);
    let mut members = Members::new();
    assert!(members.begin(&mut src).unwrap_or(false));
    let result = decode_member(&mut members, &mut src);
    assert!(
        matches!(result, Err(GzipError::Damaged { ref problem, .. }) if problem.contains("trailer says")),
        "{result:?}"
    );
}

#[test]
fn the_search_passes_false_magic_and_members_holding_no_record() {
    let not_a_record = gzip(b"<html>");
    let good = gzip(b"WARC/1.1\r\n");
    let damaged = [&[0x1f, 0x8b, 0x08, 0x00][..], &[0xff; 40]].concat();
    let file = [
        damaged,
        b"\x1f\x8b\x08\xe0junk".to_vec(),
        not_a_record,
        good.clone(),
    ]
    .concat();
    let mut src = Source::new(file.as_slice(), 0, 1 << 20);
    let mut members = Members::new();
    assert!(members.begin(&mut src).unwrap_or(false));
    assert!(decode_member(&mut members, &mut src).is_err());
    let found = members.resync(&mut src).unwrap_or(None);
    assert_eq!(found, Some((file.len() - good.len()) as u64));
    assert!(members.begin(&mut src).unwrap_or(false));
    assert_eq!(
        decode_member(&mut members, &mut src).unwrap_or_default(),
        b"WARC/1.1\r\n"
    );
}

#[test]
fn the_search_ends_at_the_end_of_the_file() {
    let file = [&[0x1f, 0x8b, 0x08, 0x00][..], &[0xee; 100], &[0x1f, 0x8b]].concat();
    let mut src = Source::new(file.as_slice(), 0, 1 << 20);
    let mut members = Members::new();
    assert!(members.begin(&mut src).unwrap_or(false));
    assert!(decode_member(&mut members, &mut src).is_err());
    assert_eq!(members.resync(&mut src).unwrap_or(Some(0)), None);
}
