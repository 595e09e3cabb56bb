//! Saved mirrors: the files of a site saved by wget, HTTrack or the WikiLeaks torrent, and
//! the URL each file had on the site. The one mapping from files to URLs, used by ingest,
//! eval, `clean --site` and the benchmark.
//!
//! A file's URL is its path under the mirror's root. The root is found, not assumed: it is
//! the folder (the given folder itself, wget's or HTTrack's host folder, a torrent's top
//! folder) under which the site's rule knows the paths of the most files; for a file under
//! several candidate roots, the one that maps the most files wins. So a mirror maps alike
//! whether it is given with or without its host folder, and a file whose path the rule
//! does not know at its root (an article's `articles/2010/index.html`, a style sheet) is
//! skipped rather than read as another page (`/index.html`). Saved names of pages with a
//! query are read as wget writes them: `cable.php?id=X`, `cable.php@id=X`
//! (`--restrict-file-names=windows`) and either with `.html` added (`--adjust-extension`).

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

use url::Url;

use crate::model::PageUrl;
use crate::rules::{Rule, UrlKind};

/// What can stop a mirror from being read.
#[derive(Debug, thiserror::Error)]
pub enum MirrorError {
    /// The mirror folder is missing or cannot be listed.
    #[error(
        "cannot read the mirror folder {}: {source}; fix: pass the folder that holds the saved site (its root, or a folder above it)",
        path.display()
    )]
    Dir {
        /// The folder (or the entry in it) that failed.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The base URL is not a scheme and host.
    #[error(
        "the base URL `{value}` {problem}; fix: give only the scheme and host the mirror was saved from, such as https://cablegate.wikileaks.org/"
    )]
    BadBaseUrl {
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
}

/// The URL the mirror's paths are relative to: `given` (checked), else
/// `https://<the rule's first host>/`.
pub fn base_url(rule: &Rule, given: Option<&str>) -> Result<Url, MirrorError> {
    let Some(text) = given else {
        return Url::parse(&format!("https://{}/", rule.primary_host())).map_err(|e| {
            MirrorError::BadBaseUrl {
                value: rule.primary_host().to_string(),
                problem: format!("(the rule's first host) does not make a URL: {e}"),
            }
        });
    };
    let bad = |problem: &str| MirrorError::BadBaseUrl {
        value: text.to_string(),
        problem: problem.to_string(),
    };
    let url = Url::parse(text).map_err(|e| bad(&format!("is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(bad("is not an http or https URL"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(bad("has no host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(
            "has a path, query or fragment, but the mirror's own paths are the site's paths",
        ));
    }
    Ok(url)
}

/// The URL a saved file had on `rule`'s site, from its path components (outermost first):
/// the shortest tail that the rule classes as a cable or index page, or `None`. For a lone
/// file, whose mirror root is unknown (`cablestrip clean --site`).
pub fn url_for_parts(parts: &[&str], rule: &Rule, base: &Url) -> Option<PageUrl> {
    (0..parts.len())
        .rev()
        .find_map(|start| tail_url(&parts[start..], rule, base))
}

/// The URL of the path `tail` (folders, then the saved file name) on the site, if the rule
/// classes it as a cable or index page.
fn tail_url(tail: &[&str], rule: &Rule, base: &Url) -> Option<PageUrl> {
    let (name, folders) = tail.split_last()?;
    saved_name_readings(name).into_iter().find_map(|name| {
        let url = path_url(base, folders, &name)?;
        (rule.classify(&url) != UrlKind::Other).then_some(url)
    })
}

/// The URL of `folders` and the file name `name` under `base`, taken as written.
fn path_url(base: &Url, folders: &[&str], name: &str) -> Option<PageUrl> {
    let mut text = String::new();
    for folder in folders {
        text.push_str(&escape_path_text(folder));
        text.push('/');
    }
    text.push_str(name);
    PageUrl::parse(&format!("{base}{text}")).ok()
}

/// [`url_for_parts`] for a file's whole path, as `cablestrip clean --site` reads it.
pub fn url_for_file(path: &Path, rule: &Rule, base: &Url) -> Option<PageUrl> {
    let parts = normal_parts(path);
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    url_for_parts(&parts, rule, base)
}

/// How far into a saved page to look for the address it declares.
const DECLARED_URL_SCAN: usize = 16 * 1024;

/// The address a saved page declares for itself, for a file whose path says nothing: the
/// `<!-- saved from url=(NNNN)URL -->` comment browsers write when saving a page, a
/// `<link rel="canonical">`, or a `<meta property="og:url">`, in that order. Only http(s)
/// URLs count.
pub fn declared_url(bytes: &[u8]) -> Option<PageUrl> {
    static SAVED_FROM: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?i)<!--\s*saved from url=\(\d+\)(https?://[^\s>]+?)\s*-->")
            .expect("the pattern is valid")
    });
    static TAG: std::sync::LazyLock<regex::bytes::Regex> = std::sync::LazyLock::new(|| {
        regex::bytes::Regex::new(r"(?i)<(link|meta)\b[^>]*>").expect("the pattern is valid")
    });
    let head = &bytes[..bytes.len().min(DECLARED_URL_SCAN)];
    let http = |text: &[u8]| {
        let text = String::from_utf8_lossy(text).replace("&amp;", "&");
        PageUrl::parse(&text)
            .ok()
            .filter(|url| url.as_str().starts_with("http"))
    };
    if let Some(found) = SAVED_FROM.captures(head).and_then(|c| c.get(1)) {
        return http(found.as_bytes());
    }
    let tags: Vec<&[u8]> = TAG.find_iter(head).map(|m| m.as_bytes()).collect();
    let canonical = tags.iter().find_map(|tag| {
        let rel = attribute(tag, "rel")?;
        rel.split(|b| b.is_ascii_whitespace())
            .any(|word| word.eq_ignore_ascii_case(b"canonical"))
            .then(|| attribute(tag, "href"))
            .flatten()
    });
    let og_url = || {
        tags.iter().find_map(|tag| {
            let property = attribute(tag, "property")?;
            property
                .eq_ignore_ascii_case(b"og:url")
                .then(|| attribute(tag, "content"))
                .flatten()
        })
    };
    canonical.or_else(og_url).and_then(http)
}

/// The value of attribute `name` in one start tag, quoted or not.
fn attribute<'t>(tag: &'t [u8], name: &str) -> Option<&'t [u8]> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&lower[from..], name.as_bytes()) {
        let start = from + at;
        from = start + name.len();
        let before = start.checked_sub(1).map(|i| lower[i]);
        if !before.is_some_and(|b| b.is_ascii_whitespace()) {
            continue;
        }
        let rest = tag[from..].trim_ascii_start();
        let Some(rest) = rest.strip_prefix(b"=") else {
            continue;
        };
        let rest = rest.trim_ascii_start();
        let (quote, rest) = match rest.first() {
            Some(&q) if q == b'"' || q == b'\'' => (Some(q), &rest[1..]),
            _ => (None, rest),
        };
        let end = rest
            .iter()
            .position(|&b| match quote {
                Some(q) => b == q,
                None => b.is_ascii_whitespace() || b == b'>',
            })
            .unwrap_or(rest.len());
        return Some(&rest[..end]);
    }
    None
}

fn normal_parts(path: &Path) -> Vec<String> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect()
}

/// The ways a saved file name may stand for a URL's last segment (and query), most literal
/// first: as it is; with wget's `@` for `?`; without the `.html` that `--adjust-extension`
/// adds.
fn saved_name_readings(name: &str) -> Vec<String> {
    let mut readings = Vec::with_capacity(4);
    let (path_part, query) = match name.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (name, None),
    };
    readings.push(join_query(path_part, query));
    if query.is_none()
        && let Some((path, query)) = name.split_once('@')
    {
        readings.push(join_query(path, Some(query)));
    }
    for reading in readings.clone() {
        let lower = reading.to_ascii_lowercase();
        for extension in [".html", ".htm"] {
            if lower.ends_with(extension) && reading.len() > extension.len() {
                readings.push(reading[..reading.len() - extension.len()].to_string());
            }
        }
    }
    readings
}

fn join_query(path: &str, query: Option<&str>) -> String {
    let path = escape_path_text(path);
    match query {
        // A `#` in a saved name is text, never a fragment.
        Some(query) => format!("{path}?{}", query.replace('#', "%23")),
        None => path,
    }
}

/// Escapes what a URL parser would read as structure in text taken from a file name.
fn escape_path_text(text: &str) -> String {
    text.replace('%', "%25")
        .replace('#', "%23")
        .replace('?', "%3F")
        .replace('\\', "%5C")
}

/// A file of the mirror and the URL it stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MirrorFile {
    /// The file.
    pub path: PathBuf,
    /// Its URL on the site.
    pub url: PageUrl,
}

/// A file of the mirror that is no page of the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    /// The file.
    pub path: PathBuf,
    /// The URL its path would have under the mirror's root, taken as written (such a URL is
    /// no page of the site: `eval` cleans it to count that it gives no cable).
    pub url: Option<PageUrl>,
}

/// What a walk of the mirror found.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Files that map to a page of the site, in path order, each URL once.
    pub files: Vec<MirrorFile>,
    /// Files seen in all.
    pub seen: usize,
    /// Files that map to no page of the site, in path order.
    pub skipped: Vec<SkippedFile>,
    /// Files that map to a URL another file already maps to (the first in path order wins).
    pub duplicates: Vec<MirrorFile>,
}

/// A file found in the mirror, with the URLs it would have from each candidate root.
struct Walked {
    path: PathBuf,
    /// Path components under the mirror folder.
    parts: Vec<String>,
    /// `(k, url)`: the URL of the file's path without its first `k` components.
    readings: Vec<(usize, PageUrl)>,
}

/// Walks the mirror at `dir` and maps each file to its URL on `rule`'s site (see the
/// module's documentation for how its root is found).
pub fn plan(dir: &Path, rule: &Rule, base: &Url) -> Result<Plan, MirrorError> {
    let metadata = std::fs::metadata(dir).map_err(|source| MirrorError::Dir {
        path: dir.to_path_buf(),
        source,
    })?;
    if !metadata.is_dir() {
        return Err(MirrorError::Dir {
            path: dir.to_path_buf(),
            source: std::io::Error::other("it is a file, not a folder"),
        });
    }
    let mut walked = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|error| MirrorError::Dir {
            path: error.path().unwrap_or(dir).to_path_buf(),
            source: error.into(),
        })?;
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let parts = normal_parts(path.strip_prefix(dir).unwrap_or(path));
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        let readings = (0..refs.len())
            .filter_map(|k| tail_url(&refs[k..], rule, base).map(|url| (k, url)))
            .collect();
        walked.push(Walked {
            path: path.to_path_buf(),
            parts,
            readings,
        });
    }

    // Each reading is a vote for its root: the folder whose paths are the site's paths.
    let mut votes: HashMap<&[String], usize> = HashMap::new();
    for file in &walked {
        for (k, _) in &file.readings {
            *votes.entry(&file.parts[..*k]).or_insert(0) += 1;
        }
    }
    let mut plan = Plan {
        seen: walked.len(),
        ..Plan::default()
    };
    let mut first_for_url: HashSet<PageUrl> = HashSet::new();
    for file in &walked {
        // The file's root: of the folders it lies in, the one with the most votes (the
        // outermost on a tie).
        let root = (0..file.parts.len())
            .map(|k| (votes.get(&file.parts[..k]).copied().unwrap_or(0), k))
            .filter(|(votes, _)| *votes > 0)
            .max_by_key(|&(votes, k)| (votes, std::cmp::Reverse(k)))
            .map(|(_, k)| k);
        let url = root.and_then(|root| {
            file.readings
                .iter()
                .find(|(k, _)| *k == root)
                .map(|(_, url)| url.clone())
        });
        let Some(url) = url else {
            let under_root = &file.parts[root.unwrap_or(0)..];
            let url = under_root.split_last().and_then(|(name, folders)| {
                let folders: Vec<&str> = folders.iter().map(String::as_str).collect();
                path_url(base, &folders, &escape_path_text(name))
            });
            plan.skipped.push(SkippedFile {
                path: file.path.clone(),
                url,
            });
            continue;
        };
        let mapped = MirrorFile {
            path: file.path.clone(),
            url,
        };
        if first_for_url.insert(mapped.url.clone()) {
            plan.files.push(mapped);
        } else {
            plan.duplicates.push(mapped);
        }
    }
    Ok(plan)
}

#[cfg(test)]
mod tests;
