//! The store's one error type: every message names the database path, the tree and key
//! involved, and what the user can do about it.

use std::path::PathBuf;

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process (another cablestrip) holds the database's file lock.
    #[error(
        "another cablestrip is using the database at {}; wait for it to finish, or use another database",
        path.display()
    )]
    Locked {
        /// The database folder.
        path: PathBuf,
    },

    /// A command that reads the store was pointed at a folder that holds no database.
    #[error(
        "there is no cablestrip database at {}; fix: open the store that an ingest or a crawl filled",
        path.display()
    )]
    NotFound {
        /// The folder given.
        path: PathBuf,
    },

    /// The database was written by a newer cablestrip.
    #[error(
        "the database at {} has schema version {found}, but this cablestrip supports only up to version {supported}; upgrade cablestrip to open it, or use another database",
        path.display()
    )]
    NewerSchema {
        /// The database folder.
        path: PathBuf,
        /// The version recorded in the database.
        found: u32,
        /// The newest version this binary reads.
        supported: u32,
    },

    /// The database holds data but says nothing of its schema: not ours, or damaged.
    #[error(
        "the database at {} holds data but no cablestrip schema version, so it was not made by cablestrip or is damaged; use another database, or restore it from a backup",
        path.display()
    )]
    MissingSchema {
        /// The database folder.
        path: PathBuf,
    },

    /// sled refused the database's own settings: it was made by another program (or with
    /// other sled settings than cablestrip uses).
    #[error(
        "the database at {} was not made by cablestrip ({detail}); use another database, or restore the database from a backup",
        path.display()
    )]
    Incompatible {
        /// The database folder.
        path: PathBuf,
        /// What sled objected to.
        detail: String,
    },

    /// A record was written by a newer cablestrip.
    #[error(
        "the record `{key}` in the `{tree}` tree of {} has record version {found}, but this cablestrip reads only up to version {supported}; upgrade cablestrip",
        path.display()
    )]
    NewerRecord {
        /// The database folder.
        path: PathBuf,
        /// The tree holding the record.
        tree: &'static str,
        /// The record's key, printable.
        key: String,
        /// The version in the record.
        found: u32,
        /// The newest version this binary reads.
        supported: u32,
    },

    /// A record (or body) on disk cannot be decoded.
    #[error(
        "the record `{key}` in the `{tree}` tree of {} is damaged ({problem}); restore the database from a backup, or rebuild it into a new database",
        path.display()
    )]
    Corrupt {
        /// The database folder.
        path: PathBuf,
        /// The tree holding the record.
        tree: &'static str,
        /// The record's key, printable.
        key: String,
        /// What is wrong with it.
        problem: String,
    },

    /// sled refused to open the database.
    #[error(
        "cannot open the database at {}: {source}; check that the folder is writable and was made by cablestrip, or use another database",
        path.display()
    )]
    Open {
        /// The database folder.
        path: PathBuf,
        /// sled's error.
        #[source]
        source: sled::Error,
    },

    /// A read or write failed inside sled (disk full, I/O error, damaged log).
    #[error(
        "the database at {} failed while {action}: {source}; check free disk space and permissions, then run again (what was flushed before is safe)",
        path.display()
    )]
    Sled {
        /// The database folder.
        path: PathBuf,
        /// What the store was doing, e.g. `writing page https://…`.
        action: String,
        /// sled's error.
        #[source]
        source: sled::Error,
    },

    /// A page record names a body that was never stored: the caller skipped `put_body`.
    #[error(
        "page {url} names body {hash}, which is not in the database at {}; store the body with put_body before recording the page",
        path.display()
    )]
    MissingBody {
        /// The database folder.
        path: PathBuf,
        /// The page.
        url: String,
        /// The hash the page names.
        hash: String,
    },

    /// `record_page` was given a page record and a cable that contradict each other.
    #[error(
        "cannot record page {url}: {problem}; build the page outcome from the same cleaning result as the cable"
    )]
    Inconsistent {
        /// The page.
        url: String,
        /// The contradiction.
        problem: String,
    },

    /// A record could not be encoded (a bug: every record type encodes).
    #[error(
        "cannot encode the record `{key}` for the `{tree}` tree: {source}; this is a bug in cablestrip, please report it"
    )]
    Encode {
        /// The tree the record was for.
        tree: &'static str,
        /// The record's key.
        key: String,
        /// serde_json's error.
        #[source]
        source: serde_json::Error,
    },

    /// A run id that the runs tree does not hold.
    #[error(
        "there is no run {id} in the database at {}; finish only a run that begin_run returned",
        path.display()
    )]
    UnknownRun {
        /// The database folder.
        path: PathBuf,
        /// The run id asked for.
        id: u64,
    },

    /// zstd failed to compress a body (out of memory, or a bad level in the options).
    #[error(
        "cannot compress a {len}-byte body: {source}; check the zstd level in the store options (1–22)"
    )]
    Compress {
        /// Size of the body.
        len: usize,
        /// zstd's error.
        #[source]
        source: std::io::Error,
    },
}

impl StoreError {
    /// Wraps a sled error met while doing `action`.
    pub(crate) fn sled(
        path: &std::path::Path,
        action: impl Into<String>,
        source: sled::Error,
    ) -> Self {
        StoreError::Sled {
            path: path.to_path_buf(),
            action: action.into(),
            source,
        }
    }
}
