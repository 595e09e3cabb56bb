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
