//! A page's links, resolved into canonical [`PageUrl`]s: what the crawl follows and what
//! the IDs of an index page are read from, by crawl and ingest alike.

use std::collections::HashSet;
use std::sync::LazyLock;

use scraper::{Html, Selector};

use crate::model::PageUrl;

static LINKS: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("a[href]").expect("`a[href]` is a valid selector"));
static BASE: LazyLock<Selector> =
    LazyLock::new(|| Selector::parse("base[href]").expect("`base[href]` is a valid selector"));

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
