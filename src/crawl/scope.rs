//! Scope of the crawl: canonical URLs, link extraction, and whether a URL may be fetched.
//!
//! Every URL the crawler sees goes through [`canonical_url`] first, so the frontier, the
//! store and the host pool all key the same page the same way.

use std::collections::HashSet;
use std::sync::LazyLock;

use scraper::{Html, Selector};
use url::Url;

use crate::rules::{RuleSet, UrlKind};

static LINKS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("`a[href]` is a valid selector"));
static BASE: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("base[href]").expect("`base[href]` is a valid selector"));

/// Resolves `href` against the page at `base` into the canonical form the crawler keys by.
///
/// The fragment, any user name or password, an empty `?` and a default port are dropped;
/// the host is lower-cased (the `url` crate does that and the port for http/https). Only
/// `http` and `https` URLs with a host come back: `mailto:`, `javascript:` and friends
/// give `None`, as does an `href` that does not parse.
pub fn canonical_url(base: &Url, href: &str) -> Option<Url> {
    let mut url = base.join(href.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none_or(str::is_empty) {
        return None;
    }
    url.set_fragment(None);
    if url.query() == Some("") {
        url.set_query(None);
    }
    // Neither can fail on an http(s) URL with a host, which was checked above.
    let _ = url.set_username("");
    let _ = url.set_password(None);
    Some(url)
}

/// Whether the crawler may fetch `url`: `Some((site, kind))` when a rule (or a host
/// mapping) claims its host and classifies its path as a cable page or an index page.
pub fn in_scope<'r>(rules: &'r RuleSet, url: &Url) -> Option<(&'r str, UrlKind)> {
    if !matches!(url.scheme(), "http" | "https") {
        return None;
    }
    let rule = rules.rule_for_url(url)?;
    match rule.classify(url) {
        UrlKind::Other => None,
        kind => Some((rule.name.as_str(), kind)),
    }
}

/// The canonical targets of a page's `<a href>` links, each once, in document order.
///
/// A `<base href>` in the page changes what relative links resolve against, as it does in
/// a browser. Links that are not http(s) are left out; scope is the caller's to check.
pub fn extract_links(base: &Url, html: &str) -> Vec<Url> {
    links_of(base, &Html::parse_document(html))
}

/// The links of a page already parsed, as [`extract_links`] gives them.
pub fn links_of(base: &Url, document: &Html) -> Vec<Url> {
    let base = document
        .select(&BASE)
        .next()
        .and_then(|element| element.value().attr("href"))
        .and_then(|href| canonical_url(base, href))
        .unwrap_or_else(|| base.clone());
    let mut seen = HashSet::new();
    let mut links = Vec::new();
    for element in document.select(&LINKS) {
        let Some(url) = element
            .value()
            .attr("href")
            .and_then(|href| canonical_url(&base, href))
        else {
            continue;
        };
        if seen.insert(url.clone()) {
            links.push(url);
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(text: &str) -> Url {
        Url::parse(text).expect("test URL parses")
    }

    #[test]
    fn canonical_urls_drop_what_does_not_name_a_different_page() {
        let base = url("http://Example.ORG:80/cable/2010/12/index.html");
        let cases = [
            (
                "08MOSCOW1.html#par3",
                "http://example.org/cable/2010/12/08MOSCOW1.html",
            ),
            (
                "../../../reldate/2010-12-01_0.html",
                "http://example.org/reldate/2010-12-01_0.html",
            ),
            (
                "HTTPS://WWW.Example.org:443/a?",
                "https://www.example.org/a",
            ),
            (
                "//user:pw@example.org:8080/b?x=1#y",
                "http://example.org:8080/b?x=1",
            ),
            ("  /c\n", "http://example.org/c"),
        ];
        for (href, expected) in cases {
            assert_eq!(
                canonical_url(&base, href).map(String::from).as_deref(),
                Some(expected),
                "href {href:?}"
            );
        }
        for href in [
            "mailto:a@example.org",
            "javascript:void(0)",
            "ftp://example.org/x",
            "http://",
        ] {
            assert_eq!(canonical_url(&base, href), None, "href {href:?}");
        }
    }

    #[test]
    fn a_base_element_changes_what_links_resolve_against() {
        let page = url("http://example.org/cable/2010/12/x.html");
        let html = r#"<html><head><base href="/mirror/"></head>
            <body><a href="a.html">a</a><a href="a.html#p2">again</a><a href="/b.html">b</a></body></html>"#;
        let links: Vec<String> = extract_links(&page, html)
            .into_iter()
            .map(String::from)
            .collect();
        assert_eq!(
            links,
            [
                "http://example.org/mirror/a.html",
                "http://example.org/b.html"
            ]
        );
    }
}
