//! What the crawl tests share: quick settings, and a fixture site on a local server with a
//! store to crawl it into.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::support::site::FixtureSite;
use crate::support::{TestServer, rules_for};
use cablestrip::crawl::{CrawlConfig, Crawler, FetchConfig, PolitenessConfig, Summary, seeds};
use cablestrip::model::PageUrl;
use cablestrip::rules::RuleSet;
use cablestrip::store::{CleanOutcome, Store};

/// No rate limit, short timeouts and backoffs: the fault tests stay fast.
pub fn quick() -> CrawlConfig {
    CrawlConfig {
        fetch: FetchConfig {
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(2),
            request_timeout: Duration::from_secs(5),
            max_attempts: 3,
            politeness: PolitenessConfig {
                rate: Some(0.0),
                concurrency: Some(2),
                backoff_base: Duration::from_millis(40),
                backoff_max: Duration::from_millis(200),
                max_retry_after: Duration::from_secs(3),
            },
            ..FetchConfig::default()
        },
        ..CrawlConfig::default()
    }
}

/// A fixture site on a local server and a store to crawl it into.
pub struct Bench {
    pub server: TestServer,
    pub site: FixtureSite,
    pub rules: Arc<RuleSet>,
    _dir: tempfile::TempDir,
    pub db: PathBuf,
}

impl Bench {
    pub async fn start(site: FixtureSite) -> Bench {
        let server = TestServer::start().await;
        site.serve(&server);
        let rules = rules_for(&server);
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("db");
        Bench {
            server,
            site,
            rules,
            _dir: dir,
            db,
        }
    }

    /// Crawls from the site's front page.
    pub async fn crawl(&self, config: CrawlConfig) -> Summary {
        self.crawl_from(config, &["/"]).await
    }

    pub async fn crawl_from(&self, config: CrawlConfig, paths: &[&str]) -> Summary {
        let crawler = self.crawler(config);
        crawler
            .run(&self.seeds(paths))
            .await
            .expect("the crawl runs")
    }

    pub fn crawler(&self, config: CrawlConfig) -> Crawler {
        let store = crate::support::open_store(&self.db);
        Crawler::new(store, Arc::clone(&self.rules), config).expect("valid settings")
    }

    pub fn seeds(&self, paths: &[&str]) -> Vec<cablestrip::crawl::Seed> {
        let urls: Vec<String> = paths
            .iter()
            .map(|p| self.server.url(p).to_string())
            .collect();
        seeds::resolve(
            &urls,
            seeds::GIVEN,
            std::path::Path::new("no-seed-dir"),
            &self.rules,
            None,
        )
        .expect("the seeds are in scope")
    }

    /// Opens the store (after a crawl has let go of it) to look inside.
    pub fn store(&self) -> Store {
        crate::support::open_store(&self.db)
    }

    /// Requests the server saw for `path` (query included) since `from`.
    pub fn hits(&self, path: &str) -> usize {
        self.server.requests_to(path).len()
    }

    pub fn cable_requests(&self, from: usize) -> Vec<String> {
        self.server.requests()[from..]
            .iter()
            .filter(|r| r.target.starts_with("/cable/"))
            .map(|r| r.target.clone())
            .collect()
    }
}

pub fn stored_cables(store: &Store) -> Vec<String> {
    store
        .cables(None)
        .map(|c| c.expect("cable reads").id.to_string())
        .collect()
}

pub fn failure_kind(store: &Store, url: &PageUrl) -> Option<String> {
    match store.page(url).expect("page reads")?.outcome {
        CleanOutcome::Failed { kind, .. } => Some(kind),
        _ => None,
    }
}
