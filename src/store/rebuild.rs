//! Rebuilding a damaged database: every entry sled can still read (see the salvage module)
//! copied into a new database with the same layout, probing damaged trees from the keys
//! that other trees name. `check --repair` then puts the new database in the old one's
//! place (see the recover module).

use std::collections::BTreeSet;
use std::path::Path;

use super::check::Audit;
use super::records::{CleanOutcome, index_key};
use super::salvage::{Unreadable, read_all};
use super::{SCHEMA_KEY, SEGMENT_SIZE, Store, StoreError, trees};

/// The keys other trees name, from which a damaged tree's gap is probed.
#[derive(Debug, Default)]
pub(crate) struct Candidates {
    /// URLs: of page records, cables, index entries and frontier entries.
    pub urls: BTreeSet<Vec<u8>>,
    /// Keys of the ID index: `<id>\0<url>`.
    pub index: BTreeSet<Vec<u8>>,
    /// Body hashes that page records and cables name.
    pub bodies: BTreeSet<Vec<u8>>,
    /// Keys of the meta tree: the schema version, dictionaries and site dictionaries.
    pub meta: BTreeSet<Vec<u8>>,
    /// Frontier positions that `frontier_urls` names.
    pub frontier: BTreeSet<Vec<u8>>,
}

impl Audit {
    /// The keys other trees name, to probe damaged trees from when rebuilding.
    pub(crate) fn candidates(&self) -> Candidates {
        let mut candidates = Candidates::default();
        candidates.urls.extend(self.pages.keys().cloned());
        candidates.urls.extend(self.cables.keys().cloned());
        candidates.urls.extend(self.frontier_urls.keys().cloned());
        for (key, cable) in &self.cables {
            candidates.index.insert(index_key(&cable.id, key));
            if let Some(hash) = cable.body {
                candidates.bodies.insert(hash.as_bytes().to_vec());
            }
        }
        for (key, page) in &self.pages {
            if let CleanOutcome::Cable { id, .. } = &page.outcome {
                candidates.index.insert(index_key(id, key));
            }
            if let Some(hash) = page.body {
                candidates.bodies.insert(hash.as_bytes().to_vec());
            }
            candidates
                .meta
                .insert(format!("site-dict/{}", page.site).into_bytes());
        }
        candidates.index.extend(self.index.keys().cloned());
        candidates.meta.insert(SCHEMA_KEY.to_vec());
        candidates
            .frontier
            .extend(self.frontier_urls.values().cloned());
        candidates
    }
}

/// What a rebuild copied, and what it could not read.
#[derive(Debug, Default)]
pub(crate) struct Rebuilt {
    /// Entries copied, over all trees.
    pub entries: u64,
    /// The parts of trees that could not be read.
    pub unreadable: Vec<Unreadable>,
}

/// Every tree the store keeps, in the order a rebuild copies them: bodies before the meta
/// tree, whose dictionaries the bodies name.
const TREES: [&str; 11] = [
    trees::PAGES,
    trees::CABLES,
    trees::CABLE_IDS,
    trees::KNOWN,
    trees::BODIES,
    trees::META,
    trees::DICT_SAMPLES,
    trees::FRONTIER,
    trees::FRONTIER_URLS,
    trees::RUNS,
    trees::FLUSHES,
];

impl Store {
    /// Copies every entry sled can read into a new database in folder `target` (which must
    /// not hold one), probing damaged trees from `candidates`; the new database has the
    /// same layout and settings.
    pub(crate) fn rebuild_into(
        &self,
        target: &Path,
        candidates: &mut Candidates,
    ) -> Result<Rebuilt, StoreError> {
        let new = sled::Config::new()
            .path(target)
            .mode(sled::Mode::LowSpace)
            .segment_size(SEGMENT_SIZE)
            .create_new(true)
            .open()
            .map_err(|e| StoreError::sled(target, "creating the rebuilt database", e))?;
        let mut rebuilt = Rebuilt::default();
        for name in TREES {
            let old = self.tree(name);
            let tree = new
                .open_tree(name)
                .map_err(|e| StoreError::sled(target, format!("creating the {name} tree"), e))?;
            // Probed from if the tree is damaged; taken before the copy, which adds to the
            // meta keys as it copies bodies (copied first).
            let keys = match name {
                trees::PAGES | trees::CABLES | trees::FRONTIER_URLS => candidates.urls.clone(),
                trees::CABLE_IDS => candidates.index.clone(),
                trees::BODIES => candidates.bodies.clone(),
                trees::META => candidates.meta.clone(),
                trees::FRONTIER => candidates.frontier.clone(),
                _ => BTreeSet::new(),
            };
            let mut batch = sled::Batch::default();
            let mut pending = 0;
            let mut failed = None;
            let mut copy = |key: &[u8], value: &[u8]| {
                if name == trees::BODIES {
                    note_dictionary(value, &mut candidates.meta);
                }
                batch.insert(key, value);
                pending += 1;
                rebuilt.entries += 1;
                if pending == 1000 {
                    if let Err(e) = tree.apply_batch(std::mem::take(&mut batch)) {
                        failed.get_or_insert(e);
                    }
                    pending = 0;
                }
            };
            let unreadable = read_all(&self.inner.path, name, old, &keys, &mut copy);
            if let Err(e) = tree.apply_batch(batch) {
                failed.get_or_insert(e);
            }
            if let Some(e) = failed {
                return Err(StoreError::sled(
                    target,
                    format!("writing the rebuilt {name} tree"),
                    e,
                ));
            }
            rebuilt.unreadable.extend(unreadable);
        }
        new.flush()
            .map_err(|e| StoreError::sled(target, "flushing the rebuilt database", e))?;
        Ok(rebuilt)
    }
}

/// Adds the meta key of the dictionary a body value names (see the bodies module's layout).
fn note_dictionary(value: &[u8], meta: &mut BTreeSet<Vec<u8>>) {
    if value.first() == Some(&2) && value.len() >= 17 {
        let mut id = [0u8; 8];
        id.copy_from_slice(&value[9..17]);
        meta.insert(format!("dict/{:016x}", u64::from_be_bytes(id)).into_bytes());
    }
}

#[cfg(test)]
mod tests;
