//! The keys of pages and hosts: a page's canonical URL ([`PageUrl`]) and a host as the
//! crawler, the rules and the store key it ([`HostKey`]). Both normalise themselves when
//! built, so two spellings of one page or host are one key everywhere.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

/// A page's canonical URL: an `http` or `https` URL with a host, without the fragment, user
/// name, password or empty `?` that never name another page; the host lower-cased and a
/// default port dropped (the `url` crate does those two).
///
/// It is the key of a page everywhere: the store's page and cable records, the crawl
/// frontier and its done-set, and the cable record's `url`.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PageUrl(Url);

/// Why a URL cannot name a page.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a page URL: {problem}; give an absolute http or https URL with a host")]
pub struct BadPageUrl {
    /// The rejected URL, as given.
    pub value: String,
    /// What is wrong with it.
    pub problem: String,
}

impl PageUrl {
    /// Canonicalises `url`, or says why it cannot name a page.
    pub fn new(mut url: Url) -> Result<PageUrl, BadPageUrl> {
        let bad = |url: &Url, problem: &str| BadPageUrl {
            value: url.to_string(),
            problem: problem.to_string(),
        };
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad(&url, "only http and https pages can be fetched"));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(bad(&url, "it has no host"));
        }
        url.set_fragment(None);
        if url.query() == Some("") {
            url.set_query(None);
        }
        // Neither can fail on an http(s) URL with a host, which was checked above.
        let _ = url.set_username("");
        let _ = url.set_password(None);
        Ok(PageUrl(url))
    }

    /// Parses and canonicalises an absolute URL.
    pub fn parse(text: &str) -> Result<PageUrl, BadPageUrl> {
        let url = Url::parse(text.trim()).map_err(|error| BadPageUrl {
            value: text.to_string(),
            problem: error.to_string(),
        })?;
        PageUrl::new(url)
    }

    /// Resolves `href`, as found on this page, into the page it names; `None` when it names
    /// no http(s) page (`mailto:`, `javascript:`, a broken `href`).
    pub fn join(&self, href: &str) -> Option<PageUrl> {
        PageUrl::new(self.0.join(href.trim()).ok()?).ok()
    }

    /// The URL.
    pub fn as_url(&self) -> &Url {
        &self.0
    }

    /// The URL as text: the page's key.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The page's host.
    pub fn host(&self) -> HostKey {
        // A PageUrl always has a host: `new` refuses any URL without one.
        HostKey::of(&self.0).unwrap_or_else(|| HostKey(String::new()))
    }

    /// The path, without the query.
    pub fn path(&self) -> &str {
        self.0.path()
    }

    /// The path, with `?query` when there is one: what a rule's `[urls]` patterns match.
    pub fn path_and_query(&self) -> String {
        match self.0.query() {
            Some(query) => format!("{}?{query}", self.0.path()),
            None => self.0.path().to_string(),
        }
    }
}

impl fmt::Display for PageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl fmt::Debug for PageUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PageUrl({})", self.0.as_str())
    }
}

impl From<PageUrl> for Url {
    fn from(url: PageUrl) -> Url {
        url.0
    }
}

impl From<PageUrl> for String {
    fn from(url: PageUrl) -> String {
        url.0.into()
    }
}

impl<'de> Deserialize<'de> for PageUrl {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        PageUrl::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A host as the crawler, the rules and the store key it: the host name lower-cased, with
/// `:port` when the port is not the scheme's default. `http://Example.org:80/` and
/// `http://example.org/` are one host.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HostKey(String);

impl HostKey {
    /// The key of `url`'s host, or `None` for a URL without one (`data:`, `mailto:`).
    pub fn of(url: &Url) -> Option<HostKey> {
        let host = url
            .host_str()
            .filter(|h| !h.is_empty())?
            .to_ascii_lowercase();
        Some(HostKey(match url.port() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        }))
    }

    /// A host as written in a rule file or a host mapping (`Example.org`,
    /// `127.0.0.1:8080`), or `None` if the text is not a bare host with an optional port.
    pub fn parse(text: &str) -> Option<HostKey> {
        let text = text.trim();
        if text.is_empty() || text.contains(['/', '?', '#', '@', ' ']) {
            return None;
        }
        HostKey::of(&Url::parse(&format!("http://{text}/")).ok()?)
    }

    /// The key as text, e.g. `cablegate.wikileaks.org` or `127.0.0.1:8080`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HostKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
