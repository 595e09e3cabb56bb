//! The crawl frontier, a durable first-in first-out queue of URLs that holds each URL at
//! most once, and the log of runs.
//!
//! The queue itself is the `frontier` tree, keyed by a position from sled's monotonic id
//! generator (so iteration order is queue order, across restarts too); `frontier_urls`
//! maps each queued URL to its position, which is what makes pushes dedupe. The two trees
//! change together in one transaction. What was fetched "this run" is the crawler's
//! business: the queue only forgets a URL when told to.

use std::sync::atomic::Ordering;

use jiff::Timestamp;
use sled::Transactional;
use sled::transaction::TransactionError;

use super::records::{self, FrontierEntry, Queued, RunRecord};
use super::{Store, StoreError, trees};
use crate::model::PageUrl;

/// The crawl frontier of a store; get it with [`Store::frontier`]. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Frontier {
    store: Store,
}

impl Store {
    /// The crawl frontier.
    pub fn frontier(&self) -> Frontier {
        Frontier {
            store: self.clone(),
        }
    }
}

impl Frontier {
    /// Queues `entry` at the back unless its URL is already queued; returns whether it was
    /// queued now.
    pub fn push(&self, entry: &FrontierEntry) -> Result<bool, StoreError> {
        self.store.contained(
            || format!("queueing {}", entry.url),
            || {
                let store = &self.store;
                let inner = &store.inner;
                let key = entry.url.as_str();
                if self.contains_key(key)? {
                    return Ok(false);
                }
                let (value, seq) = self.encode_numbered(entry)?;
                let queued = (&inner.frontier, &inner.frontier_urls)
                    .transaction(|(frontier, urls)| {
                        if urls.get(key.as_bytes())?.is_some() {
                            return Ok(false);
                        }
                        urls.insert(key.as_bytes(), &seq[..])?;
                        frontier.insert(&seq[..], value.as_slice())?;
                        Ok(true)
                    })
                    .map_err(|e| self.transaction_error(e, format!("queueing {key}")))?;
                if queued {
                    inner.frontier_len.fetch_add(1, Ordering::Relaxed);
                }
                Ok(queued)
            },
        )
    }

    /// Puts `entry` at the back of the queue whether or not its URL is queued (replacing
    /// the queued copy): for a retry with `attempts` raised.
    pub fn requeue(&self, entry: &FrontierEntry) -> Result<(), StoreError> {
        self.store.contained(
            || format!("requeueing {}", entry.url),
            || {
                let store = &self.store;
                let inner = &store.inner;
                let key = entry.url.as_str();
                let (value, seq) = self.encode_numbered(entry)?;
                let replaced = (&inner.frontier, &inner.frontier_urls)
                    .transaction(|(frontier, urls)| {
                        let old = urls.insert(key.as_bytes(), &seq[..])?;
                        if let Some(old) = &old {
                            frontier.remove(old)?;
                        }
                        frontier.insert(&seq[..], value.as_slice())?;
                        Ok(old.is_some())
                    })
                    .map_err(|e| self.transaction_error(e, format!("requeueing {key}")))?;
                if !replaced {
                    inner.frontier_len.fetch_add(1, Ordering::Relaxed);
                }
                Ok(())
            },
        )
    }

    /// `entry` encoded, and a new queue position for it.
    fn encode_numbered(&self, entry: &FrontierEntry) -> Result<(Vec<u8>, [u8; 8]), StoreError> {
        let store = &self.store;
        let value = records::encode(entry)
            .map_err(|e| store.encode_error(trees::FRONTIER, entry.url.as_str(), e))?;
        let seq = store
            .inner
            .db
            .generate_id()
            .map_err(|e| store.sled_error("numbering a frontier entry", e))?
            .to_be_bytes();
        Ok((value, seq))
    }

    /// The oldest `max` entries, left in the queue: remove each with [`Frontier::remove`]
    /// once it is done, so that a crash before then fetches it again.
    pub fn peek(&self, max: usize) -> Result<Vec<Queued>, StoreError> {
        self.store.contained(
            || "reading the frontier".to_string(),
            || self.read(self.store.inner.frontier.iter(), max),
        )
    }

    /// The oldest `max` entries at queue position `start` or later (see [`Queued::seq`]),
    /// left in the queue: a crawler that keeps entries queued while it works on them reads
    /// on from one past the last position it saw.
    ///
    /// A position is taken before its entry is written, so two threads pushing at once can
    /// write their entries out of order, and a reader between the two writes would step
    /// past the earlier position. A reader that walks the queue this way must keep pushes
    /// from overlapping (one lock around them); then an entry pushed later always comes
    /// after every entry already visible.
    pub fn peek_from(&self, start: u64, max: usize) -> Result<Vec<Queued>, StoreError> {
        self.store.contained(
            || "reading the frontier".to_string(),
            || self.read(self.store.inner.frontier.range(start.to_be_bytes()..), max),
        )
    }

    fn read(&self, entries: sled::Iter, max: usize) -> Result<Vec<Queued>, StoreError> {
        let store = &self.store;
        let mut batch = Vec::with_capacity(max.min(1024));
        for item in entries.take(max) {
            let (key, value) = item.map_err(|e| store.sled_error("reading the frontier", e))?;
            let entry = records::decode(&value)
                .map_err(|e| store.decode_error(trees::FRONTIER, &key, e))?;
            let seq = seq_of(&key).ok_or_else(|| {
                store.corrupt(
                    trees::FRONTIER,
                    super::printable_key(trees::FRONTIER, &key),
                    "a queue position is 8 bytes".to_string(),
                )
            })?;
            batch.push(Queued { seq, entry });
        }
        Ok(batch)
    }

    /// Takes the oldest `max` entries out of the queue. No entry is taken twice: when
    /// threads pop at the same time, each gets only the entries it removed, so a call can
    /// return fewer than `max` (even none) while others remain queued.
    pub fn pop(&self, max: usize) -> Result<Vec<Queued>, StoreError> {
        let mut taken = Vec::new();
        for queued in self.peek(max)? {
            if self.remove_at(queued.seq, queued.entry.url.as_str())? {
                taken.push(queued);
            }
        }
        Ok(taken)
    }

    /// Removes `url` from the queue; returns whether it was queued.
    pub fn remove(&self, url: &PageUrl) -> Result<bool, StoreError> {
        self.store.contained(
            || format!("removing {url} from the frontier"),
            || {
                let key = url.as_str();
                let Some(seq) =
                    self.store
                        .inner
                        .frontier_urls
                        .get(key.as_bytes())
                        .map_err(|e| {
                            self.store
                                .sled_error(format!("looking up {key} in the frontier"), e)
                        })?
                else {
                    return Ok(false);
                };
                let seq = seq_of(&seq).ok_or_else(|| {
                    self.store.corrupt(
                        trees::FRONTIER_URLS,
                        key.to_string(),
                        "a queue position is 8 bytes".to_string(),
                    )
                })?;
                self.remove_at(seq, key)
            },
        )
    }

    /// Whether `url` is queued.
    pub fn contains(&self, url: &PageUrl) -> Result<bool, StoreError> {
        self.store.contained(
            || format!("looking up {url} in the frontier"),
            || self.contains_key(url.as_str()),
        )
    }

    /// Entries in the queue.
    pub fn len(&self) -> u64 {
        self.store.inner.frontier_len.load(Ordering::Relaxed)
    }

    /// Whether the queue is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn contains_key(&self, key: &str) -> Result<bool, StoreError> {
        self.store
            .inner
            .frontier_urls
            .contains_key(key.as_bytes())
            .map_err(|e| {
                self.store
                    .sled_error(format!("looking up {key} in the frontier"), e)
            })
    }

    /// Removes the entry at `seq` (URL key `key`) if it is still there.
    fn remove_at(&self, seq: u64, key: &str) -> Result<bool, StoreError> {
        self.store.contained(
            || format!("removing {key} from the frontier"),
            || {
                let inner = &self.store.inner;
                let seq = seq.to_be_bytes();
                let removed = (&inner.frontier, &inner.frontier_urls)
                    .transaction(|(frontier, urls)| {
                        if frontier.remove(&seq[..])?.is_none() {
                            return Ok(false);
                        }
                        // Only forget the URL if it still points here (not at a requeued copy).
                        if urls.get(key.as_bytes())?.as_deref() == Some(&seq[..]) {
                            urls.remove(key.as_bytes())?;
                        }
                        Ok(true)
                    })
                    .map_err(|e| {
                        self.transaction_error(e, format!("removing {key} from the frontier"))
                    })?;
                if removed {
                    inner.frontier_len.fetch_sub(1, Ordering::Relaxed);
                }
                Ok(removed)
            },
        )
    }

    fn transaction_error(&self, error: TransactionError<StoreError>, action: String) -> StoreError {
        match error {
            TransactionError::Abort(error) => error,
            TransactionError::Storage(e) => self.store.sled_error(action, e),
        }
    }
}

fn seq_of(bytes: &[u8]) -> Option<u64> {
    bytes.try_into().ok().map(u64::from_be_bytes)
}

impl Store {
    /// Starts a run of `command` and records it; runs are numbered 1, 2, 3, … (one process
    /// at a time holds the store, so the next number is one past the last).
    pub fn begin_run(&self, command: &str) -> Result<RunRecord, StoreError> {
        self.contained(
            || format!("starting a run of {command}"),
            || {
                let last = self
                    .inner
                    .runs
                    .last()
                    .map_err(|e| self.sled_error("numbering a run", e))?
                    .and_then(|(key, _)| seq_of(&key));
                let id = last.map_or(1, |last| last.saturating_add(1));
                let run = RunRecord {
                    id,
                    command: command.to_string(),
                    started: Timestamp::now(),
                    finished: None,
                    summary: None,
                };
                self.write_run(&run)?;
                Ok(run)
            },
        )
    }

    /// Marks run `id` finished now, with its summary (JSON text).
    pub fn finish_run(&self, id: u64, summary_json: &str) -> Result<RunRecord, StoreError> {
        self.contained(
            || format!("finishing run {id}"),
            || {
                let mut run = self.run(id)?.ok_or_else(|| StoreError::UnknownRun {
                    path: self.inner.path.clone(),
                    id,
                })?;
                run.finished = Some(Timestamp::now());
                run.summary = Some(summary_json.to_string());
                self.write_run(&run)?;
                Ok(run)
            },
        )
    }

    /// The run with id `id`.
    pub fn run(&self, id: u64) -> Result<Option<RunRecord>, StoreError> {
        self.contained(
            || format!("reading run {id}"),
            || self.read_record(&self.inner.runs, trees::RUNS, &id.to_be_bytes()),
        )
    }

    /// The latest run of any command, finished or not.
    pub fn last_run(&self) -> Result<Option<RunRecord>, StoreError> {
        self.last_run_where(|_| true)
    }

    /// The latest run of `command`, finished or not.
    pub fn last_run_of(&self, command: &str) -> Result<Option<RunRecord>, StoreError> {
        self.last_run_where(|run| run.command == command)
    }

    fn last_run_where(
        &self,
        wanted: impl Fn(&RunRecord) -> bool,
    ) -> Result<Option<RunRecord>, StoreError> {
        self.contained(
            || "reading the run log".to_string(),
            || {
                for item in self.inner.runs.iter().rev() {
                    let (key, value) =
                        item.map_err(|e| self.sled_error("reading the run log", e))?;
                    let run: RunRecord = records::decode(&value)
                        .map_err(|e| self.decode_error(trees::RUNS, &key, e))?;
                    if wanted(&run) {
                        return Ok(Some(run));
                    }
                }
                Ok(None)
            },
        )
    }

    fn write_run(&self, run: &RunRecord) -> Result<(), StoreError> {
        let value = records::encode(run)
            .map_err(|e| self.encode_error(trees::RUNS, &run.id.to_string(), e))?;
        self.inner
            .runs
            .insert(run.id.to_be_bytes(), value)
            .map_err(|e| self.sled_error(format!("writing run {}", run.id), e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
