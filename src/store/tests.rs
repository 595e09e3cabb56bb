//! Unit tests of opening a store: schema versions, locks, damaged records, size, the count
//! of data writes and the content checksum, against real sled databases in temporary folders.

use std::path::Path;

use super::test_support::*;
use super::*;

/// Set in the child process of `a_second_process_is_locked_out` to the database path.
const LOCK_CHILD_ENV: &str = "CABLESTRIP_STORE_LOCK_TEST_DB";

#[test]
fn store_is_clone_send_and_sync() {
    fn check<T: Clone + Send + Sync + 'static>() {}
    check::<Store>();
    check::<Frontier>();
}

#[test]
fn a_new_database_gets_the_schema_version_and_reopens() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path).expect("create"));
    let store = Store::open(&path).expect("reopen");
    let version = store
        .inner
        .meta
        .get(SCHEMA_KEY)
        .expect("read")
        .expect("present");
    assert_eq!(&*version, SCHEMA_VERSION.to_string().as_bytes());
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    let (_dir, path) = temp_db();
    {
        let store = Store::open(&path).expect("create");
        let newer = (SCHEMA_VERSION + 1).to_string();
        store
            .inner
            .meta
            .insert(SCHEMA_KEY, newer.as_bytes())
            .expect("write");
        store.flush().expect("flush");
    }
    let error = Store::open(&path).expect_err("newer schema");
    assert!(
        matches!(error, StoreError::NewerSchema { found, supported, .. }
        if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION)
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("schema version {}", SCHEMA_VERSION + 1)),
        "{message}"
    );
    assert!(
        message.contains(&format!("up to version {SCHEMA_VERSION}")),
        "{message}"
    );
    assert!(message.contains("upgrade cablestrip"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn data_without_a_schema_version_is_refused_and_left_alone() {
    let (_dir, path) = temp_db();
    let sled_config = sled::Config::new().path(&path).segment_size(SEGMENT_SIZE);
    {
        let db = sled_config.open().expect("plain sled");
        let tree = db.open_tree("someone_else").expect("tree");
        tree.insert("k", "v").expect("insert");
        db.flush().expect("flush");
    }
    let error = Store::open(&path).expect_err("foreign data");
    assert!(matches!(error, StoreError::MissingSchema { .. }), "{error}");
    let db = sled_config.open().expect("plain sled");
    assert!(
        !db.tree_names().iter().any(|n| n == trees::PAGES.as_bytes()),
        "the refused database gained no trees"
    );
}

#[test]
fn a_sled_database_with_other_settings_is_incompatible() {
    let (_dir, path) = temp_db();
    drop(sled::open(&path).expect("sled with its default settings"));
    let error = Store::open(&path).expect_err("other segment size");
    assert!(
        matches!(error, StoreError::Incompatible { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("not made by cablestrip"),
        "{error}"
    );
}

#[test]
fn a_garbled_schema_version_is_a_typed_error() {
    let (_dir, path) = temp_db();
    {
        let store = Store::open(&path).expect("create");
        store
            .inner
            .meta
            .insert(SCHEMA_KEY, &b"one"[..])
            .expect("write");
        store.flush().expect("flush");
    }
    let error = Store::open(&path).expect_err("garbled");
    assert!(
        matches!(error, StoreError::Corrupt { ref key, .. } if key == "schema_version"),
        "{error}"
    );
}

#[test]
fn a_second_open_in_one_process_is_locked() {
    let (_dir, path) = temp_db();
    let _first = Store::open(&path).expect("open");
    let error = Store::open(&path).expect_err("second open");
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
}

#[test]
fn a_second_process_is_locked_out() {
    if let Some(path) = std::env::var_os(LOCK_CHILD_ENV) {
        // The child: the parent holds the database open.
        match Store::open(Path::new(&path)) {
            Err(error @ StoreError::Locked { .. }) => println!("CHILD-ERROR: {error}"),
            other => panic!("expected Locked, got {other:?}"),
        }
        return;
    }
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    store.put_body(SITE, &html(1)).expect("put");
    store.flush().expect("flush");
    let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "store::tests::a_second_process_is_locked_out",
            "--exact",
            "--nocapture",
        ])
        .env(LOCK_CHILD_ENV, &path)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = format!(
        "CHILD-ERROR: another cablestrip is using the database at {}; wait for it to finish, or use another database",
        path.display()
    );
    assert!(stdout.contains(&expected), "child said: {stdout}");
    // And the parent's database is intact.
    assert_eq!(
        store.body(&BodyHash::of(&html(1))).expect("read"),
        Some(html(1))
    );
}

#[test]
fn corrupt_records_are_typed_errors_naming_the_key() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/broken.html");
    store
        .inner
        .pages
        .insert(page_url.as_str(), &b"{not json"[..])
        .expect("write");
    let error = store.page(&page_url).expect_err("corrupt page");
    assert!(
        matches!(&error, StoreError::Corrupt { tree: "pages", key, .. } if key == page_url.as_str()),
        "{error}"
    );
    assert!(
        error.to_string().contains("restore the database"),
        "{error}"
    );

    let bad_pages: Vec<_> = store.pages(None).collect();
    assert!(matches!(
        bad_pages.as_slice(),
        [Err(StoreError::Corrupt { .. })]
    ));

    let hash = store.put_body(SITE, &html(1)).expect("put").hash();
    let mut value = store
        .inner
        .bodies
        .get(hash.as_bytes())
        .expect("get")
        .expect("value")
        .to_vec();
    let last = value.len() - 1;
    value[last] ^= 0xFF;
    store
        .inner
        .bodies
        .insert(hash.as_bytes(), value)
        .expect("write");
    let error = store.body(&hash).expect_err("corrupt body");
    assert!(
        matches!(&error, StoreError::Corrupt { tree: "bodies", key, .. } if *key == hash.to_string()),
        "{error}"
    );

    let index_url = url("/newer.html");
    store
        .inner
        .pages
        .insert(index_url.as_str(), &br#"{"v":99,"r":{"url":"x"}}"#[..])
        .expect("write");
    let error = store.page(&index_url).expect_err("newer record");
    assert!(
        matches!(error, StoreError::NewerRecord { found: 99, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("upgrade cablestrip"), "{error}");
}

#[test]
fn size_on_disk_grows_with_bodies() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let before = store.size_on_disk().expect("size");
    for n in 0..50 {
        store.put_body(SITE, &html(n)).expect("put");
    }
    store.flush().expect("flush");
    assert!(store.size_on_disk().expect("size") > before);
}

#[test]
fn open_existing_refuses_a_folder_without_a_database_and_creates_nothing() {
    let (dir, path) = temp_db();
    let error = Store::open_existing(&path).expect_err("no database yet");
    assert!(matches!(error, StoreError::NotFound { .. }), "{error}");
    assert!(
        error.to_string().contains(&path.display().to_string()),
        "{error}"
    );
    assert!(
        !path.exists(),
        "a refused open must not create the database"
    );
    // An empty folder is no database either.
    std::fs::create_dir(&path).expect("mkdir");
    assert!(Store::open_existing(&path).is_err());
    std::fs::remove_dir(&path).expect("rmdir");
    drop(Store::open(&path).expect("create"));
    Store::open_existing(&path).expect("now it exists");
    drop(dir);
}

#[test]
fn content_writes_and_checksum_see_data_writes_but_not_the_run_log() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let before = store.content_checksum().expect("checksum");
    assert_eq!(store.content_writes(), 0);
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let cable = cable("08MOSCOW3728", &page_url, SITE, "1. (C) Summary.");
    let page = store_cable(&store, page_url.path(), &cable, &html(1));
    assert_eq!(
        store.content_writes(),
        2,
        "one body, one page with its cable"
    );
    let after = store.content_checksum().expect("checksum");
    assert_ne!(before, after);

    // Recording the same page again, and logging a run, change no data.
    store
        .record_page(&page, Some(&cable), ReplacePolicy::KeepPrevious)
        .expect("record again");
    let run = store.begin_run("reclean").expect("run");
    store.finish_run(run.id, "{}").expect("finish");
    assert_eq!(store.content_writes(), 2);
    assert_eq!(store.content_checksum().expect("checksum"), after);
}

#[test]
fn a_file_of_sleds_gone_or_cut_short_is_damage_and_a_full_disk_is_not() {
    let path = Path::new("/data/cablestrip.db");
    for kind in [
        std::io::ErrorKind::NotFound,
        std::io::ErrorKind::UnexpectedEof,
    ] {
        let error = StoreError::sled(path, "reading body 00ff", sled::Error::Io(kind.into()));
        assert!(matches!(error, StoreError::Damaged { .. }), "{error:?}");
        assert!(error.to_string().contains("check --repair"), "{error}");
    }
    let full = StoreError::sled(
        path,
        "writing page https://cablegate.wikileaks.org/a.html",
        sled::Error::Io(std::io::ErrorKind::StorageFull.into()),
    );
    assert!(matches!(full, StoreError::Sled { .. }), "{full:?}");
    assert!(!full.is_damage());
    assert!(full.to_string().contains("free disk space"), "{full}");
}
