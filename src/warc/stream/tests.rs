//! Unit tests of the decoded stream: units, locations and bytes given back.

use super::*;
use crate::warc::testdata::gzip;

fn take_all(stream: &mut Stream<&[u8]>) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let bytes = stream.fill().map(<[u8]>::to_vec).unwrap_or_default();
        if bytes.is_empty() {
            return out;
        }
        stream.consume(bytes.len());
        out.extend_from_slice(&bytes);
    }
}

#[test]
fn a_plain_file_is_one_unit_and_bytes_given_back_come_first() {
    let data = b"WARC/1.1 abc".as_slice();
    let mut stream = Stream::new(data, 10, 1 << 20).unwrap_or_else(|e| panic!("{e}"));
    assert!(!stream.is_gzip());
    stream.consume(5);
    assert_eq!(stream.location(), (15, 0));
    stream.unread(b"ARC/");
    assert_eq!(stream.location(), (11, 0));
    assert_eq!(take_all(&mut stream), b"ARC/1.1 abc");
    assert!(!stream.next_unit().unwrap_or(true));
}

#[test]
fn a_gzip_file_is_read_member_by_member() {
    let a = gzip(b"WARC/ one");
    let file = [a.clone(), gzip(b"WARC/ two")].concat();
    let mut stream = Stream::new(file.as_slice(), 0, 1 << 20).unwrap_or_else(|e| panic!("{e}"));
    assert!(stream.is_gzip());
    assert!(
        take_all(&mut stream).is_empty(),
        "no member is open before next_unit"
    );
    assert!(stream.next_unit().unwrap_or(false));
    assert!(stream.fill().map(|b| b.len()).unwrap_or(0) > 2);
    stream.consume(2);
    assert_eq!(stream.location(), (0, 2));
    assert_eq!(take_all(&mut stream), b"RC/ one");
    assert!(stream.next_unit().unwrap_or(false));
    assert_eq!(stream.location(), (a.len() as u64, 0));
    assert_eq!(take_all(&mut stream), b"WARC/ two");
    assert!(!stream.next_unit().unwrap_or(true));
}
