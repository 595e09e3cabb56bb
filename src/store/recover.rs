//! Getting a damaged store into a state that can be checked and repaired: opening it for
//! `check` (even when sled dropped writes), and for `check --repair`, with what sled cannot
//! use removed first (a settings file or snapshot that fails its checksum: sled writes them
//! again), a database whose damaged nodes sled cannot read past rebuilt into a new one, and
//! one that sled cannot open at all moved aside for a new, empty one. Beyond those two
//! kinds of sled file, nothing damaged is deleted: a database replaced is kept beside the
//! new one, and its folder named.

use std::fs;
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::check::Audit;
use super::salvage::Unreadable;
use super::{CopyWhen, Opening, Store, StoreError, StoreOptions, files};

/// How `check --repair` got a store to work on.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Recovery {
    /// Why sled could not open the database as it was found, if it could not.
    pub open_error: Option<String>,
    /// sled's files that failed their checksums as found, if it could not open it.
    pub bad_files: Vec<files::BadFile>,
    /// sled's files removed because they failed their checksums (sled writes them again).
    pub removed_files: Vec<String>,
    /// sled's files that were missing (`conf`, which sled writes again; `db`, its log,
    /// without which everything it held is lost).
    pub missing_files: Vec<String>,
    /// The database could not be opened even so, and a new, empty one took its place.
    pub started_afresh: bool,
    /// The database was rebuilt from what sled could read of it.
    pub rebuilt: Option<RebuildCounts>,
    /// Where the damaged database was moved, when it was replaced.
    pub damaged_copy: Option<PathBuf>,
}

/// What a rebuild copied.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RebuildCounts {
    /// Entries copied into the new database.
    pub entries: u64,
    /// The parts of the old one that could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// A store opened for `check`, or why it could not be.
#[derive(Debug)]
pub enum Opened {
    /// The store, opened even if sled dropped writes (the audit reports them).
    Store(Store),
    /// sled cannot open the database: it is damaged (the error says how).
    Unopenable(StoreError),
}

/// How `check` opens: read-only stores through a copy, and lost writes reported rather
/// than refused.
const FOR_CHECK: Opening = Opening {
    create: false,
    copy: CopyWhen::IfReadOnly,
    accept_lost_writes: true,
};

const FOR_REPAIR: Opening = Opening {
    create: false,
    copy: CopyWhen::Never,
    accept_lost_writes: true,
};

impl Store {
    /// Opens the database in folder `path` for `check` (see [`Opened`]). Fails as
    /// [`Store::open_for_reading`] does when the database is missing, locked or newer.
    pub fn open_for_check(path: &Path) -> Result<Opened, StoreError> {
        match Store::open_as(path, &StoreOptions::default(), FOR_CHECK) {
            Ok(store) => Ok(Opened::Store(store)),
            Err(error) if keeps_sled_out(&error) => Ok(Opened::Unopenable(error)),
            Err(error) => Err(error),
        }
    }

    /// Opens the database in folder `path` for `check --repair`, which must be able to
    /// write it: sled's files that fail their checksums are removed first if sled cannot
    /// open it, and a database it still cannot open is moved aside for a new, empty one.
    pub fn open_for_repair(path: &Path) -> Result<(Store, Recovery), StoreError> {
        let mut recovery = Recovery::default();
        if path.is_dir() && !files::is_writable(path) {
            return Err(StoreError::ReadOnly {
                path: path.to_path_buf(),
                action: "`check --repair`".to_string(),
            });
        }
        let unusable = || {
            let mut unusable = files::damaged_snapshots(path);
            if files::conf_is_damaged(path) {
                unusable.push(path.join("conf"));
            }
            unusable
        };
        match Store::open_as(path, &StoreOptions::default(), FOR_REPAIR) {
            // sled may read settings whose checksum fails (a cut-short `conf`), or not need
            // a damaged snapshot this time: they are written again all the same, so that
            // the next open does not meet them.
            Ok(store) if unusable().is_empty() => return Ok((store, recovery)),
            Ok(store) => drop(store),
            Err(error) if keeps_sled_out(&error) => {
                recovery.open_error = Some(error.to_string());
                recovery.bad_files = files::check_sled_files(path);
            }
            Err(error) => return Err(error),
        }
        if let files::Presence::Missing(file) = files::missing_sled_file(path) {
            recovery.missing_files.push(file.to_string());
        }
        let unusable = unusable();
        for file in unusable {
            fs::remove_file(&file).map_err(|source| StoreError::Folder {
                path: path.to_path_buf(),
                action: format!("removing the damaged {}", file.display()),
                source,
            })?;
            recovery.removed_files.push(
                file.file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
            );
        }
        // Without its `conf` (removed, or lost), sled writes the file again from the
        // settings it is opened with; without its log `db`, it starts an empty one, and
        // the flush record tells the audit that writes were lost.
        let again = Opening {
            create: true,
            ..FOR_REPAIR
        };
        match Store::open_as(path, &StoreOptions::default(), again) {
            Ok(store) => return Ok((store, recovery)),
            Err(error) if keeps_sled_out(&error) => tracing::warn!("{error}"),
            Err(error) => return Err(error),
        }
        recovery.damaged_copy = Some(move_aside(path)?);
        recovery.started_afresh = true;
        let store = Store::open(path)?;
        Ok((store, recovery))
    }

    /// Copies what sled can read of this store into a new database, puts the new one in
    /// the old one's place (the old one is kept beside it, see [`Recovery::damaged_copy`])
    /// and opens it. `audit` is this store's, and names the keys to read damaged trees from.
    pub fn rebuild(self, audit: &Audit, recovery: &mut Recovery) -> Result<Store, StoreError> {
        let path = self.inner.path.clone();
        if self.is_copy() {
            return Err(StoreError::ReadOnly {
                path,
                action: "rebuilding the database".to_string(),
            });
        }
        let target = sibling(&path, "rebuilding", None);
        if target.exists() {
            // What a repair that was stopped half-way left.
            fs::remove_dir_all(&target).map_err(|source| StoreError::Folder {
                path: target.clone(),
                action: "removing an unfinished rebuild".to_string(),
                source,
            })?;
        }
        let mut candidates = audit.candidates();
        let rebuilt = self.rebuild_into(&target, &mut candidates)?;
        drop(self);
        recovery.damaged_copy = Some(move_aside(&path)?);
        fs::rename(&target, &path).map_err(|source| StoreError::Folder {
            path: path.clone(),
            action: format!("moving the rebuilt database from {}", target.display()),
            source,
        })?;
        recovery.rebuilt = Some(RebuildCounts {
            entries: rebuilt.entries,
            unreadable: rebuilt.unreadable,
        });
        Store::open_as(&path, &StoreOptions::default(), FOR_REPAIR)
    }
}

/// Whether opening failed because of the database's own state (damage, foreign or cut
/// files), rather than because it is missing, busy, newer, or its folder unusable.
fn keeps_sled_out(error: &StoreError) -> bool {
    !matches!(
        error,
        StoreError::Locked { .. }
            | StoreError::NotFound { .. }
            | StoreError::NewerSchema { .. }
            | StoreError::NewerRecord { .. }
            | StoreError::ReadOnlyCopy { .. }
            | StoreError::ReadOnly { .. }
            | StoreError::Folder { .. }
    )
}

/// Renames the database folder `path` to a free `<name>.damaged-<time>` beside it.
fn move_aside(path: &Path) -> Result<PathBuf, StoreError> {
    let stamp = jiff::Timestamp::now().strftime("%Y%m%dT%H%M%S").to_string();
    let mut aside = sibling(path, "damaged", Some(&stamp));
    let mut n = 1;
    while aside.exists() {
        n += 1;
        aside = sibling(path, "damaged", Some(&format!("{stamp}-{n}")));
    }
    fs::rename(path, &aside).map_err(|source| StoreError::Folder {
        path: path.to_path_buf(),
        action: format!("moving the damaged database to {}", aside.display()),
        source,
    })?;
    tracing::warn!(
        "moved the damaged database at {} to {}; delete it once the repaired store serves you",
        path.display(),
        aside.display()
    );
    Ok(aside)
}

/// `<path>.<what>[-<stamp>]`, beside `path`.
fn sibling(path: &Path, what: &str, stamp: Option<&str>) -> PathBuf {
    let name = path.file_name().map_or_else(
        || "cablestrip.db".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    let suffix = stamp.map_or_else(|| what.to_string(), |stamp| format!("{what}-{stamp}"));
    path.with_file_name(format!("{name}.{suffix}"))
}

/// The checksums of sled's own files in the database folder `path` (see
/// [`Problem::BadFile`](super::Problem::BadFile)): what `check` can say of a database sled
/// cannot open.
pub fn sled_file_problems(path: &Path) -> Vec<files::BadFile> {
    files::check_sled_files(path)
}

#[cfg(test)]
mod tests;
