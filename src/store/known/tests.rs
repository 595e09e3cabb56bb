//! The known-ID record: once per ID, first sighting kept, nothing rewritten.

use super::Sighting;
use crate::model::CableId;
use crate::store::Store;
use crate::store::test_support::temp_db;

#[test]
fn an_id_is_recorded_once_with_its_first_sighting() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("create");
    let id = CableId::parse("08MOSCOW3728").expect("id");
    let first = Sighting::listing(
        "cablegate.wikileaks.org",
        "https://cablegate.wikileaks.org/cablegate.html",
    );
    assert!(store.note_known(&id, &first).expect("note"));
    let writes = store.content_writes();
    assert!(
        !store
            .note_known(&id, &Sighting::list("ids.txt:3"))
            .expect("note again")
    );
    assert_eq!(
        store.content_writes(),
        writes,
        "a known ID is never rewritten"
    );
    let all: Vec<_> = store.known_sightings().map(|r| r.expect("read")).collect();
    assert_eq!(all, vec![(id, first)]);
}

#[test]
fn known_ids_survive_a_rebuild_and_a_damaged_one_is_named() {
    use crate::store::test_support::two;
    use crate::store::{Problem, Recovery};
    let two = two();
    let id = CableId::parse("09TELAVIV512").expect("id");
    let seen = Sighting::list("ids.txt:1");
    assert!(two.store.note_known(&id, &seen).expect("note"));
    let audit = two.store.audit();
    assert!(audit.is_sound(), "{:#?}", audit.problems);
    assert_eq!(audit.counts.known_ids, 1);
    let store = two
        .store
        .rebuild(&audit, &mut Recovery::default())
        .expect("rebuild");
    let all: Vec<_> = store.known_sightings().map(|r| r.expect("read")).collect();
    assert_eq!(all, vec![(id, seen)], "a rebuild copies the known IDs");

    store
        .inner
        .known
        .insert("not an id", &b"{}"[..])
        .expect("damage");
    let audit = store.audit();
    assert!(
        audit.problems.iter().any(|p| matches!(
            p,
            Problem::BadRecord { tree: "known_ids", key, .. } if key == "not an id"
        )),
        "{:#?}",
        audit.problems
    );
}
