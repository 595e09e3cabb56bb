//! The set of every site's rule, and which host goes to which site.

use std::collections::HashMap;
use std::path::Path;

use super::{BUILTIN_RULE_FILES, Rule, RuleError, RuleOrigin};
use crate::model::{HostKey, PageUrl};

/// Every site's rule, and which host goes to which site.
#[derive(Debug)]
pub struct RuleSet {
    rules: Vec<Rule>,
    by_host: HashMap<HostKey, usize>,
    /// The host that serves a site's pages this run, by the site's index.
    mirrors: HashMap<usize, Mirror>,
}

/// A host mapped onto a site: a mirror, or a local copy.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Mirror {
    /// `http` or `https`.
    scheme: String,
    /// Its host.
    host: HostKey,
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
                        host: host.to_string(),
                        first: other.source.to_string(),
                        second: rule.source.to_string(),
                    });
                }
                by_host.insert(host.clone(), index);
            }
        }
        Ok(RuleSet {
            rules,
            by_host,
            mirrors: HashMap::new(),
        })
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

    /// Makes `host` (`HOST[:PORT]`, or `https://HOST[:PORT]` for a mirror that speaks
    /// TLS; plain `http` otherwise) serve `site`'s pages: a mirror, or a local copy. Its
    /// pages are the site's pages (see [`RuleSet::site_url`]), and the site's pages are
    /// fetched from it (see [`RuleSet::fetch_url`]).
    pub fn map_host(&mut self, host: &str, site: &str) -> Result<(), RuleError> {
        let (scheme, bare) = match host.split_once("://") {
            Some((scheme, bare)) if scheme.eq_ignore_ascii_case("https") => ("https", bare),
            Some((scheme, bare)) if scheme.eq_ignore_ascii_case("http") => ("http", bare),
            Some(_) => {
                return Err(RuleError::BadHostMap {
                    value: format!("{host}={site}"),
                    problem: "a mirror is reached over http or https".to_string(),
                });
            }
            None => ("http", host),
        };
        let bare = bare.trim_end_matches('/');
        let key = HostKey::parse(bare).ok_or_else(|| RuleError::BadHostMap {
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
        if let Some(earlier) = self.mirrors.get(&index) {
            if earlier.host != key {
                return Err(RuleError::BadHostMap {
                    value: format!("{host}={site}"),
                    problem: format!(
                        "`{site}` is already fetched from `{}`; a site is crawled from one \
                         mirror at a time, so give one --host-map per site",
                        earlier.host
                    ),
                });
            }
        }
        self.by_host.insert(key.clone(), index);
        self.mirrors.insert(
            index,
            Mirror {
                scheme: scheme.to_string(),
                host: key,
            },
        );
        Ok(())
    }

    /// Whether any host is mapped onto a site.
    pub fn has_mirrors(&self) -> bool {
        !self.mirrors.is_empty()
    }

    /// Whether `site` is served by a mapped host.
    pub fn is_mirrored(&self, site: &str) -> bool {
        self.rules
            .iter()
            .position(|rule| rule.name == site)
            .is_some_and(|index| self.mirrors.contains_key(&index))
    }

    /// The site's own URL for `url`: a page of a mapped host stands for the page of the
    /// same path on the site (`https://` and the rule's first host), where it is stored,
    /// so that one page has one record whatever mirror or port brought it. Other URLs are
    /// their own.
    pub fn site_url(&self, url: &PageUrl) -> PageUrl {
        let host = url.host();
        let Some(&index) = self.by_host.get(&host) else {
            return url.clone();
        };
        let rule = &self.rules[index];
        if self
            .mirrors
            .get(&index)
            .is_none_or(|mirror| mirror.host != host)
        {
            return url.clone();
        }
        PageUrl::parse(&format!(
            "https://{}{}",
            rule.primary_host(),
            url.path_and_query()
        ))
        .unwrap_or_else(|_| url.clone())
    }

    /// Where to fetch the site's page `url` from this run: the mapped host of its site, when
    /// it has one, else the URL itself.
    pub fn fetch_url(&self, url: &PageUrl) -> PageUrl {
        let Some(&index) = self.by_host.get(&url.host()) else {
            return url.clone();
        };
        match self.mirrors.get(&index) {
            Some(mirror) if mirror.host != url.host() => PageUrl::parse(&format!(
                "{}://{}{}",
                mirror.scheme,
                mirror.host,
                url.path_and_query()
            ))
            .unwrap_or_else(|_| url.clone()),
            _ => url.clone(),
        }
    }

    /// The rule that cleans pages of `url`'s host, if any.
    pub fn rule_for_url(&self, url: &PageUrl) -> Option<&Rule> {
        self.by_host.get(&url.host()).map(|&i| &self.rules[i])
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
