//! Unit tests of the store's salvage reads on sound trees: every entry is visited once, and
//! keys named elsewhere that the tree does not hold are no damage.

use std::collections::BTreeSet;

use crate::store::salvage::read_all;
use crate::store::test_support::*;

#[test]
fn a_sound_tree_is_read_whole_once() {
    let two = two();
    let pages = &two.store.inner.pages;
    let mut seen = Vec::new();
    let candidates: BTreeSet<Vec<u8>> = [
        two.first.url.as_str().as_bytes().to_vec(),
        b"https://cablegate.wikileaks.org/never-stored.html".to_vec(),
    ]
    .into_iter()
    .collect();
    let unreadable = read_all(&two.path, "pages", pages, &candidates, &mut |key, _| {
        seen.push(key.to_vec());
    });
    assert_eq!(unreadable, None);
    assert_eq!(seen.len(), 3);
    let unique: BTreeSet<_> = seen.iter().collect();
    assert_eq!(unique.len(), 3, "each entry once");
}
