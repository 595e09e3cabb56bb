//! The on-disk shape of a rule file (`selectors/<site>.toml`), as serde reads it.
//!
//! Every key is known here and unknown keys are refused, so a typo fails at load time.
//! Values that need checking beyond their type (CSS selectors, regexes, hosts) keep their
//! span, so an error can name the line.

use serde::Deserialize;
use toml::Spanned;

/// A whole rule file.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RuleFile {
    pub site: SiteSection,
    pub urls: UrlSection,
    #[serde(default)]
    pub parse: ParseSection,
    pub extract: ExtractSection,
    #[serde(default)]
    pub chrome: ChromeSection,
    #[serde(default)]
    pub crawl: CrawlSection,
}

/// `[site]`: who the republisher is.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SiteSection {
    pub name: Spanned<String>,
    pub hosts: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub priority: i32,
}

/// `[urls]`: which paths are cable pages and which are index pages to follow.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct UrlSection {
    pub cable: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    pub follow: Vec<Spanned<String>>,
    /// The URL of the site's page for a cable ID, with `{id}` (and `{year}`, `{month}`).
    pub cable_url: Option<Spanned<String>>,
}

/// `[parse]`: how to read the page before selecting anything.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ParseSection {
    #[serde(default)]
    pub repair_bare_markup: bool,
}

/// `[extract]`: where each part of the cable sits on the page.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ExtractSection {
    pub body: FieldSpec,
    pub title: Option<FieldSpec>,
    pub header: Option<FieldSpec>,
    pub id: Option<FieldSpec>,
    pub created: Option<FieldSpec>,
    pub classification: Option<FieldSpec>,
    pub origin: Option<FieldSpec>,
    #[serde(default)]
    pub split_routing: bool,
    #[serde(default = "edges_default")]
    pub edges: bool,
}

fn edges_default() -> bool {
    true
}

/// One extracted field: a CSS selector (or a list of them, tried in order: a site's layouts
/// over time, a mirror's rewrite), and optionally a regex that picks the value out of the
/// selected text (its `value` group, or the whole match).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FieldSpec {
    /// A string, or an array of strings: checked when the rule is compiled.
    pub select: Spanned<toml::Value>,
    pub pattern: Option<Spanned<String>>,
    pub whitespace: Option<Spanned<String>>,
}

/// `[chrome]`: what inside the selected parts is the site's, not the cable's.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ChromeSection {
    #[serde(default)]
    pub drop: Vec<Spanned<String>>,
    #[serde(default)]
    pub strip: Vec<Spanned<String>>,
    #[serde(default)]
    pub drop_lines: Vec<Spanned<String>>,
    #[serde(default)]
    pub cut_from: Vec<Spanned<String>>,
    #[serde(default)]
    pub markers: Vec<String>,
}

/// `[crawl]`: how hard the crawler may press this site.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CrawlSection {
    pub rate: Option<Spanned<f64>>,
    pub concurrency: Option<Spanned<u32>>,
}
