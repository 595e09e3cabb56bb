//! The bytes of a WARC file as read: a buffer over any `Read` that knows the file offset of
//! every byte and can go back to a marked place, so that a damaged gzip member can be
//! searched for the next one without the input being seekable.

use std::io::{self, Read};

/// The buffer's starting size; it grows only while a mark holds more than this.
const START_CAPACITY: usize = 256 * 1024;

/// A buffered reader with absolute offsets and one bounded mark.
#[derive(Debug)]
pub(super) struct Source<R> {
    inner: R,
    buf: Vec<u8>,
    /// The next byte to hand out.
    pos: usize,
    /// The end of the bytes read into `buf`.
    end: usize,
    /// The file offset of `buf[0]`.
    base: u64,
    /// The earliest byte that must stay in the buffer, if any.
    mark: Option<usize>,
    /// A mark that would hold more than this many bytes is dropped.
    max_keep: usize,
    eof: bool,
}

impl<R: Read> Source<R> {
    /// A source whose first byte is at file offset `base`.
    pub(super) fn new(inner: R, base: u64, max_keep: usize) -> Source<R> {
        Source {
            inner,
            buf: vec![0; START_CAPACITY],
            pos: 0,
            end: 0,
            base,
            mark: None,
            max_keep,
            eof: false,
        }
    }

    /// The file offset of the next byte.
    pub(super) fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// The bytes available now, reading more when none are; empty at the end of the input.
    pub(super) fn fill(&mut self) -> io::Result<&[u8]> {
        if self.pos == self.end && !self.eof {
            self.read_more()?;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    /// At least `n` bytes (fewer only at the end of the input), for fields that must be
    /// read whole, such as a gzip header.
    pub(super) fn fill_at_least(&mut self, n: usize) -> io::Result<&[u8]> {
        while self.end - self.pos < n && !self.eof {
            self.read_more()?;
        }
        Ok(&self.buf[self.pos..self.end])
    }

    /// Hands out `n` bytes of those [`Source::fill`] gave.
    pub(super) fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.end);
    }

    /// Keeps every byte from the next one on until [`Source::clear_mark`], so that
    /// [`Source::rewind_to`] can return to any of them.
    pub(super) fn set_mark(&mut self) {
        self.mark = Some(self.pos);
    }

    /// Lets the marked bytes go.
    pub(super) fn clear_mark(&mut self) {
        self.mark = None;
    }

    /// Goes back (or forward, within what was read) to `offset`, if the mark still holds it.
    pub(super) fn rewind_to(&mut self, offset: u64) -> bool {
        let Some(mark) = self.mark else {
            return false;
        };
        let lowest = self.base + mark as u64;
        let highest = self.base + self.end as u64;
        if offset < lowest || offset > highest {
            return false;
        }
        self.pos = usize::try_from(offset - self.base).unwrap_or(self.end);
        true
    }

    /// Whether the input is exhausted and nothing is left in the buffer.
    pub(super) fn at_end(&mut self) -> io::Result<bool> {
        Ok(self.fill()?.is_empty())
    }

    fn read_more(&mut self) -> io::Result<()> {
        let keep_from = match self.mark {
            Some(mark) if self.end - mark > self.max_keep => {
                // Holding more would let one damaged member take unbounded memory: the
                // search for the next member then starts where reading is, not at the mark.
                self.mark = None;
                self.pos
            }
            Some(mark) => mark,
            None => self.pos,
        };
        if keep_from > 0 && (self.end == self.buf.len() || self.pos == self.end) {
            self.buf.copy_within(keep_from..self.end, 0);
            self.base += keep_from as u64;
            self.end -= keep_from;
            self.pos -= keep_from;
            if let Some(mark) = self.mark.as_mut() {
                *mark -= keep_from;
            }
        }
        if self.end == self.buf.len() {
            let grown = (self.buf.len() * 2).max(START_CAPACITY);
            self.buf.resize(grown, 0);
        }
        loop {
            match self.inner.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(());
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }
}

#[cfg(test)]
mod tests;
