//! Seed URLs, where a crawl starts: read from seed lists (`seeds/*.txt`, one URL a line,
//! `#` comments) or given on the command line, canonicalised and checked against the
//! crawl's scope before any request is sent, so that a bad line stops the crawl at once
//! with its file and line.

use std::path::{Path, PathBuf};

use url::Url;

use super::error::SeedError;
use super::scope::{canonical_url, in_scope};
use crate::rules::{RuleSet, UrlKind};
use crate::store::LinkKind;

/// One checked seed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Seed {
    /// The canonical URL.
    pub url: Url,
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

/// Resolves `--seeds` values (URLs or seed lists; none means the lists in `default_dir`)
/// into checked seeds, in order, each once.
///
/// A seed list's seeds of another site than `site` are left out quietly (one folder of
/// lists serves every site); a URL given outright must be in scope, `site` included.
pub fn resolve(
    values: &[String],
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
                raw.push(("--seeds".to_string(), value.clone(), true));
            }
            _ if looks_like_url => {
                return Err(SeedError::BadUrl {
                    origin: "--seeds".to_string(),
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
        let what = match (site, values.is_empty()) {
            (Some(site), true) => format!(
                "for site {site} in the seed lists of {}",
                default_dir.display()
            ),
            (Some(site), false) => format!("for site {site} in --seeds"),
            (None, true) => format!("in the seed lists of {}", default_dir.display()),
            (None, false) => "in --seeds".to_string(),
        };
        return Err(SeedError::Empty { what });
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
    let url = canonical_url(&parsed, parsed.as_str())
        .ok_or_else(|| bad("only http and https URLs with a host can be crawled".to_string()))?;
    let out = |why: String| SeedError::OutOfScope {
        origin: origin.to_string(),
        url: url.to_string(),
        why,
    };
    let Some((seed_site, kind)) = in_scope(rules, &url) else {
        let host = crate::rules::host_key(&url).unwrap_or_default();
        return Err(out(match rules.rule_for_url(&url) {
            None => format!(
                "no rule file names the host {host}; add --host-map {host}=SITE to crawl it as SITE's pages, or remove the seed"
            ),
            Some(rule) => format!(
                "site {}'s rule marks {} as neither a cable page nor an index page to follow; check the URL, or the rule's [urls] patterns",
                rule.name,
                crate::rules::path_and_query(&url)
            ),
        }));
    };
    if let Some(site) = site
        && seed_site != site
    {
        if explicit {
            return Err(out(format!(
                "it is a page of site {seed_site}, but --site {site} was given; drop one of the two"
            )));
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
mod tests {
    use super::*;

    fn rules() -> RuleSet {
        let mut rules = RuleSet::builtin().expect("built-in rules load");
        rules
            .map_host("127.0.0.1:8080", "cablegate.wikileaks.org")
            .expect("map");
        rules
    }

    #[test]
    fn seed_lists_name_the_file_and_line_of_a_bad_seed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let list = dir.path().join("a.txt");
        std::fs::write(
            &list,
            "# comment\n\nhttp://127.0.0.1:8080/index.html # the front page\nnot a url\n",
        )
        .expect("write");
        let error = resolve(&[], dir.path(), &rules(), None).expect_err("bad line");
        let message = error.to_string();
        assert!(
            message.contains(&format!("{}:4", list.display())) && message.contains("not a url"),
            "{message}"
        );
    }

    #[test]
    fn seeds_are_canonical_scoped_and_filtered_by_site() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(
            dir.path().join("b.txt"),
            "HTTP://127.0.0.1:8080/index.html#top\nhttp://127.0.0.1:8080/index.html\nhttps://www.scoop.co.nz/stories/WL1108/\n",
        )
        .expect("write");
        let rules = rules();
        let all = resolve(&[], dir.path(), &rules, None).expect("seeds");
        let urls: Vec<&str> = all.iter().map(|s| s.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "http://127.0.0.1:8080/index.html",
                "https://www.scoop.co.nz/stories/WL1108/"
            ]
        );
        assert_eq!(all[0].site, "cablegate.wikileaks.org");
        assert_eq!(all[0].kind, LinkKind::Follow);
        let one = resolve(&[], dir.path(), &rules, Some("www.scoop.co.nz")).expect("seeds");
        assert_eq!(one.len(), 1);
        let none = resolve(&[], dir.path(), &rules, Some("search.wikileaks.org"));
        assert!(matches!(none, Err(SeedError::Empty { .. })), "{none:?}");
    }

    #[test]
    fn a_seed_outside_the_rules_says_how_to_bring_it_in() {
        let dir = tempfile::tempdir().expect("temp dir");
        let rules = rules();
        let error = resolve(
            &["http://127.0.0.1:9999/index.html".to_string()],
            dir.path(),
            &rules,
            None,
        )
        .expect_err("unmapped host");
        assert!(
            error.to_string().contains("--host-map 127.0.0.1:9999=SITE"),
            "{error}"
        );
        let error = resolve(
            &["http://127.0.0.1:8080/about.html".to_string()],
            dir.path(),
            &rules,
            None,
        )
        .expect_err("not a crawlable path");
        assert!(error.to_string().contains("/about.html"), "{error}");
        let error = resolve(
            &["http://127.0.0.1:8080/index.html".to_string()],
            dir.path(),
            &rules,
            Some("www.scoop.co.nz"),
        )
        .expect_err("other site");
        assert!(error.to_string().contains("--site"), "{error}");
        let error =
            resolve(&["no-such-file".to_string()], dir.path(), &rules, None).expect_err("neither");
        assert!(matches!(error, SeedError::NotUrlOrFile { .. }), "{error}");
        let error = resolve(&[], &dir.path().join("missing"), &rules, None).expect_err("no dir");
        assert!(matches!(error, SeedError::NoSeedLists { .. }), "{error}");
    }
}
