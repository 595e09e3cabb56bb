//! The citation graph as the store keeps it: every cable's index entry names the cables it
//! cites and carries its subject, so who cites whom is read from the small ID index alone,
//! without decompressing a cable.
//!
//! A cable stored by a version of cablestrip that did not read references cites nothing
//! here until `reclean` cleans it again.

use super::records::{self, Citation, IndexEntry};
use super::{Store, StoreError, trees};
use crate::model::CableId;

/// One stored copy of a cable, as its index entry describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexedCopy {
    /// The cable.
    pub id: CableId,
    /// The copy's page URL (its key in the store).
    pub url: String,
    /// The copy's site.
    pub site: String,
    /// The copy's subject.
    pub subject: Option<String>,
    /// Whether the copy is suspect.
    pub suspect: bool,
    /// The cables the copy cites, in order.
    pub cites: Vec<Citation>,
}

impl Store {
    /// Every stored copy of every cable, in cable-ID order (then URL), from the ID index.
    pub fn indexed_copies(&self) -> impl Iterator<Item = Result<IndexedCopy, StoreError>> + '_ {
        self.inner
            .cable_ids
            .iter()
            .map(move |item| self.indexed_copy(item))
    }

    /// The stored copies of cable `id`, from the ID index.
    pub fn indexed_copies_of(&self, id: &CableId) -> Result<Vec<IndexedCopy>, StoreError> {
        let mut prefix = id.as_str().as_bytes().to_vec();
        prefix.push(0);
        self.inner
            .cable_ids
            .scan_prefix(prefix)
            .map(|item| self.indexed_copy(item))
            .collect()
    }

    fn indexed_copy(
        &self,
        item: sled::Result<(sled::IVec, sled::IVec)>,
    ) -> Result<IndexedCopy, StoreError> {
        let (key, value) = item.map_err(|e| self.sled_error("reading the cable ID index", e))?;
        let corrupt = |problem: &str| {
            self.corrupt(
                trees::CABLE_IDS,
                super::printable_key(trees::CABLE_IDS, &key),
                problem.to_string(),
            )
        };
        let nul = key
            .iter()
            .position(|&b| b == 0)
            .ok_or_else(|| corrupt("no NUL between cable ID and URL"))?;
        let id = std::str::from_utf8(&key[..nul])
            .ok()
            .and_then(|text| CableId::parse(text).ok())
            .ok_or_else(|| corrupt("the key's cable ID is not one"))?;
        let url = std::str::from_utf8(&key[nul + 1..])
            .map_err(|_| corrupt("the key's URL is not UTF-8"))?
            .to_string();
        let entry: IndexEntry =
            records::decode(&value).map_err(|e| self.decode_error(trees::CABLE_IDS, &key, e))?;
        Ok(IndexedCopy {
            id,
            url,
            site: entry.site,
            subject: entry.subject,
            suspect: entry.suspect,
            cites: entry.cites,
        })
    }
}
