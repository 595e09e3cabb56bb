//! WARC files (ISO 28500, WARC/1.0 and 1.1): reading them into pages for `ingest`, and
//! writing them for `export --format warc` and `crawl --warc DIR`. A format layer: it
//! knows nothing of the store or the rules, so the integration maps [`WarcPage`] onto
//! `Page` and `PageRecord` and [`Response`] from them.
//!
//! # Reading
//!
//! [`open`] (or [`WarcReader::new`] over any `Read`) yields each [`Record`] with its
//! [`Location`]: the file offset of the record, or of its gzip member, which is what a
//! CDX index or [`read_record_at`] needs. Gzip is told by the magic bytes, not the name.
//! The reader streams: it holds one record at a time, never the file. [`page_from_response`]
//! and [`page_from_revisit`] turn records into pages (status, Content-Type, ETag,
//! Last-Modified, the body with chunked framing and gzip, deflate or br coding removed,
//! the record's date); they are pure, so a caller may run them on other threads while one
//! thread reads. [`PageReader`] does the whole pass over many files: it counts the records
//! it skips by type, and resolves each `revisit` by `WARC-Refers-To`, then
//! `WARC-Refers-To-Target-URI` with `WARC-Refers-To-Date`, then the payload digest, against
//! the responses of all the files given ([`RevisitIndex`] keeps where they are, not what
//! they hold, and reads the one needed again).
//!
//! # Bad input
//!
//! Every error names the file and the byte offset, and reading goes on (only an unreadable
//! disk stops it): a damaged or cut-short gzip member is reported and the next good member
//! is searched for from the byte after the damaged one's start; inside a plain file (or a
//! member holding many records) a bad header, a lying `Content-Length` or a cut-short
//! record is reported and the next line starting `WARC/` is searched for from the byte
//! after the bad record's start, so a record that a too-long length swallowed is still
//! found. A file that is no WARC gives one [`WarcError::NotWarc`]. Memory is bounded: a
//! record whose block is over [`Limits::max_block_bytes`] (by default the crawler's 20 MiB
//! body cap plus 1 MiB of headers) is streamed past and reported, never held; a WARC header
//! over 256 KiB is taken as damage; a decoded body over 20 MiB is refused; the compressed
//! bytes held for a search after damage, and the bytes given back to search again after a
//! bad record, are bounded by the record limit too (a few times 21 MiB at the worst). The
//! price of finding a record a lying length swallowed is time on hostile input: a file
//! made of many records each claiming 20 MiB is read about 20 MiB per record.
//!
//! # Writing
//!
//! [`WarcWriter`] writes WARC/1.1 `warcinfo`, `response`, `request` and `revisit` (for a
//! crawl's `304 Not Modified`) records with CRLF
//! line ends, `WARC-Payload-Digest` and `WARC-Block-Digest` as `sha1:BASE32`, and one gzip
//! member per record. Record IDs are version 5 UUIDs of the record's type, URI, date and
//! block digest, and nothing in a record depends on the clock, so the same pages always
//! make the same bytes. Bodies are kept decoded, so a written head renames the headers
//! that would say otherwise (`X-Archive-Orig-Content-Encoding`, …) and states the true
//! Content-Length. [`RotatingWriter`] fills a folder for the crawl, `.open` while written.
//!
//! # Why not a WARC crate
//!
//! Of the crates on crates.io, `warc` (0.4) reads a gzip file through one multi-member
//! decoder, so it cannot give a record's member offset nor restart at the next member
//! after damage; it reads blocks line by line with a 1 MiB buffer per record, has no size
//! limit (a block without line ends grows without bound), writes with `write` rather than
//! `write_all`, and its gzip writer makes one member for the whole file. `fastwarc` (2.0,
//! released a month before this module was written) is fast and gives offsets, but needs
//! `Seek + Send + 'static` input, ends a damaged gzip stream with an error rather than
//! resynchronising, hands records out as shared `RefCell`s, and brings a second zstd, lz4,
//! the unmaintained `encoding` crate, `time` and `uuid`. `rust_warc` only reads. WARC
//! framing itself is small; what cablestrip needs is control of member boundaries and
//! recovery, so the format is done here on flate2 (zlib-rs backend, raw inflate per
//! member), crc32fast, sha1 and brotli-decompressor.

mod digest;
mod error;
mod gzip;
mod http;
mod page;
mod pages;
mod read;
mod record;
mod rotate;
mod source;
mod stream;
#[cfg(test)]
mod testdata;
mod write;

pub use digest::{Sha1Digest, base32_encode, digest_matches, record_id_from, sha1_label};
pub use error::WarcError;
pub use http::{
    HttpError, HttpHead, decode_body, parse_response_head, reason_phrase, request_head,
    response_head,
};
pub use page::{
    Found, RevisitIndex, WarcPage, is_page_response, is_page_revisit, page_from_response,
    page_from_revisit,
};
pub use pages::{PageReader, ReadCounts, is_warc_name, warc_files};
pub use read::{
    DEFAULT_MAX_BLOCK_BYTES, DEFAULT_MAX_HEADER_BYTES, Limits, MAX_BODY_BYTES, WarcReader, open,
    open_with, read_record_at,
};
pub use record::{Location, Record, RecordType, format_warc_date, parse_warc_date};
pub use rotate::{
    DEFAULT_MAX_FILE_BYTES, OPEN_SUFFIX, RotateOptions, RotatingWriter, Sealed, seal_abandoned,
};
pub use write::{
    Compression, DEFAULT_GZIP_LEVEL, PROFILE_IDENTICAL_PAYLOAD, PROFILE_NOT_MODIFIED, Request,
    Response, Revisit, SOFTWARE, WarcWriter, Written,
};
