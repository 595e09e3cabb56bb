//! Unit tests of the store's rebuild: what sled reads is copied whole into a new database,
//! which takes the old one's place while the old one is kept beside it.

use crate::store::test_support::*;
use crate::store::*;

#[test]
fn a_rebuild_copies_everything_and_keeps_the_old_database_aside() {
    let two = two();
    let checksum = two.store.content_checksum().expect("checksum");
    let audit = two.store.audit();
    let mut recovery = Recovery::default();
    let store = two.store.rebuild(&audit, &mut recovery).expect("rebuild");
    assert_eq!(store.path(), two.path);
    assert_eq!(store.content_checksum().expect("checksum"), checksum);
    let rebuilt = recovery.rebuilt.expect("rebuilt");
    assert!(rebuilt.unreadable.is_empty(), "{:?}", rebuilt.unreadable);
    assert!(rebuilt.entries >= 10, "{}", rebuilt.entries);
    let aside = recovery.damaged_copy.expect("the old one is kept");
    assert!(aside.join("db").is_file(), "{}", aside.display());
    assert!(
        aside
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with("db.damaged-")),
        "{}",
        aside.display()
    );
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
    assert_eq!(store.frontier().len(), 1);
    assert_eq!(
        store.cable(&two.first.url).expect("read").map(|c| c.id),
        Some(id_of(&two.first))
    );
    // The new database keeps its flush record, so a later loss is noticed.
    store.put_body(SITE, &html(9)).expect("write");
    store.flush().expect("flush");
    drop(store);
    Store::open(&two.path).expect("reopens");
}

#[test]
fn a_rebuild_left_half_done_is_started_again() {
    let two = two();
    let half = two.path.with_file_name("db.rebuilding");
    std::fs::create_dir_all(&half).expect("mkdir");
    std::fs::write(half.join("db"), b"half a rebuild").expect("write");
    let audit = two.store.audit();
    let store = two
        .store
        .rebuild(&audit, &mut Recovery::default())
        .expect("rebuild");
    assert!(!half.exists());
    assert!(store.audit().is_sound());
}
