//! The crawl loop: reads the persistent frontier in queue order into a small buffer per
//! host, runs each host's fetches under its politeness limits, cleans and stores pages on
//! the blocking pool (see the record module), flushes at batch boundaries, and stops
//! cleanly when asked.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;
use tokio::time::Instant;

use super::copy;
use super::error::CrawlError;
use super::fetch::FetchRequest;
use super::record::{self, Job, Settled};
use super::shared::{Shared, blocking};
use super::summary::{Ended, Progress, Summary};
use crate::model::{HostKey, PageUrl};
use crate::store::{LinkKind, PageRecord, StoreError};

/// Frontier entries read per store call; the loop dispatches between calls.
const BATCH: usize = 2048;
/// Entries held in memory per host, waiting for their turn (a few hundred bytes each).
/// The frontier is read ahead into these queues, so a host whose entries sit far back in
/// the frontier gets its turn as soon as any other. Past this, a host's further entries
/// are passed over and read again once its queue has half emptied.
const PER_HOST_QUEUE: usize = 20_000;

/// One host's waiting entries and running fetches.
#[derive(Debug)]
struct HostQueue {
    /// The host's site, shared by its jobs.
    site: Arc<str>,
    jobs: std::collections::VecDeque<Job>,
    running: usize,
    /// Fetches allowed to run at once: twice the host's concurrency, so that while some
    /// pages are being cleaned the host's next requests are already waiting their turn.
    /// The host pool holds the real limits.
    cap: usize,
}

/// How a task ended.
#[derive(Debug)]
enum TaskEnd {
    Settled {
        seq: u64,
        host: HostKey,
        settled: Result<Settled, CrawlError>,
    },
    /// Dropped at the end of a stop's grace (its fetch, or its page's cleaning, still
    /// going); left in the frontier.
    Abandoned { seq: u64, host: HostKey },
}

pub(super) struct Dispatcher {
    shared: Arc<Shared>,
    progress: Arc<Progress>,
    summary: Summary,
    stop: watch::Receiver<bool>,
    abandon: watch::Sender<bool>,
    clean_slots: Arc<Semaphore>,
    tasks: JoinSet<TaskEnd>,
    queues: HashMap<HostKey, HostQueue>,
    /// Entries waiting in the queues.
    buffered: usize,
    /// Queue positions buffered or running: a re-read of the frontier skips them.
    claimed: HashSet<u64>,
    /// The next queue position to read.
    cursor: u64,
    /// Whether the last read found nothing after the cursor.
    exhausted: bool,
    /// Hosts whose entries were passed over because their queue was full: once one has
    /// room, the frontier is read again from the first entry passed over.
    deferred: HashSet<HostKey>,
    /// The queue position of the first entry passed over.
    first_deferred: Option<u64>,
    /// Whether the whole frontier was read with nothing running since.
    swept: bool,
    /// Entries of URLs already fetched this run, to take out of the frontier.
    removals: Vec<PageUrl>,
    dispatched: u64,
    since_flush: u64,
    last_flush: Instant,
    /// A flush running on the blocking pool while fetching goes on.
    flushing: Option<tokio::task::JoinHandle<Result<usize, StoreError>>>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("cursor", &self.cursor)
            .field("buffered", &self.buffered)
            .field("running", &self.tasks.len())
            .finish_non_exhaustive()
    }
}

impl Dispatcher {
    pub(super) fn new(
        shared: Arc<Shared>,
        progress: Arc<Progress>,
        summary: Summary,
        stop: watch::Receiver<bool>,
    ) -> Dispatcher {
        let clean_slots = Arc::new(Semaphore::new(shared.config.clean_workers()));
        Dispatcher {
            shared,
            progress,
            summary,
            stop,
            abandon: watch::channel(false).0,
            clean_slots,
            tasks: JoinSet::new(),
            queues: HashMap::new(),
            buffered: 0,
            claimed: HashSet::new(),
            cursor: 0,
            exhausted: false,
            deferred: HashSet::new(),
            first_deferred: None,
            swept: false,
            removals: Vec::new(),
            dispatched: 0,
            since_flush: 0,
            last_flush: Instant::now(),
            flushing: None,
        }
    }

    /// What the run counted, and the URLs it dealt with that are still to be forgotten
    /// in the frontier.
    pub(super) fn into_parts(self) -> (Summary, Vec<PageUrl>) {
        (self.summary, self.removals)
    }

    pub(super) async fn run(&mut self) -> Result<Ended, CrawlError> {
        let mut stopping = *self.stop.borrow();
        let mut stop_closed = false;
        let mut limit = false;
        let mut fatal: Option<CrawlError> = None;
        let grace = tokio::time::sleep(Duration::from_secs(3600));
        tokio::pin!(grace);
        let mut grace_armed = false;
        loop {
            let taking = !stopping && !limit && fatal.is_none();
            if taking {
                if self.exhausted
                    && self.may_reread()
                    && let Some(first) = self.first_deferred.take()
                {
                    tracing::debug!(from = first, "reading again the entries passed over");
                    self.cursor = first;
                    self.exhausted = false;
                    self.deferred.clear();
                }
                if let Err(error) = self.refill().await {
                    fatal = Some(error);
                    self.abandon.send_replace(true);
                    continue;
                }
                limit = self.dispatch();
            }
            if self.tasks.is_empty() {
                if !taking || limit {
                    break;
                }
                if self.buffered == 0 && self.exhausted && !self.may_reread() {
                    if self.swept {
                        break;
                    }
                    // Nothing runs, so nothing is being pushed: one last read of the whole
                    // frontier finds anything the walk by position could have missed.
                    self.swept = true;
                    self.cursor = 0;
                    self.exhausted = false;
                }
                continue;
            }
            tokio::select! {
                joined = self.tasks.join_next() => {
                    let error = match joined {
                        Some(Ok(end)) => self.settled(end),
                        Some(Err(error)) => Some(CrawlError::Task { message: error.to_string() }),
                        None => None,
                    };
                    let error = match error {
                        Some(error) => Some(error),
                        None => self.maybe_flush().await.err(),
                    };
                    if let Some(error) = error
                        && fatal.is_none()
                    {
                        fatal = Some(error);
                        self.abandon.send_replace(true);
                    }
                }
                changed = self.stop.changed(), if !stopping && !stop_closed => {
                    if changed.is_err() {
                        stop_closed = true;
                    } else if *self.stop.borrow() {
                        tracing::info!(running = self.tasks.len(), "stop asked for: no new fetches; letting those in flight finish");
                        stopping = true;
                        grace.as_mut().reset(Instant::now() + self.shared.config.stop_grace);
                        grace_armed = true;
                    }
                }
                () = &mut grace, if grace_armed => {
                    tracing::warn!(running = self.tasks.len(), "fetches and cleanings still going after the stop's grace; dropping them (they stay queued)");
                    grace_armed = false;
                    self.abandon.send_replace(true);
                }
            }
        }
        if let Err(error) = self.finish_flush().await
            && fatal.is_none()
        {
            fatal = Some(error);
        }
        if let Some(error) = fatal {
            return Err(error);
        }
        Ok(if stopping {
            Ended::Interrupted
        } else if limit {
            Ended::MaxPages
        } else {
            Ended::Finished
        })
    }

    /// Whether a host that was passed over has room again.
    fn may_reread(&self) -> bool {
        self.deferred.iter().any(|host| {
            self.queues
                .get(host)
                .is_none_or(|q| q.jobs.len() < PER_HOST_QUEUE / 2)
        })
    }

    /// Reads the next batch of frontier entries into the host queues.
    async fn refill(&mut self) -> Result<(), CrawlError> {
        if !self.exhausted {
            let shared = Arc::clone(&self.shared);
            let cursor = self.cursor;
            let batch = blocking(move || record::read_batch(&shared, cursor, BATCH)).await?;
            match batch.last() {
                Some(last) => self.cursor = last.seq.saturating_add(1),
                None => self.exhausted = true,
            }
            let mut taken = Vec::new();
            let mut room: HashMap<HostKey, usize> = HashMap::new();
            for queued in batch {
                if let Some(job) = self.sort(queued, &mut room) {
                    taken.push(job);
                }
            }
            if !taken.is_empty() {
                let shared = Arc::clone(&self.shared);
                let urls: Vec<PageUrl> =
                    taken.iter().map(|(job, _)| job.entry.url.clone()).collect();
                let records = blocking(move || record::look_up(&shared, &urls)).await?;
                let now = Timestamp::now();
                for ((job, host), record) in taken.into_iter().zip(records) {
                    self.claim(job, &host, record.as_ref(), now);
                }
            }
        }
        if !self.removals.is_empty() {
            let shared = Arc::clone(&self.shared);
            let removals = std::mem::take(&mut self.removals);
            blocking(move || record::forget(&shared, &removals)).await?;
        }
        Ok(())
    }

    /// Decides what to do with a frontier entry before its page record is looked up:
    /// skip it, drop it, pass over it, or take it (returned, with its host).
    fn sort(
        &mut self,
        queued: crate::store::Queued,
        room: &mut HashMap<HostKey, usize>,
    ) -> Option<(Job, HostKey)> {
        if self.claimed.contains(&queued.seq) {
            return None;
        }
        let url = &queued.entry.url;
        // Outside this run's scope (another --site, an unmapped mirror): left for a run
        // that covers it.
        let (site, kind) = self.shared.scope(url)?;
        if self.shared.is_done(url) {
            // Held back for want of robots.txt: it stays queued for the next run.
            if !self.shared.is_held(url) {
                self.removals.push(url.clone());
            }
            return None;
        }
        let host = url.host();
        let queue = self
            .queues
            .entry(host.clone())
            .or_insert_with(|| HostQueue {
                site: Arc::from(site),
                jobs: std::collections::VecDeque::new(),
                running: 0,
                cap: 2 * self.shared.fetcher.hosts().limits_for(url).concurrency as usize,
            });
        let left = room
            .entry(host.clone())
            .or_insert_with(|| PER_HOST_QUEUE.saturating_sub(queue.jobs.len()));
        if *left == 0 {
            self.deferred.insert(host);
            self.first_deferred = Some(
                self.first_deferred
                    .map_or(queued.seq, |s| s.min(queued.seq)),
            );
            return None;
        }
        *left -= 1;
        let mut entry = queued.entry;
        entry.kind = kind;
        let job = Job {
            seq: queued.seq,
            entry,
            site: Arc::clone(&queue.site),
            copy: None,
        };
        Some((job, host))
    }

    /// Puts a job in its host's queue, unless its page is a cable page stored and fresh.
    fn claim(&mut self, mut job: Job, host: &HostKey, record: Option<&PageRecord>, now: Timestamp) {
        if job.entry.kind == LinkKind::Cable && record.is_some_and(|r| self.shared.is_fresh(r, now))
        {
            self.summary.skipped += 1;
            self.removals.push(job.entry.url);
            return;
        }
        job.copy = record.and_then(copy::Validators::of);
        let Some(queue) = self.queues.get_mut(host) else {
            return;
        };
        self.claimed.insert(job.seq);
        queue.jobs.push_back(job);
        self.buffered += 1;
    }

    /// Starts fetches on every host with room; returns whether `--max-pages` is reached.
    fn dispatch(&mut self) -> bool {
        let max = self.shared.config.max_pages;
        for (host, queue) in &mut self.queues {
            while queue.running < queue.cap {
                if max.is_some_and(|max| self.dispatched >= max) {
                    return true;
                }
                let Some(job) = queue.jobs.pop_front() else {
                    break;
                };
                self.buffered -= 1;
                if !self.shared.mark_done(&job.entry.url) {
                    // Fetched already this run (a redirect's target, say).
                    self.claimed.remove(&job.seq);
                    self.removals.push(job.entry.url);
                    continue;
                }
                queue.running += 1;
                self.dispatched += 1;
                self.tasks.spawn(run_job(
                    Arc::clone(&self.shared),
                    job,
                    host.clone(),
                    Arc::clone(&self.clean_slots),
                    self.abandon.subscribe(),
                ));
            }
        }
        max.is_some_and(|max| self.dispatched >= max)
    }

    /// Counts a finished task; returns the store error it met, if any.
    fn settled(&mut self, end: TaskEnd) -> Option<CrawlError> {
        let (seq, host) = match &end {
            TaskEnd::Settled { seq, host, .. } | TaskEnd::Abandoned { seq, host } => (*seq, host),
        };
        self.claimed.remove(&seq);
        if let Some(queue) = self.queues.get_mut(host) {
            queue.running = queue.running.saturating_sub(1);
        }
        // The task may have queued links after the cursor.
        self.exhausted = false;
        self.swept = false;
        match end {
            TaskEnd::Settled {
                settled: Ok(settled),
                ..
            } => {
                self.summary.add(&settled);
                self.progress.add(&settled);
                self.since_flush += 1;
                None
            }
            TaskEnd::Settled {
                settled: Err(error),
                ..
            } => Some(error),
            TaskEnd::Abandoned { .. } => {
                self.summary.abandoned += 1;
                None
            }
        }
    }

    /// Flushes the store every so many pages, and every few seconds, in the background:
    /// fetching and cleaning go on while sled syncs. One flush runs at a time.
    async fn maybe_flush(&mut self) -> Result<(), CrawlError> {
        if let Some(flush) = &self.flushing {
            if !flush.is_finished() {
                return Ok(());
            }
            self.finish_flush().await?;
        }
        let config = &self.shared.config;
        let due = self.since_flush >= config.flush_every_pages.max(1)
            || (self.since_flush > 0 && self.last_flush.elapsed() >= config.flush_interval);
        if due {
            let shared = Arc::clone(&self.shared);
            self.flushing = Some(tokio::task::spawn_blocking(move || shared.store.flush()));
            self.since_flush = 0;
            self.last_flush = Instant::now();
        }
        Ok(())
    }

    /// Waits for the background flush, if one runs, and reports how it went.
    async fn finish_flush(&mut self) -> Result<(), CrawlError> {
        let Some(flush) = self.flushing.take() else {
            return Ok(());
        };
        match flush.await {
            Ok(result) => result.map(|_| ()).map_err(CrawlError::from),
            Err(error) => Err(CrawlError::Task {
                message: error.to_string(),
            }),
        }
    }
}

/// Fetches one page, then records it on the blocking pool once a cleaning slot is free.
///
/// At the end of a stop's grace the job is dropped wherever it is: waiting for its fetch,
/// for a cleaning slot, or while its page is being cleaned. A clean cannot be cut short,
/// so it finishes on the blocking pool unwatched (in time linear in the page) and leaves
/// the page unrecorded, still in the frontier for the next run; the crawl does not wait
/// for it.
async fn run_job(
    shared: Arc<Shared>,
    job: Job,
    host: HostKey,
    clean_slots: Arc<Semaphore>,
    mut abandon: watch::Receiver<bool>,
) -> TaskEnd {
    let seq = job.seq;
    // The site's page is fetched from its mapped host, when this run has one.
    let from = shared.rules.fetch_url(&job.entry.url);
    let request = match &job.copy {
        Some(copy) => {
            FetchRequest::conditional(from, copy.etag.clone(), copy.last_modified.clone())
        }
        None => FetchRequest::new(from),
    };
    let fetch = async {
        let scope = |url: &PageUrl| shared.scope(&shared.rules.site_url(url)).is_some();
        if shared.archive.is_some() {
            shared.fetcher.fetch_recorded(&request, &scope).await
        } else {
            (shared.fetcher.fetch(&request, &scope).await, Vec::new())
        }
    };
    let (outcome, received) = tokio::select! {
        fetched = fetch => fetched,
        () = abandoned(&mut abandon) => return TaskEnd::Abandoned { seq, host },
    };
    let seen = abandon.clone();
    let settle = async {
        let permit = clean_slots
            .acquire_owned()
            .await
            .map_err(|error| CrawlError::Task {
                message: error.to_string(),
            })?;
        let shared = Arc::clone(&shared);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            record::settle(&shared, &job, outcome, &received, &|| *seen.borrow())
        })
        .await
        .map_err(|error| CrawlError::Task {
            message: error.to_string(),
        })?
    };
    let settled = tokio::select! {
        settled = settle => settled,
        () = abandoned(&mut abandon) => return TaskEnd::Abandoned { seq, host },
    };
    match settled {
        Ok(Some(settled)) => TaskEnd::Settled {
            seq,
            host,
            settled: Ok(settled),
        },
        // Given up between cleaning and recording, at the stop's grace end.
        Ok(None) => TaskEnd::Abandoned { seq, host },
        Err(error) => TaskEnd::Settled {
            seq,
            host,
            settled: Err(error),
        },
    }
}

/// Resolves once the stop's grace has ended (never, when no stop can come any more).
async fn abandoned(abandon: &mut watch::Receiver<bool>) {
    if abandon.wait_for(|&abandon| abandon).await.is_err() {
        std::future::pending::<()>().await;
    }
}
