//! Scope of the crawl: whether a URL may be fetched, and a page's links (resolved in the
//! pipeline stage, which ingest shares).
//!
//! Every link the crawler finds is resolved into a [`PageUrl`] first, so the frontier, the
//! store and the host pool all key the same page the same way.

use crate::model::PageUrl;
pub use crate::pipeline::{extract_links, links_of};
use crate::rules::{RuleSet, UrlKind};

/// Whether the crawler may fetch `url`: `Some((site, kind))` when a rule (or a host
/// mapping) claims its host and classifies its path as a cable page or an index page.
pub fn in_scope<'r>(rules: &'r RuleSet, url: &PageUrl) -> Option<(&'r str, UrlKind)> {
    let rule = rules.rule_for_url(url)?;
    match rule.classify(url) {
        UrlKind::Other => None,
        kind => Some((rule.name.as_str(), kind)),
    }
}

#[cfg(test)]
mod tests;
