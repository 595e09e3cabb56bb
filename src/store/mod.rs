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

mod bodies;
mod cables;
mod citations;
mod error;
mod frontier;
mod records;

#[cfg(test)]
pub(crate) mod test_support;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

pub use bodies::{BadBodyHash, BodyHash, BodyPut};
pub use cables::{CableChange, CableIter, PageIter, ReplacePolicy, SiteStats};
pub use citations::IndexedCopy;
pub use error::StoreError;
pub use frontier::Frontier;
pub use records::{
    Citation, CleanOutcome, FrontierEntry, LinkKind, PageRecord, Queued, RECORD_VERSION, RunRecord,
};

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
    pub const FRONTIER: &str = "frontier";
    pub const FRONTIER_URLS: &str = "frontier_urls";
    pub const RUNS: &str = "runs";
}

const SCHEMA_KEY: &[u8] = b"schema_version";

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
    frontier: sled::Tree,
    frontier_urls: sled::Tree,
    runs: sled::Tree,
    dicts: bodies::Dictionaries,
    /// Entries in the frontier, counted once at open and kept up to date, because sled
    /// counts a tree by walking it.
    frontier_len: AtomicU64,
    /// Writes of bodies, page records and cables made through this handle.
    content_writes: AtomicU64,
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
    /// Opens (or creates) the database in folder `path` with the default options.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, &StoreOptions::default())
    }

    /// Opens (or creates) the database in folder `path`.
    ///
    /// Fails with [`StoreError::Locked`] when another process has it open, with
    /// [`StoreError::NewerSchema`] when a newer cablestrip wrote it, and with
    /// [`StoreError::MissingSchema`] when it holds data that cablestrip did not write.
    pub fn open_with(path: &Path, options: &StoreOptions) -> Result<Store, StoreError> {
        let db = sled::Config::new()
            .path(path)
            .cache_capacity(options.cache_capacity)
            .mode(sled::Mode::LowSpace)
            .segment_size(SEGMENT_SIZE)
            .open()
            .map_err(|source| {
                if is_lock_error(&source) {
                    StoreError::Locked {
                        path: path.to_path_buf(),
                    }
                } else if let sled::Error::Unsupported(detail) = source {
                    // sled checks its settings recorded in the database (segment size,
                    // compression) against the ones asked for, and says "unsupported".
                    StoreError::Incompatible {
                        path: path.to_path_buf(),
                        detail,
                    }
                } else {
                    StoreError::Open {
                        path: path.to_path_buf(),
                        source,
                    }
                }
            })?;
        let fresh = check_schema(path, &db)?;
        let open = |name: &str| {
            db.open_tree(name)
                .map_err(|e| StoreError::sled(path, format!("opening the {name} tree"), e))
        };
        let frontier_urls = open(trees::FRONTIER_URLS)?;
        let inner = Inner {
            path: path.to_path_buf(),
            options: options.clone(),
            meta: open(trees::META)?,
            bodies: open(trees::BODIES)?,
            dict_samples: open(trees::DICT_SAMPLES)?,
            pages: open(trees::PAGES)?,
            cables: open(trees::CABLES)?,
            cable_ids: open(trees::CABLE_IDS)?,
            frontier: open(trees::FRONTIER)?,
            frontier_len: AtomicU64::new(frontier_urls.len() as u64),
            frontier_urls,
            runs: open(trees::RUNS)?,
            dicts: bodies::Dictionaries::default(),
            content_writes: AtomicU64::new(0),
            db,
        };
        let store = Store {
            inner: Arc::new(inner),
        };
        if fresh {
            store
                .inner
                .meta
                .insert(SCHEMA_KEY, SCHEMA_VERSION.to_string().as_bytes())
                .map_err(|e| store.sled_error("writing the schema version", e))?;
            store.flush()?;
        }
        Ok(store)
    }

    /// Opens the database in folder `path`, which must exist: for commands that only read
    /// or rework what is stored, where a mistyped --db should fail rather than create an
    /// empty database. Fails with [`StoreError::NotFound`] when there is none.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        // sled keeps its settings in `conf` and its log in `db`; a folder without them
        // holds no database.
        if !path.join("conf").is_file() || !path.join("db").is_file() {
            return Err(StoreError::NotFound {
                path: path.to_path_buf(),
            });
        }
        Store::open(path)
    }

    /// The database folder.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Syncs everything written so far to disk and returns the bytes it wrote.
    ///
    /// sled also syncs in the background every 500 ms; call this at batch boundaries and
    /// before exiting, so that what the caller reports as done is on disk.
    pub fn flush(&self) -> Result<usize, StoreError> {
        self.inner
            .db
            .flush()
            .map_err(|e| self.sled_error("flushing to disk", e))
    }

    /// The bytes the database takes on disk (sled's own files; excludes its small
    /// `conf` and snapshot files).
    pub fn size_on_disk(&self) -> Result<u64, StoreError> {
        self.inner
            .db
            .size_on_disk()
            .map_err(|e| self.sled_error("measuring the database size", e))
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

/// Whether sled failed to open because another process holds its file lock.
///
/// sled 0.34 (`Config::try_lock`) reports a held lock as `Error::Io` of kind `Other`
/// whose message begins "could not acquire lock on"; no other error carries that text.
fn is_lock_error(error: &sled::Error) -> bool {
    matches!(error, sled::Error::Io(io)
        if io.kind() == std::io::ErrorKind::Other
            && io.to_string().starts_with("could not acquire lock"))
}

/// Checks the schema version; returns whether the database is new (and needs one written).
///
/// Runs before any tree of ours is opened, so a refused database is left as it was.
fn check_schema(path: &Path, db: &sled::Db) -> Result<bool, StoreError> {
    let read_error = |e| StoreError::sled(path, "reading the schema version", e);
    let names = db.tree_names();
    let mut found = None;
    if names.iter().any(|name| name == trees::META.as_bytes()) {
        let meta = db.open_tree(trees::META).map_err(read_error)?;
        if let Some(value) = meta.get(SCHEMA_KEY).map_err(read_error)? {
            let version = std::str::from_utf8(&value)
                .ok()
                .and_then(|text| text.parse::<u32>().ok())
                .filter(|&version| version >= 1)
                .ok_or_else(|| StoreError::Corrupt {
                    path: path.to_path_buf(),
                    tree: trees::META,
                    key: "schema_version".to_string(),
                    problem: format!(
                        "`{}` is not a schema version",
                        String::from_utf8_lossy(&value)
                    ),
                })?;
            found = Some(version);
        }
    }
    match found {
        Some(version) if version > SCHEMA_VERSION => Err(StoreError::NewerSchema {
            path: path.to_path_buf(),
            found: version,
            supported: SCHEMA_VERSION,
        }),
        Some(_) => Ok(false),
        None => {
            for name in &names {
                let empty = if name == SLED_DEFAULT_TREE {
                    db.is_empty()
                } else {
                    db.open_tree(name).map_err(read_error)?.is_empty()
                };
                if !empty {
                    return Err(StoreError::MissingSchema {
                        path: path.to_path_buf(),
                    });
                }
            }
            Ok(true)
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
