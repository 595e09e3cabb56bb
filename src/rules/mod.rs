//! Selector rules: load and validate `selectors/*.toml`, version them by content hash, and
//! match a URL to the site whose rule cleans it.
//!
//! A rule file is data, never code. Everything that could be wrong with one (unknown keys,
//! bad CSS, bad regexes, hosts claimed twice) is found here, before any page is read.

mod builtin;
mod error;
mod file;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use regex::Regex;
use scraper::Selector;
use url::Url;

pub use builtin::BUILTIN_RULE_FILES;
pub use error::RuleError;
use file::{FieldSpec, RuleFile};

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
    /// The selector as written, for messages.
    pub selector_text: String,
    /// The compiled selector.
    pub selector: Selector,
    /// An optional regex applied to the selected text; its `value` group (or whole match)
    /// is the field.
    pub pattern: Option<Regex>,
}

/// The chrome to remove from inside the selected parts.
#[derive(Debug, Default)]
pub struct ChromeRule {
    /// Elements dropped with everything inside them.
    pub drop: Vec<Selector>,
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
    /// Hosts (lower case, with `:port` when not the default) that this rule cleans.
    pub hosts: Vec<String>,
    /// Higher wins when two sites hold the same cable and one copy must be chosen.
    pub priority: i32,
    /// Paths (with `?query`) of cable pages; a named group `id` gives the cable ID.
    pub cable_paths: Vec<Regex>,
    /// Paths of index pages, fetched only for their links.
    pub follow_paths: Vec<Regex>,
    /// Escape `<` and `&` in the raw HTML that open no element or entity.
    pub repair_bare_markup: bool,
    /// Split routing lines off the top of the body when the page has no header block.
    pub split_routing: bool,
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
    /// Compiles a rule file's text, naming `origin` in every error.
    pub fn compile(origin: RuleOrigin, stem: &str, text: &str) -> Result<Rule, RuleError> {
        let file: RuleFile = toml::from_str(text).map_err(|error| RuleError::Syntax {
            origin: origin.to_string(),
            message: error.to_string().trim_end().to_string(),
        })?;
        let at = Locator {
            origin: &origin,
            text,
        };

        let name = file.site.name.get_ref().trim().to_string();
        if name != stem {
            return Err(RuleError::NameMismatch {
                origin: origin.to_string(),
                line: at.line(file.site.name.span()),
                name,
                stem: stem.to_string(),
            });
        }
        if file.site.hosts.get_ref().is_empty() {
            return Err(at.invalid(
                file.site.hosts.span(),
                "site.hosts",
                "the list is empty",
                "name at least one host, such as `hosts = [\"www.example.org\"]`",
            ));
        }
        let mut hosts = Vec::new();
        for host in file.site.hosts.get_ref() {
            hosts.push(host_key_from_text(host.get_ref()).ok_or_else(|| {
                at.invalid(
                    host.span(),
                    "site.hosts",
                    &format!("`{}` is not a host name", host.get_ref()),
                    "write the bare host, optionally with a port: `www.example.org` or `127.0.0.1:8080`, no scheme or path",
                )
            })?);
        }
        if file.urls.cable.get_ref().is_empty() {
            return Err(at.invalid(
                file.urls.cable.span(),
                "urls.cable",
                "the list is empty",
                "give at least one regex of cable page paths, such as `'^/cable/(?<id>\\w+)\\.html$'`",
            ));
        }
        let cable_paths = at.regexes("urls.cable", file.urls.cable.get_ref())?;
        let follow_paths = at.regexes("urls.follow", &file.urls.follow)?;

        let extract = &file.extract;
        let field = |key: &str, spec: &Option<FieldSpec>| -> Result<Option<FieldRule>, RuleError> {
            spec.as_ref().map(|spec| at.field(key, spec)).transpose()
        };
        let rate = match &file.crawl.rate {
            Some(rate) if !(rate.get_ref().is_finite() && *rate.get_ref() >= 0.0) => {
                return Err(at.invalid(
                    rate.span(),
                    "crawl.rate",
                    &format!("{} is not a rate", rate.get_ref()),
                    "give requests per second as a number ≥ 0, such as `rate = 1.0` (0 turns limiting off)",
                ));
            }
            Some(rate) => *rate.get_ref(),
            None => DEFAULT_RATE,
        };
        let concurrency = match &file.crawl.concurrency {
            Some(c) if *c.get_ref() == 0 => {
                return Err(at.invalid(
                    c.span(),
                    "crawl.concurrency",
                    "0 requests in flight would fetch nothing",
                    "give a count ≥ 1, such as `concurrency = 2`",
                ));
            }
            Some(c) => *c.get_ref(),
            None => DEFAULT_CONCURRENCY,
        };

        Ok(Rule {
            version: format!("{name}@{}", content_version(text.as_bytes())),
            name,
            hosts,
            priority: file.site.priority,
            cable_paths,
            follow_paths,
            repair_bare_markup: file.parse.repair_bare_markup,
            split_routing: extract.split_routing,
            body: at.field("extract.body", &extract.body)?,
            title: field("extract.title", &extract.title)?,
            header: field("extract.header", &extract.header)?,
            id: field("extract.id", &extract.id)?,
            created: field("extract.created", &extract.created)?,
            classification: field("extract.classification", &extract.classification)?,
            origin: field("extract.origin", &extract.origin)?,
            chrome: ChromeRule {
                drop: at.selectors("chrome.drop", &file.chrome.drop)?,
                drop_lines: at.regexes("chrome.drop_lines", &file.chrome.drop_lines)?,
                cut_from: at.regexes("chrome.cut_from", &file.chrome.cut_from)?,
                markers: file.chrome.markers.clone(),
            },
            rate,
            concurrency,
            // Last, so that it moves only after every field above has used it in errors.
            source: origin,
        })
    }

    /// What `url` is on this site: a cable page, an index page, or neither.
    pub fn classify(&self, url: &Url) -> UrlKind {
        let target = path_and_query(url);
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

    /// The first host the rule names: where its pages live.
    pub fn primary_host(&self) -> &str {
        &self.hosts[0]
    }
}

/// The path of a URL, with `?query` when it has one: what `[urls]` patterns match.
pub fn path_and_query(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}

/// The short content hash that versions a rule file.
pub fn content_version(bytes: &[u8]) -> String {
    blake3::hash(bytes).to_hex()[..12].to_string()
}

/// `host[:port]` of a URL, lower case, without a default port: how hosts are keyed.
pub fn host_key(url: &Url) -> Option<String> {
    let host = url.host_str()?.to_ascii_lowercase();
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host,
    })
}

/// Normalises a host as written in a rule file or `--host-map` (`Example.org`,
/// `127.0.0.1:8080`) into the same key as [`host_key`], or `None` if it is not a host.
pub fn host_key_from_text(text: &str) -> Option<String> {
    let text = text.trim();
    if text.is_empty() || text.contains(['/', '?', '#', '@', ' ']) {
        return None;
    }
    let url = Url::parse(&format!("http://{text}/")).ok()?;
    host_key(&url)
}

/// Turns spans into line numbers and builds the errors that name them.
struct Locator<'a> {
    origin: &'a RuleOrigin,
    text: &'a str,
}

impl Locator<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn invalid(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        problem: &str,
        fix: &str,
    ) -> RuleError {
        RuleError::Invalid {
            origin: self.origin.to_string(),
            line: self.line(span),
            key: key.to_string(),
            problem: problem.to_string(),
            fix: fix.to_string(),
        }
    }

    fn selector(&self, key: &str, text: &toml::Spanned<String>) -> Result<Selector, RuleError> {
        Selector::parse(text.get_ref()).map_err(|error| {
            self.invalid(
                text.span(),
                key,
                &format!("`{}` is not a valid CSS selector ({error})", text.get_ref()),
                "write a CSS selector that scraper accepts, such as `div.pane > pre` or `a[href^='#par']`",
            )
        })
    }

    fn selectors(
        &self,
        key: &str,
        texts: &[toml::Spanned<String>],
    ) -> Result<Vec<Selector>, RuleError> {
        texts.iter().map(|t| self.selector(key, t)).collect()
    }

    fn regex(&self, key: &str, text: &toml::Spanned<String>) -> Result<Regex, RuleError> {
        Regex::new(text.get_ref()).map_err(|error| {
            let detail = error.to_string().lines().last().unwrap_or_default().trim().to_string();
            self.invalid(
                text.span(),
                key,
                &format!("`{}` is not a valid regex ({detail})", text.get_ref()),
                "write the pattern in Rust regex syntax, in a single-quoted TOML string so backslashes stay as written",
            )
        })
    }

    fn regexes(&self, key: &str, texts: &[toml::Spanned<String>]) -> Result<Vec<Regex>, RuleError> {
        texts.iter().map(|t| self.regex(key, t)).collect()
    }

    fn field(&self, key: &str, spec: &FieldSpec) -> Result<FieldRule, RuleError> {
        Ok(FieldRule {
            selector_text: spec.select.get_ref().clone(),
            selector: self.selector(&format!("{key}.select"), &spec.select)?,
            pattern: spec
                .pattern
                .as_ref()
                .map(|p| self.regex(&format!("{key}.pattern"), p))
                .transpose()?,
        })
    }
}

/// Every site's rule, and which host goes to which site.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    by_host: HashMap<String, usize>,
}

impl RuleSet {
    /// Builds a set from compiled rules, refusing two rules that claim one site or host.
    pub fn from_rules(mut rules: Vec<Rule>) -> Result<RuleSet, RuleError> {
        rules.sort_by(|a, b| a.name.cmp(&b.name));
        let mut by_host = HashMap::new();
        for (index, rule) in rules.iter().enumerate() {
            if index > 0 && rules[index - 1].name == rule.name {
                return Err(RuleError::DuplicateSite {
                    name: rule.name.clone(),
                    first: rules[index - 1].source.to_string(),
                    second: rule.source.to_string(),
                });
            }
            for host in &rule.hosts {
                if let Some(&other) = by_host.get(host) {
                    let other: &Rule = &rules[other];
                    return Err(RuleError::DuplicateHost {
                        host: host.clone(),
                        first: other.source.to_string(),
                        second: rule.source.to_string(),
                    });
                }
                by_host.insert(host.clone(), index);
            }
        }
        Ok(RuleSet { rules, by_host })
    }

    /// Loads every `*.toml` in `dir`.
    pub fn load_dir(dir: &Path) -> Result<RuleSet, RuleError> {
        let entries = std::fs::read_dir(dir).map_err(|source| RuleError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|source| RuleError::Io {
                path: dir.to_path_buf(),
                source,
            })?;
            let path = entry.path();
            if path.extension().is_some_and(|e| e == "toml") {
                paths.push(path);
            }
        }
        if paths.is_empty() {
            return Err(RuleError::NoRuleFiles {
                dir: dir.to_path_buf(),
            });
        }
        paths.sort();
        let mut rules = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| RuleError::Io {
                path: path.clone(),
                source,
            })?;
            let stem = path
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            rules.push(Rule::compile(RuleOrigin::File(path), &stem, &text)?);
        }
        RuleSet::from_rules(rules)
    }

    /// The rule files compiled into the binary, for when no `selectors/` folder is at hand.
    pub fn builtin() -> Result<RuleSet, RuleError> {
        let rules = BUILTIN_RULE_FILES
            .iter()
            .map(|(file_name, text)| {
                let stem = file_name.trim_end_matches(".toml");
                Rule::compile(RuleOrigin::Builtin(file_name), stem, text)
            })
            .collect::<Result<Vec<_>, _>>()?;
        RuleSet::from_rules(rules)
    }

    /// Makes pages from `host` (`HOST[:PORT]`) count as `site`'s: a mirror, or a local copy.
    pub fn map_host(&mut self, host: &str, site: &str) -> Result<(), RuleError> {
        let key = host_key_from_text(host).ok_or_else(|| RuleError::BadHostMap {
            value: format!("{host}={site}"),
            problem: format!("`{host}` is not a host"),
        })?;
        let index = self
            .rules
            .iter()
            .position(|r| r.name == site)
            .ok_or_else(|| RuleError::BadHostMap {
                value: format!("{host}={site}"),
                problem: format!(
                    "no rule file is named `{site}`; known sites: {}",
                    self.site_names().join(", ")
                ),
            })?;
        self.by_host.insert(key, index);
        Ok(())
    }

    /// The rule that cleans pages of `url`'s host, if any.
    pub fn rule_for_url(&self, url: &Url) -> Option<&Rule> {
        let key = host_key(url)?;
        self.by_host.get(&key).map(|&i| &self.rules[i])
    }

    /// The rule named `site`.
    pub fn rule(&self, site: &str) -> Option<&Rule> {
        self.rules.iter().find(|r| r.name == site)
    }

    /// The rule named `site`, or an error that lists the known sites.
    pub fn require(&self, site: &str) -> Result<&Rule, RuleError> {
        self.rule(site).ok_or_else(|| RuleError::UnknownSite {
            site: site.to_string(),
            known: self.site_names().join(", "),
        })
    }

    /// Every rule, by name.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// Every site's name, sorted.
    pub fn site_names(&self) -> Vec<String> {
        self.rules.iter().map(|r| r.name.clone()).collect()
    }
}

#[cfg(test)]
mod tests;
