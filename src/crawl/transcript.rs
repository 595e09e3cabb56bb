//! What a fetch received on its way to its outcome: every HTTP response that the outcome
//! does not carry (each redirect hop, each error page, each answer retried), kept in the
//! order received so that `crawl --warc` archives every response, not only the last.

use jiff::Timestamp;
use reqwest::header::{self, HeaderMap};

use crate::model::PageUrl;

/// One HTTP response received, with what was asked for it.
///
/// Only answers are received: a connection refused, a timeout or a body that broke off
/// has no whole response, so it leaves nothing here (and no record in the archive).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Received {
    /// The URL asked for: the hop's own, not the page's final one.
    pub url: PageUrl,
    /// When the response came, to the microsecond.
    pub date: Timestamp,
    /// The request headers sent besides the client's own (the conditional ones), in order.
    pub sent: Vec<(String, String)>,
    /// The HTTP status.
    pub status: u16,
    /// Every response header, as [`header_list`] gives them.
    pub headers: Vec<(String, String)>,
    /// The body, decoded, up to the fetcher's body cap.
    pub body: Vec<u8>,
    /// Why the body is not whole, in the words of WARC's `WARC-Truncated`: `length` when
    /// it went on past the body cap and was cut there, `disconnect` or `time` when it
    /// broke off or took too long (the status still came, so the response counts).
    pub truncated: Option<&'static str>,
}

/// Now, to the microsecond: the finest a WARC-Date keeps, so that a page's stored fetch
/// time and its archived record's date are one and the same.
pub(super) fn now() -> Timestamp {
    let now = Timestamp::now();
    let micros = now.as_microsecond();
    Timestamp::from_microsecond(micros).unwrap_or(now)
}

/// Every header of a response, in order, its name title-cased, as text (bytes that are not
/// UTF-8 read as ISO 8859-1, HTTP's historic charset, so that none is lost).
pub(super) fn header_list(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let bytes = value.as_bytes();
            let text = match std::str::from_utf8(bytes) {
                Ok(text) => text.to_string(),
                Err(_) => bytes.iter().map(|&b| char::from(b)).collect(),
            };
            (title_case(name.as_str()), text)
        })
        .collect()
}

/// A header name as HTTP/1.1 servers usually spell it (`content-type` → `Content-Type`):
/// the client gives names in lower case, and names are case-insensitive.
fn title_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = true;
    for c in name.chars() {
        out.push(if upper { c.to_ascii_uppercase() } else { c });
        upper = c == '-';
    }
    out
}

/// The trimmed text of one header, if present.
pub(super) fn header_text(headers: &HeaderMap, name: header::HeaderName) -> Option<String> {
    let value = headers.get(name)?;
    Some(String::from_utf8_lossy(value.as_bytes()).trim().to_string())
}
