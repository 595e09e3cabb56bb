//! `cablestrip check` and damaged stores from the command line: a sound store checks
//! sound; damaged sled files never make a command panic, a store that cannot be used exits
//! 3 naming itself and `check --repair`, and `check --repair` with an ingest brings back
//! every cable; a snapshot sled never finished does not stop the store; a store that
//! cannot be written is still read.

#[path = "support/mod.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};

use support::kill::export_all;
use support::mirror::*;

fn run(db: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["--db", path_str(db)];
    all.extend_from_slice(args);
    cablestrip(&all)
}

fn reingest(db: &Path, mirror: &Path) {
    let output = run(db, &["-q", "ingest", path_str(mirror), "--site", CABLEGATE]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
}

/// Copies the database folder `from` to `to`.
fn copy_store(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("mkdir");
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.expect("walk");
        let target = to.join(entry.path().strip_prefix(from).expect("inside"));
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn flip(file: &Path, at: usize) {
    let mut bytes = fs::read(file).expect("read");
    let at = at.min(bytes.len() - 1);
    bytes[at] ^= 0x5a;
    fs::write(file, bytes).expect("write");
}

fn cut(file: &Path, to: u64) {
    fs::File::options()
        .write(true)
        .open(file)
        .and_then(|f| f.set_len(to))
        .expect("truncate");
}

fn zero_block(file: &Path, block: usize) {
    let mut bytes = fs::read(file).expect("read");
    let start = (block * 4096).min(bytes.len().saturating_sub(4096));
    let end = (start + 4096).min(bytes.len());
    bytes[start..end].fill(0);
    fs::write(file, bytes).expect("write");
}

fn snapshot(db: &Path) -> Option<PathBuf> {
    fs::read_dir(db)
        .expect("list")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("snap."))
        })
}

#[test]
fn a_sound_store_checks_sound_in_words_and_in_json() {
    let (_dir, db) = ingested_cablegate_mirror();
    let output = run(&db, &["check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("nothing is wrong"), "{text}");
    assert!(text.contains("3 cables"), "{text}");

    let report = json(&["--db", path_str(&db), "check", "--json"]);
    assert_eq!(report["opened"], true);
    assert_eq!(report["problems"], serde_json::json!([]));
    assert_eq!(report["counts"]["cables"], 3);

    let output = run(&db, &["check", "--repair"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("sound        after the repair"));
}

#[test]
fn check_of_a_missing_store_exits_3_and_creates_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let db = dir.path().join("mistyped.db");
    for args in [&["check"][..], &["check", "--repair"][..]] {
        let output = run(&db, args);
        assert_eq!(output.status.code(), Some(3), "{args:?}");
        assert!(
            stderr(&output).contains("no cablestrip database"),
            "{}",
            stderr(&output)
        );
        assert!(!db.exists());
    }
}

/// One kind of damage to the database folder.
type Damage = fn(&Path);

#[test]
fn damaged_stores_never_panic_say_what_to_do_and_repair_to_every_cable() {
    let (dir, pristine) = ingested_cablegate_mirror();
    let mirror = dir.path().join("site");
    let original = export_all(&pristine);
    // One more open, so that sled writes a snapshot to damage too.
    assert_eq!(run(&pristine, &["status"]).status.code(), Some(0));
    let cases: [(&str, Damage); 9] = [
        ("conf flipped", |db| flip(&db.join("conf"), 2)),
        ("conf deleted", |db| {
            fs::remove_file(db.join("conf")).expect("rm")
        }),
        ("db cut in half", |db| {
            let len = fs::metadata(db.join("db")).expect("stat").len();
            cut(&db.join("db"), len / 2);
        }),
        ("db cut to nothing", |db| cut(&db.join("db"), 0)),
        ("db zeroed at its start", |db| zero_block(&db.join("db"), 0)),
        ("db zeroed in its middle", |db| {
            let blocks = fs::metadata(db.join("db")).expect("stat").len() / 4096;
            zero_block(&db.join("db"), (blocks / 2) as usize);
        }),
        ("db deleted", |db| {
            fs::remove_file(db.join("db")).expect("rm")
        }),
        ("snapshot flipped", |db| {
            if let Some(snap) = snapshot(db) {
                flip(&snap, 20);
            }
        }),
        ("flush record garbled", |db| {
            fs::write(db.join("cablestrip-flushed"), b"{\"flush\":").expect("write");
        }),
    ];
    for (name, damage) in cases {
        let work = tempfile::tempdir().expect("temp dir");
        let db = work.path().join("db");
        copy_store(&pristine, &db);
        damage(&db);
        let mut flagged = false;
        for args in [
            &["export", "--all-sources"][..],
            &["status"],
            &["show", "09VALLETTA123"],
            &["verify"],
            &["check"],
        ] {
            let output = run(&db, args);
            let code = output.status.code();
            let said = format!("{}{}", stderr(&output), stdout(&output));
            assert!(
                matches!(code, Some(0 | 1 | 3)) && !said.contains("' panicked at"),
                "{name}: {args:?} exited {code:?}: {said}"
            );
            if code == Some(3) {
                assert!(
                    said.contains(path_str(&db)) && said.contains("check --repair"),
                    "{name}: {args:?} must name the store and the fix: {said}"
                );
            }
            if args[0] == "check" {
                flagged = code != Some(0);
            }
        }
        let export = run(&db, &["export", "--all-sources"]);
        let lost = export.status.code() != Some(0) || stdout(&export) != original;
        assert!(
            !lost || flagged,
            "{name}: data was lost and check said nothing"
        );

        let repair = run(&db, &["check", "--repair"]);
        assert!(
            matches!(repair.status.code(), Some(0 | 1)),
            "{name}: check --repair exited {:?}: {}{}",
            repair.status.code(),
            stderr(&repair),
            stdout(&repair)
        );
        reingest(&db, &mirror);
        assert_eq!(
            export_all(&db),
            original,
            "{name}: not every cable came back"
        );
        let after = run(&db, &["check"]);
        assert_eq!(after.status.code(), Some(0), "{name}: {}", stdout(&after));
    }
}

#[test]
fn a_snapshot_sled_never_finished_does_not_stop_the_store() {
    let (_dir, db) = ingested_cablegate_mirror();
    let original = export_all(&db);
    // What opening the store on a full disk left behind.
    let leftover = db.join("snap.00000000FFFFFFFF.generating");
    fs::write(&leftover, b"").expect("write");
    let output = run(&db, &["status"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!leftover.exists(), "the leftover was removed");
    assert_eq!(export_all(&db), original);
}

#[test]
fn a_store_that_cannot_be_written_is_still_read() {
    use std::os::unix::fs::PermissionsExt;
    let (_dir, db) = ingested_cablegate_mirror();
    let original = export_all(&db);
    let set_mode = |dir_mode: u32, file_mode: u32| {
        for entry in walkdir::WalkDir::new(&db).contents_first(true) {
            let entry = entry.expect("walk");
            let mode = if entry.file_type().is_dir() {
                dir_mode
            } else {
                file_mode
            };
            fs::set_permissions(entry.path(), fs::Permissions::from_mode(mode)).expect("chmod");
        }
    };
    set_mode(0o555, 0o444);
    // (As root, permission bits do not stop writes: then this reads the folder itself.)
    let export = run(&db, &["export", "--all-sources"]);
    let status = run(&db, &["status"]);
    let check = run(&db, &["check"]);
    let repair = run(&db, &["check", "--repair"]);
    set_mode(0o755, 0o644);
    assert_eq!(export.status.code(), Some(0), "{}", stderr(&export));
    assert_eq!(stdout(&export), original);
    assert_eq!(status.status.code(), Some(0), "{}", stderr(&status));
    assert_eq!(check.status.code(), Some(0), "{}", stdout(&check));
    if stdout(&check).contains("read-only") {
        assert_eq!(repair.status.code(), Some(3));
        assert!(
            stderr(&repair).contains("cannot be written"),
            "{}",
            stderr(&repair)
        );
    }
}
