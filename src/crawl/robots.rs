//! robots.txt: what a host's file allows, and what to assume when there is no file.
//!
//! Fetched once per host per run by the fetcher and kept in the host pool. The choices
//! follow RFC 9309: a 4xx means "no robots.txt", so everything is allowed; a 5xx or an
//! unreachable host means "unknown", and the safe assumption is that nothing is allowed.
//! The fetcher retries a 5xx or a timeout with the usual backoff before concluding that,
//! so a momentary failure does not cost a host its night.

use std::fmt;
use std::time::Duration;

use texting_robots::Robot;

use super::outcome::FailureKind;
use crate::model::PageUrl;

/// RFC 9309 asks crawlers to read at least 500 KiB of a robots.txt; the rest is ignored.
pub const ROBOTS_MAX_BYTES: u64 = 500 * 1024;

/// What to do when robots.txt cannot be read (5xx after retries, timeout, no connection).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum RobotsUnreachable {
    /// Fetch nothing from the host this run (RFC 9309 §2.3.1.4). The default: a server
    /// that fails on robots.txt is often one that is struggling.
    #[default]
    Deny,
    /// Fetch as if there were no robots.txt, with a warning: for a site known to answer
    /// robots.txt with an error while serving pages fine.
    Allow,
}

/// A host's robots.txt, as far as the crawler is concerned.
pub enum RobotsPolicy {
    /// No robots.txt (4xx), or one that could not be parsed: everything is allowed.
    AllowAll,
    /// The file's rules for our user-agent token (or `*`).
    Rules(Box<Robot>),
    /// robots.txt could not be read; whether pages may be fetched anyway.
    Unreachable {
        /// Why it could not be read.
        kind: FailureKind,
        /// What [`RobotsUnreachable`] said to do.
        allow: bool,
    },
}

impl fmt::Debug for RobotsPolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RobotsPolicy::AllowAll => f.write_str("AllowAll"),
            RobotsPolicy::Rules(robot) => f
                .debug_struct("Rules")
                .field("delay", &robot.delay)
                .finish_non_exhaustive(),
            RobotsPolicy::Unreachable { kind, allow } => f
                .debug_struct("Unreachable")
                .field("kind", kind)
                .field("allow", allow)
                .finish(),
        }
    }
}

impl RobotsPolicy {
    /// Builds the policy from a robots.txt body for the agent `token`; an unparseable file
    /// is treated as absent, with a warning.
    pub fn from_body(token: &str, body: &[u8], robots_url: &PageUrl) -> RobotsPolicy {
        match Robot::new(token, body) {
            Ok(robot) => RobotsPolicy::Rules(Box::new(robot)),
            Err(error) => {
                tracing::warn!(%robots_url, %error, "robots.txt does not parse; treating it as absent");
                RobotsPolicy::AllowAll
            }
        }
    }

    /// Whether `url` may be fetched.
    pub fn allows(&self, url: &PageUrl) -> bool {
        match self {
            RobotsPolicy::AllowAll => true,
            RobotsPolicy::Rules(robot) => robot.allowed(url.as_str()),
            RobotsPolicy::Unreachable { allow, .. } => *allow,
        }
    }

    /// The Crawl-delay the file asks of us, if any and if it is a usable number.
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            RobotsPolicy::Rules(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .and_then(|d| Duration::try_from_secs_f32(d).ok()),
            _ => None,
        }
    }
}

/// `/robots.txt` on `url`'s scheme, host and port.
pub fn robots_url(url: &PageUrl) -> Option<PageUrl> {
    url.join("/robots.txt")
}

/// The product token robots.txt groups are matched against: the User-Agent up to its
/// first `/` or space (`cablestrip/0.1.0 (+…)` → `cablestrip`).
pub fn agent_token(user_agent: &str) -> &str {
    let end = user_agent
        .find(|c: char| c == '/' || c.is_whitespace())
        .unwrap_or(user_agent.len());
    &user_agent[..end]
}

#[cfg(test)]
mod tests;
