//! Gzip members of a `.warc.gz`, decoded one at a time with their file offsets: header,
//! raw deflate (flate2 on zlib-rs), CRC-32 and length trailer; and the search for the next
//! good member after a damaged one.
//!
//! The members are decoded here rather than by flate2's `GzDecoder` because the reader
//! needs what that hides: where each member starts in the file (a record's offset), that a
//! member has ended (one record per member is what makes a cut-short record detectable),
//! and a way to restart at the next member after damage.

use std::io::{self, Read};

use flate2::{Decompress, FlushDecompress, Status};

use super::source::Source;

/// The first three bytes of every gzip member: the magic and the deflate method.
pub(super) const GZIP_MAGIC: [u8; 3] = [0x1f, 0x8b, 0x08];

/// The longest file name or comment a member header may carry.
const MAX_HEADER_STRING: usize = 64 * 1024;

/// Why a member could not be decoded.
#[derive(Debug)]
pub(super) enum GzipError {
    /// Reading the file failed.
    Io(io::Error),
    /// The member is damaged: `offset` is the member's start.
    Damaged { offset: u64, problem: String },
    /// The file ends inside the member.
    CutShort { offset: u64 },
}

impl From<io::Error> for GzipError {
    fn from(error: io::Error) -> GzipError {
        GzipError::Io(error)
    }
}

/// The decoding state of the member being read.
#[derive(Debug)]
pub(super) struct Members {
    inflate: Decompress,
    crc: crc32fast::Hasher,
    /// Decoded bytes of this member, for the trailer's length check.
    decoded: u64,
    /// The file offset of the member being read.
    start: u64,
    /// Whether a member is open (its header read, its trailer not yet).
    open: bool,
}

impl Members {
    pub(super) fn new() -> Members {
        Members {
            inflate: Decompress::new(false),
            crc: crc32fast::Hasher::new(),
            decoded: 0,
            start: 0,
            open: false,
        }
    }

    /// The file offset of the member being read (or last read).
    pub(super) fn start(&self) -> u64 {
        self.start
    }

    /// Whether a member is open.
    pub(super) fn is_open(&self) -> bool {
        self.open
    }

    /// Opens the member at the source's position: `Ok(false)` at the end of the file.
    /// The source keeps the member's bytes marked, for [`Members::resync`].
    pub(super) fn begin<R: Read>(&mut self, src: &mut Source<R>) -> Result<bool, GzipError> {
        if src.at_end()? {
            return Ok(false);
        }
        self.start = src.offset();
        src.set_mark();
        read_header(src, self.start)?;
        self.inflate.reset(false);
        self.crc = crc32fast::Hasher::new();
        self.decoded = 0;
        self.open = true;
        Ok(true)
    }

    /// Decodes into `out`: the number of bytes, 0 once the member's trailer has been read
    /// and checked (the member is then closed).
    pub(super) fn read<R: Read>(
        &mut self,
        src: &mut Source<R>,
        out: &mut [u8],
    ) -> Result<usize, GzipError> {
        if !self.open || out.is_empty() {
            return Ok(0);
        }
        loop {
            let input = src.fill()?;
            let at_eof = input.is_empty();
            let (in_before, out_before) = (self.inflate.total_in(), self.inflate.total_out());
            let status = self
                .inflate
                .decompress(input, out, FlushDecompress::None)
                .map_err(|e| self.damaged(format!("bad deflate data ({e})")))?;
            let used = usize::try_from(self.inflate.total_in() - in_before).unwrap_or(0);
            let made = usize::try_from(self.inflate.total_out() - out_before).unwrap_or(0);
            src.consume(used);
            self.crc.update(&out[..made]);
            self.decoded += made as u64;
            if status == Status::StreamEnd {
                self.read_trailer(src)?;
                return Ok(made);
            }
            if made > 0 {
                return Ok(made);
            }
            if at_eof {
                return Err(GzipError::CutShort { offset: self.start });
            }
            if used == 0 {
                return Err(self.damaged("the deflate data makes no progress".to_string()));
            }
        }
    }

    /// After damage: positions the source at the next member that decodes to the start
    /// of a WARC record, searching from just after the damaged member's start when the
    /// source still holds it. Returns the offset found, or `None` at the end of the file.
    pub(super) fn resync<R: Read>(&mut self, src: &mut Source<R>) -> io::Result<Option<u64>> {
        self.open = false;
        let from = self.start + 1;
        if !src.rewind_to(from) && src.offset() < from {
            // Not yet past the damaged member's first byte (its header was bad at once).
            src.consume(usize::try_from(from - src.offset()).unwrap_or(0));
        }
        src.clear_mark();
        loop {
            let Some(candidate) = find_magic(src)? else {
                return Ok(None);
            };
            src.set_mark();
            let good = self.begins_a_record(src, candidate);
            self.open = false;
            if good && src.rewind_to(candidate) {
                src.clear_mark();
                return Ok(Some(candidate));
            }
            if !src.rewind_to(candidate + 1) {
                // The mark cannot be lost over a few dozen bytes; this only guards it.
                src.clear_mark();
                return Ok(None);
            }
            src.clear_mark();
        }
    }

    /// Whether the member at `candidate` has a good header and decodes to `WARC/`.
    fn begins_a_record<R: Read>(&mut self, src: &mut Source<R>, candidate: u64) -> bool {
        self.start = candidate;
        if read_header(src, candidate).is_err() {
            return false;
        }
        self.inflate.reset(false);
        self.crc = crc32fast::Hasher::new();
        self.decoded = 0;
        self.open = true;
        let mut probe = [0u8; 5];
        let mut got = 0;
        while got < probe.len() {
            match self.read(src, &mut probe[got..]) {
                Ok(0) | Err(_) => return false,
                Ok(n) => got += n,
            }
        }
        // A member that ended within the probe holds no record (and let its mark go).
        self.open && &probe == b"WARC/"
    }

    fn read_trailer<R: Read>(&mut self, src: &mut Source<R>) -> Result<(), GzipError> {
        self.open = false;
        let trailer = src.fill_at_least(8)?;
        if trailer.len() < 8 {
            return Err(GzipError::CutShort { offset: self.start });
        }
        let crc = u32::from_le_bytes([trailer[0], trailer[1], trailer[2], trailer[3]]);
        let size = u32::from_le_bytes([trailer[4], trailer[5], trailer[6], trailer[7]]);
        src.consume(8);
        src.clear_mark();
        let actual_crc = std::mem::take(&mut self.crc).finalize();
        if crc != actual_crc {
            return Err(self.damaged(format!(
                "its CRC-32 is {actual_crc:08x} but its trailer says {crc:08x}"
            )));
        }
        // The trailer holds the length modulo 2^32.
        if u64::from(size) != self.decoded & 0xffff_ffff {
            return Err(self.damaged(format!(
                "it decodes to {} bytes but its trailer says {size}",
                self.decoded
            )));
        }
        Ok(())
    }

    fn damaged(&self, problem: String) -> GzipError {
        GzipError::Damaged {
            offset: self.start,
            problem,
        }
    }
}

/// Reads a member header (RFC 1952) at the source's position.
fn read_header<R: Read>(src: &mut Source<R>, start: u64) -> Result<(), GzipError> {
    let damaged = |problem: &str| GzipError::Damaged {
        offset: start,
        problem: problem.to_string(),
    };
    let fixed = src.fill_at_least(10)?;
    if fixed.len() < 10 {
        return Err(if fixed.starts_with(&GZIP_MAGIC[..fixed.len().min(3)]) {
            GzipError::CutShort { offset: start }
        } else {
            damaged("it does not start with the gzip magic bytes")
        });
    }
    if fixed[..3] != GZIP_MAGIC {
        return Err(damaged("it does not start with the gzip magic bytes"));
    }
    let flags = fixed[3];
    if flags & 0xe0 != 0 {
        return Err(damaged("its header sets reserved flags"));
    }
    src.consume(10);
    if flags & 0x04 != 0 {
        let extra = src.fill_at_least(2)?;
        if extra.len() < 2 {
            return Err(GzipError::CutShort { offset: start });
        }
        let length = usize::from(u16::from_le_bytes([extra[0], extra[1]]));
        src.consume(2);
        skip_exact(src, length, start)?;
    }
    for flag in [0x08, 0x10] {
        if flags & flag != 0 {
            skip_zero_terminated(src, start)?;
        }
    }
    if flags & 0x02 != 0 {
        skip_exact(src, 2, start)?;
    }
    Ok(())
}

fn skip_exact<R: Read>(src: &mut Source<R>, mut n: usize, start: u64) -> Result<(), GzipError> {
    while n > 0 {
        let available = src.fill()?.len();
        if available == 0 {
            return Err(GzipError::CutShort { offset: start });
        }
        let step = available.min(n);
        src.consume(step);
        n -= step;
    }
    Ok(())
}

fn skip_zero_terminated<R: Read>(src: &mut Source<R>, start: u64) -> Result<(), GzipError> {
    let mut seen = 0;
    loop {
        let bytes = src.fill()?;
        if bytes.is_empty() {
            return Err(GzipError::CutShort { offset: start });
        }
        if let Some(zero) = memchr::memchr(0, bytes) {
            src.consume(zero + 1);
            return Ok(());
        }
        seen += bytes.len();
        let len = bytes.len();
        src.consume(len);
        if seen > MAX_HEADER_STRING {
            return Err(GzipError::Damaged {
                offset: start,
                problem: "its header's file name or comment never ends".to_string(),
            });
        }
    }
}

/// Moves the source to the next gzip magic, returning its offset, or `None` at the end.
fn find_magic<R: Read>(src: &mut Source<R>) -> io::Result<Option<u64>> {
    loop {
        let bytes = src.fill_at_least(GZIP_MAGIC.len())?;
        if bytes.len() < GZIP_MAGIC.len() {
            let len = bytes.len();
            src.consume(len);
            return Ok(None);
        }
        match memchr::memmem::find(bytes, &GZIP_MAGIC) {
            Some(at) => {
                src.consume(at);
                return Ok(Some(src.offset()));
            }
            None => {
                // The last two bytes may begin a magic that the next read completes.
                let keep = GZIP_MAGIC.len() - 1;
                let len = bytes.len() - keep;
                src.consume(len);
            }
        }
    }
}

#[cfg(test)]
mod tests;
