//! Damage made on purpose, for the tests of the stages above the store (the pipeline's
//! skip decision, the check job): one entry removed or overwritten behind the store's
//! back, as a damaged disk would leave it. Compiled for tests only.

use super::records::index_key;
use super::{BodyHash, Store, trees};
use crate::model::{CableId, PageUrl};

/// One entry of the store.
#[derive(Debug, Clone)]
pub(crate) enum Part<'a> {
    /// A raw body.
    Body(&'a BodyHash),
    /// A page record.
    Page(&'a PageUrl),
    /// A page's cable.
    Cable(&'a PageUrl),
    /// A cable's entry in the ID index.
    IndexEntry(&'a CableId, &'a PageUrl),
}

impl Part<'_> {
    fn locate(&self) -> (&'static str, Vec<u8>) {
        match self {
            Part::Body(hash) => (trees::BODIES, hash.as_bytes().to_vec()),
            Part::Page(url) => (trees::PAGES, url.as_str().as_bytes().to_vec()),
            Part::Cable(url) => (trees::CABLES, url.as_str().as_bytes().to_vec()),
            Part::IndexEntry(id, url) => (trees::CABLE_IDS, index_key(id, url.as_str())),
        }
    }
}

impl Store {
    /// Removes `part`; panics (it is a test) when it is not stored.
    pub(crate) fn damage_remove(&self, part: &Part<'_>) {
        let (tree, key) = part.locate();
        let removed = self.tree(tree).remove(&key).expect("sled removes");
        assert!(removed.is_some(), "{part:?} is not stored");
        self.flush().expect("flush");
    }

    /// Overwrites `part` with bytes that decode as nothing.
    pub(crate) fn damage_garble(&self, part: &Part<'_>) {
        let (tree, key) = part.locate();
        let old = self
            .tree(tree)
            .insert(&key, &b"\x7fnot a record"[..])
            .expect("sled writes");
        assert!(old.is_some(), "{part:?} is not stored");
        self.flush().expect("flush");
    }
}
