//! Unit tests of the buffered source: offsets, marks and their bound.

use super::*;

/// A reader that gives at most 7 bytes a call, as a pipe may.
struct Trickle<'a>(&'a [u8]);

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(7).min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

#[test]
fn offsets_count_from_the_base_across_refills() {
    let data: Vec<u8> = (0..1000u32).map(|i| i as u8).collect();
    let mut src = Source::new(Trickle(&data), 100, 1 << 20);
    let mut seen = Vec::new();
    loop {
        let bytes = src.fill().unwrap_or_default().to_vec();
        if bytes.is_empty() {
            break;
        }
        seen.extend_from_slice(&bytes);
        src.consume(bytes.len());
    }
    assert_eq!(seen, data);
    assert_eq!(src.offset(), 1100);
}

#[test]
fn a_mark_lets_reading_go_back_however_much_was_read() {
    let data = vec![b'x'; 3 * START_CAPACITY];
    let mut src = Source::new(Trickle(&data), 0, 1 << 30);
    let _ = src.fill();
    src.consume(2);
    src.set_mark();
    let mut read = 0;
    while read < 2 * START_CAPACITY {
        let n = src.fill().map(|b| b.len()).unwrap_or(0);
        src.consume(n);
        read += n;
    }
    assert!(src.rewind_to(2));
    assert_eq!(src.offset(), 2, "base {} mark {:?}", src.base, src.mark);
    assert!(
        !src.rewind_to(1),
        "before the mark: base {} mark {:?}",
        src.base,
        src.mark
    );
    src.clear_mark();
    assert!(!src.rewind_to(2), "no mark");
}

#[test]
fn a_mark_holding_more_than_its_bound_is_dropped() {
    let data = vec![b'y'; 4 * START_CAPACITY];
    let mut src = Source::new(data.as_slice(), 0, START_CAPACITY);
    src.set_mark();
    while src.fill_at_least(1).map(|b| !b.is_empty()).unwrap_or(false) {
        let n = src.fill().map(|b| b.len()).unwrap_or(0);
        src.consume(n);
    }
    assert!(!src.rewind_to(0));
    assert!(src.buf.len() <= 2 * START_CAPACITY, "{}", src.buf.len());
}

#[test]
fn fill_at_least_joins_short_reads() {
    let data = b"0123456789abcdef";
    let mut src = Source::new(Trickle(data), 0, 1 << 20);
    assert_eq!(src.fill_at_least(12).map(<[u8]>::len).unwrap_or(0), 14);
    src.consume(14);
    assert_eq!(
        src.fill_at_least(12)
            .map(<[u8]>::to_vec)
            .unwrap_or_default(),
        b"ef"
    );
}
