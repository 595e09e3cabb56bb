//! Scope of the crawl: a page's links, and whether a URL may be fetched.
//!
//! Every link the crawler finds is resolved into a [`PageUrl`] first, so the frontier, the
//! store and the host pool all key the same page the same way.

use std::collections::HashSet;
use std::sync::LazyLock;

use scraper::{Html, Selector};

use crate::model::PageUrl;
use crate::rules::{RuleSet, UrlKind};

static LINKS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("`a[href]` is a valid selector"));
static BASE: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("base[href]").expect("`base[href]` is a valid selector"));

/// Whether the crawler may fetch `url`: `Some((site, kind))` when a rule (or a host
/// mapping) claims its host and classifies its path as a cable page or an index page.
pub fn in_scope<'r>(rules: &'r RuleSet, url: &PageUrl) -> Option<(&'r str, UrlKind)> {
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
///
/// A page the parser could not parse in linear time (see [`crate::clean::parse_text`]) gives
/// no links.
pub fn extract_links(base: &PageUrl, html: &str) -> Vec<PageUrl> {
    crate::clean::parse_text(html)
        .map(|document| links_of(base, &document))
        .unwrap_or_default()
}

/// The links of a page already parsed, as [`extract_links`] gives them.
pub fn links_of(base: &PageUrl, document: &Html) -> Vec<PageUrl> {
    let base = document
        .select(&BASE)
        .next()
        .and_then(|element| element.value().attr("href"))
        .and_then(|href| base.join(href))
        .unwrap_or_else(|| base.clone());
    let mut seen = HashSet::new();
    let mut links = Vec::new();
    for element in document.select(&LINKS) {
        let Some(url) = element
            .value()
            .attr("href")
            .and_then(|href| base.join(href))
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
mod tests;
