//! Opening a store: the folder checked and made ready before sled sees it (a leftover
//! snapshot removed, a copy made of a folder that cannot be written), sled opened inside
//! the guard, the flush record compared, the schema version checked and the trees opened.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicU64;
use std::sync::{Arc, Mutex};

use super::{
    FlushMark, Inner, LAST_FLUSH_KEY, SCHEMA_KEY, SCHEMA_VERSION, SEGMENT_SIZE, SLED_DEFAULT_TREE,
    Store, StoreError, StoreOptions, bodies, error, files, guard, trees,
};
use files::Presence;

/// How a store is opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Opening {
    /// Create the database when the folder holds none.
    pub create: bool,
    /// When to read a temporary copy instead of the folder itself.
    pub copy: CopyWhen,
    /// Open even when the database lost writes it had flushed (for `check`, which reports
    /// them), instead of failing with [`StoreError::LostWrites`].
    pub accept_lost_writes: bool,
}

/// When a store is read from a temporary copy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CopyWhen {
    /// Never: open the folder itself.
    Never,
    /// When the folder or its log cannot be written.
    IfReadOnly,
    /// Always: the folder is never written.
    Always,
}

impl Store {
    /// Opens (or creates) the database in folder `path` with the default options.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, &StoreOptions::default())
    }

    /// Opens (or creates) the database in folder `path`.
    ///
    /// Fails with [`StoreError::Locked`] when another process has it open, with
    /// [`StoreError::NewerSchema`] when a newer cablestrip wrote it, with
    /// [`StoreError::MissingSchema`] when it holds data that cablestrip did not write, with
    /// [`StoreError::Damaged`] when sled finds its files damaged, and with
    /// [`StoreError::LostWrites`] when sled dropped writes it had flushed.
    pub fn open_with(path: &Path, options: &StoreOptions) -> Result<Store, StoreError> {
        Store::open_as(
            path,
            options,
            Opening {
                create: true,
                copy: CopyWhen::Never,
                accept_lost_writes: false,
            },
        )
    }

    /// Opens the database in folder `path`, which must exist: for commands that rework what
    /// is stored, where a mistyped --db should fail rather than create an empty database.
    /// Fails with [`StoreError::NotFound`] when there is none.
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        Store::open_as(
            path,
            &StoreOptions::default(),
            Opening {
                create: false,
                copy: CopyWhen::Never,
                accept_lost_writes: false,
            },
        )
    }

    /// Opens the database in folder `path`, which must exist, to read it: a database this
    /// process cannot write (an archived copy without write permission, a read-only file
    /// system) is copied to the temporary folder and the copy is read, since sled writes
    /// to its folder even to read it. Writes through the handle then change only the copy.
    pub fn open_for_reading(path: &Path) -> Result<Store, StoreError> {
        Store::open_as(
            path,
            &StoreOptions::default(),
            Opening {
                create: false,
                copy: CopyWhen::IfReadOnly,
                accept_lost_writes: false,
            },
        )
    }

    /// Opens a temporary copy of the database in folder `path`, which must exist, so that
    /// the folder itself is never written (not even by sled's own recovery).
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        Store::open_as(
            path,
            &StoreOptions::default(),
            Opening {
                create: false,
                copy: CopyWhen::Always,
                accept_lost_writes: false,
            },
        )
    }

    /// Opens the database in folder `path` as `opening` says.
    pub(crate) fn open_as(
        path: &Path,
        options: &StoreOptions,
        opening: Opening,
    ) -> Result<Store, StoreError> {
        if !opening.create {
            match files::missing_sled_file(path) {
                Presence::Whole => {}
                Presence::None => {
                    return Err(StoreError::NotFound {
                        path: path.to_path_buf(),
                    });
                }
                Presence::Missing(file) => {
                    return Err(StoreError::Damaged {
                        path: path.to_path_buf(),
                        action: "opening the database".to_string(),
                        detail: format!(
                            "sled's {} is missing from the folder",
                            files::describe(file)
                        ),
                    });
                }
            }
        }
        let copy = match opening.copy {
            CopyWhen::Always => Some(files::TempCopy::of(path)?),
            CopyWhen::IfReadOnly if !files::is_writable(path) => {
                let copy = files::TempCopy::of(path)?;
                tracing::warn!(
                    "the database at {} cannot be written: reading a copy in {} (removed when done)",
                    path.display(),
                    copy.path().display()
                );
                Some(copy)
            }
            _ => None,
        };
        let dir = copy.as_ref().map_or(path, |copy| copy.path()).to_path_buf();
        for name in files::remove_unfinished_snapshots(&dir)? {
            tracing::warn!(
                "removed {name} from {}: a snapshot sled never finished writing (the disk was full, or the process died); sled recovers from its log",
                path.display()
            );
        }
        guard::contain(
            path,
            || "opening the database".to_string(),
            || open_sled(path, dir, copy, options, opening),
        )
    }

    /// Whether this handle reads a temporary copy of a database that cannot be written.
    pub fn is_copy(&self) -> bool {
        self.inner.copy.is_some()
    }
}

/// Opens sled in `dir` (the database folder, or its temporary `copy`), checks the flush
/// record and the schema, and opens the trees. Runs inside the guard: sled may panic.
fn open_sled(
    path: &Path,
    dir: PathBuf,
    copy: Option<files::TempCopy>,
    options: &StoreOptions,
    opening: Opening,
) -> Result<Store, StoreError> {
    let config = sled::Config::new()
        .path(&dir)
        .cache_capacity(options.cache_capacity)
        .mode(sled::Mode::LowSpace)
        .segment_size(SEGMENT_SIZE);
    let db = open_waiting_for_lock(&config).map_err(|source| open_error(path, &dir, source))?;
    // Before anything is written: a database that sled cut down to nothing would
    // otherwise look new, and be given a schema version.
    let (found, recorded, flush_record_problem) = flush_numbers(path, &dir, &db)?;
    let lost_writes = (recorded > found).then_some((recorded, found));
    if let Some((recorded, found)) = lost_writes
        && !opening.accept_lost_writes
    {
        return Err(StoreError::LostWrites {
            path: path.to_path_buf(),
            recorded,
            found,
        });
    }
    let fresh = check_schema(path, &db)?;
    let open = |name: &str| {
        db.open_tree(name)
            .map_err(|e| StoreError::sled(path, format!("opening the {name} tree"), e))
    };
    let frontier_urls = open(trees::FRONTIER_URLS)?;
    let frontier_len = count_keys(&frontier_urls);
    let inner = Inner {
        path: path.to_path_buf(),
        options: options.clone(),
        meta: open(trees::META)?,
        bodies: open(trees::BODIES)?,
        dict_samples: open(trees::DICT_SAMPLES)?,
        pages: open(trees::PAGES)?,
        cables: open(trees::CABLES)?,
        cable_ids: open(trees::CABLE_IDS)?,
        known: open(trees::KNOWN)?,
        frontier: open(trees::FRONTIER)?,
        frontier_len: AtomicU64::new(frontier_len),
        frontier_urls,
        runs: open(trees::RUNS)?,
        flushes: open(trees::FLUSHES)?,
        dicts: bodies::Dictionaries::default(),
        content_writes: AtomicU64::new(0),
        flush_mark: Mutex::new(FlushMark {
            number: found.max(recorded),
            writes: 0,
        }),
        lost_writes,
        flush_record_problem,
        sled_dir: dir,
        copy,
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

/// The keys of `tree`, counted up to the first that cannot be read (sled's own `len` counts
/// a read error as a key and reads it again, for ever): `check` reports the damage.
fn count_keys(tree: &sled::Tree) -> u64 {
    let mut count = 0;
    for item in tree.iter().keys() {
        if item.is_err() {
            tracing::warn!(
                "a tree of the database cannot be read to its end; run `cablestrip check`"
            );
            break;
        }
        count += 1;
    }
    count
}

/// The error for sled's refusal to open `path` (whose files are in `dir`).
fn open_error(path: &Path, dir: &Path, source: sled::Error) -> StoreError {
    if is_lock_error(&source) {
        StoreError::Locked {
            path: path.to_path_buf(),
        }
    } else if matches!(source, sled::Error::Unsupported(_)) && files::conf_is_damaged(dir) {
        // sled reads its settings before it checks their checksum: damaged settings look
        // like another program's, but their checksum tells them apart.
        StoreError::Damaged {
            path: path.to_path_buf(),
            action: "opening the database".to_string(),
            detail: format!(
                "sled's settings file `conf` fails its checksum ({})",
                error::sled_detail(&source)
            ),
        }
    } else if let sled::Error::Unsupported(detail) = source {
        // sled checks its settings recorded in the database (segment size, compression)
        // against the ones asked for, and says "unsupported".
        StoreError::Incompatible {
            path: path.to_path_buf(),
            detail,
        }
    } else if matches!(source, sled::Error::Corruption { .. }) {
        StoreError::Damaged {
            path: path.to_path_buf(),
            action: "opening the database".to_string(),
            detail: error::sled_detail(&source),
        }
    } else if let sled::Error::Io(io) = &source
        && error::is_damage_io(io)
    {
        StoreError::Damaged {
            path: path.to_path_buf(),
            action: "opening the database".to_string(),
            detail: format!("sled could not read one of its files: {io}"),
        }
    } else {
        StoreError::Open {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The last flush the database holds, the last one recorded beside it, and what is wrong
/// with the record when it cannot be read (it is then taken as 0, and `check` says so).
fn flush_numbers(
    path: &Path,
    dir: &Path,
    db: &sled::Db,
) -> Result<(u64, u64, Option<String>), StoreError> {
    let read_error = |e| StoreError::sled(path, "reading the flush number", e);
    let found = if db
        .tree_names()
        .iter()
        .any(|name| name == trees::FLUSHES.as_bytes())
    {
        db.open_tree(trees::FLUSHES)
            .map_err(read_error)?
            .get(LAST_FLUSH_KEY)
            .map_err(read_error)?
            .and_then(|value| <[u8; 8]>::try_from(value.as_ref()).ok())
            .map_or(0, u64::from_be_bytes)
    } else {
        0
    };
    let (recorded, problem) = match files::read_flush_record(dir) {
        Ok(record) => (record.map_or(0, |r| r.flush), None),
        Err(problem) => {
            tracing::warn!("{problem}; run `cablestrip check --repair` to write it again");
            (0, Some(problem))
        }
    };
    Ok((found, recorded, problem))
}

/// How long an open waits for a lock that is about to be let go.
const LOCK_WAIT: std::time::Duration = std::time::Duration::from_millis(1500);

/// Opens `config`, trying again for up to [`LOCK_WAIT`] while its lock is held: sled's
/// background threads hold the file (and its lock) for a moment after the last handle is
/// dropped, so a database closed just before (by this process, or by a cablestrip that has
/// just exited) would otherwise be reported as locked by another program.
fn open_waiting_for_lock(config: &sled::Config) -> Result<sled::Db, sled::Error> {
    let started = std::time::Instant::now();
    let mut pause = std::time::Duration::from_millis(10);
    loop {
        match config.open() {
            Err(error) if is_lock_error(&error) && started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(std::time::Duration::from_millis(200));
            }
            outcome => return outcome,
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
