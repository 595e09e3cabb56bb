//! Seed URLs, where a crawl starts: read from seed lists (`seeds/*.txt`, one URL a line,
//! `#` comments) or given on the command line, canonicalised and checked against the
//! crawl's scope before any request is sent, so that a bad line stops the crawl at once
//! with its file and line.

use std::path::{Path, PathBuf};

use url::Url;

use super::error::SeedError;
use super::scope::in_scope;
use crate::model::PageUrl;
use crate::rules::{RuleSet, UrlKind};
use crate::store::LinkKind;

/// One checked seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// The canonical URL.
    pub url: PageUrl,
    /// Cable page or index page.
    pub kind: LinkKind,
    /// The site (rule file name) it belongs to.
    pub site: String,
    /// Where it was written: `file:line`, or `--seeds`.
    pub origin: String,
}

/// The seed lists in `dir`: every `*.txt`, by name.
pub fn seed_lists(dir: &Path) -> Result<Vec<PathBuf>, SeedError> {
    let no_lists = || SeedError::NoSeedLists {
        dir: dir.to_path_buf(),
    };
    let entries = std::fs::read_dir(dir).map_err(|_| no_lists())?;
    let mut lists = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| SeedError::Io {
            path: dir.to_path_buf(),
            source,
        })?;
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "txt") && path.is_file() {
            lists.push(path);
        }
    }
    if lists.is_empty() {
        return Err(no_lists());
    }
    lists.sort();
    Ok(lists)
}

/// Where the seeds given outright (not read from a list) are said to come from in errors,
/// unless the caller names the place (the command line names its flag).
pub const GIVEN: &str = "the seeds given";

/// Resolves seed values (URLs or seed lists; none means the lists in `default_dir`) into
/// checked seeds, in order, each once. `given` names where the values came from, for
/// errors.
///
/// A seed list's seeds of another site than `site` are left out quietly (one folder of
/// lists serves every site); a URL given outright must be in scope, `site` included.
pub fn resolve(
    values: &[String],
    given: &str,
    default_dir: &Path,
    rules: &RuleSet,
    site: Option<&str>,
) -> Result<Vec<Seed>, SeedError> {
    let mut raw: Vec<(String, String, bool)> = Vec::new();
    if values.is_empty() {
        for list in seed_lists(default_dir)? {
            read_list(&list, &mut raw)?;
        }
    }
    for value in values {
        let looks_like_url = value.contains("://");
        match Url::parse(value.trim()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {
                raw.push((given.to_string(), value.clone(), true));
            }
            _ if looks_like_url => {
                return Err(SeedError::BadUrl {
                    origin: given.to_string(),
                    value: value.clone(),
                    problem: "only http and https URLs with a host can be crawled".to_string(),
                });
            }
            _ if Path::new(value).is_file() => read_list(Path::new(value), &mut raw)?,
            _ => {
                return Err(SeedError::NotUrlOrFile {
                    value: value.clone(),
                });
            }
        }
    }
    let mut seeds: Vec<Seed> = Vec::new();
    for (origin, text, explicit) in raw {
        let Some(seed) = check(&origin, &text, explicit, rules, site)? else {
            continue;
        };
        if !seeds.iter().any(|s| s.url == seed.url) {
            seeds.push(seed);
        }
    }
    if seeds.is_empty() {
        return Err(SeedError::Empty {
            site: site.map(str::to_string),
            lists: values.is_empty().then(|| default_dir.to_path_buf()),
            given: given.to_string(),
        });
    }
    Ok(seeds)
}

/// Appends a list's seed lines as (`file:line`, text, explicit = false).
fn read_list(path: &Path, raw: &mut Vec<(String, String, bool)>) -> Result<(), SeedError> {
    let text = std::fs::read_to_string(path).map_err(|source| SeedError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    for (index, line) in text.lines().enumerate() {
        let line = strip_comment(line).trim();
        if !line.is_empty() {
            raw.push((
                format!("{}:{}", path.display(), index + 1),
                line.to_string(),
                false,
            ));
        }
    }
    Ok(())
}

/// A line without its comment: `#` at the start, or after white space (a `#` inside a
/// URL is its fragment).
fn strip_comment(line: &str) -> &str {
    if line.trim_start().starts_with('#') {
        return "";
    }
    match line.find(" #").or_else(|| line.find("\t#")) {
        Some(at) => &line[..at],
        None => line,
    }
}

fn check(
    origin: &str,
    text: &str,
    explicit: bool,
    rules: &RuleSet,
    site: Option<&str>,
) -> Result<Option<Seed>, SeedError> {
    let bad = |problem: String| SeedError::BadUrl {
        origin: origin.to_string(),
        value: text.to_string(),
        problem,
    };
    let parsed = Url::parse(text).map_err(|e| bad(e.to_string()))?;
    let url = PageUrl::new(parsed)
        .map_err(|_| bad("only http and https URLs with a host can be crawled".to_string()))?;
    // A seed on a mirror stands for the site's own page.
    let url = rules.site_url(&url);
    let Some((seed_site, kind)) = in_scope(rules, &url) else {
        return Err(match rules.rule_for_url(&url) {
            None => SeedError::UnknownHost {
                origin: origin.to_string(),
                host: url.host().to_string(),
                url: url.to_string(),
            },
            Some(rule) => SeedError::NotAPage {
                origin: origin.to_string(),
                site: rule.name.clone(),
                path: url.path_and_query(),
                url: url.to_string(),
            },
        });
    };
    if let Some(site) = site
        && seed_site != site
    {
        if explicit {
            return Err(SeedError::OtherSite {
                origin: origin.to_string(),
                url: url.to_string(),
                seed_site: seed_site.to_string(),
                site: site.to_string(),
            });
        }
        return Ok(None);
    }
    let kind = match kind {
        UrlKind::Cable { .. } => LinkKind::Cable,
        _ => LinkKind::Follow,
    };
    Ok(Some(Seed {
        url,
        kind,
        site: seed_site.to_string(),
        origin: origin.to_string(),
    }))
}

#[cfg(test)]
mod tests;
