//! The library's errors as the command line words them: the library says what is wrong in
//! its own terms (a rate, a host mapping, a database); here the fix names the flag that
//! feeds the value. Errors without a flag to name keep the library's words.

use cablestrip::crawl::{ConfigError, CrawlError, SeedError};
use cablestrip::eval::EvalError;
use cablestrip::export::ExportError;
use cablestrip::fixtures::FixtureError;
use cablestrip::ingest::IngestError;
use cablestrip::mirror::MirrorError;
use cablestrip::rules::RuleError;
use cablestrip::store::StoreError;

/// Where seeds given on the command line come from, in the library's errors.
pub const SEEDS_FLAG: &str = "--seeds";

/// The message for `error`, with its causes, worded for the command line.
pub fn describe(error: &anyhow::Error) -> String {
    for cause in error.chain() {
        let worded = None
            .or_else(|| cause.downcast_ref::<StoreError>().and_then(store))
            .or_else(|| cause.downcast_ref::<RuleError>().and_then(rules))
            .or_else(|| cause.downcast_ref::<SeedError>().and_then(seeds))
            .or_else(|| cause.downcast_ref::<ConfigError>().and_then(crawl_config))
            .or_else(|| cause.downcast_ref::<ExportError>().and_then(export))
            .or_else(|| cause.downcast_ref::<MirrorError>().and_then(mirror))
            .or_else(|| cause.downcast_ref::<FixtureError>().and_then(fixtures))
            .or_else(|| cause.downcast_ref::<IngestError>().and_then(ingest))
            .or_else(|| cause.downcast_ref::<CrawlError>().and_then(crawl))
            .or_else(|| cause.downcast_ref::<EvalError>().and_then(eval));
        if let Some(worded) = worded {
            return worded;
        }
    }
    causes_once(error)
}

/// The error and its causes, each said once: a message that already holds its cause's
/// words (`cannot read X: Not a directory`) is not followed by them again.
fn causes_once(error: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in error.chain() {
        let message = cause.to_string();
        if text.contains(message.trim()) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&message);
    }
    text
}

fn store(error: &StoreError) -> Option<String> {
    Some(match error {
        StoreError::Locked { path } => format!(
            "another cablestrip is using the database at {}; wait for it to finish, or pass a different --db",
            path.display()
        ),
        StoreError::NotFound { path } => format!(
            "there is no cablestrip database at {}; fix: pass --db PATH (or set CABLESTRIP_DB) to the store that `cablestrip ingest` or `cablestrip crawl` filled",
            path.display()
        ),
        StoreError::NewerSchema {
            path,
            found,
            supported,
        } => format!(
            "the database at {} has schema version {found}, but this cablestrip supports only up to version {supported}; upgrade cablestrip to open it, or pass a different --db",
            path.display()
        ),
        StoreError::MissingSchema { path } => format!(
            "the database at {} holds data but no cablestrip schema version, so it was not made by cablestrip or is damaged; pass a different --db, or restore it from a backup",
            path.display()
        ),
        StoreError::Incompatible { path, detail } => format!(
            "the database at {} was not made by cablestrip ({detail}); pass a different --db, or restore the database from a backup",
            path.display()
        ),
        StoreError::Corrupt {
            path,
            tree,
            key,
            problem,
        } => format!(
            "the record `{key}` in the `{tree}` tree of {} is damaged ({problem}); run `cablestrip check --repair` to rebuild what it can from the raw pages, or restore the database from a backup",
            path.display()
        ),
        StoreError::Open { path, source } => format!(
            "cannot open the database at {}: {source}; check that the folder is writable and was made by cablestrip, or pass a different --db; if it is damaged, run `cablestrip check --repair`",
            path.display()
        ),
        _ => return None,
    })
}

fn rules(error: &RuleError) -> Option<String> {
    Some(match error {
        RuleError::Io { path, source } => format!(
            "cannot read rule files at {}: {source}; fix: point --selectors at the folder of rule files (selectors/)",
            path.display()
        ),
        RuleError::NoRuleFiles { dir } => format!(
            "no rule files (*.toml) in {}; fix: point --selectors at the folder of rule files (selectors/)",
            dir.display()
        ),
        RuleError::BadHostMap { value, problem } => format!(
            "--host-map `{value}`: {problem}; fix: write HOST[:PORT]=SITE, such as 127.0.0.1:8080=cablegate.wikileaks.org"
        ),
        _ => return None,
    })
}

fn seeds(error: &SeedError) -> Option<String> {
    Some(match error {
        SeedError::Io { path, source } => format!(
            "cannot read the seed list {}: {source}; pass a readable file, or a URL, to --seeds",
            path.display()
        ),
        SeedError::UnknownHost { origin, url, host } => format!(
            "{origin}: seed {url} is outside the crawl: no rule file names the host {host}; add --host-map {host}=SITE to crawl it as SITE's pages, or remove the seed"
        ),
        SeedError::OtherSite {
            origin,
            url,
            seed_site,
            site,
        } => format!(
            "{origin}: seed {url} is outside the crawl: it is a page of site {seed_site}, but --site {site} was given; drop one of the two"
        ),
        SeedError::NotUrlOrFile { value } => format!(
            "--seeds `{value}` is neither an http(s) URL nor a readable file; pass a seed list (one URL a line) or a URL such as https://cablegate.wikileaks.org/index.html"
        ),
        SeedError::NoSeedLists { dir } => format!(
            "no --seeds given and no seed lists (*.txt) in {}; pass --seeds FILE or URL, or run from the project folder that holds seeds/",
            dir.display()
        ),
        SeedError::Empty { site, lists, given } => {
            let site = site
                .as_deref()
                .map(|site| format!(" for site {site}"))
                .unwrap_or_default();
            let place = lists.as_ref().map_or_else(
                || format!(" in {given}"),
                |dir| format!(" in the seed lists of {}", dir.display()),
            );
            format!("no seed URLs{site}{place}; pass --seeds with a URL of the site to start from")
        }
        _ => return None,
    })
}

fn crawl_config(error: &ConfigError) -> Option<String> {
    Some(match error {
        ConfigError::BadRate { value } => format!(
            "--rate {value} is not a rate: give requests per second per host as a number ≥ 0, such as `--rate 1` (0 turns limiting off)"
        ),
        ConfigError::ZeroConcurrency => "--concurrency 0 would fetch nothing: give requests in flight per host ≥ 1, such as `--concurrency 2`".to_string(),
        ConfigError::BadUserAgent { value } => format!(
            "--user-agent `{value}` cannot be sent in an HTTP header: use printable ASCII only, such as `mycrawler/1.0 (+https://example.org/contact)`"
        ),
        _ => return None,
    })
}

fn export(error: &ExportError) -> Option<String> {
    match error {
        ExportError::BadSince { value } => Some(format!(
            "--since `{value}` is not a date; fix: give a day as YYYY-MM-DD (such as 2009-03-01) or a UTC time as 2009-03-01T12:00:00Z"
        )),
        ExportError::Store(error) => store(error),
        _ => None,
    }
}

fn mirror(error: &MirrorError) -> Option<String> {
    match error {
        MirrorError::BadBaseUrl { value, problem } => Some(format!(
            "--base-url `{value}` {problem}; fix: give only the scheme and host the mirror was saved from, such as https://cablegate.wikileaks.org/"
        )),
        MirrorError::Dir { .. } => None,
    }
}

fn fixtures(error: &FixtureError) -> Option<String> {
    match error {
        FixtureError::Read { path, source } => Some(format!(
            "cannot read {}: {source}; fix: pass --fixtures with the folder of fixture cases",
            path.display()
        )),
        FixtureError::UnknownSite { .. } => None,
    }
}

fn ingest(error: &IngestError) -> Option<String> {
    match error {
        IngestError::Mirror(error) => mirror(error),
        IngestError::Store(error) => store(error),
        IngestError::Reader { .. } => None,
    }
}

fn crawl(error: &CrawlError) -> Option<String> {
    match error {
        CrawlError::Config(error) => crawl_config(error),
        CrawlError::Store(error) => store(error),
        CrawlError::Task { .. } | CrawlError::Warc(_) => None,
    }
}

fn eval(error: &EvalError) -> Option<String> {
    match error {
        EvalError::Mirror(error) => mirror(error),
        _ => None,
    }
}
