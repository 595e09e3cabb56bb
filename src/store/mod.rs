//! The store: the one module that touches sled. It keeps raw bodies (write-once), page
//! records, clean cables with their cable-ID index, the crawl frontier and the run log, and
//! hides sled so that another embedded engine could replace it.
//!
//! # Trees
//!
//! | tree            | key                          | value                                   |
//! |-----------------|------------------------------|-----------------------------------------|
//! | `meta`          | `schema_version`, `dict/…`, `site-dict/…` | decimal text; zstd dictionaries (see the bodies module) |
//! | `bodies`        | blake3 of the raw body (32 bytes) | codec header + zstd frame, write-once |
//! | `dict_samples`  | `<site>\0<body hash>`        | empty: bodies to train `site`'s dictionary on |
//! | `pages`         | canonical URL                | [`PageRecord`], JSON                    |
//! | `cables`        | source URL                   | [`Cable`](crate::model::Cable), JSON compressed against the page's body |
//! | `cable_ids`     | `<cable id>\0<source URL>`   | site and rules version, JSON            |
//! | `known_ids`     | cable id                     | where it was first seen (listing or ID list), JSON |
//! | `frontier`      | queue position, u64 big-endian | [`FrontierEntry`], JSON               |
//! | `frontier_urls` | canonical URL                | queue position, u64 big-endian          |
//! | `runs`          | run id, u64 big-endian       | [`RunRecord`], JSON                     |
//!
//! Every JSON record sits in an envelope `{"v": <record version>, "r": …}` (see the
//! records module, which also says why JSON).
//!
//! # Durability
//!
//! sled writes to its log in memory and syncs it to disk in the background every 500 ms;
//! [`Store::flush`] syncs at once. Callers flush at batch boundaries and on shutdown, so a
//! crash loses at most the batch in flight. sled recovers a prefix of its log, and every
//! step that must be all-or-nothing (a page record with its cable and index entry, a
//! frontier entry with its dedupe entry) is one sled transaction.
//!
//! # One process at a time
//!
//! sled locks its database file; a second process that opens the same database gets
//! [`StoreError::Locked`], and nothing is written.
//!
//! # Damage
//!
//! sled panics on many kinds of damage to its files; every store call that reaches sled
//! runs inside the guard module's `contain`, which turns a panic into
//! [`StoreError::Damaged`]. Before sled opens, snapshots it never finished writing are
//! removed (see the files module); after, the flush record kept beside sled's files tells
//! whether sled dropped writes it had synced ([`StoreError::LostWrites`]). A store that
//! cannot be written is read from a temporary copy ([`Store::open_for_reading`]). The check
//! module verifies the whole store and repairs it.

mod bodies;
mod cables;
mod check;
mod citations;
#[cfg(test)]
pub(crate) mod damage;
mod error;
mod files;
mod frontier;
mod guard;
mod iter;
mod known;
mod open;
mod problem;
mod rebuild;
mod records;
mod recover;
mod repair;
mod salvage;

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

pub use bodies::{BadBodyHash, BodyHash, BodyPut};
pub use cables::{CableChange, ReplacePolicy};
pub use check::{Audit, AuditCounts, BODY_LOST};
pub use citations::IndexedCopy;
pub use error::StoreError;
pub use files::{BadFile, FLUSH_FILE};
pub use frontier::Frontier;
pub use guard::install_panic_hook;
pub use iter::{CableIter, PageIter, SiteStats};
pub use known::Sighting;
pub(crate) use open::{CopyWhen, Opening};
pub use problem::Problem;
pub use records::{
    Citation, CleanOutcome, FrontierEntry, LinkKind, PageRecord, Queued, RECORD_VERSION, RunRecord,
};
pub use recover::{Opened, RebuildCounts, Recovery, sled_file_problems};
pub use repair::{Repaired, StoreRepair};
pub use salvage::Unreadable;

/// The layout version of the database this binary writes, and the newest it opens.
pub const SCHEMA_VERSION: u32 = 1;

/// The names of the trees.
mod trees {
    pub const META: &str = "meta";
    pub const BODIES: &str = "bodies";
    pub const DICT_SAMPLES: &str = "dict_samples";
    pub const PAGES: &str = "pages";
    pub const CABLES: &str = "cables";
    pub const CABLE_IDS: &str = "cable_ids";
    pub const KNOWN: &str = "known_ids";
    pub const FRONTIER: &str = "frontier";
    pub const FRONTIER_URLS: &str = "frontier_urls";
    pub const RUNS: &str = "runs";
    pub const FLUSHES: &str = "flushes";
}

const SCHEMA_KEY: &[u8] = b"schema_version";
/// The key in the `flushes` tree of the last flush's number (u64 big-endian).
const LAST_FLUSH_KEY: &[u8] = b"last";

/// sled's log segment size. sled rewrites a B-tree leaf whole every tenth change to it and
/// reclaims a segment only once at most half of it is live, so the database holds up to
/// twice its live data; small segments are reclaimed sooner. Storing the 1,295 WikiLeaks
/// cable pages (12.4 % of their raw bytes live) took ~22 % of the raw bytes on disk with
/// 32 KiB segments, ~23–25 % with 128 KiB and ~27 % with sled's default of 512 KiB. Below
/// 32 KiB, sled would write each compressed body to a file of its own (its blob threshold is
/// a quarter segment). sled records the size in the database and refuses to open it with
/// another, so changing this needs a new schema version.
const SEGMENT_SIZE: usize = 32 * 1024;
/// The tree sled makes in every database.
const SLED_DEFAULT_TREE: &[u8] = b"__sled__default";

/// How the store compresses and caches. The defaults are what the measurements chose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoreOptions {
    /// zstd level for bodies (1–22).
    pub zstd_level: i32,
    /// Bodies of a site to train its compression dictionary on; 0 turns dictionaries off
    /// (every body is compressed on its own).
    pub dictionary_samples: usize,
    /// The largest dictionary to train, in bytes.
    pub dictionary_size: usize,
    /// sled's page cache, in bytes.
    pub cache_capacity: u64,
}

/// zstd level for bodies: with a dictionary, level 9 stores the 2010 WikiLeaks pages in
/// about 15 % less space than level 3, at 0.6 ms a page; level 15 saves 6 % more at 4 ms a
/// page, which would make compression most of an ingest's work.
pub const DEFAULT_ZSTD_LEVEL: i32 = 9;
/// Bodies collected before a site's dictionary is trained: 100 pages (a few MB) train one
/// that beats the site's first page by ~7 %; dictionaries trained on 50 or fewer did worse.
pub const DEFAULT_DICTIONARY_SAMPLES: usize = 100;
/// zstd's own default dictionary size, enough to hold a site's chrome.
pub const DEFAULT_DICTIONARY_SIZE: usize = 110 * 1024;
/// sled's page cache: enough for the indexes of a full corpus.
pub const DEFAULT_CACHE_CAPACITY: u64 = 256 * 1024 * 1024;

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            zstd_level: DEFAULT_ZSTD_LEVEL,
            dictionary_samples: DEFAULT_DICTIONARY_SAMPLES,
            dictionary_size: DEFAULT_DICTIONARY_SIZE,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
        }
    }
}

/// An open database. Cheap to clone; clones share one database and may be used from many
/// threads. Every call blocks: call it from a blocking pool, not an async task.
#[derive(Clone)]
pub struct Store {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    options: StoreOptions,
    db: sled::Db,
    meta: sled::Tree,
    bodies: sled::Tree,
    dict_samples: sled::Tree,
    pages: sled::Tree,
    cables: sled::Tree,
    cable_ids: sled::Tree,
    /// IDs seen in listings and ID lists (see the known module).
    known: sled::Tree,
    frontier: sled::Tree,
    frontier_urls: sled::Tree,
    runs: sled::Tree,
    /// The number of the last flush (see the files module's `FlushRecord`).
    flushes: sled::Tree,
    dicts: bodies::Dictionaries,
    /// Entries in the frontier, counted once at open and kept up to date, because sled
    /// counts a tree by walking it.
    frontier_len: AtomicU64,
    /// Writes of bodies, page records and cables made through this handle.
    content_writes: AtomicU64,
    /// The last flush numbered, and the content writes made by then.
    flush_mark: Mutex<FlushMark>,
    /// Flushes recorded beside the database that it does not hold, when it was opened
    /// despite them (by `check`): `(recorded, found)`.
    lost_writes: Option<(u64, u64)>,
    /// What was wrong with the flush record beside the database, if it could not be read.
    flush_record_problem: Option<String>,
    /// Where sled's files are: the database folder, or the temporary copy of one that
    /// cannot be written.
    sled_dir: PathBuf,
    /// The temporary copy being read, removed when the store is dropped; the last field, so
    /// that sled's handles go first.
    copy: Option<files::TempCopy>,
}

#[derive(Debug, Default)]
struct FlushMark {
    number: u64,
    writes: u64,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.inner.path)
            .field("options", &self.inner.options)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// The database folder.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// The sled tree named `name`, one of the trees module's names (any other name is
    /// taken as the last of them, `flushes`).
    fn tree(&self, name: &str) -> &sled::Tree {
        let inner = &self.inner;
        match name {
            trees::META => &inner.meta,
            trees::BODIES => &inner.bodies,
            trees::DICT_SAMPLES => &inner.dict_samples,
            trees::PAGES => &inner.pages,
            trees::CABLES => &inner.cables,
            trees::CABLE_IDS => &inner.cable_ids,
            trees::KNOWN => &inner.known,
            trees::FRONTIER => &inner.frontier,
            trees::FRONTIER_URLS => &inner.frontier_urls,
            trees::RUNS => &inner.runs,
            _ => &inner.flushes,
        }
    }

    /// Syncs everything written so far to disk and returns the bytes it wrote.
    ///
    /// sled also syncs in the background every 500 ms; call this at batch boundaries and
    /// before exiting, so that what the caller reports as done is on disk. A flush that
    /// follows writes of content is numbered, and its number recorded beside the database
    /// once synced (see [`StoreError::LostWrites`]).
    pub fn flush(&self) -> Result<usize, StoreError> {
        self.contained(
            || "flushing to disk".to_string(),
            || {
                let inner = &self.inner;
                let mut mark = inner.flush_mark.lock().unwrap_or_else(PoisonError::into_inner);
                let writes = self.content_writes();
                let next = (writes != mark.writes).then_some(mark.number + 1);
                if let Some(number) = next {
                    inner
                        .flushes
                        .insert(LAST_FLUSH_KEY, &number.to_be_bytes())
                        .map_err(|e| self.sled_error("numbering a flush", e))?;
                }
                let bytes = inner
                    .db
                    .flush()
                    .map_err(|e| self.sled_error("flushing to disk", e))?;
                if let Some(number) = next {
                    *mark = FlushMark { number, writes };
                    if let Err(error) =
                        files::write_flush_record(&inner.sled_dir, files::FlushRecord { flush: number })
                    {
                        // The record only ever lags: the next flush writes it again.
                        tracing::warn!(%error, "could not record flush {number} beside the database");
                    }
                }
                Ok(bytes)
            },
        )
    }

    /// The bytes the database takes on disk (sled's own files; excludes its small
    /// `conf` and snapshot files).
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.contained(
            || "measuring the database size".to_string(),
            || {
                self.inner
                    .db
                    .size_on_disk()
                    .map_err(|e| self.sled_error("measuring the database size", e))
            },
        )
    }

    /// How many writes of bodies, page records and cables (with their index entries) this
    /// handle and its clones have made since the database was opened: a stored body counts
    /// one, a recorded page that changed anything counts one. Commands report it, so that a
    /// run that should change nothing can show that it wrote nothing.
    pub fn content_writes(&self) -> u64 {
        self.inner.content_writes.load(Ordering::Relaxed)
    }

    fn count_content_write(&self) {
        self.inner.content_writes.fetch_add(1, Ordering::Relaxed);
    }

    /// A checksum of everything the store holds about pages: bodies, dictionaries, page
    /// records, cables and their index (not the run log or the crawl frontier). Equal before
    /// and after a command means the command changed none of it. Reads the whole database.
    pub fn content_checksum(&self) -> Result<u64, StoreError> {
        self.contained(
            || "checksumming the database".to_string(),
            || self.checksum(),
        )
    }

    fn checksum(&self) -> Result<u64, StoreError> {
        let inner = &self.inner;
        let mut hasher = blake3::Hasher::new();
        for (name, tree) in [
            (trees::META, &inner.meta),
            (trees::BODIES, &inner.bodies),
            (trees::DICT_SAMPLES, &inner.dict_samples),
            (trees::PAGES, &inner.pages),
            (trees::CABLES, &inner.cables),
            (trees::CABLE_IDS, &inner.cable_ids),
        ] {
            let crc = tree
                .checksum()
                .map_err(|e| self.sled_error(format!("checksumming the {name} tree"), e))?;
            hasher.update(name.as_bytes());
            hasher.update(&crc.to_be_bytes());
        }
        let mut first = [0u8; 8];
        first.copy_from_slice(&hasher.finalize().as_bytes()[..8]);
        Ok(u64::from_be_bytes(first))
    }

    /// Runs store code that calls sled, turning a panic of sled's into
    /// [`StoreError::Damaged`] (see the guard module).
    fn contained<T>(
        &self,
        action: impl FnOnce() -> String,
        work: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        guard::contain(&self.inner.path, action, work)
    }

    fn sled_error(&self, action: impl Into<String>, source: sled::Error) -> StoreError {
        StoreError::sled(&self.inner.path, action, source)
    }

    fn corrupt(&self, tree: &'static str, key: String, problem: String) -> StoreError {
        StoreError::Corrupt {
            path: self.inner.path.clone(),
            tree,
            key,
            problem,
        }
    }

    fn read_record<T: serde::de::DeserializeOwned>(
        &self,
        tree: &sled::Tree,
        name: &'static str,
        key: &[u8],
    ) -> Result<Option<T>, StoreError> {
        let value = tree.get(key).map_err(|e| {
            self.sled_error(
                format!("reading `{}` from {name}", printable_key(name, key)),
                e,
            )
        })?;
        value
            .map(|value| records::decode(&value).map_err(|e| self.decode_error(name, key, e)))
            .transpose()
    }

    fn encode_error(&self, tree: &'static str, key: &str, source: serde_json::Error) -> StoreError {
        StoreError::Encode {
            tree,
            key: key.to_string(),
            source,
        }
    }

    /// Maps a record decoding failure to the error that names its tree and key.
    fn decode_error(
        &self,
        tree: &'static str,
        key: &[u8],
        error: records::DecodeError,
    ) -> StoreError {
        let key = printable_key(tree, key);
        match error {
            records::DecodeError::Newer(found) => StoreError::NewerRecord {
                path: self.inner.path.clone(),
                tree,
                key,
                found,
                supported: RECORD_VERSION,
            },
            records::DecodeError::Corrupt(problem) => self.corrupt(tree, key, problem),
        }
    }
}

/// A key as it can be printed in a message: text keys as text, binary keys in hex.
fn printable_key(tree: &str, key: &[u8]) -> String {
    match tree {
        trees::BODIES => BodyHash::from_slice(key)
            .map(|hash| hash.to_string())
            .unwrap_or_else(|| hex(key)),
        trees::FRONTIER | trees::RUNS if key.len() == 8 => {
            let mut bytes = [0u8; 8];
            bytes.copy_from_slice(key);
            u64::from_be_bytes(bytes).to_string()
        }
        _ => String::from_utf8_lossy(key).replace('\0', "␀"),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
