//! The crawl stage's errors: settings and seeds refused before any request is sent, and
//! what can stop a crawl part way.

/// Why the fetcher or the host pool cannot be built from these settings.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The rate override is negative, infinite or not a number.
    #[error(
        "a rate of {value} is not a rate: give requests per second per host as a number ≥ 0, such as 1 (0 turns limiting off)"
    )]
    BadRate {
        /// The rejected rate.
        value: f64,
    },
    /// The concurrency override is 0.
    #[error(
        "a concurrency of 0 would fetch nothing: give requests in flight per host ≥ 1, such as 2"
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

/// A `--warc-max-size` (or other) size that does not read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{value}` is not a size: give a whole number of bytes above 0, with K, M or G (or KiB, MiB, GiB) if you like, such as 1G or 500M"
)]
pub struct BadSize {
    /// The rejected text.
    pub value: String,
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
/// (`file:line`, or the place the caller named for seeds given outright).
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    /// A seed list could not be read.
    #[error(
        "cannot read the seed list {}: {source}; give a readable seed list, or a URL",
        path.display()
    )]
    Io {
        /// The list.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A line (or value) that is not an absolute http(s) URL.
    #[error(
        "{origin}: `{value}` is not a seed URL ({problem}); write one absolute http or https URL a line, such as https://cablegate.wikileaks.org/index.html (`#` starts a comment)"
    )]
    BadUrl {
        /// `file:line`, or where seeds given outright came from.
        origin: String,
        /// The text as written.
        value: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A seed on a host that no rule file names.
    #[error(
        "{origin}: seed {url} is outside the crawl: no rule file names the host {host}; map the host to a site to crawl it as that site's pages, or remove the seed"
    )]
    UnknownHost {
        /// `file:line`, or where seeds given outright came from.
        origin: String,
        /// The seed.
        url: String,
        /// Its host.
        host: String,
    },
    /// A seed whose path the site's rule knows as neither a cable page nor an index page.
    #[error(
        "{origin}: seed {url} is outside the crawl: site {site}'s rule marks {path} as neither a cable page nor an index page to follow; check the URL, or the rule's [urls] patterns"
    )]
    NotAPage {
        /// `file:line`, or where seeds given outright came from.
        origin: String,
        /// The seed.
        url: String,
        /// The site whose rule it is.
        site: String,
        /// The seed's path (and query).
        path: String,
    },
    /// A seed given outright of another site than the one the crawl keeps to.
    #[error(
        "{origin}: seed {url} is outside the crawl: it is a page of site {seed_site}, but the crawl keeps to site {site}; drop one of the two"
    )]
    OtherSite {
        /// Where it was given.
        origin: String,
        /// The seed.
        url: String,
        /// The seed's site.
        seed_site: String,
        /// The site the crawl keeps to.
        site: String,
    },
    /// A value that is neither a URL nor a file.
    #[error(
        "`{value}` is neither an http(s) URL nor a readable file; give a seed list (one URL a line) or a URL such as https://cablegate.wikileaks.org/index.html"
    )]
    NotUrlOrFile {
        /// The value as given.
        value: String,
    },
    /// No seeds given and no seed lists to fall back on.
    #[error(
        "no seeds given and no seed lists (*.txt) in {}; give seed lists or URLs, or run from the project folder that holds seeds/",
        dir.display()
    )]
    NoSeedLists {
        /// The folder looked in.
        dir: std::path::PathBuf,
    },
    /// Every list was empty, or held no seed for the site asked for.
    #[error(
        "no seed URLs{}{}; give a URL of the site to start from",
        site.as_deref().map(|site| format!(" for site {site}")).unwrap_or_default(),
        lists.as_ref().map_or_else(|| format!(" in {given}"), |dir| format!(" in the seed lists of {}", dir.display()))
    )]
    Empty {
        /// The site the crawl keeps to, if any.
        site: Option<String>,
        /// The folder of seed lists read, when no seeds were given outright.
        lists: Option<std::path::PathBuf>,
        /// Where seeds given outright came from.
        given: String,
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
    /// The WARC archive (`--warc`) could not be opened or written: the crawl stops rather
    /// than store pages the archive lacks.
    #[error(transparent)]
    Warc(#[from] crate::warc::WarcError),
    /// A crawl task panicked or could not be run.
    #[error("a crawl task failed: {message}; this is a bug in cablestrip, please report it")]
    Task {
        /// What the runtime said.
        message: String,
    },
}
