//! The crawl stage's errors: settings and seeds refused before any request is sent, and
//! what can stop a crawl part way.

/// Why the fetcher or the host pool cannot be built from these settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The rate override is negative, infinite or not a number.
    #[error(
        "--rate {value} is not a rate: give requests per second per host as a number ≥ 0, such as `--rate 1` (0 turns limiting off)"
    )]
    BadRate {
        /// The rejected rate.
        value: f64,
    },
    /// The concurrency override is 0.
    #[error(
        "--concurrency 0 would fetch nothing: give requests in flight per host ≥ 1, such as `--concurrency 2`"
    )]
    ZeroConcurrency,
    /// A timeout or backoff is zero.
    #[error("the {setting} is 0: give a duration above zero, or leave it out to get the default")]
    ZeroDuration {
        /// Which setting.
        setting: &'static str,
    },
    /// The attempt limit is zero.
    #[error("max attempts is 0, so nothing would be fetched: give 1 or more (the default is 4)")]
    ZeroAttempts,
    /// The body size cap is zero.
    #[error(
        "the body size limit is 0 bytes, so every page would be too large: give a size above zero (the default is 20 MB)"
    )]
    ZeroBodyLimit,
    /// The User-Agent cannot be sent as an HTTP header.
    #[error(
        "User-Agent `{value}` cannot be sent in an HTTP header: use printable ASCII only, such as `mycrawler/1.0 (+https://example.org/contact)`"
    )]
    BadUserAgent {
        /// The rejected User-Agent.
        value: String,
    },
    /// reqwest could not build its client (TLS set-up, usually).
    #[error("cannot build the HTTP client: {source}; check the TLS set-up of this machine")]
    Client {
        /// What reqwest said.
        #[source]
        source: reqwest::Error,
    },
}

/// A `--recheck-after` (or other) duration that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{value}` is not a duration: give a whole number and a unit (s, m, h, d, w), such as 30d, 12h or 1d12h; 0 means at once"
)]
pub struct BadDuration {
    /// The rejected text.
    pub value: String,
}

/// A seed list or seed URL that cannot start a crawl. Each names where the seed came from
/// (`file:line`, or `--seeds`).
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A seed list could not be read.
    #[error(
        "cannot read the seed list {}: {source}; pass a readable file, or a URL, to --seeds",
        path.display()
    )]
    Io {
        /// The list.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A line (or argument) that is not an absolute http(s) URL.
    #[error(
        "{origin}: `{value}` is not a seed URL ({problem}); write one absolute http or https URL a line, such as https://cablegate.wikileaks.org/index.html (`#` starts a comment)"
    )]
    BadUrl {
        /// `file:line`, or `--seeds`.
        origin: String,
        /// The text as written.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A seed that the crawl may not fetch.
    #[error("{origin}: seed {url} is outside the crawl: {why}")]
    OutOfScope {
        /// `file:line`, or `--seeds`.
        origin: String,
        /// The seed.
        url: String,
        /// Why, and the fix.
        why: String,
    },
    /// A `--seeds` value that is neither a URL nor a file.
    #[error(
        "--seeds `{value}` is neither an http(s) URL nor a readable file; pass a seed list (one URL a line) or a URL such as https://cablegate.wikileaks.org/index.html"
    )]
    NotUrlOrFile {
        /// The value as given.
        value: String,
    },
    /// No `--seeds` and no seed lists to fall back on.
    #[error(
        "no --seeds given and no seed lists (*.txt) in {}; pass --seeds FILE or URL, or run from the project folder that holds seeds/",
        dir.display()
    )]
    NoSeedLists {
        /// The folder looked in.
        dir: std::path::PathBuf,
    },
    /// Every list was empty, or held no seed for the site asked for.
    #[error("no seed URLs {what}; pass --seeds with a URL of the site to start from")]
    Empty {
        /// Where none were found, e.g. `for site x in seeds/`.
        what: String,
    },
}

/// Why a crawl stopped before its end, other than being asked to.
#[derive(Debug, thiserror::Error)]
pub enum CrawlError {
    /// The fetcher or the host pool refused its settings.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The store failed: nothing more can be recorded, so the crawl stops.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// A crawl task panicked or could not be run.
    #[error("a crawl task failed: {message}; this is a bug in cablestrip, please report it")]
    Task {
        /// What the runtime said.
        message: String,
    },
}
