//! Every way a fetch can end, named once: the outcomes the fetcher returns, the failures
//! inside them, the short stable names the store records and the summary counts, the words
//! a user reads, which failures may pass by the next run, and which kind a reqwest error
//! is. Fetch, robots, record and summary all take their names from here.

use std::fmt;

use crate::model::{Page, PageUrl};
use crate::pipeline::NOT_ON_SITE;

/// Why a request failed, for reports grouped by kind and host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailureKind {
    /// The connection, a read, or the whole request took too long.
    Timeout,
    /// The host's name did not resolve.
    Dns,
    /// The host refused the connection: nothing listens on that port.
    Refused,
    /// The TLS handshake failed (a certificate, a protocol).
    Tls,
    /// The connection failed or broke before the response head, for another reason.
    Connect,
    /// The server answered with a status the crawler does not accept (after retries for
    /// 429 and 5xx).
    Status(u16),
    /// The body broke off part way: the connection closed or reset before the whole body
    /// came.
    Body,
    /// The body came whole by the transfer's own measure, but the page ends before its
    /// `</html>`: cut short (a Content-Length that lied, a server that stopped early).
    CutShort,
    /// The body's Content-Encoding did not decode.
    Decode,
    /// A redirect without a usable `Location`.
    BadRedirect,
    /// The URL has no host to fetch from.
    BadUrl,
    /// reqwest refused to build the request.
    Request,
}

impl FailureKind {
    /// Whether trying again later could help.
    pub fn is_transient(self) -> bool {
        match self {
            FailureKind::Timeout
            | FailureKind::Dns
            | FailureKind::Refused
            | FailureKind::Tls
            | FailureKind::Connect
            | FailureKind::Body
            | FailureKind::CutShort => true,
            FailureKind::Status(status) => status == 429 || (500..600).contains(&status),
            _ => false,
        }
    }

    /// The short, stable name recorded and reported: `timeout`, `connect`, `http-503`, …
    pub fn name(self) -> String {
        match self {
            FailureKind::Status(status) => format!("http-{status}"),
            other => other.fixed_name().to_string(),
        }
    }

    /// The kind a recorded name stands for, if it names one.
    pub fn from_name(name: &str) -> Option<FailureKind> {
        if let Some(status) = name.strip_prefix("http-") {
            return status.parse().ok().map(FailureKind::Status);
        }
        [
            FailureKind::Timeout,
            FailureKind::Dns,
            FailureKind::Refused,
            FailureKind::Tls,
            FailureKind::Connect,
            FailureKind::Body,
            FailureKind::CutShort,
            FailureKind::Decode,
            FailureKind::BadRedirect,
            FailureKind::BadUrl,
            FailureKind::Request,
        ]
        .into_iter()
        .find(|kind| kind.fixed_name() == name)
    }

    fn fixed_name(self) -> &'static str {
        match self {
            FailureKind::Timeout => "timeout",
            FailureKind::Dns => "dns",
            FailureKind::Refused => "refused",
            FailureKind::Tls => "tls",
            FailureKind::Connect => "connect",
            FailureKind::Status(_) => "http",
            FailureKind::Body => "body",
            FailureKind::CutShort => "cut-short",
            FailureKind::Decode => "decode",
            FailureKind::BadRedirect => "bad-redirect",
            FailureKind::BadUrl => "bad-url",
            FailureKind::Request => "request",
        }
    }
}

impl fmt::Display for FailureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureKind::Timeout => f.write_str("timeout"),
            FailureKind::Dns => f.write_str("the host name did not resolve (DNS)"),
            FailureKind::Refused => f.write_str("connection refused"),
            FailureKind::Tls => f.write_str("TLS handshake failed"),
            FailureKind::Connect => f.write_str("connection failed"),
            FailureKind::Status(status) => write!(f, "HTTP {status}"),
            FailureKind::Body => f.write_str("body broke off"),
            FailureKind::CutShort => f.write_str("page cut short before its </html>"),
            FailureKind::Decode => f.write_str("body did not decode"),
            FailureKind::BadRedirect => f.write_str("redirect without a usable Location"),
            FailureKind::BadUrl => f.write_str("URL without a host"),
            FailureKind::Request => f.write_str("request could not be built"),
        }
    }
}

/// What became of one fetch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    /// A 2xx page; `page.url` is where it was found, after redirects.
    Fetched {
        /// The page.
        page: Page,
        /// Its ETag, to store for the next conditional GET.
        etag: Option<String>,
        /// Its Last-Modified, to store for the next conditional GET.
        last_modified: Option<String>,
        /// Every response header, in order, as reqwest gave them (a body it decoded has
        /// lost its Content-Encoding and Content-Length).
        headers: Vec<(String, String)>,
    },
    /// 304: the stored copy is current.
    NotModified {
        /// The 304's headers, in order.
        headers: Vec<(String, String)>,
    },
    /// 404 or 410: the page is no longer there.
    Gone {
        /// Which of the two.
        status: u16,
    },
    /// The body was larger than the cap and was dropped unread past it.
    TooLarge {
        /// The cap, in bytes.
        limit: u64,
    },
    /// robots.txt forbids this URL (the original or a redirect target).
    RobotsDenied {
        /// The forbidden URL.
        url: PageUrl,
    },
    /// The host's robots.txt could not be read, so the host is off limits this run.
    RobotsUnreachable {
        /// Why robots.txt could not be read.
        kind: FailureKind,
    },
    /// A redirect pointed outside the crawl's scope; not followed.
    RedirectOutOfScope {
        /// Where it pointed.
        to: PageUrl,
    },
    /// A redirect pointed back to a URL already visited in this chain; not followed.
    RedirectLoop {
        /// Where it pointed.
        to: PageUrl,
    },
    /// More redirects than the limit.
    TooManyRedirects {
        /// The limit.
        limit: u32,
    },
    /// The fetch failed for good.
    Failed {
        /// Why.
        kind: FailureKind,
        /// Requests sent for the last URL of the chain.
        attempts: u32,
    },
}

/// A fetch that brought no page, as the store records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FailureRecord {
    /// The short, stable name: `gone`, `too-large`, `robots-denied`, `timeout`, `http-500`…
    pub kind: String,
    /// What happened, in words.
    pub message: String,
    /// The HTTP status the server gave, or 0 when it gave none.
    pub status: u16,
}

impl FetchOutcome {
    /// A short, stable name for summaries: `fetched`, `not-modified`, `gone`, …
    pub fn label(&self) -> &'static str {
        match self {
            FetchOutcome::Fetched { .. } => "fetched",
            FetchOutcome::NotModified { .. } => "not-modified",
            FetchOutcome::Gone { .. } => "gone",
            FetchOutcome::TooLarge { .. } => "too-large",
            FetchOutcome::RobotsDenied { .. } => "robots-denied",
            FetchOutcome::RobotsUnreachable { .. } => "robots-unreachable",
            FetchOutcome::RedirectOutOfScope { .. } => "redirect-out-of-scope",
            FetchOutcome::RedirectLoop { .. } => "redirect-loop",
            FetchOutcome::TooManyRedirects { .. } => "too-many-redirects",
            FetchOutcome::Failed { .. } => "failed",
        }
    }

    /// What the store records of an outcome that brought no page; `None` for a page or a
    /// 304. A failed request is recorded under its failure's name (`timeout`, `http-500`),
    /// every other outcome under its label.
    pub fn failure(&self) -> Option<FailureRecord> {
        let record = |message: String, status: u16| {
            Some(FailureRecord {
                kind: self.label().to_string(),
                message,
                status,
            })
        };
        match self {
            FetchOutcome::Fetched { .. } | FetchOutcome::NotModified { .. } => None,
            FetchOutcome::Gone { status } => record(
                format!("HTTP {status}: the page is no longer there"),
                *status,
            ),
            FetchOutcome::TooLarge { limit } => record(
                format!(
                    "the body is larger than the {} cap (decoded size), so it was dropped unread past it",
                    human_bytes(*limit)
                ),
                200,
            ),
            FetchOutcome::RobotsDenied { url } => record(format!("robots.txt forbids {url}"), 0),
            FetchOutcome::RobotsUnreachable { kind } => record(
                format!(
                    "robots.txt could not be read ({kind}), so the host is off limits this run"
                ),
                0,
            ),
            FetchOutcome::RedirectOutOfScope { to } => record(
                format!("redirected to {to}, outside the crawl; not followed"),
                0,
            ),
            FetchOutcome::RedirectLoop { to } => {
                record(format!("redirected in a loop, back to {to}"), 0)
            }
            FetchOutcome::TooManyRedirects { limit } => {
                record(format!("more than {limit} redirects"), 0)
            }
            FetchOutcome::Failed { kind, attempts } => Some(FailureRecord {
                kind: kind.name(),
                message: format!("{kind} after {attempts} attempt(s)"),
                status: match kind {
                    FailureKind::Status(status) => *status,
                    _ => 0,
                },
            }),
        }
    }
}

/// Whether a failure recorded under the name `kind` may pass by the next run: every one
/// but a page that is gone (404, 410). A server back up, a robots.txt that allows again, a
/// redirect or a size that changed, a page no longer cut short: such a page is fetched again
/// on the next run whatever its age. A gone page waits its re-check period, and a cable
/// the site has no page for (a 404 at its `cable_url`, [`NOT_ON_SITE`]) is not asked for
/// again at all (see `shared::is_fresh`).
pub fn may_pass(kind: &str) -> bool {
    kind != "gone" && kind != NOT_ON_SITE
}

fn human_bytes(bytes: u64) -> String {
    const MB: u64 = 1024 * 1024;
    if bytes >= MB && bytes % MB == 0 {
        format!("{} MB", bytes / MB)
    } else {
        format!("{bytes}-byte")
    }
}

/// Why a request failed before its response head, from the error and its causes: a
/// timeout, a name that did not resolve, a refused connection, a TLS failure, or another
/// broken connection.
pub(super) fn classify(error: &reqwest::Error) -> FailureKind {
    if error.is_timeout() {
        return FailureKind::Timeout;
    }
    if error.is_builder() {
        return FailureKind::Request;
    }
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(current) = cause {
        if let Some(io) = current.downcast_ref::<std::io::Error>()
            && io.kind() == std::io::ErrorKind::ConnectionRefused
        {
            return FailureKind::Refused;
        }
        let text = current.to_string().to_ascii_lowercase();
        if text.contains("dns error") || text.contains("failed to lookup address") {
            return FailureKind::Dns;
        }
        if text.contains("certificate") || text.contains("tls") || text.contains("handshake") {
            return FailureKind::Tls;
        }
        cause = current.source();
    }
    FailureKind::Connect
}

/// Why reading a body failed. reqwest reports a body cut off while it was being decoded as
/// a decode error: only a decode error with no broken transfer beneath it is one.
pub(super) fn classify_body(error: &reqwest::Error) -> FailureKind {
    if error.is_timeout() {
        return FailureKind::Timeout;
    }
    let mut cause: Option<&dyn std::error::Error> = Some(error);
    while let Some(current) = cause {
        if current
            .downcast_ref::<reqwest::Error>()
            .is_some_and(reqwest::Error::is_body)
        {
            return FailureKind::Body;
        }
        if let Some(io) = current.downcast_ref::<std::io::Error>()
            && matches!(
                io.kind(),
                std::io::ErrorKind::UnexpectedEof
                    | std::io::ErrorKind::ConnectionReset
                    | std::io::ErrorKind::ConnectionAborted
                    | std::io::ErrorKind::BrokenPipe
            )
        {
            return FailureKind::Body;
        }
        cause = current.source();
    }
    if error.is_decode() {
        FailureKind::Decode
    } else {
        FailureKind::Body
    }
}

#[cfg(test)]
mod tests;
