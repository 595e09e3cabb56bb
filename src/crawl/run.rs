//! A crawl run: the [`Crawler`] a caller builds and runs, and the [`StopHandle`] that stops
//! it. The run starts from the seeds and what the store holds (see the record module),
//! hands the frontier to the dispatcher, and stores the summary with the run.
//!
//! An entry stays in the frontier until its page is recorded, so a run killed at any point
//! resumes from the frontier. Within a run no URL is fetched twice: a URL is marked done
//! the moment its fetch starts, and links to done URLs are not queued.

use std::sync::Arc;

use tokio::sync::watch;
use tokio::time::Instant;

use super::archive::Archive;
use super::config::CrawlConfig;
use super::dispatch::Dispatcher;
use super::error::CrawlError;
use super::fetch::Fetcher;
use super::record;
use super::seeds::Seed;
use super::shared::{Shared, blocking};
use super::summary::{Progress, Summary};
use crate::rules::RuleSet;
use crate::store::{Store, StoreError};

/// Asks a running crawl to stop: no new fetches start, fetches in flight finish (those
/// still waiting get [`CrawlConfig::stop_grace`]), everything is flushed and the summary
/// comes back as usual. Cheap to clone; usable from a signal handler task.
#[derive(Debug, Clone)]
pub struct StopHandle {
    sender: Arc<watch::Sender<bool>>,
}

impl StopHandle {
    /// Asks the crawl to stop.
    pub fn stop(&self) {
        self.sender.send_replace(true);
    }

    /// Whether a stop was asked for.
    pub fn is_stopping(&self) -> bool {
        *self.sender.borrow()
    }
}

/// A crawl over one store: build it, start a progress display from [`Crawler::progress`]
/// and a signal handler with [`Crawler::stop_handle`], then [`Crawler::run`] it.
#[derive(Debug)]
pub struct Crawler {
    shared: Arc<Shared>,
    progress: Arc<Progress>,
    stop: StopHandle,
}

impl Crawler {
    /// Builds the fetcher for `rules` (with any `--host-map` already applied).
    pub fn new(
        store: Store,
        rules: Arc<RuleSet>,
        config: CrawlConfig,
    ) -> Result<Crawler, CrawlError> {
        let fetcher = Fetcher::new(Arc::clone(&rules), config.fetch.clone())?;
        let archive = config
            .warc
            .as_ref()
            .map(|warc| Archive::open(warc, &rules, &config.fetch.user_agent))
            .transpose()?;
        let progress = Arc::new(Progress::new(store.frontier()));
        let (sender, _) = watch::channel(false);
        Ok(Crawler {
            shared: Arc::new(Shared::new(store, rules, fetcher, config, archive)),
            progress,
            stop: StopHandle {
                sender: Arc::new(sender),
            },
        })
    }

    /// Live counters for a progress display.
    pub fn progress(&self) -> Arc<Progress> {
        Arc::clone(&self.progress)
    }

    /// A handle that stops the crawl.
    pub fn stop_handle(&self) -> StopHandle {
        self.stop.clone()
    }

    /// Runs the crawl from `seeds`, the frontier left by earlier runs, the stored index
    /// pages (re-checked every run) and the stored cable pages due for a re-check; returns
    /// the summary, which is also stored with the run.
    ///
    /// Fails only when the store fails (or a task panics); every network failure is a
    /// counted, recorded outcome. A crawler is meant for one run (its progress counters
    /// and robots.txt cache are the run's): build a new one for the next.
    pub async fn run(&self, seeds: &[Seed]) -> Result<Summary, CrawlError> {
        let started = Instant::now();
        self.progress.start();
        // "Fetched this run" starts afresh with every run.
        let shared = Arc::clone(&self.shared);
        blocking(move || shared.start_run()).await?;
        let shared = Arc::clone(&self.shared);
        let seeds = seeds.to_vec();
        let (run, start) = blocking(move || record::start(&shared, &seeds)).await?;
        tracing::info!(run = run.id, ?start, "crawl started");
        let mut loop_ = Dispatcher::new(
            Arc::clone(&self.shared),
            Arc::clone(&self.progress),
            Summary::new(run.id, start),
            self.stop.sender.subscribe(),
        );
        let ended = loop_.run().await;
        let (mut summary, removals) = loop_.into_parts();
        let shared = Arc::clone(&self.shared);
        // The archive is closed before the store: its files then hold every page stored.
        let archived = self.shared.archive.as_ref().map(Archive::close);
        let ended = match ended {
            Ok(ended) => ended,
            Err(error) => {
                // Save what can be saved; the error is what the caller hears of.
                let _ = blocking(move || shared.store.flush().map(|_| ())).await;
                return Err(error);
            }
        };
        summary.warc = archived.transpose()?;
        summary.finish(ended, started.elapsed(), 0);
        let summary = blocking(move || {
            record::forget(&shared, &removals)?;
            summary.queued = shared.store.frontier().len();
            let json = serde_json::to_string(&summary).map_err(|source| StoreError::Encode {
                tree: "runs",
                key: summary.run.to_string(),
                source,
            })?;
            shared.store.finish_run(summary.run, &json)?;
            shared.store.flush()?;
            Ok(summary)
        })
        .await?;
        tracing::info!(
            run = summary.run,
            ended = ?summary.ended,
            requests = summary.requests,
            fetched = summary.fetched,
            errors = summary.errors,
            "crawl ended"
        );
        Ok(summary)
    }
}
