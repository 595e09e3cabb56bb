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
        "the record `{key}` in the `{tree}` tree of {} is damaged ({problem}); run `cablestrip check --repair` to rebuild what it can from the raw pages, or restore the database from a backup",
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
        "cannot open the database at {}: {source}; check that the folder is writable and was made by cablestrip, or use another database; if it is damaged, run `cablestrip check --repair`",
        path.display()
    )]
    Open {
        /// The database folder.
        path: PathBuf,
        /// sled's error.
        #[source]
        source: sled::Error,
    },

    /// sled found its files damaged (a checksum that fails, a page it cannot rebuild) or
    /// panicked on them.
    #[error(
        "the database at {} is damaged ({detail}, while {action}); run `cablestrip check --repair` to rebuild it from what is readable, or restore it from a backup",
        path.display()
    )]
    Damaged {
        /// The database folder.
        path: PathBuf,
        /// What the store was doing.
        action: String,
        /// What sled said.
        detail: String,
    },

    /// The database holds fewer flushes than the store recorded beside it: sled lost writes
    /// it had synced, which it does when damage cuts its log short.
    #[error(
        "the database at {} lost writes it had saved: flush {recorded} is on record in {}, but the database holds only up to flush {found} (damage cut its log short, and sled dropped what came after); run `cablestrip check` to see what is left, then `cablestrip check --repair` and an ingest or crawl to fetch what was lost, or restore it from a backup",
        path.display(),
        super::files::FLUSH_FILE
    )]
    LostWrites {
        /// The database folder.
        path: PathBuf,
        /// The last flush recorded beside the database.
        recorded: u64,
        /// The last flush the database holds.
        found: u64,
    },

    /// A store that cannot be written could not be copied to be read.
    #[error(
        "the database at {} cannot be written, and copying it to {} to read it failed: {source}; free space in the temporary folder (or set TMPDIR to a folder with room), or make the database writable",
        path.display(),
        copy.display()
    )]
    ReadOnlyCopy {
        /// The database folder.
        path: PathBuf,
        /// Where the copy was being made.
        copy: PathBuf,
        /// The copy's error.
        #[source]
        source: std::io::Error,
    },

    /// A store that cannot be written was asked to change.
    #[error(
        "the database at {} cannot be written (no write permission, or a read-only file system), and {action} changes it; copy the database folder somewhere writable and pass the copy, or restore write permission",
        path.display()
    )]
    ReadOnly {
        /// The database folder.
        path: PathBuf,
        /// What would write.
        action: String,
    },

    /// A file operation on the database folder itself failed.
    #[error(
        "{action} at {} failed: {source}; check the folder's permissions and free disk space",
        path.display()
    )]
    Folder {
        /// The database folder.
        path: PathBuf,
        /// What was being done.
        action: String,
        /// The error.
        #[source]
        source: std::io::Error,
    },

    /// A read or write failed inside sled (disk full, I/O error, damaged log).
    #[error(
        "the database at {} failed while {action}: {source}; check free disk space and permissions, then run again (what was flushed before is safe); if it fails again, run `cablestrip check --repair`",
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
        match source {
            // A checksum that fails is damage, not a passing fault: running again will
            // not help, repairing will.
            sled::Error::Corruption { .. } | sled::Error::ReportableBug(_) => StoreError::Damaged {
                path: path.to_path_buf(),
                action: action.into(),
                detail: sled_detail(&source),
            },
            // A file of sled's that is gone or cut short (a blob file, the log) is damage
            // too, not a full disk.
            sled::Error::Io(ref io) if is_damage_io(io) => StoreError::Damaged {
                path: path.to_path_buf(),
                action: action.into(),
                detail: format!("sled could not read one of its files: {io}"),
            },
            source => StoreError::Sled {
                path: path.to_path_buf(),
                action: action.into(),
                source,
            },
        }
    }

    /// Whether the error says the database is damaged (rather than busy, missing, newer,
    /// or short of disk space): what `check --repair` mends.
    pub fn is_damage(&self) -> bool {
        matches!(
            self,
            StoreError::Damaged { .. }
                | StoreError::LostWrites { .. }
                | StoreError::Corrupt { .. }
                | StoreError::MissingSchema { .. }
        ) || matches!(self, StoreError::Open { source, .. } if matches!(source, sled::Error::Corruption { .. }))
    }
}

/// Whether an I/O error of sled's says that one of its files is missing, cut short or
/// garbled, rather than that the disk is full or the folder not ours to write.
pub(crate) fn is_damage_io(error: &std::io::Error) -> bool {
    matches!(
        error.kind(),
        std::io::ErrorKind::NotFound
            | std::io::ErrorKind::UnexpectedEof
            | std::io::ErrorKind::InvalidData
    )
}

/// sled's error in words: its corruption error prints an empty backtrace and a debug
/// offset, which say nothing to a user.
pub(crate) fn sled_detail(error: &sled::Error) -> String {
    match error {
        sled::Error::Corruption {
            at: Some(sled::DiskPtr::Inline(offset)),
            ..
        } => format!("sled found data that fails its checksum in `db` at byte {offset}"),
        sled::Error::Corruption {
            at: Some(sled::DiskPtr::Blob(_, blob)),
            ..
        } => format!("sled found data that fails its checksum in `blobs/{blob}`"),
        sled::Error::Corruption { at: None, .. } => {
            "sled found data that fails its checksum".to_string()
        }
        other => format!("sled: {other}"),
    }
}
