//! Unit tests of getting a damaged store ready to check and repair: sled's own files that
//! fail their checksums, a log cut short, a database sled cannot open at all.

use std::fs;

use crate::store::test_support::*;
use crate::store::*;

#[test]
fn a_damaged_settings_file_stops_an_open_and_repair_writes_it_again() {
    let two = two();
    let checksum = two.store.content_checksum().expect("checksum");
    drop(two.store);
    let conf = two.path.join("conf");
    let mut bytes = fs::read(&conf).expect("read");
    bytes[5] ^= 0x01;
    fs::write(&conf, bytes).expect("write");

    let error = Store::open(&two.path).expect_err("a damaged conf");
    assert!(error.is_damage(), "{error:?}");
    assert!(error.to_string().contains("check --repair"), "{error}");
    match Store::open_for_check(&two.path).expect("check opens what it can") {
        Opened::Unopenable(error) => assert!(error.is_damage(), "{error}"),
        Opened::Store(_) => panic!("sled opened a damaged conf"),
    }
    assert!(
        sled_file_problems(&two.path)
            .iter()
            .any(|b| b.file == "conf")
    );

    let (store, recovery) = Store::open_for_repair(&two.path).expect("repair opens");
    assert_eq!(recovery.removed_files, vec!["conf".to_string()]);
    assert!(!recovery.started_afresh);
    assert_eq!(store.content_checksum().expect("checksum"), checksum);
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
}

#[test]
fn a_log_cut_short_is_lost_writes_not_an_empty_store() {
    let two = two();
    drop(two.store);
    fs::File::options()
        .write(true)
        .open(two.path.join("db"))
        .expect("open the log")
        .set_len(0)
        .expect("truncate");
    let error = Store::open(&two.path).expect_err("lost writes");
    assert!(
        matches!(
            error,
            StoreError::LostWrites { .. } | StoreError::Damaged { .. }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("check"), "{error}");
    match Store::open_for_check(&two.path).expect("check opens") {
        Opened::Store(store) => {
            let problems = store.audit().problems;
            assert!(
                problems
                    .iter()
                    .any(|p| matches!(p, Problem::LostWrites { .. })),
                "{problems:#?}"
            );
        }
        Opened::Unopenable(error) => assert!(error.is_damage(), "{error}"),
    }
}

#[test]
fn a_log_of_garbage_is_repaired_as_a_store_that_lost_its_writes() {
    let two = two();
    drop(two.store);
    // sled finds no message it can read, and recovers an empty log; the flush record says
    // what it had.
    fs::write(two.path.join("db"), vec![0xA5; 64 * 1024]).expect("write");
    let (store, recovery) = Store::open_for_repair(&two.path).expect("repair opens");
    assert!(!recovery.started_afresh, "{recovery:?}");
    let audit = store.audit();
    assert!(
        audit
            .problems
            .iter()
            .any(|p| matches!(p, Problem::LostWrites { .. })),
        "{:#?}",
        audit.problems
    );
    let fixes = store
        .repair_records(&audit, &|_| SITE.to_string())
        .expect("repair");
    assert!(
        fixes
            .repaired
            .iter()
            .any(|r| matches!(r, Repaired::ResetFlushRecord { .. })),
        "{fixes:?}"
    );
    drop(store);
    let store = Store::open(&two.path).expect("opens once the loss is accepted");
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
}

#[test]
fn a_repair_of_a_missing_database_is_not_found() {
    let (_dir, path) = temp_db();
    assert!(matches!(
        Store::open_for_repair(&path),
        Err(StoreError::NotFound { .. })
    ));
    assert!(matches!(
        Store::open_for_check(&path),
        Err(StoreError::NotFound { .. })
    ));
}

#[test]
fn settings_that_sled_still_reads_but_fail_their_checksum_are_written_again() {
    let two = two();
    drop(two.store);
    // The last byte of the checksum cut off: sled reads the settings all the same.
    let conf = two.path.join("conf");
    let len = fs::metadata(&conf).expect("stat").len();
    fs::File::options()
        .write(true)
        .open(&conf)
        .and_then(|f| f.set_len(len - 1))
        .expect("truncate");
    if let Ok(store) = Store::open(&two.path) {
        assert!(
            store
                .audit()
                .problems
                .iter()
                .any(|p| matches!(p, Problem::BadFile { file, .. } if file == "conf")),
            "check names the settings file"
        );
    }
    let (store, recovery) = Store::open_for_repair(&two.path).expect("repair opens");
    assert_eq!(recovery.removed_files, vec!["conf".to_string()]);
    assert!(store.audit().is_sound(), "{:#?}", store.audit().problems);
}
