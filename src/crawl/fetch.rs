//! Fetching one page: a single reqwest client, every request paced by the host pool,
//! conditional GET, manual redirects checked against the crawl's scope, retries with
//! backoff, and a streaming size cap. The result is a typed [`FetchOutcome`], and, when
//! asked, every other response received on the way ([`Received`]).

use std::sync::Arc;
use std::time::SystemTime;

use reqwest::header::{self, HeaderMap, HeaderValue};

use super::config::FetchConfig;
use super::error::ConfigError;
use super::host::{Host, HostPool, Throttle, parse_retry_after};
use super::outcome::{FailureKind, FetchOutcome, classify, classify_body};
use super::robots::{self, ROBOTS_MAX_BYTES, RobotsPolicy, RobotsUnreachable};
use super::transcript::{Received, header_list, header_text, now};
use crate::clean::complete;
use crate::model::{Page, PageUrl};
use crate::rules::RuleSet;

/// The Accept header of every request.
pub(super) const ACCEPT: &str = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5";

/// The Accept-Encoding header reqwest adds to every request, for the codings its features
/// decode (gzip, deflate, br); the crawl's WARC request records state it.
pub(super) const ACCEPT_ENCODING: &str = "gzip,deflate,br";

/// One page to fetch, with the validators of the copy already stored, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchRequest {
    /// The canonical URL to fetch.
    pub url: PageUrl,
    /// The stored copy's ETag, sent as `If-None-Match`.
    pub etag: Option<String>,
    /// The stored copy's Last-Modified, sent as `If-Modified-Since`.
    pub last_modified: Option<String>,
}

impl FetchRequest {
    /// An unconditional fetch of `url`.
    pub fn new(url: PageUrl) -> FetchRequest {
        FetchRequest {
            url,
            etag: None,
            last_modified: None,
        }
    }

    /// A conditional fetch: the server may answer 304 if the stored copy is current.
    pub fn conditional(url: PageUrl, etag: Option<String>, last_modified: Option<String>) -> Self {
        FetchRequest {
            url,
            etag,
            last_modified,
        }
    }
}

/// How to treat a body past the cap: pages are refused, robots.txt is cut.
#[derive(Debug, Clone, Copy)]
enum BodyLimit {
    Refuse(u64),
    Truncate(u64),
}

impl BodyLimit {
    /// Whether the body is a page (robots.txt is cut, pages are refused).
    fn is_page(self) -> bool {
        matches!(self, BodyLimit::Refuse(_))
    }
}

/// Whether a response's Content-Type says HTML, or says nothing.
fn is_html(headers: &HeaderMap) -> bool {
    header_text(headers, header::CONTENT_TYPE)
        .is_none_or(|t| t.to_ascii_lowercase().contains("html") || t.trim().is_empty())
}

/// The end of one request.
#[derive(Debug)]
enum Exchange {
    /// The server answered. The body is read for 2xx, and for the others only when the
    /// fetch keeps what it received (cut at the cap, or where it broke off, then: see
    /// [`Received::truncated`]).
    Reply {
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
        truncated: Option<&'static str>,
    },
    TooLarge,
    Failed(FailureKind),
}

/// The crawler's HTTP client: one per crawl, shared by every task (`Arc<Fetcher>`).
///
/// A crawl loop drives it like this: take a URL from the frontier, look up the stored
/// ETag / Last-Modified, call [`Fetcher::fetch`] with a scope predicate built on
/// [`super::scope::in_scope`], and spawn as many fetches as it likes: each waits its turn
/// in its host's pool, so per-host rate, concurrency, robots.txt and backoff hold however
/// many tasks run. On `Fetched`, store the page and feed [`super::scope::extract_links`]
/// back to the frontier; every other outcome is a record for the report, by
/// [`FetchOutcome::label`], [`FailureKind`] and host.
#[derive(Debug)]
pub struct Fetcher {
    client: reqwest::Client,
    hosts: HostPool,
    config: FetchConfig,
    robots_token: String,
}

impl Fetcher {
    /// Builds the client and an empty host pool. `rules` give each host its rate and
    /// concurrency unless `config.politeness` overrides them.
    pub fn new(rules: Arc<RuleSet>, config: FetchConfig) -> Result<Fetcher, ConfigError> {
        config.validate()?;
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.as_str())
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .timeout(config.request_timeout)
            // Every hop is checked against the scope and the host's politeness.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|source| ConfigError::Client { source })?;
        Ok(Fetcher {
            client,
            hosts: HostPool::new(rules, config.politeness.clone())?,
            robots_token: robots::agent_token(&config.user_agent).to_string(),
            config,
        })
    }

    /// The per-host state, e.g. to report on hosts that are paused.
    pub fn hosts(&self) -> &HostPool {
        &self.hosts
    }

    /// The settings in force.
    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// Fetches `request.url`, following redirects that `in_scope` accepts.
    ///
    /// Every request, robots.txt included, waits its turn in the host pool. The stored
    /// validators are sent on the first request only: they describe that URL's copy, not
    /// a redirect target's.
    pub async fn fetch(
        &self,
        request: &FetchRequest,
        in_scope: &(dyn Fn(&PageUrl) -> bool + Sync),
    ) -> FetchOutcome {
        self.fetch_from(request, in_scope, None).await
    }

    /// [`Fetcher::fetch`], also giving every response received on the way that the
    /// outcome does not carry, in the order received: each redirect hop, each answer
    /// retried (a 503, a page cut short), and the error page a failed or gone outcome
    /// came from, with their bodies (error bodies are read then, up to the body cap).
    /// The page of `Fetched` and the 304 of `NotModified` are not repeated in it;
    /// robots.txt is the host pool's and is not in it either. A request that got no
    /// response leaves nothing: a connection refused or a timeout before the status has
    /// no response to keep, nor has a 2xx page whose body broke off or outgrew the cap
    /// (its outcome says so). An error page's body that broke off or outgrew the cap is
    /// kept as far as it came, with [`Received::truncated`] saying why.
    pub async fn fetch_recorded(
        &self,
        request: &FetchRequest,
        in_scope: &(dyn Fn(&PageUrl) -> bool + Sync),
    ) -> (FetchOutcome, Vec<Received>) {
        let mut received = Vec::new();
        let outcome = self
            .fetch_from(request, in_scope, Some(&mut received))
            .await;
        (outcome, received)
    }

    async fn fetch_from(
        &self,
        request: &FetchRequest,
        in_scope: &(dyn Fn(&PageUrl) -> bool + Sync),
        mut received: Option<&mut Vec<Received>>,
    ) -> FetchOutcome {
        let mut url = request.url.clone();
        let mut visited = vec![url.clone()];
        let mut redirects = 0;
        loop {
            let Some(host) = self.hosts.host(&url) else {
                return FetchOutcome::Failed {
                    kind: FailureKind::BadUrl,
                    attempts: 0,
                };
            };
            let robots = host.robots(|| self.load_robots(&host, &url)).await;
            if !robots.allows(&url) {
                return match robots {
                    RobotsPolicy::Unreachable { kind, .. } => {
                        FetchOutcome::RobotsUnreachable { kind: *kind }
                    }
                    _ => FetchOutcome::RobotsDenied { url },
                };
            }
            let headers = if redirects == 0 {
                conditional_headers(request)
            } else {
                HeaderMap::new()
            };
            let limit = self.config.max_body_bytes;
            let (exchange, attempts) = self
                .exchange(
                    &host,
                    &url,
                    &headers,
                    BodyLimit::Refuse(limit),
                    received.as_deref_mut(),
                )
                .await;
            let sent = headers;
            let (status, headers, mut body, truncated) = match exchange {
                Exchange::Reply {
                    status,
                    headers,
                    body,
                    truncated,
                } => (status, headers, body, truncated),
                Exchange::TooLarge => return FetchOutcome::TooLarge { limit },
                Exchange::Failed(kind) => return FetchOutcome::Failed { kind, attempts },
            };
            let is_page = (200..=299).contains(&status)
                || (status == 304 && validators_sent(redirects, request));
            if !is_page && let Some(received) = received.as_deref_mut() {
                received.push(Received {
                    url: url.clone(),
                    date: now(),
                    sent: header_list(&sent),
                    status,
                    headers: header_list(&headers),
                    body: std::mem::take(&mut body),
                    truncated,
                });
            }
            match status {
                200..=299 => {
                    tracing::debug!(%url, status, bytes = body.len(), "fetched");
                    return FetchOutcome::Fetched {
                        etag: header_text(&headers, header::ETAG),
                        last_modified: header_text(&headers, header::LAST_MODIFIED),
                        headers: header_list(&headers),
                        page: Page {
                            url,
                            status,
                            content_type: header_text(&headers, header::CONTENT_TYPE),
                            body,
                        },
                    };
                }
                // A 304 to a request without validators is a server bug: there is no
                // stored copy for it to refer to.
                304 if validators_sent(redirects, request) => {
                    return FetchOutcome::NotModified {
                        headers: header_list(&headers),
                    };
                }
                301 | 302 | 303 | 307 | 308 => {
                    let Some(next) = header_text(&headers, header::LOCATION)
                        .and_then(|location| url.join(&location))
                    else {
                        return FetchOutcome::Failed {
                            kind: FailureKind::BadRedirect,
                            attempts,
                        };
                    };
                    if visited.contains(&next) {
                        return FetchOutcome::RedirectLoop { to: next };
                    }
                    if redirects >= self.config.max_redirects {
                        return FetchOutcome::TooManyRedirects {
                            limit: self.config.max_redirects,
                        };
                    }
                    if !in_scope(&next) {
                        return FetchOutcome::RedirectOutOfScope { to: next };
                    }
                    tracing::debug!(from = %url, to = %next, "following redirect");
                    redirects += 1;
                    visited.push(next.clone());
                    url = next;
                }
                404 | 410 => return FetchOutcome::Gone { status },
                _ => {
                    return FetchOutcome::Failed {
                        kind: FailureKind::Status(status),
                        attempts,
                    };
                }
            }
        }
    }

    /// Sends one request to `host`, again while the server pushes back (429, 5xx,
    /// timeouts, broken connections) and attempts remain. Every push-back pauses the host.
    /// The answers retried go to `received`, when given; the last is the caller's.
    async fn exchange(
        &self,
        host: &Host,
        url: &PageUrl,
        headers: &HeaderMap,
        limit: BodyLimit,
        mut received: Option<&mut Vec<Received>>,
    ) -> (Exchange, u32) {
        let mut attempts = 0;
        loop {
            attempts += 1;
            let exchange = {
                let _permit = host.acquire().await;
                self.send_once(url, headers, limit, received.is_some())
                    .await
            };
            let throttle = match &exchange {
                Exchange::Reply {
                    status, headers, ..
                } if *status == 429 || *status == 503 => {
                    let retry_after = header_text(headers, header::RETRY_AFTER)
                        .and_then(|value| parse_retry_after(&value, SystemTime::now()));
                    Some((Throttle::Status(*status), retry_after))
                }
                Exchange::Reply { status, .. } if (500..600).contains(status) => {
                    Some((Throttle::Status(*status), None))
                }
                // A page cut short is asked for again; the last try's page is kept all the
                // same, and cleaning marks its cable suspect.
                Exchange::Reply {
                    status: 200..=299,
                    headers,
                    body,
                    ..
                } if limit.is_page()
                    && is_html(headers)
                    && !complete::ends_whole(body)
                    && attempts < self.config.max_attempts =>
                {
                    tracing::info!(%url, bytes = body.len(), attempts, "page cut short before its </html>; will retry");
                    Some((Throttle::Connection, None))
                }
                Exchange::Failed(FailureKind::Timeout) => Some((Throttle::Timeout, None)),
                Exchange::Failed(kind) if kind.is_transient() => Some((Throttle::Connection, None)),
                Exchange::Failed(_) => return (exchange, attempts),
                Exchange::Reply { .. } | Exchange::TooLarge => {
                    host.record_success();
                    return (exchange, attempts);
                }
            };
            if let Some((why, retry_after)) = throttle {
                host.record_throttle(why, retry_after);
                if attempts >= self.config.max_attempts {
                    tracing::warn!(%url, %why, attempts, "giving up");
                    return (exchange, attempts);
                }
                tracing::info!(%url, %why, attempts, "will retry");
                if let (
                    Some(received),
                    Exchange::Reply {
                        status,
                        headers: answer,
                        body,
                        truncated,
                    },
                ) = (received.as_deref_mut(), exchange)
                {
                    received.push(Received {
                        url: url.clone(),
                        date: now(),
                        sent: header_list(headers),
                        status,
                        headers: header_list(&answer),
                        body,
                        truncated,
                    });
                }
            }
        }
    }

    /// One request. The body of a status other than 2xx is read only when `read_errors`
    /// says (cut at the cap, never refused: the status, not the body, is the outcome).
    async fn send_once(
        &self,
        url: &PageUrl,
        headers: &HeaderMap,
        limit: BodyLimit,
        read_errors: bool,
    ) -> Exchange {
        let mut response = match self
            .client
            .get(url.as_url().clone())
            .header(header::ACCEPT, ACCEPT)
            .headers(headers.clone())
            .send()
            .await
        {
            Ok(response) => response,
            Err(error) => {
                tracing::debug!(%url, %error, "request failed");
                return Exchange::Failed(classify(&error));
            }
        };
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let success = response.status().is_success();
        if !success && !read_errors {
            // Error pages and redirects are not kept: drop the body unread.
            return Exchange::Reply {
                status,
                headers,
                body: Vec::new(),
                truncated: None,
            };
        }
        let (cap, refuse) = match limit {
            BodyLimit::Refuse(cap) => (cap, success),
            BodyLimit::Truncate(cap) => (cap, false),
        };
        // Known only when the body is not compressed; a compressed body is counted as
        // it decodes, below.
        let declared = response.content_length();
        if refuse && declared.is_some_and(|len| len > cap) {
            tracing::info!(%url, ?declared, cap, "body larger than the cap; not read");
            return Exchange::TooLarge;
        }
        let cap = usize::try_from(cap).unwrap_or(usize::MAX);
        let expected = declared.map_or(0, |len| usize::try_from(len).unwrap_or(usize::MAX));
        let mut body = Vec::with_capacity(expected.min(cap).min(1 << 20));
        let mut truncated = None;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    let room = cap - body.len();
                    if chunk.len() > room {
                        if refuse {
                            tracing::info!(%url, cap, "body grew past the cap; dropped");
                            return Exchange::TooLarge;
                        }
                        body.extend_from_slice(&chunk[..room]);
                        truncated = Some("length");
                        break;
                    }
                    body.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // An error page's status is its outcome: what came of its body is kept.
                Err(error) if !success => {
                    tracing::debug!(%url, %error, "error page's body broke off");
                    truncated = Some(if error.is_timeout() {
                        "time"
                    } else {
                        "disconnect"
                    });
                    break;
                }
                Err(error) => {
                    tracing::debug!(%url, %error, "body read failed");
                    return Exchange::Failed(classify_body(&error));
                }
            }
        }
        Exchange::Reply {
            status,
            headers,
            body,
            truncated,
        }
    }

    /// Fetches and reads `page_url`'s host's robots.txt (see [`super::robots`] for what
    /// each answer means). Redirects are followed on the same host only.
    async fn load_robots(&self, host: &Host, page_url: &PageUrl) -> RobotsPolicy {
        let Some(mut url) = robots::robots_url(page_url) else {
            return RobotsPolicy::AllowAll;
        };
        for _ in 0..=self.config.max_redirects {
            let (exchange, _) = self
                .exchange(
                    host,
                    &url,
                    &HeaderMap::new(),
                    BodyLimit::Truncate(ROBOTS_MAX_BYTES),
                    None,
                )
                .await;
            let kind = match exchange {
                Exchange::Reply {
                    status: 200..=299,
                    body,
                    ..
                } => {
                    tracing::debug!(host = %host.key(), bytes = body.len(), "robots.txt read");
                    return RobotsPolicy::from_body(&self.robots_token, &body, &url);
                }
                Exchange::Reply {
                    status: 301 | 302 | 303 | 307 | 308,
                    headers,
                    ..
                } => {
                    let next = header_text(&headers, header::LOCATION)
                        .and_then(|location| url.join(&location))
                        .filter(|next| next.host() == *host.key());
                    match next {
                        Some(next) => {
                            url = next;
                            continue;
                        }
                        None => break,
                    }
                }
                Exchange::Reply { status, .. } if status == 429 || status >= 500 => {
                    FailureKind::Status(status)
                }
                Exchange::Failed(kind) => kind,
                Exchange::Reply { status, .. } => {
                    tracing::debug!(host = %host.key(), status, "no robots.txt; everything allowed");
                    return RobotsPolicy::AllowAll;
                }
                Exchange::TooLarge => break,
            };
            let allow = self.config.robots_unreachable == RobotsUnreachable::Allow;
            tracing::warn!(
                host = %host.key(), %kind, allow,
                "robots.txt unreachable; {}",
                if allow { "fetching anyway, as configured" } else { "fetching nothing from this host this run" }
            );
            return RobotsPolicy::Unreachable { kind, allow };
        }
        tracing::info!(host = %host.key(), "robots.txt redirects off the host or too often; treating it as absent");
        RobotsPolicy::AllowAll
    }
}

/// Whether the request for this hop carried the stored validators.
fn validators_sent(redirects: u32, request: &FetchRequest) -> bool {
    redirects == 0 && !conditional_headers(request).is_empty()
}

fn conditional_headers(request: &FetchRequest) -> HeaderMap {
    let mut headers = HeaderMap::new();
    let pairs = [
        (header::IF_NONE_MATCH, &request.etag),
        (header::IF_MODIFIED_SINCE, &request.last_modified),
    ];
    for (name, value) in pairs {
        let Some(value) = value else { continue };
        match HeaderValue::from_str(value) {
            Ok(value) => {
                headers.insert(name, value);
            }
            Err(_) => {
                tracing::debug!(url = %request.url, %name, value, "stored validator is not a valid header value; not sent");
            }
        }
    }
    headers
}
