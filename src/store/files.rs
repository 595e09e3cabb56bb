//! The database folder as files, below sled: what the store does to them before sled
//! opens (remove a snapshot sled left half-written, read a store it cannot write from a
//! copy), the flush record kept beside sled's files, and the checksums of sled's own files
//! that `check` reports.
//!
//! sled keeps in its folder `conf` (its settings), `db` (the log), `blobs/<lsn>` (values too
//! big for the log) and `snap.<lsn>` (a snapshot of its page table, to recover faster). It
//! writes a snapshot to `snap.<lsn>.generating` and renames it once synced: a
//! `.generating` file is a snapshot that never finished (the disk filled up, the process
//! died), which sled would still pick as the newest snapshot and refuse as corrupt on every
//! open. Removing it loses nothing: the previous snapshot and the log are whole.

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::StoreError;

/// The file beside sled's files in which the store records the number of its last
/// completed flush (see [`FlushRecord`]).
pub const FLUSH_FILE: &str = "cablestrip-flushed";

const SNAPSHOT_PREFIX: &str = "snap.";
const GENERATING_SUFFIX: &str = ".generating";

/// What of a database folder's two essential files is there (see [`missing_sled_file`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    /// Both `conf` and `db`: a database.
    Whole,
    /// Neither, nor anything else of sled's or the store's: no database.
    None,
    /// A database that lost this file (`conf` or `db`).
    Missing(&'static str),
}

/// Whether folder `dir` holds a database. sled keeps its settings in `conf` and its log in
/// `db`; a folder with one of them, or with the store's flush record, blobs or snapshots,
/// held a database that lost the other, which is damage to repair, not a mistyped --db.
pub(crate) fn missing_sled_file(dir: &Path) -> Presence {
    let conf = dir.join("conf").is_file();
    let db = dir.join("db").is_file();
    match (conf, db) {
        (true, true) => Presence::Whole,
        (false, true) => Presence::Missing("conf"),
        (true, false) => Presence::Missing("db"),
        (false, false) => {
            let traces = dir.join(FLUSH_FILE).is_file()
                || dir.join("blobs").is_dir()
                || fs::read_dir(dir).is_ok_and(|entries| {
                    entries
                        .filter_map(Result::ok)
                        .any(|e| e.file_name().to_string_lossy().starts_with(SNAPSHOT_PREFIX))
                });
            if traces {
                Presence::Missing("db")
            } else {
                Presence::None
            }
        }
    }
}

/// One of sled's files, in words.
pub(crate) fn describe(file: &str) -> &'static str {
    match file {
        "conf" => "settings file `conf`",
        "db" => "log `db`",
        _ => "file",
    }
}

/// Removes snapshots that sled began and never finished (`snap.*.generating`), before sled
/// opens the folder; returns the names removed.
pub(crate) fn remove_unfinished_snapshots(dir: &Path) -> Result<Vec<String>, StoreError> {
    let mut removed = Vec::new();
    let entries = match fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(removed),
        Err(source) => return Err(folder_error(dir, "listing", source)),
    };
    for entry in entries {
        let entry = entry.map_err(|source| folder_error(dir, "listing", source))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(SNAPSHOT_PREFIX) && name.ends_with(GENERATING_SUFFIX) {
            fs::remove_file(entry.path())
                .map_err(|source| folder_error(dir, &format!("removing {name} from"), source))?;
            removed.push(name);
        }
    }
    Ok(removed)
}

/// Whether this process may write to the database folder `dir` and its log: false for an
/// archived copy without write permission, or one on a read-only file system. Probes by
/// creating (and at once removing) a file, since permission bits say nothing for root or
/// for access control lists.
pub(crate) fn is_writable(dir: &Path) -> bool {
    static PROBES: AtomicU64 = AtomicU64::new(0);
    let probe = dir.join(format!(
        ".cablestrip-write-probe-{}-{}",
        std::process::id(),
        PROBES.fetch_add(1, Ordering::Relaxed)
    ));
    match fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)
    {
        Ok(file) => {
            drop(file);
            let _ = fs::remove_file(&probe);
        }
        Err(e) if is_read_only(&e) => return false,
        Err(_) => {}
    }
    !matches!(
        fs::OpenOptions::new().write(true).open(dir.join("db")),
        Err(e) if is_read_only(&e)
    )
}

fn is_read_only(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem
    )
}

/// A copy of a database folder in the temporary folder, removed when dropped: how a store
/// that cannot be written is read (sled writes to its folder even to read it).
#[derive(Debug)]
pub(crate) struct TempCopy {
    dir: PathBuf,
}

impl TempCopy {
    /// Copies the database folder `from` (its files and `blobs/`).
    pub(crate) fn of(from: &Path) -> Result<TempCopy, StoreError> {
        static COPIES: AtomicU64 = AtomicU64::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cablestrip-read-only-{}-{}",
            std::process::id(),
            COPIES.fetch_add(1, Ordering::Relaxed)
        ));
        let copy = TempCopy { dir };
        copy_folder(from, &copy.dir).map_err(|source| StoreError::ReadOnlyCopy {
            path: from.to_path_buf(),
            copy: copy.dir.clone(),
            source,
        })?;
        Ok(copy)
    }

    /// The copy's folder.
    pub(crate) fn path(&self) -> &Path {
        &self.dir
    }
}

impl Drop for TempCopy {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.dir);
    }
}

/// Copies the files of folder `from` and of its sub-folders into `to`, which is created.
pub(crate) fn copy_folder(from: &Path, to: &Path) -> io::Result<u64> {
    fs::create_dir_all(to)?;
    let mut bytes = 0;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            bytes += copy_folder(&entry.path(), &target)?;
        } else if kind.is_file() {
            bytes += fs::copy(entry.path(), &target)?;
            // The copy is ours to write, whatever the original's permissions.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mut permissions = fs::metadata(&target)?.permissions();
                permissions.set_mode(permissions.mode() | 0o200);
                fs::set_permissions(&target, permissions)?;
            }
        }
    }
    Ok(bytes)
}

/// The number of the last flush that completed, as recorded in [`FLUSH_FILE`]. Before each
/// flush that follows a write, the store numbers the flush in its `flushes` tree, and once
/// sled has synced, it writes the number to this file: so the database holds at least that
/// number unless sled lost writes it had synced. sled, recovering a log that damage cut
/// short, keeps what came before the cut and quietly drops the rest (pages, cables and all);
/// this is how the store notices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct FlushRecord {
    /// The flush's number, counting from 1.
    pub flush: u64,
}

/// Reads [`FLUSH_FILE`] in `dir`: `Ok(None)` when there is none, `Err` with what is wrong
/// when it cannot be read.
pub(crate) fn read_flush_record(dir: &Path) -> Result<Option<FlushRecord>, String> {
    let path = dir.join(FLUSH_FILE);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| format!("{} is not a flush record: {e}", path.display()))
}

/// Writes [`FLUSH_FILE`] in `dir`, replacing the old one whole (written beside it, synced,
/// then renamed over it).
pub(crate) fn write_flush_record(dir: &Path, record: FlushRecord) -> io::Result<()> {
    let path = dir.join(FLUSH_FILE);
    let temp = dir.join(format!("{FLUSH_FILE}.new"));
    let mut file = fs::File::create(&temp)?;
    file.write_all(serde_json::to_string(&record)?.as_bytes())?;
    file.sync_all()?;
    fs::rename(&temp, &path)
}

/// One of sled's files that fails its own checksum, or cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BadFile {
    /// The file, relative to the database folder (`conf`, `snap.…`, `blobs/…`).
    pub file: String,
    /// What is wrong with it.
    pub problem: String,
}

/// Checks the checksums sled keeps in its settings file, its snapshots and its blob files
/// (the log `db` checks each message as it reads it, which the store's scan does).
pub(crate) fn check_sled_files(dir: &Path) -> Vec<BadFile> {
    let mut bad = Vec::new();
    let mut check = |relative: String, verdict: Result<(), String>| {
        if let Err(problem) = verdict {
            bad.push(BadFile {
                file: relative,
                problem,
            });
        }
    };
    check(
        "conf".to_string(),
        read(&dir.join("conf")).and_then(|b| conf_ok(&b)),
    );
    if let Ok(entries) = fs::read_dir(dir) {
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(SNAPSHOT_PREFIX))
            .collect();
        names.sort();
        for name in names {
            let verdict = if name.ends_with(GENERATING_SUFFIX) {
                Err("a snapshot sled never finished writing".to_string())
            } else {
                read(&dir.join(&name)).and_then(|b| snapshot_ok(&b))
            };
            check(name, verdict);
        }
    }
    if let Ok(entries) = fs::read_dir(dir.join("blobs")) {
        let mut names: Vec<String> = entries
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        for name in names {
            let verdict = read(&dir.join("blobs").join(&name)).and_then(|b| blob_ok(&b));
            check(format!("blobs/{name}"), verdict);
        }
    }
    bad
}

/// sled's settings file (`conf`) whose checksum fails: `check --repair` removes it, and
/// sled writes it again from the settings cablestrip always opens with.
pub(crate) fn conf_is_damaged(dir: &Path) -> bool {
    read(&dir.join("conf")).and_then(|b| conf_ok(&b)).is_err() && dir.join("conf").exists()
}

/// The snapshots that fail their checksum. sled recovers from the log without them.
pub(crate) fn damaged_snapshots(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|path| {
            path.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with(SNAPSHOT_PREFIX))
                && read(path).and_then(|b| snapshot_ok(&b)).is_err()
        })
        .collect()
}

fn read(path: &Path) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .map_err(|e| format!("cannot be read: {e}"))?;
    Ok(bytes)
}

/// `conf`: the settings as text, then their CRC-32 (little-endian).
fn conf_ok(bytes: &[u8]) -> Result<(), String> {
    let Some(split) = bytes.len().checked_sub(4).filter(|&n| n > 4) else {
        return Err(format!("cut short at {} bytes", bytes.len()));
    };
    crc_matches(&bytes[..split], &bytes[split..])
}

/// `snap.<lsn>`: the snapshot, its length (8 bytes) and the CRC-32 of the snapshot.
fn snapshot_ok(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() <= 12 {
        return Err(format!("cut short at {} bytes", bytes.len()));
    }
    let split = bytes.len() - 12;
    crc_matches(&bytes[..split], &bytes[bytes.len() - 4..])
}

/// `blobs/<lsn>`: the CRC-32 of what follows, a kind byte, the value.
fn blob_ok(bytes: &[u8]) -> Result<(), String> {
    if bytes.len() < 5 {
        return Err(format!("cut short at {} bytes", bytes.len()));
    }
    crc_matches(&bytes[4..], &bytes[..4])
}

fn crc_matches(data: &[u8], stored: &[u8]) -> Result<(), String> {
    let mut expected = [0u8; 4];
    expected.copy_from_slice(stored);
    if crc32fast::hash(data) == u32::from_le_bytes(expected) {
        Ok(())
    } else {
        Err("fails its checksum".to_string())
    }
}

fn folder_error(dir: &Path, doing: &str, source: io::Error) -> StoreError {
    StoreError::Folder {
        path: dir.to_path_buf(),
        action: format!("{doing} the database folder"),
        source,
    }
}

#[cfg(test)]
mod tests;
