//! Writing WARC/1.1 records: `warcinfo`, `response` and `request`, each with its digests
//! and a record ID made from its content, each its own gzip member when compressed, so
//! that the same records always make the same bytes and a record cut short is detectable.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use flate2::write::GzEncoder;
use jiff::Timestamp;
use url::Url;

use super::digest::{Sha1Digest, record_id_from};
use super::error::WarcError;
use super::http;
use super::record::format_warc_date;

/// The gzip level of WARC files cablestrip writes. On the cablegate pages (`cargo bench
/// --bench warc`) level 3 makes files 3 % larger than zlib's default 6 (27.4 % of the
/// HTML against 26.6 %) in two thirds of the time, and the crawl, which writes as it
/// fetches, is short of CPU; level 1 is faster still but 35 %.
pub const DEFAULT_GZIP_LEVEL: u32 = 3;

/// What `software` the warcinfo record names.
pub const SOFTWARE: &str = concat!("cablestrip/", env!("CARGO_PKG_VERSION"));

/// How records are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain `.warc`.
    None,
    /// `.warc.gz`, one gzip member per record, at this level (0–9).
    Gzip {
        /// The deflate level.
        level: u32,
    },
}

impl Default for Compression {
    fn default() -> Compression {
        Compression::Gzip {
            level: DEFAULT_GZIP_LEVEL,
        }
    }
}

/// A fetched page to write as a `response` record.
#[derive(Debug, Clone, Copy)]
pub struct Response<'a> {
    /// The URL fetched.
    pub url: &'a Url,
    /// When it was fetched.
    pub date: Timestamp,
    /// The HTTP status.
    pub status: u16,
    /// The reason phrase; the standard one for the status when `None`.
    pub reason: Option<&'a str>,
    /// The response headers to keep (Content-Encoding, Transfer-Encoding and
    /// Content-Length are written renamed, since `body` is the decoded body).
    pub headers: &'a [(String, String)],
    /// The body as kept, byte for byte.
    pub body: &'a [u8],
    /// Why `body` is not the whole body sent, written as `WARC-Truncated` (`length`,
    /// `time`, `disconnect`, `unspecified`); `None` for a whole body.
    pub truncated: Option<&'a str>,
}

/// A request to write as a `request` record.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    /// The URL asked for.
    pub url: &'a Url,
    /// When it was sent.
    pub date: Timestamp,
    /// The method, e.g. `GET`.
    pub method: &'a str,
    /// The request headers sent (Host is added when missing).
    pub headers: &'a [(String, String)],
}

/// The standard's revisit profiles (WARC/1.1 section 6.7.2).
pub const PROFILE_NOT_MODIFIED: &str =
    "http://netpreserve.org/warc/1.1/revisit/server-not-modified";
/// See [`PROFILE_NOT_MODIFIED`].
pub const PROFILE_IDENTICAL_PAYLOAD: &str =
    "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest";

/// A fetch whose payload is not written again, as a `revisit` record: a `304 Not
/// Modified` answer to a conditional request (profile [`PROFILE_NOT_MODIFIED`]), or a
/// body identical to one already archived (any other status, with `payload_digest`:
/// profile [`PROFILE_IDENTICAL_PAYLOAD`]).
#[derive(Debug, Clone, Copy)]
pub struct Revisit<'a> {
    /// The URL fetched.
    pub url: &'a Url,
    /// When it was fetched.
    pub date: Timestamp,
    /// The HTTP status this time (304, or 200 for an identical body).
    pub status: u16,
    /// The response headers this time.
    pub headers: &'a [(String, String)],
    /// The archived copy's URL.
    pub refers_to_url: &'a Url,
    /// When the archived copy was fetched.
    pub refers_to_date: Timestamp,
    /// The archived copy's record ID, when it is known.
    pub refers_to: Option<&'a str>,
    /// The payload digest (`sha1:…`) of the archived body: needed for an identical body;
    /// for a 304 it is optional, and lets a reader find the body by digest when the record
    /// referred to is in another file, or is itself a revisit.
    pub payload_digest: Option<&'a str>,
}

/// A record written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// Its `WARC-Record-ID`.
    pub record_id: String,
    /// Its offset in the output (its gzip member's start).
    pub offset: u64,
    /// The bytes it took in the output.
    pub length: u64,
}

/// Writes WARC records to any `Write`.
#[derive(Debug)]
pub struct WarcWriter<W: Write> {
    out: W,
    name: PathBuf,
    compression: Compression,
    written: u64,
    warcinfo_id: Option<String>,
}

impl<W: Write> WarcWriter<W> {
    /// A writer to `out`, whose errors name the file `name`.
    pub fn new(out: W, name: &Path, compression: Compression) -> WarcWriter<W> {
        WarcWriter {
            out,
            name: name.to_path_buf(),
            compression,
            written: 0,
            warcinfo_id: None,
        }
    }

    /// Bytes written so far.
    pub fn bytes_written(&self) -> u64 {
        self.written
    }

    /// The output.
    pub fn get_mut(&mut self) -> &mut W {
        &mut self.out
    }

    /// The output, the writer done.
    pub fn into_inner(self) -> W {
        self.out
    }

    /// Flushes the output.
    pub fn flush(&mut self) -> Result<(), WarcError> {
        let name = &self.name;
        self.out.flush().map_err(|source| WarcError::Write {
            file: name.clone(),
            source,
        })
    }

    /// Writes the `warcinfo` record that opens a file: the software, the format, and
    /// `fields` (such as each rule file's version), dated `date`. Records written after it
    /// name it in `WARC-Warcinfo-ID`.
    pub fn write_warcinfo(
        &mut self,
        date: Timestamp,
        filename: Option<&str>,
        fields: &[(String, String)],
    ) -> Result<Written, WarcError> {
        let mut block = Vec::with_capacity(512);
        push_fields(
            &mut block,
            [
                ("software", SOFTWARE),
                ("format", "WARC File Format 1.1"),
                (
                    "conformsTo",
                    "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
                ),
            ]
            .into_iter()
            .chain(fields.iter().map(|(n, v)| (n.as_str(), v.as_str()))),
        );
        let date = format_warc_date(date);
        let block_digest = digest(&[&block]);
        let id = record_id_from(
            format!(
                "warcinfo\n{}\n{date}\n{block_digest}",
                filename.unwrap_or("")
            )
            .as_bytes(),
        );
        let mut header = vec![
            ("WARC-Type", "warcinfo".to_string()),
            ("WARC-Record-ID", id.clone()),
            ("WARC-Date", date),
        ];
        if let Some(filename) = filename {
            header.push(("WARC-Filename", filename.to_string()));
        }
        header.push(("Content-Type", "application/warc-fields".to_string()));
        header.push(("WARC-Block-Digest", block_digest));
        let written = self.write_record(&header, &[&block], id)?;
        self.warcinfo_id = Some(written.record_id.clone());
        Ok(written)
    }

    /// Writes a `response` record: an HTTP/1.1 status line and headers, then the body
    /// byte for byte, with its payload and block digests.
    pub fn write_response(&mut self, response: &Response<'_>) -> Result<Written, WarcError> {
        let head = http::response_head(
            response.status,
            response.reason,
            response.headers,
            Some(response.body.len()),
        );
        let date = format_warc_date(response.date);
        let payload_digest = digest(&[response.body]);
        let block_digest = digest(&[&head, response.body]);
        let uri = response.url.as_str();
        let id = record_id_from(format!("response\n{uri}\n{date}\n{block_digest}").as_bytes());
        let mut header = vec![
            ("WARC-Type", "response".to_string()),
            ("WARC-Record-ID", id.clone()),
            ("WARC-Date", date),
            ("WARC-Target-URI", uri.to_string()),
        ];
        if let Some(info) = &self.warcinfo_id {
            header.push(("WARC-Warcinfo-ID", info.clone()));
        }
        header.push((
            "Content-Type",
            "application/http;msgtype=response".to_string(),
        ));
        header.push(("WARC-Payload-Digest", payload_digest));
        header.push(("WARC-Block-Digest", block_digest));
        if let Some(why) = response.truncated {
            header.push(("WARC-Truncated", why.to_string()));
        }
        self.write_record(&header, &[&head, response.body], id)
    }

    /// Writes a `revisit` record: the HTTP head of this fetch, no body, and what it
    /// refers to (`WARC-Refers-To-Target-URI` and `-Date`, `WARC-Refers-To` when known).
    pub fn write_revisit(&mut self, revisit: &Revisit<'_>) -> Result<Written, WarcError> {
        // No Content-Length: the head describes the archived body, which is not here.
        let head = http::response_head(revisit.status, None, revisit.headers, None);
        let date = format_warc_date(revisit.date);
        let block_digest = digest(&[&head]);
        let uri = revisit.url.as_str();
        let id = record_id_from(format!("revisit\n{uri}\n{date}\n{block_digest}").as_bytes());
        let mut header = vec![
            ("WARC-Type", "revisit".to_string()),
            ("WARC-Record-ID", id.clone()),
            ("WARC-Date", date),
            ("WARC-Target-URI", uri.to_string()),
        ];
        if let Some(info) = &self.warcinfo_id {
            header.push(("WARC-Warcinfo-ID", info.clone()));
        }
        let profile = if revisit.status == 304 || revisit.payload_digest.is_none() {
            PROFILE_NOT_MODIFIED
        } else {
            PROFILE_IDENTICAL_PAYLOAD
        };
        header.push(("WARC-Profile", profile.to_string()));
        if let Some(refers_to) = revisit.refers_to {
            header.push(("WARC-Refers-To", refers_to.to_string()));
        }
        header.push((
            "WARC-Refers-To-Target-URI",
            revisit.refers_to_url.to_string(),
        ));
        header.push((
            "WARC-Refers-To-Date",
            format_warc_date(revisit.refers_to_date),
        ));
        header.push((
            "Content-Type",
            "application/http;msgtype=response".to_string(),
        ));
        if let Some(payload) = revisit.payload_digest {
            header.push(("WARC-Payload-Digest", payload.to_string()));
        }
        header.push(("WARC-Block-Digest", block_digest));
        self.write_record(&header, &[&head], id)
    }

    /// Writes a `request` record, naming the response it belongs to when given.
    pub fn write_request(
        &mut self,
        request: &Request<'_>,
        concurrent_to: Option<&str>,
    ) -> Result<Written, WarcError> {
        let head = http::request_head(request.method, request.url, request.headers);
        let date = format_warc_date(request.date);
        let block_digest = digest(&[&head]);
        let uri = request.url.as_str();
        let id = record_id_from(format!("request\n{uri}\n{date}\n{block_digest}").as_bytes());
        let mut header = vec![
            ("WARC-Type", "request".to_string()),
            ("WARC-Record-ID", id.clone()),
            ("WARC-Date", date),
            ("WARC-Target-URI", uri.to_string()),
        ];
        if let Some(info) = &self.warcinfo_id {
            header.push(("WARC-Warcinfo-ID", info.clone()));
        }
        if let Some(response_id) = concurrent_to {
            header.push(("WARC-Concurrent-To", response_id.to_string()));
        }
        header.push((
            "Content-Type",
            "application/http;msgtype=request".to_string(),
        ));
        header.push(("WARC-Block-Digest", block_digest));
        self.write_record(&header, &[&head], id)
    }

    /// Writes one record: `WARC/1.1`, the fields, Content-Length, the block's parts, and
    /// the blank line that ends a record; one gzip member when compressed.
    fn write_record(
        &mut self,
        fields: &[(&str, String)],
        block: &[&[u8]],
        record_id: String,
    ) -> Result<Written, WarcError> {
        let length: usize = block.iter().map(|part| part.len()).sum();
        let length_text = length.to_string();
        let mut header = Vec::with_capacity(512);
        header.extend_from_slice(b"WARC/1.1\r\n");
        push_fields(
            &mut header,
            fields
                .iter()
                .map(|(n, v)| (*n, v.as_str()))
                .chain([("Content-Length", length_text.as_str())]),
        );
        header.extend_from_slice(b"\r\n");
        let offset = self.written;
        let mut counted = Counting {
            inner: &mut self.out,
            count: 0,
        };
        let result = match self.compression {
            Compression::None => write_parts(&mut counted, &header, block),
            Compression::Gzip { level } => {
                let mut encoder =
                    GzEncoder::new(&mut counted, flate2::Compression::new(level.min(9)));
                write_parts(&mut encoder, &header, block)
                    .and_then(|()| encoder.finish().map(|_| ()))
            }
        };
        let length = counted.count;
        self.written += length;
        result.map_err(|source| WarcError::Write {
            file: self.name.clone(),
            source,
        })?;
        Ok(Written {
            record_id,
            offset,
            length,
        })
    }
}

fn write_parts<W: Write>(out: &mut W, header: &[u8], block: &[&[u8]]) -> io::Result<()> {
    out.write_all(header)?;
    for part in block {
        out.write_all(part)?;
    }
    out.write_all(b"\r\n\r\n")
}

/// `sha1:BASE32` of the parts, as one.
fn digest(parts: &[&[u8]]) -> String {
    let mut digest = Sha1Digest::new();
    for part in parts {
        digest.update(part);
    }
    digest.finish()
}

/// `name: value\r\n` for each field, line breaks in values turned into spaces (a value
/// must not end the header early).
fn push_fields<'a>(out: &mut Vec<u8>, fields: impl IntoIterator<Item = (&'a str, &'a str)>) {
    for (name, value) in fields {
        out.extend_from_slice(name.trim().as_bytes());
        out.extend_from_slice(b": ");
        out.extend(
            value
                .bytes()
                .map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
        );
        out.extend_from_slice(b"\r\n");
    }
}

/// Counts the bytes that reach the output.
struct Counting<'a, W> {
    inner: &'a mut W,
    count: u64,
}

impl<W: Write> Write for Counting<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.count += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

#[cfg(test)]
mod tests;
