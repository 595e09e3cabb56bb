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
        let key = HostKey::parse(host).ok_or_else(|| RuleError::BadHostMap {
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
