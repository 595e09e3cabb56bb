//! Selector rules: load and validate `selectors/*.toml`, version them by content hash, and
//! match a URL to the site whose rule cleans it.
//!
//! A rule file is data, never code. Everything that could be wrong with one (unknown keys,
//! bad CSS, bad regexes, hosts claimed twice) is found here, before any page is read.

mod builtin;
mod compile;
mod error;
mod file;
mod selector;
mod set;
mod template;

use std::fmt;
use std::path::PathBuf;

use regex::Regex;
use scraper::Selector;

use crate::model::{CableId, HostKey, PageUrl};
pub use builtin::BUILTIN_RULE_FILES;
pub use error::RuleError;
pub use set::RuleSet;
pub use template::{CableUrl, YearMonth};

/// Requests per second a site gets when its rule file says nothing.
pub const DEFAULT_RATE: f64 = 1.0;
/// Requests in flight per host when the rule file says nothing.
pub const DEFAULT_CONCURRENCY: u32 = 2;

/// Where a rule file came from: a path on disk, or the copy built into the binary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RuleOrigin {
    /// Read from this file.
    File(PathBuf),
    /// The copy of `selectors/<name>` compiled into the binary.
    Builtin(&'static str),
}

impl fmt::Display for RuleOrigin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RuleOrigin::File(path) => write!(f, "{}", path.display()),
            RuleOrigin::Builtin(name) => write!(f, "(built-in) selectors/{name}"),
        }
    }
}

/// A compiled field: where to find it and how to pick its value out of the text.
#[derive(Debug)]
pub struct FieldRule {
    /// The selectors as written, joined by ` | `, for messages.
    pub selector_text: String,
    /// The compiled selectors, tried in order: the first that finds the field wins.
    pub selectors: Vec<FieldSelector>,
    /// An optional regex applied to the selected text; its `value` group (or whole match)
    /// is the field.
    pub pattern: Option<Regex>,
    /// How the selected element's own whitespace is read (its CSS `white-space`).
    pub whitespace: Whitespace,
}

/// One of a field's compiled selectors, with the names of the elements it can select.
#[derive(Debug)]
pub struct FieldSelector {
    /// The selector.
    pub selector: Selector,
    /// The element names (lower case) of everything it can select, so that finding its
    /// elements need not match every element of the page; `None` when it can select an
    /// element of any name.
    pub names: Option<Vec<String>>,
}

/// The chrome to remove from inside the selected parts.
#[derive(Debug, Default)]
pub struct ChromeRule {
    /// Elements dropped with everything inside them: the rule's `drop` selectors as one
    /// selector list, so that finding them takes one walk of the selected part, not one per
    /// selector; `None` when there are none.
    pub drop: Option<Selector>,
    /// Text removed wherever it matches (the `¶` of a `¶3.` link whose `3.` stays).
    pub strip: Vec<Regex>,
    /// Lines of text dropped wherever they occur.
    pub drop_lines: Vec<Regex>,
    /// The text from the first match of any of these to the end is chrome.
    pub cut_from: Vec<Regex>,
    /// Strings that only chrome contains: an output holding one has leaked chrome.
    pub markers: Vec<String>,
}

/// One site's compiled rule.
#[derive(Debug)]
pub struct Rule {
    /// The site's name, which is also the rule file's stem, e.g. `cablegate.wikileaks.org`.
    pub name: String,
    /// `<name>@<12 hex digits of the content hash>`.
    pub version: String,
    /// Where the rule was read from.
    pub source: RuleOrigin,
    /// Hosts that this rule cleans.
    pub hosts: Vec<HostKey>,
    /// Higher wins when two sites hold the same cable and one copy must be chosen.
    pub priority: i32,
    /// Paths (with `?query`) of cable pages; a named group `id` gives the cable ID.
    pub cable_paths: Vec<Regex>,
    /// Paths of index pages, fetched only for their links.
    pub follow_paths: Vec<Regex>,
    /// The URL of the site's page for a cable ID (`[urls] cable_url`), when the site has
    /// one: what `crawl --known-ids` asks for.
    pub cable_url: Option<CableUrl>,
    /// Escape `<` and `&` in the raw HTML that open no element or entity.
    pub repair_bare_markup: bool,
    /// Split routing lines off the top of the body when the page has no header block.
    pub split_routing: bool,
    /// Let the cable's grammar find where its text starts and ends, and cut the site's
    /// lines around it (the edge step; see `clean::edges`).
    pub edges: bool,
    /// Extracted fields.
    pub body: FieldRule,
    /// The page's headline.
    pub title: Option<FieldRule>,
    /// The routing block, where the page has its own.
    pub header: Option<FieldRule>,
    /// The cable ID as the page states it.
    pub id: Option<FieldRule>,
    /// Creation date as the page states it.
    pub created: Option<FieldRule>,
    /// Classification as the page states it.
    pub classification: Option<FieldRule>,
    /// Origin as the page states it.
    pub origin: Option<FieldRule>,
    /// Chrome to remove.
    pub chrome: ChromeRule,
    /// Crawl rate, requests per second per host.
    pub rate: f64,
    /// Requests in flight per host.
    pub concurrency: u32,
}

/// What a URL is to the site that owns it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UrlKind {
    /// A cable page; `id` when the path names the cable.
    Cable {
        /// The `id` group of the matching path pattern.
        id: Option<String>,
    },
    /// An index page, to follow for links.
    Follow,
    /// Neither: not to be fetched.
    Other,
}

impl Rule {
    /// What `url` is on this site: a cable page, an index page, or neither.
    pub fn classify(&self, url: &PageUrl) -> UrlKind {
        let target = url.path_and_query();
        for pattern in &self.cable_paths {
            if let Some(captures) = pattern.captures(&target) {
                let id = captures.name("id").map(|m| m.as_str().to_string());
                return UrlKind::Cable { id };
            }
        }
        if self.follow_paths.iter().any(|p| p.is_match(&target)) {
            UrlKind::Follow
        } else {
            UrlKind::Other
        }
    }

    /// Every field the rule extracts: the body first, then those it gives of the title,
    /// header, ID, date, classification and origin.
    pub fn fields(&self) -> impl Iterator<Item = &FieldRule> {
        std::iter::once(&self.body).chain(
            [
                &self.title,
                &self.header,
                &self.id,
                &self.created,
                &self.classification,
                &self.origin,
            ]
            .into_iter()
            .flatten(),
        )
    }

    /// The URL of `id`'s page on this site by its `cable_url` template; `None` when the
    /// rule has no template, or it needs the cable's date and `date` is none.
    pub fn cable_url_for(&self, id: &CableId, date: Option<YearMonth>) -> Option<PageUrl> {
        self.cable_url.as_ref()?.url(id, date)
    }

    /// Whether `url` is one this rule's `cable_url` template makes: a URL asked for by a
    /// cable ID, where a 404 means the site has no page for that cable.
    pub fn is_cable_url(&self, url: &PageUrl) -> bool {
        self.hosts.contains(&url.host()) && self.cable_url.as_ref().is_some_and(|t| t.made(url))
    }

    /// The first host the rule names: where its pages live.
    pub fn primary_host(&self) -> &HostKey {
        // `compile` refuses a rule without hosts.
        &self.hosts[0]
    }
}

/// The short content hash that versions a rule file.
pub fn content_version(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..12].to_string()
}

/// How an element's own whitespace is read, as its CSS `white-space` would have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Whitespace {
    /// Runs of whitespace collapse to one space (`<pre>` inside still keeps its own).
    #[default]
    Normal,
    /// Everything kept exactly, as inside `<pre>`.
    Pre,
    /// Line breaks kept, runs of spaces collapsed, spaces around line breaks removed.
    PreLine,
}

impl Whitespace {
    /// Reads a rule file's `whitespace` value.
    pub fn parse(value: &str) -> Option<Whitespace> {
        match value {
            "normal" => Some(Whitespace::Normal),
            "pre" => Some(Whitespace::Pre),
            "pre-line" => Some(Whitespace::PreLine),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests;
