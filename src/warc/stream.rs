//! The decoded bytes of a WARC file, plain or gzip, in units (the whole of a plain file, or
//! one gzip member), with room to push bytes back so that a record found damaged can be
//! searched again for the next record's start.

use std::io::{self, Read};

use super::gzip::{GZIP_MAGIC, GzipError, Members};
use super::source::Source;

/// The size of the decoded-bytes buffer of a gzip file.
const OUT_CAPACITY: usize = 256 * 1024;

/// Decoded bytes over a [`Source`].
#[derive(Debug)]
pub(super) struct Stream<R> {
    src: Source<R>,
    /// `Some` for a gzip file.
    members: Option<Members>,
    out: Vec<u8>,
    out_pos: usize,
    out_end: usize,
    /// Bytes given back by [`Stream::unread`], handed out before any others.
    pushback: Vec<u8>,
    pushback_pos: usize,
    /// Decoded bytes handed out since the unit began, less those given back.
    unit_pos: u64,
}

impl<R: Read> Stream<R> {
    /// A stream over `inner`, whose first byte is at file offset `base`; gzip when its
    /// first bytes are the gzip magic, whatever the file is named. A gzip member's bytes
    /// are kept up to `max_keep` for the search after damage.
    pub(super) fn new(inner: R, base: u64, max_keep: usize) -> io::Result<Stream<R>> {
        let mut src = Source::new(inner, base, max_keep);
        let gzip = src
            .fill_at_least(GZIP_MAGIC.len())?
            .starts_with(&GZIP_MAGIC);
        Ok(Stream {
            src,
            members: gzip.then(Members::new),
            out: if gzip {
                vec![0; OUT_CAPACITY]
            } else {
                Vec::new()
            },
            out_pos: 0,
            out_end: 0,
            pushback: Vec::new(),
            pushback_pos: 0,
            unit_pos: 0,
        })
    }

    /// Whether the file is gzip.
    pub(super) fn is_gzip(&self) -> bool {
        self.members.is_some()
    }

    /// The bytes available now; empty at the end of the unit.
    pub(super) fn fill(&mut self) -> Result<&[u8], GzipError> {
        if self.pushback_pos < self.pushback.len() {
            return Ok(&self.pushback[self.pushback_pos..]);
        }
        let Some(members) = self.members.as_mut() else {
            return Ok(self.src.fill()?);
        };
        if self.out_pos == self.out_end && members.is_open() {
            self.out_pos = 0;
            self.out_end = 0;
            self.out_end = members.read(&mut self.src, &mut self.out)?;
        }
        Ok(&self.out[self.out_pos..self.out_end])
    }

    /// Hands out `n` of the bytes [`Stream::fill`] gave.
    pub(super) fn consume(&mut self, n: usize) {
        self.unit_pos += n as u64;
        if self.pushback_pos < self.pushback.len() {
            self.pushback_pos = (self.pushback_pos + n).min(self.pushback.len());
            if self.pushback_pos == self.pushback.len() {
                self.pushback.clear();
                self.pushback_pos = 0;
            }
        } else if self.members.is_some() {
            self.out_pos = (self.out_pos + n).min(self.out_end);
        } else {
            self.src.consume(n);
        }
    }

    /// Gives `bytes` back: they are handed out again, before anything else.
    pub(super) fn unread(&mut self, bytes: &[u8]) {
        let mut joined = Vec::with_capacity(bytes.len() + self.pushback.len() - self.pushback_pos);
        joined.extend_from_slice(bytes);
        joined.extend_from_slice(&self.pushback[self.pushback_pos..]);
        self.pushback = joined;
        self.pushback_pos = 0;
        self.unit_pos = self.unit_pos.saturating_sub(bytes.len() as u64);
    }

    /// Starts the next unit once this one has ended: `Ok(false)` at the end of the file.
    pub(super) fn next_unit(&mut self) -> Result<bool, GzipError> {
        self.unit_pos = 0;
        match self.members.as_mut() {
            None => Ok(false),
            Some(members) => members.begin(&mut self.src),
        }
    }

    /// Where the next byte is: its file offset and 0 in a plain file; the file offset of
    /// its gzip member and the decoded bytes before it in that member in a gzip file.
    pub(super) fn location(&self) -> (u64, u64) {
        match &self.members {
            None => {
                let held = (self.pushback.len() - self.pushback_pos) as u64;
                (self.src.offset().saturating_sub(held), 0)
            }
            Some(members) => (members.start(), self.unit_pos),
        }
    }

    /// After a damaged gzip member: drops what is left of it and moves to the next member
    /// that holds a record. Returns the compressed bytes passed over, or `None` when the
    /// file has no further member.
    pub(super) fn resync_gzip(&mut self) -> io::Result<Option<u64>> {
        self.pushback.clear();
        self.pushback_pos = 0;
        self.out_pos = 0;
        self.out_end = 0;
        let Some(members) = self.members.as_mut() else {
            return Ok(None);
        };
        let damaged_at = members.start();
        Ok(members
            .resync(&mut self.src)?
            .map(|found| found.saturating_sub(damaged_at)))
    }

    /// The file offset reading has reached (for messages about the file as a whole).
    pub(super) fn file_offset(&self) -> u64 {
        self.src.offset()
    }
}

#[cfg(test)]
mod tests;
