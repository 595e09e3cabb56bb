//! The crawl stage's setup errors: settings refused before any request is sent.

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
