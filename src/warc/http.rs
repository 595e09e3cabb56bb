//! HTTP/1.x messages inside WARC blocks: a response's status line and headers, its body
//! with the transfer coding (chunked) and content codings (gzip, deflate, br) removed; and
//! the heads of the responses and requests cablestrip writes.

use std::io::Read;

use url::Url;

/// Why an HTTP response block cannot be read as a page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The block does not start with `HTTP/`.
    #[error("has no status line (it starts `{0}`)")]
    NoStatusLine(String),
    /// The status line's code is not three digits.
    #[error("has the status line `{0}`, whose code is not a number")]
    BadStatusLine(String),
    /// The headers never end (or run past the limit).
    #[error("has headers without the blank line that ends them")]
    HeadersNotEnded,
    /// The chunked body is broken.
    #[error("has a broken chunked body: {0}")]
    BadChunked(String),
    /// A content coding this reader does not decode.
    #[error("uses the content coding `{0}`, which cablestrip does not decode")]
    UnknownCoding(String),
    /// A coded body does not decode.
    #[error("has a {coding} body that does not decode: {problem}")]
    BadCoding {
        /// The coding.
        coding: String,
        /// What the decoder said.
        problem: String,
    },
    /// The decoded body is over the limit.
    #[error("has a body over {limit} bytes once decoded (the crawler's limit too)")]
    BodyTooLarge {
        /// The limit.
        limit: u64,
    },
}

/// An HTTP response head, and where its body starts in the block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpHead {
    /// The status code.
    pub status: u16,
    /// The reason phrase, possibly empty.
    pub reason: String,
    /// The header fields in order (values of folded lines joined by a space).
    pub headers: Vec<(String, String)>,
    /// The offset of the body in the block.
    pub body_start: usize,
}

impl HttpHead {
    /// The first header of that name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }
}

/// The first header of that name (case-insensitive).
pub fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Parses the status line and headers of an HTTP response block. Lines may end in
/// `\r\n` or a bare `\n`, as some servers send them.
pub fn parse_response_head(block: &[u8]) -> Result<HttpHead, HttpError> {
    if !block.starts_with(b"HTTP/") {
        let shown = &block[..block.len().min(24)];
        return Err(HttpError::NoStatusLine(shown.escape_ascii().to_string()));
    }
    let mut pos = 0;
    let status_line = next_line(block, &mut pos).ok_or(HttpError::HeadersNotEnded)?;
    let status_text = String::from_utf8_lossy(status_line).into_owned();
    let mut parts = status_text.splitn(3, ' ');
    let _version = parts.next();
    let code = parts.next().unwrap_or("");
    let status = code
        .parse::<u16>()
        .ok()
        .filter(|c| (100..=999).contains(c) && code.len() == 3)
        .ok_or_else(|| HttpError::BadStatusLine(status_text.clone()))?;
    let reason = parts.next().unwrap_or("").trim().to_string();
    let mut headers: Vec<(String, String)> = Vec::new();
    loop {
        let line = next_line(block, &mut pos).ok_or(HttpError::HeadersNotEnded)?;
        if line.is_empty() {
            break;
        }
        if line[0] == b' ' || line[0] == b'\t' {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(header_text(line).trim());
            }
            continue;
        }
        // A line without a colon is dropped, as browsers drop it.
        if let Some(colon) = memchr::memchr(b':', line) {
            let name = header_text(&line[..colon]).trim().to_string();
            let value = header_text(&line[colon + 1..]).trim().to_string();
            headers.push((name, value));
        }
    }
    Ok(HttpHead {
        status,
        reason,
        headers,
        body_start: pos,
    })
}

/// The line at `pos` without its line end, moving `pos` past it; `None` when no line
/// end follows.
fn next_line<'a>(block: &'a [u8], pos: &mut usize) -> Option<&'a [u8]> {
    let rest = &block[*pos..];
    let end = memchr::memchr(b'\n', rest)?;
    *pos += end + 1;
    let line = &rest[..end];
    Some(line.strip_suffix(b"\r").unwrap_or(line))
}

/// Header bytes as text: UTF-8 when they are, else ISO 8859-1 (HTTP's historic charset),
/// so that no byte is lost.
fn header_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
    }
}

/// The body of a response as the page was meant: `raw` (the bytes after the head) with
/// the chunked transfer coding and then each content coding removed, at most `limit`
/// bytes. A body whose Transfer-Encoding says chunked but whose first line is no chunk
/// size is taken as already unchunked, as some archiving tools store it so.
pub fn decode_body(
    headers: &[(String, String)],
    raw: &[u8],
    limit: u64,
) -> Result<Vec<u8>, HttpError> {
    let chunked = header(headers, "Transfer-Encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let mut body = if chunked && starts_with_chunk_size(raw) {
        dechunk(raw, limit)?
    } else {
        raw.to_vec()
    };
    let codings: Vec<String> = headers
        .iter()
        .filter(|(n, _)| n.eq_ignore_ascii_case("Content-Encoding"))
        .flat_map(|(_, v)| v.split(','))
        .map(|c| c.trim().to_ascii_lowercase())
        .filter(|c| !c.is_empty() && c != "identity")
        .collect();
    // Codings are listed in the order they were applied: undo them from the last.
    for coding in codings.iter().rev() {
        body = decode_coding(coding, &body, limit)?;
    }
    if body.len() as u64 > limit {
        return Err(HttpError::BodyTooLarge { limit });
    }
    Ok(body)
}

fn starts_with_chunk_size(raw: &[u8]) -> bool {
    let size_end = raw
        .iter()
        .position(|b| !b.is_ascii_hexdigit())
        .unwrap_or(raw.len());
    size_end > 0 && matches!(raw.get(size_end), Some(b'\r' | b'\n' | b';' | b' ' | b'\t'))
}

/// Removes the chunked transfer coding (RFC 9112 section 7.1); trailer fields are dropped.
fn dechunk(raw: &[u8], limit: u64) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::with_capacity(raw.len());
    let mut pos = 0;
    loop {
        let at = pos;
        let line = next_line(raw, &mut pos)
            .ok_or_else(|| HttpError::BadChunked(format!("no chunk size line at byte {at}")))?;
        let size_text = line.split(|&b| b == b';').next().unwrap_or(b"");
        let size_text = String::from_utf8_lossy(size_text);
        let size = u64::from_str_radix(size_text.trim(), 16).map_err(|_| {
            HttpError::BadChunked(format!("`{}` is not a chunk size", size_text.trim()))
        })?;
        if size == 0 {
            return Ok(out);
        }
        if out.len() as u64 + size > limit {
            return Err(HttpError::BodyTooLarge { limit });
        }
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        let end = pos
            .checked_add(size)
            .filter(|&end| end <= raw.len())
            .ok_or_else(|| {
                HttpError::BadChunked(format!(
                    "a chunk of {size} bytes at byte {pos} runs past the end of the body"
                ))
            })?;
        out.extend_from_slice(&raw[pos..end]);
        pos = end;
        let after = &raw[pos..];
        pos += if after.starts_with(b"\r\n") {
            2
        } else if after.starts_with(b"\n") {
            1
        } else if after.is_empty() {
            return Err(HttpError::BadChunked(
                "the body ends without its last (zero-size) chunk".to_string(),
            ));
        } else {
            return Err(HttpError::BadChunked(format!(
                "no line end after the chunk ending at byte {pos}"
            )));
        };
    }
}

fn decode_coding(coding: &str, body: &[u8], limit: u64) -> Result<Vec<u8>, HttpError> {
    match coding {
        "gzip" | "x-gzip" => read_limited(flate2::read::MultiGzDecoder::new(body), coding, limit),
        "deflate" => {
            // `deflate` means zlib-wrapped; some servers send raw deflate: both are read.
            read_limited(flate2::read::ZlibDecoder::new(body), coding, limit).or_else(|e| match e {
                HttpError::BodyTooLarge { .. } => Err(e),
                _ => read_limited(flate2::read::DeflateDecoder::new(body), coding, limit),
            })
        }
        "br" => read_limited(
            brotli_decompressor::Decompressor::new(body, 64 * 1024),
            coding,
            limit,
        ),
        other => Err(HttpError::UnknownCoding(other.to_string())),
    }
}

fn read_limited<R: Read>(decoder: R, coding: &str, limit: u64) -> Result<Vec<u8>, HttpError> {
    let mut out = Vec::new();
    decoder
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|e| HttpError::BadCoding {
            coding: coding.to_string(),
            problem: e.to_string(),
        })?;
    if out.len() as u64 > limit {
        return Err(HttpError::BodyTooLarge { limit });
    }
    Ok(out)
}

/// The reason phrase of the common status codes (RFC 9110), for heads cablestrip writes.
pub fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        202 => "Accepted",
        203 => "Non-Authoritative Information",
        204 => "No Content",
        206 => "Partial Content",
        300 => "Multiple Choices",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}

/// The headers that describe how a body was framed or coded on the wire. cablestrip
/// keeps bodies decoded, so a head it writes must not claim them: they are written as
/// `X-Archive-Orig-…` instead, the name replay tools give a header they had to change.
const WIRE_HEADERS: [&str; 3] = ["Content-Encoding", "Transfer-Encoding", "Content-Length"];

/// An HTTP/1.1 response head for a decoded body of `content_length` bytes: status line,
/// the given headers (Content-Encoding, Transfer-Encoding and Content-Length renamed
/// `X-Archive-Orig-…`, as the body is decoded), then the exact
/// Content-Length (none for a head without its body, as a revisit's).
pub fn response_head(
    status: u16,
    reason: Option<&str>,
    headers: &[(String, String)],
    content_length: Option<usize>,
) -> Vec<u8> {
    let reason = reason.unwrap_or_else(|| reason_phrase(status));
    let mut head = Vec::with_capacity(256);
    head.extend_from_slice(
        format!("HTTP/1.1 {status:03} {reason}")
            .trim_end()
            .as_bytes(),
    );
    head.extend_from_slice(b"\r\n");
    for (name, value) in headers {
        let wire = WIRE_HEADERS.iter().any(|w| w.eq_ignore_ascii_case(name));
        if wire {
            head.extend_from_slice(b"X-Archive-Orig-");
        }
        push_field(&mut head, name, value);
    }
    if let Some(length) = content_length {
        push_field(&mut head, "Content-Length", &length.to_string());
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// An HTTP/1.1 request head for `url`: request line, Host (unless given), the headers.
pub fn request_head(method: &str, url: &Url, headers: &[(String, String)]) -> Vec<u8> {
    let mut target = url.path().to_string();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let mut head = Vec::with_capacity(256);
    head.extend_from_slice(format!("{method} {target} HTTP/1.1\r\n").as_bytes());
    if header(headers, "Host").is_none()
        && let Some(host) = url.host_str()
    {
        let host = match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_string(),
        };
        push_field(&mut head, "Host", &host);
    }
    for (name, value) in headers {
        push_field(&mut head, name, value);
    }
    head.extend_from_slice(b"\r\n");
    head
}

/// `Name: value\r\n`, with any line break in the value (which would end the head early)
/// turned into a space.
fn push_field(head: &mut Vec<u8>, name: &str, value: &str) {
    head.extend_from_slice(name.trim().as_bytes());
    head.extend_from_slice(b": ");
    head.extend(
        value
            .bytes()
            .map(|b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    head.extend_from_slice(b"\r\n");
}

#[cfg(test)]
mod tests;
