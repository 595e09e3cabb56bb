//! Ingest: a local mirror folder (as wget, HTTrack or the WikiLeaks torrent leave it) →
//! each file on its URL on the site → the same page → clean → store path as the crawler
//! ([`pipeline::store_page`]), on every core.
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
//!
//! A file's modification time is its `fetched_at`, and a page already stored with the same
//! body and cleaned by the current rule is left alone, so re-ingesting an unchanged mirror
//! writes nothing.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

use jiff::Timestamp;
use rayon::prelude::*;
use serde::Serialize;
use url::Url;

use crate::model::Page;
use crate::pipeline::{self, Arrival, Stored};
use crate::rules::{Rule, UrlKind};
use crate::store::{CableChange, ReplacePolicy, Store, StoreError};

/// Pages between two flushes: a crash loses at most this many pages' work.
pub const DEFAULT_BATCH: usize = 256;

/// How many unreadable files a report names (it counts them all).
const MAX_LISTED_UNREADABLE: usize = 20;

/// What stops an ingest.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
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
    /// `--base-url` is not a scheme and host.
    #[error(
        "--base-url `{value}` {problem}; fix: give only the scheme and host the mirror was saved from, such as https://cablegate.wikileaks.org/"
    )]
    BadBaseUrl {
        /// The value given.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// The store failed; what was flushed before is safe.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The URL the mirror's paths are relative to: `given` (checked), else
/// `https://<the rule's first host>/`.
pub fn base_url(rule: &Rule, given: Option<&str>) -> Result<Url, IngestError> {
    let Some(text) = given else {
        return Url::parse(&format!("https://{}/", rule.primary_host())).map_err(|e| {
            IngestError::BadBaseUrl {
                value: rule.primary_host().to_string(),
                problem: format!("(the rule's first host) does not make a URL: {e}"),
            }
        });
    };
    let bad = |problem: &str| IngestError::BadBaseUrl {
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
pub fn url_for_parts(parts: &[&str], rule: &Rule, base: &Url) -> Option<Url> {
    (0..parts.len())
        .rev()
        .find_map(|start| tail_url(&parts[start..], rule, base))
}

/// The URL of the path `tail` (folders, then the saved file name) on the site, if the rule
/// classes it as a cable or index page.
fn tail_url(tail: &[&str], rule: &Rule, base: &Url) -> Option<Url> {
    let (name, folders) = tail.split_last()?;
    saved_name_readings(name).into_iter().find_map(|name| {
        let mut text = String::new();
        for folder in folders {
            text.push_str(&escape_path_text(folder));
            text.push('/');
        }
        text.push_str(&name);
        let url = Url::parse(&format!("{base}{text}")).ok()?;
        (rule.classify(&url) != UrlKind::Other).then_some(url)
    })
}

/// [`url_for_parts`] for a file's whole path, as `cablestrip clean --site` reads it.
pub fn url_for_file(path: &Path, rule: &Rule, base: &Url) -> Option<Url> {
    let parts = normal_parts(path);
    let parts: Vec<&str> = parts.iter().map(String::as_str).collect();
    url_for_parts(&parts, rule, base)
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
    pub url: Url,
}

/// What a walk of the mirror found.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Files that map to a page of the site, in path order, each URL once.
    pub files: Vec<MirrorFile>,
    /// Files seen in all.
    pub seen: usize,
    /// Files that map to no page of the site.
    pub skipped: usize,
    /// Files that map to a URL another file already maps to (the first in path order wins).
    pub duplicates: Vec<MirrorFile>,
}

/// A file found in the mirror, with the URLs it would have from each candidate root.
struct Walked {
    path: PathBuf,
    /// Path components under the mirror folder.
    parts: Vec<String>,
    /// `(k, url)`: the URL of the file's path without its first `k` components.
    readings: Vec<(usize, Url)>,
}

/// Walks the mirror at `dir` and maps each file to its URL on `rule`'s site (see the
/// module's documentation for how its root is found).
pub fn plan(dir: &Path, rule: &Rule, base: &Url) -> Result<Plan, IngestError> {
    let metadata = std::fs::metadata(dir).map_err(|source| IngestError::Dir {
        path: dir.to_path_buf(),
        source,
    })?;
    if !metadata.is_dir() {
        return Err(IngestError::Dir {
            path: dir.to_path_buf(),
            source: std::io::Error::other("it is a file, not a folder"),
        });
    }
    let mut walked = Vec::new();
    for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
        let entry = entry.map_err(|error| IngestError::Dir {
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
    let mut first_for_url: HashSet<Url> = HashSet::new();
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
            plan.skipped += 1;
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

/// How to ingest.
#[derive(Debug, Clone, Copy)]
pub struct IngestOptions {
    /// Pages between flushes.
    pub batch: usize,
    /// What to do with a stored cable when its page now gives none.
    pub policy: ReplacePolicy,
}

impl Default for IngestOptions {
    fn default() -> Self {
        IngestOptions {
            batch: DEFAULT_BATCH,
            policy: ReplacePolicy::KeepPrevious,
        }
    }
}

/// What an ingest did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct IngestReport {
    /// The site.
    pub site: String,
    /// The rule version that cleaned the pages.
    pub rules: String,
    /// Files in the folder.
    pub files: usize,
    /// Files that map to a page of the site.
    pub pages: usize,
    /// Files that map to no page of the site (styles, images, articles…).
    pub skipped_files: usize,
    /// Files that map to a URL that an earlier file already gave.
    pub duplicate_files: usize,
    /// Files that could not be read.
    pub unreadable_files: usize,
    /// The first unreadable files, with why.
    pub unreadable: Vec<String>,
    /// Pages already stored as they are (same body, cleaned by this rule): nothing done.
    pub unchanged_pages: usize,
    /// Pages recorded (new, or changed since they were stored).
    pub recorded_pages: usize,
    /// Raw bodies that were new to the store.
    pub new_bodies: usize,
    /// Index pages (kept for their links, not cleaned).
    pub index_pages: usize,
    /// Cables stored for the first time.
    pub new_cables: usize,
    /// Cables that replaced a different stored cable of the same page.
    pub changed_cables: usize,
    /// Cables cleaned again and found equal to the stored one.
    pub unchanged_cables: usize,
    /// Cable pages that the rule rejected, by reject kind.
    pub rejected: BTreeMap<String, usize>,
    /// Rejected pages whose earlier cable was kept.
    pub kept_previous: usize,
    /// Bytes of the pages read.
    pub bytes_read: u64,
    /// Writes of bodies, page records and cables.
    pub writes: u64,
    /// Wall-clock time.
    pub seconds: f64,
    /// Pages (read, cleaned and stored or found unchanged) per second.
    pub pages_per_second: f64,
    /// Megabytes (10^6 bytes) of pages per second.
    pub megabytes_per_second: f64,
}

enum FileOutcome {
    Unreadable(String),
    Done { stored: Box<Stored>, bytes: u64 },
}

/// Ingests the files of `plan` into `store` with `rule`, on every core, flushing every
/// `options.batch` pages and at the end. `progress` is called with the number of files
/// done after each one. The run is logged (`Store::begin_run`), with the report as its
/// summary once it finishes.
pub fn ingest(
    store: &Store,
    rule: &Rule,
    plan: &Plan,
    options: IngestOptions,
    progress: &(dyn Fn(u64) + Sync),
) -> Result<IngestReport, IngestError> {
    let started = Instant::now();
    let writes_before = store.content_writes();
    let run = store.begin_run("ingest")?;
    store.flush()?;
    let mut report = IngestReport {
        site: rule.name.clone(),
        rules: rule.version.clone(),
        files: plan.seen,
        pages: plan.files.len(),
        skipped_files: plan.skipped,
        duplicate_files: plan.duplicates.len(),
        ..IngestReport::default()
    };
    let done = std::sync::atomic::AtomicU64::new(0);
    for batch in plan.files.chunks(options.batch.max(1)) {
        let outcomes: Vec<Result<FileOutcome, StoreError>> = batch
            .par_iter()
            .map(|file| {
                let outcome = ingest_file(store, rule, file, options.policy);
                let finished = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
                progress(finished);
                outcome
            })
            .collect();
        for (file, outcome) in batch.iter().zip(outcomes) {
            report.add(file, outcome?);
        }
        store.flush()?;
        tracing::info!(
            done = done.load(std::sync::atomic::Ordering::Relaxed),
            total = plan.files.len(),
            "flushed a batch"
        );
    }
    report.writes = store.content_writes() - writes_before;
    report.seconds = started.elapsed().as_secs_f64();
    let processed = report.pages - report.unreadable_files;
    if report.seconds > 0.0 {
        report.pages_per_second = processed as f64 / report.seconds;
        report.megabytes_per_second = report.bytes_read as f64 / 1e6 / report.seconds;
    }
    let summary = serde_json::to_string(&report).unwrap_or_else(|_| "{}".to_string());
    store.finish_run(run.id, &summary)?;
    store.flush()?;
    Ok(report)
}

impl IngestReport {
    fn add(&mut self, file: &MirrorFile, outcome: FileOutcome) {
        let (stored, bytes) = match outcome {
            FileOutcome::Unreadable(why) => {
                self.unreadable_files += 1;
                if self.unreadable.len() < MAX_LISTED_UNREADABLE {
                    self.unreadable
                        .push(format!("{}: {why}", file.path.display()));
                }
                return;
            }
            FileOutcome::Done { stored, bytes } => (stored, bytes),
        };
        self.bytes_read += bytes;
        self.new_bodies += usize::from(stored.new_body);
        if stored.skipped {
            self.unchanged_pages += 1;
            return;
        }
        self.recorded_pages += 1;
        if let Some(reject) = &stored.reject {
            *self.rejected.entry(reject.kind().to_string()).or_insert(0) += 1;
        }
        match stored.change {
            CableChange::New => self.new_cables += 1,
            CableChange::Changed { .. } => self.changed_cables += 1,
            CableChange::Unchanged => self.unchanged_cables += 1,
            CableChange::NotCleaned => self.index_pages += 1,
            CableChange::KeptPrevious | CableChange::Dropped { .. } => self.kept_previous += 1,
            CableChange::Rejected => {}
        }
    }
}

fn ingest_file(
    store: &Store,
    rule: &Rule,
    file: &MirrorFile,
    policy: ReplacePolicy,
) -> Result<FileOutcome, StoreError> {
    let read = std::fs::metadata(&file.path).and_then(|metadata| {
        let body = std::fs::read(&file.path)?;
        Ok((metadata, body))
    });
    let (metadata, body) = match read {
        Ok(read) => read,
        Err(error) => return Ok(FileOutcome::Unreadable(error.to_string())),
    };
    // The file's modification time stands for when it was fetched: unchanged files keep it,
    // so storing them again changes nothing. A file system without times gives the epoch.
    let fetched_at = metadata
        .modified()
        .ok()
        .and_then(|time| Timestamp::try_from(time).ok())
        .unwrap_or(Timestamp::UNIX_EPOCH);
    let bytes = body.len() as u64;
    let arrival = Arrival {
        page: Page::from_bytes(file.url.clone(), body),
        etag: None,
        last_modified: None,
        fetched_at,
    };
    let stored = pipeline::store_page(store, rule, &arrival, policy)?;
    Ok(FileOutcome::Done {
        stored: Box::new(stored),
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::RuleSet;

    fn rules() -> RuleSet {
        RuleSet::builtin().expect("built-in rules")
    }

    fn map(rules: &RuleSet, site: &str, path: &str) -> Option<String> {
        let rule = rules.rule(site).expect("site");
        let base = base_url(rule, None).expect("base");
        let parts: Vec<&str> = path.split('/').collect();
        url_for_parts(&parts, rule, &base).map(String::from)
    }

    #[test]
    fn a_file_maps_to_the_shortest_tail_the_site_knows() {
        let rules = rules();
        let site = "cablegate.wikileaks.org";
        let cable = "https://cablegate.wikileaks.org/cable/2010/02/10MOSCOW228.html";
        assert_eq!(
            map(&rules, site, "cable/2010/02/10MOSCOW228.html").as_deref(),
            Some(cable)
        );
        // wget's host folder, a torrent's top folder: the site's own path still wins.
        assert_eq!(
            map(
                &rules,
                site,
                "cablegate-201012/cablegate.wikileaks.org/cable/2010/02/10MOSCOW228.html"
            )
            .as_deref(),
            Some(cable)
        );
        assert_eq!(
            map(&rules, site, "index.html").as_deref(),
            Some("https://cablegate.wikileaks.org/index.html")
        );
        assert_eq!(
            map(&rules, site, "reldate/2010-12-01_0.html").as_deref(),
            Some("https://cablegate.wikileaks.org/reldate/2010-12-01_0.html")
        );
        for other in [
            "static/css/main.css",
            "img/logo.png",
            "articles/2010/Reading-the-cables.html",
            "magnet.txt",
        ] {
            assert_eq!(map(&rules, site, other), None, "{other}");
        }
    }

    #[test]
    fn wget_names_of_query_pages_are_read_as_queries() {
        let rules = rules();
        let site = "www.cablegatesearch.net";
        let want = Some("https://www.cablegatesearch.net/cable.php?id=09BRASILIA1187");
        for saved in [
            "cable.php?id=09BRASILIA1187",
            "cable.php@id=09BRASILIA1187",
            "cable.php?id=09BRASILIA1187.html",
            "www.cablegatesearch.net/cable.php@id=09BRASILIA1187.html",
        ] {
            assert_eq!(map(&rules, site, saved).as_deref(), want, "{saved}");
        }
    }

    #[test]
    fn text_of_a_file_name_never_becomes_url_structure() {
        let rules = rules();
        let site = "cablegate.wikileaks.org";
        // A `#` or `%2F` in a name must not cut the path or climb out of it.
        assert_eq!(map(&rules, site, "cable/2010/02/10MOSCOW228.html#x"), None);
        assert_eq!(
            map(&rules, site, "cable%2F2010%2F02%2F10MOSCOW228.html"),
            None
        );
    }

    fn planned(files: &[&str], site: &str) -> Plan {
        let dir = tempfile::tempdir().expect("temp dir");
        for file in files {
            let path = dir.path().join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(&path, "<html></html>").expect("write");
        }
        let rules = rules();
        let rule = rules.rule(site).expect("site");
        plan(dir.path(), rule, &base_url(rule, None).expect("base")).expect("plan")
    }

    fn paths(plan: &Plan) -> Vec<String> {
        plan.files
            .iter()
            .map(|f| f.url.path().to_string())
            .collect()
    }

    #[test]
    fn the_mirror_root_is_where_most_paths_are_the_sites() {
        let site = "cablegate.wikileaks.org";
        let files = [
            "articles/2010/index.html",
            "cable/2010/02/10MOSCOW228.html",
            "cable/2010/02/10MOSCOW229.html",
            "index.html",
            "reldate/2010-12-01_0.html",
            "static/css/main.css",
        ];
        let plan = planned(&files, site);
        assert_eq!(
            paths(&plan),
            [
                "/cable/2010/02/10MOSCOW228.html",
                "/cable/2010/02/10MOSCOW229.html",
                "/index.html",
                "/reldate/2010-12-01_0.html"
            ],
            "an article folder's index.html is not the site's /index.html"
        );
        assert_eq!((plan.seen, plan.skipped), (6, 2));
        assert!(plan.duplicates.is_empty());

        // The same mirror in wget's host folder, beside HTTrack's own index page.
        let hosted: Vec<String> = files.iter().map(|f| format!("{site}/{f}")).collect();
        let mut with_index: Vec<&str> = hosted.iter().map(String::as_str).collect();
        with_index.push("index.html");
        let plan = planned(&with_index, site);
        assert_eq!(plan.files.len(), 4);
        assert!(
            plan.files
                .iter()
                .all(|f| f.path.to_string_lossy().contains(&format!("/{site}/"))),
            "{:?}",
            plan.files
        );
        assert_eq!(
            plan.duplicates.len(),
            1,
            "the top index.html is also /index.html"
        );
    }

    #[test]
    fn a_base_url_must_be_scheme_and_host_only() {
        let rules = rules();
        let rule = rules.rule("cablegate.wikileaks.org").expect("site");
        assert_eq!(
            base_url(rule, Some("http://127.0.0.1:8080"))
                .expect("host and port")
                .as_str(),
            "http://127.0.0.1:8080/"
        );
        for bad in [
            "ftp://x.org/",
            "https://x.org/mirror/",
            "not a url",
            "https://x.org/?q",
        ] {
            let error = base_url(rule, Some(bad)).expect_err(bad).to_string();
            assert!(error.contains(bad) && error.contains("fix:"), "{error}");
        }
        let parts = ["cable", "2010", "02", "10MOSCOW228.html"];
        let base = base_url(rule, Some("http://127.0.0.1:8080/")).expect("base");
        assert_eq!(
            url_for_parts(&parts, rule, &base)
                .map(String::from)
                .as_deref(),
            Some("http://127.0.0.1:8080/cable/2010/02/10MOSCOW228.html")
        );
    }
}
