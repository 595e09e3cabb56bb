//! Unit tests of the store's files module: snapshots sled never finished, the checksums of
//! sled's own files, the flush record, and the temporary copy of a store that cannot be
//! written.

use std::fs;

use crate::store::files::{self, FlushRecord};
use crate::store::test_support::*;
use crate::store::*;

/// A database with a page's body in it, flushed and closed.
fn filled_db() -> (tempfile::TempDir, std::path::PathBuf, BodyHash) {
    let (dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let hash = store.put_body(SITE, &html(1)).expect("put").hash();
    store.flush().expect("flush");
    drop(store);
    (dir, path, hash)
}

#[test]
fn an_unfinished_snapshot_is_removed_before_sled_opens() {
    let (_dir, path, hash) = filled_db();
    // What a full disk leaves: sled began a snapshot and never wrote a byte of it.
    let unfinished = path.join("snap.FFFFFFFFFFFFFFFF.generating");
    fs::write(&unfinished, b"").expect("write");
    let kept = path.join("notes.generating");
    fs::write(&kept, b"not sled's").expect("write");
    assert!(
        files::check_sled_files(&path)
            .iter()
            .any(|bad| bad.file == "snap.FFFFFFFFFFFFFFFF.generating"),
        "check names it"
    );

    let store = Store::open(&path).expect("opens once the snapshot is gone");
    assert!(!unfinished.exists(), "the unfinished snapshot was removed");
    assert!(kept.exists(), "only sled's snapshots are touched");
    assert_eq!(store.body(&hash).expect("read"), Some(html(1)));
}

#[test]
fn sled_files_that_fail_their_checksums_are_named() {
    let (_dir, path, _) = filled_db();
    assert_eq!(files::check_sled_files(&path), Vec::<BadFile>::new());
    assert!(!files::conf_is_damaged(&path));

    let conf = path.join("conf");
    let mut bytes = fs::read(&conf).expect("read conf");
    bytes[3] ^= 0x20;
    fs::write(&conf, &bytes).expect("write conf");
    let bad = files::check_sled_files(&path);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert_eq!(bad[0].file, "conf");
    assert!(bad[0].problem.contains("checksum"), "{bad:?}");
    assert!(files::conf_is_damaged(&path));

    fs::write(&conf, b"ab").expect("cut conf short");
    let bad = files::check_sled_files(&path);
    assert!(bad[0].problem.contains("cut short"), "{bad:?}");
}

#[test]
fn the_flush_record_round_trips_and_a_garbled_one_is_reported() {
    let dir = tempfile::tempdir().expect("temp dir");
    assert_eq!(files::read_flush_record(dir.path()), Ok(None));
    files::write_flush_record(dir.path(), FlushRecord { flush: 7 }).expect("write");
    assert_eq!(
        files::read_flush_record(dir.path()),
        Ok(Some(FlushRecord { flush: 7 }))
    );
    assert!(
        !dir.path().join(format!("{FLUSH_FILE}.new")).exists(),
        "the record is renamed into place"
    );
    fs::write(dir.path().join(FLUSH_FILE), b"{\"flush\":").expect("garble");
    let problem = files::read_flush_record(dir.path()).expect_err("garbled");
    assert!(problem.contains(FLUSH_FILE), "{problem}");
}

#[test]
fn each_flush_after_a_write_is_numbered_and_recorded() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let first = files::read_flush_record(&path)
        .expect("record")
        .map(|r| r.flush);
    store.flush().expect("flush with nothing written");
    assert_eq!(
        files::read_flush_record(&path)
            .expect("record")
            .map(|r| r.flush),
        first,
        "a flush after no write is not numbered"
    );
    store.put_body(SITE, &html(1)).expect("put");
    store.flush().expect("flush");
    let after = files::read_flush_record(&path)
        .expect("record")
        .map(|r| r.flush);
    assert_eq!(after, Some(first.unwrap_or(0) + 1));
}

#[test]
fn a_read_only_open_reads_a_copy_and_leaves_the_folder_alone() {
    let (_dir, path, hash) = filled_db();
    let before = files_and_sizes(&path);
    let copy_dir;
    {
        let store = Store::open_read_only(&path).expect("open a copy");
        assert!(store.is_copy());
        assert_eq!(store.path(), path, "messages name the real database");
        assert_eq!(store.body(&hash).expect("read"), Some(html(1)));
        // Writes go to the copy only.
        store.put_body(SITE, &html(2)).expect("put into the copy");
        store.flush().expect("flush the copy");
        copy_dir = store.inner.sled_dir.clone();
        assert_ne!(copy_dir, path);
        assert!(copy_dir.exists());
    }
    assert!(
        !copy_dir.exists(),
        "the copy is removed when the store is dropped"
    );
    assert_eq!(files_and_sizes(&path), before, "the folder was not written");
    let store = Store::open(&path).expect("open");
    assert_eq!(
        store.body(&BodyHash::of(&html(2))).expect("read"),
        None,
        "what was written to the copy is not in the database"
    );
}

#[test]
fn a_writable_folder_is_writable() {
    let (_dir, path, _) = filled_db();
    assert!(files::is_writable(&path));
    let leftovers: Vec<_> = fs::read_dir(&path)
        .expect("list")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains("write-probe"))
        .collect();
    assert!(leftovers.is_empty(), "the probe file is removed");
}

fn files_and_sizes(dir: &std::path::Path) -> Vec<(String, u64, Option<std::time::SystemTime>)> {
    let mut found: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let meta = e.metadata().expect("metadata");
            (
                e.path().display().to_string(),
                meta.len(),
                meta.modified().ok(),
            )
        })
        .collect();
    found.sort();
    found
}
