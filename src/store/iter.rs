//! Walking the store in order: cables in cable-ID order (the order exports use) and page
//! records in URL order, each item read through the guard; and the counts per site that
//! `status` shows, from one walk of each.

use std::collections::{BTreeMap, HashMap};

use super::records::{self, CleanOutcome, IndexEntry, PageRecord, split_index_key};
use super::{Store, StoreError, guard, printable_key, trees};
use crate::model::Cable;

/// Counts for one site, for `status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct SiteStats {
    /// Page records.
    pub pages: u64,
    /// Stored cables.
    pub cables: u64,
    /// Pages whose latest cleaning was a reject.
    pub rejected: u64,
    /// Pages not meant to be cleaned (index pages).
    pub not_cleaned: u64,
    /// Pages whose fetch failed.
    pub failed: u64,
    /// Cables made by another rule version than the site's current one (or whose site has
    /// no rule any more): what `reclean` would redo.
    pub stale_cables: u64,
    /// Cables the quality gate found suspect: exports leave them out unless asked.
    pub suspect_cables: u64,
}

impl Store {
    /// Counts per site for `status`. `current` maps each site to its current rule version
    /// (`Rule::version`); cables made by any other version count as stale.
    pub fn site_stats(
        &self,
        current: &HashMap<String, String>,
    ) -> Result<BTreeMap<String, SiteStats>, StoreError> {
        self.contained(
            || "counting what each site holds".to_string(),
            || self.count_sites(current),
        )
    }

    fn count_sites(
        &self,
        current: &HashMap<String, String>,
    ) -> Result<BTreeMap<String, SiteStats>, StoreError> {
        let mut stats: BTreeMap<String, SiteStats> = BTreeMap::new();
        for page in self.pages(None) {
            let page = page?;
            let site = stats.entry(page.site).or_default();
            site.pages += 1;
            match page.outcome {
                CleanOutcome::Cable { .. } => {}
                CleanOutcome::Rejected { .. } => site.rejected += 1,
                CleanOutcome::NotCleaned => site.not_cleaned += 1,
                CleanOutcome::Failed { .. } => site.failed += 1,
            }
        }
        for item in self.inner.cable_ids.iter() {
            let (key, value) =
                item.map_err(|e| self.sled_error("reading the cable ID index", e))?;
            let entry: IndexEntry = records::decode(&value)
                .map_err(|e| self.decode_error(trees::CABLE_IDS, &key, e))?;
            let stale = current.get(&entry.site) != Some(&entry.rules);
            let site = stats.entry(entry.site).or_default();
            site.cables += 1;
            site.stale_cables += u64::from(stale);
            site.suspect_cables += u64::from(entry.suspect);
        }
        Ok(stats)
    }
}

/// Cables in cable-ID order; see [`Store::cables`].
pub struct CableIter {
    pub(super) store: Store,
    pub(super) index: sled::Iter,
    pub(super) site: Option<String>,
}

impl std::fmt::Debug for CableIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CableIter")
            .field("store", &self.store)
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}

impl Iterator for CableIter {
    type Item = Result<Cable, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let next = guard::contain(
                &self.store.inner.path,
                || "reading the cable ID index".to_string(),
                || Ok(self.index.next()),
            );
            let (key, value) = match next {
                Err(e) => return Some(Err(e)),
                Ok(next) => match next? {
                    Ok(item) => item,
                    Err(e) => {
                        return Some(Err(self.store.sled_error("reading the cable ID index", e)));
                    }
                },
            };
            let store = &self.store;
            if let Some(site) = &self.site {
                match records::decode::<IndexEntry>(&value) {
                    Ok(entry) if entry.site != *site => continue,
                    Ok(_) => {}
                    Err(e) => return Some(Err(store.decode_error(trees::CABLE_IDS, &key, e))),
                }
            }
            let Some((_, url)) = split_index_key(&key) else {
                return Some(Err(store.corrupt(
                    trees::CABLE_IDS,
                    printable_key(trees::CABLE_IDS, &key),
                    "no NUL between cable ID and URL".to_string(),
                )));
            };
            let cable = store.contained(
                || format!("reading cable {}", String::from_utf8_lossy(url)),
                || store.read_cable(url),
            );
            return Some(match cable {
                Ok(Some(cable)) => Ok(cable),
                Ok(None) => Err(store.corrupt(
                    trees::CABLE_IDS,
                    printable_key(trees::CABLE_IDS, &key),
                    "the index names a cable that is not stored".to_string(),
                )),
                Err(e) => Err(e),
            });
        }
    }
}

/// Page records in URL order; see [`Store::pages`].
pub struct PageIter {
    pub(super) store: Store,
    pub(super) pages: sled::Iter,
    pub(super) site: Option<String>,
}

impl std::fmt::Debug for PageIter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageIter")
            .field("store", &self.store)
            .field("site", &self.site)
            .finish_non_exhaustive()
    }
}

impl Iterator for PageIter {
    type Item = Result<PageRecord, StoreError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let next = guard::contain(
                &self.store.inner.path,
                || "reading page records".to_string(),
                || Ok(self.pages.next()),
            );
            let (key, value) = match next {
                Err(e) => return Some(Err(e)),
                Ok(next) => match next? {
                    Ok(item) => item,
                    Err(e) => return Some(Err(self.store.sled_error("reading page records", e))),
                },
            };
            match records::decode::<PageRecord>(&value) {
                Ok(page) if self.site.as_ref().is_some_and(|site| *site != page.site) => continue,
                Ok(page) => return Some(Ok(page)),
                Err(e) => return Some(Err(self.store.decode_error(trees::PAGES, &key, e))),
            }
        }
    }
}
