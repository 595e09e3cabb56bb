//! The repairs the store makes on its own, from what [`Store::audit`] found
//! ([`Store::repair_records`]): a page whose raw body is lost is recorded as such (so the
//! next crawl fetches it again, and an ingest stores it again) and loses the cable that was
//! compressed against that body; a cable that does not decode or contradicts its page is
//! removed (its page is cleaned again by the caller); a page record rebuilt from its cable;
//! the ID index rebuilt from the cables; the frontier's URL list rebuilt from its queue;
//! records that do not decode removed; the schema version and the flush record written
//! again. Cleaning again needs the rules, which the store knows nothing of: the caller
//! does it for the pages listed in [`StoreRepair::reclean`].

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use serde::Serialize;

use super::check::{Audit, url_of};
use super::problem::Problem;
use super::records::{self, CleanOutcome, PageRecord, index_key};
use super::{LAST_FLUSH_KEY, SCHEMA_KEY, SCHEMA_VERSION, Store, StoreError, files, trees};
use crate::model::PageUrl;

/// One repair made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "kebab-case")]
pub enum Repaired {
    /// A page whose raw body is lost was recorded as `body-lost`, for the next crawl or
    /// ingest to fetch again; its cable, compressed against that body, was removed.
    MarkedForRefetch {
        /// The page.
        url: String,
        /// Why.
        reason: String,
    },
    /// A cable that did not decode, or contradicted its page's record, was removed.
    RemovedCable {
        /// The page it was cleaned from.
        url: String,
        /// Why.
        reason: String,
    },
    /// A page record was rebuilt from its cable (the page's fetch time is unknown, so the
    /// crawl re-checks it on its next run).
    RebuiltPageRecord {
        /// The page.
        url: String,
        /// Its cable.
        id: String,
    },
    /// A record that did not decode was removed.
    RemovedRecord {
        /// The tree.
        tree: &'static str,
        /// Its key, printable.
        key: String,
    },
    /// The ID index was made to match the cables.
    RebuiltIndex {
        /// Entries added.
        added: u64,
        /// Entries removed.
        removed: u64,
        /// Entries rewritten.
        rewritten: u64,
    },
    /// The frontier's URL list was made to match its queue.
    RebuiltFrontier {
        /// Entries changed.
        changed: u64,
    },
    /// The schema version was written again.
    WroteSchema,
    /// The flush record was written again, from this flush on.
    ResetFlushRecord {
        /// The flush number now recorded.
        flush: u64,
    },
}

impl std::fmt::Display for Repaired {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Repaired::MarkedForRefetch { url, reason } => {
                write!(f, "marked {url} for the next crawl or ingest ({reason})")
            }
            Repaired::RemovedCable { url, reason } => {
                write!(f, "removed the cable of {url} ({reason})")
            }
            Repaired::RebuiltPageRecord { url, id } => {
                write!(f, "rebuilt the page record of {url} from its cable {id}")
            }
            Repaired::RemovedRecord { tree, key } => {
                write!(f, "removed the damaged record `{key}` from the {tree} tree")
            }
            Repaired::RebuiltIndex {
                added,
                removed,
                rewritten,
            } => write!(
                f,
                "rebuilt the ID index from the cables: {added} entries added, {removed} removed, {rewritten} rewritten"
            ),
            Repaired::RebuiltFrontier { changed } => {
                write!(f, "mended the frontier: {changed} entries changed")
            }
            Repaired::WroteSchema => write!(f, "wrote the schema version again"),
            Repaired::ResetFlushRecord { flush } => write!(
                f,
                "recorded flush {flush} beside the database: what was lost is accepted as lost"
            ),
        }
    }
}

/// What [`Store::repair_records`] did, and what is left to the caller.
#[derive(Debug, Clone, Default)]
pub struct StoreRepair {
    /// The repairs made.
    pub repaired: Vec<Repaired>,
    /// Pages whose record says they gave a cable that is not stored, and whose raw body is
    /// whole: clean them again.
    pub reclean: Vec<PageUrl>,
    /// Pages whose raw body is lost: only a new fetch or ingest brings them back.
    pub refetch: Vec<PageUrl>,
}

impl Store {
    /// Makes the repairs that need no rules (see the module's text), from `audit`, which
    /// must be this store's, taken just before. `site_of` names the site of a page whose
    /// record is lost.
    pub fn repair_records(
        &self,
        audit: &Audit,
        site_of: &dyn Fn(&PageUrl) -> String,
    ) -> Result<StoreRepair, StoreError> {
        self.contained(
            || "repairing the database".to_string(),
            || self.repair_inner(audit, site_of),
        )
    }

    fn repair_inner(
        &self,
        audit: &Audit,
        site_of: &dyn Fn(&PageUrl) -> String,
    ) -> Result<StoreRepair, StoreError> {
        let mut out = StoreRepair::default();
        // What the cables tree will hold once this is done, by URL key.
        let mut cables = audit.cables.clone();
        let mut refetch = BTreeSet::new();
        let mut reclean = BTreeSet::new();

        for problem in &audit.problems {
            match problem {
                Problem::BodyMissing { url, hash } | Problem::BodyDamaged { url, hash, .. } => {
                    let reason = match problem {
                        Problem::BodyMissing { .. } => format!("its raw body {hash} is missing"),
                        _ => format!("its raw body {hash} is damaged"),
                    };
                    refetch.insert((url.clone(), reason));
                }
                Problem::CableDamaged { url, problem } => {
                    self.remove_cable(url.as_str().as_bytes())?;
                    out.repaired.push(Repaired::RemovedCable {
                        url: url.to_string(),
                        reason: format!("it does not decode: {problem}"),
                    });
                }
                Problem::CableMismatch {
                    url,
                    recorded,
                    found,
                } => {
                    cables.remove(url.as_str().as_bytes());
                    self.remove_cable(url.as_str().as_bytes())?;
                    out.repaired.push(Repaired::RemovedCable {
                        url: url.to_string(),
                        reason: format!(
                            "it is cable {found}, but its page's record says {recorded}"
                        ),
                    });
                }
                _ => {}
            }
        }

        // Pages whose raw body is lost: recorded as such, their cable removed.
        for (url, reason) in &refetch {
            let key = url.as_str().as_bytes();
            cables.remove(key);
            let old = audit.pages.get(key);
            let record = body_lost(url, old, site_of, reason);
            self.replace_page(&record, true)?;
            out.repaired.push(Repaired::MarkedForRefetch {
                url: url.to_string(),
                reason: reason.clone(),
            });
            out.refetch.push(url.clone());
        }

        // Records that do not decode.
        for (tree, key) in &audit.bad_keys {
            match *tree {
                trees::PAGES => {
                    let Some(url) = url_of(key) else {
                        self.remove_key(trees::PAGES, key)?;
                        out.repaired.push(removed(trees::PAGES, key));
                        continue;
                    };
                    if cables.contains_key(key.as_slice()) {
                        continue; // rebuilt from the cable below
                    }
                    let reason = "its page record was damaged".to_string();
                    self.replace_page(&body_lost(&url, None, site_of, &reason), true)?;
                    out.repaired.push(Repaired::MarkedForRefetch {
                        url: url.to_string(),
                        reason,
                    });
                    out.refetch.push(url);
                }
                trees::CABLES => {} // removed above, as a damaged cable
                tree => {
                    self.remove_key(tree, key)?;
                    out.repaired.push(removed(tree, key));
                }
            }
        }

        // Cables without a page record: the record is rebuilt from the cable.
        for (key, cable) in &cables {
            if audit.pages.contains_key(key) {
                continue;
            }
            let Some(url) = url_of(key) else { continue };
            let record = PageRecord {
                url: url.clone(),
                site: cable.entry.site.clone(),
                status: 200,
                content_type: None,
                etag: None,
                last_modified: None,
                headers: Vec::new(),
                fetched_at: Timestamp::UNIX_EPOCH,
                body: cable.body,
                outcome: CleanOutcome::Cable {
                    id: cable.id.clone(),
                    rules_version: cable.entry.rules.clone(),
                    suspect: cable.entry.suspect,
                },
            };
            self.replace_page(&record, false)?;
            out.repaired.push(Repaired::RebuiltPageRecord {
                url: url.to_string(),
                id: cable.id.to_string(),
            });
        }

        // Pages that say they gave a cable that is not there (any more): cleaned again.
        for (key, page) in &audit.pages {
            if matches!(page.outcome, CleanOutcome::Cable { .. })
                && !cables.contains_key(key)
                && !refetch.iter().any(|(url, _)| url == &page.url)
            {
                reclean.insert(page.url.clone());
            }
        }
        out.reclean = reclean.into_iter().collect();

        self.rebuild_index(audit, &cables, &mut out)?;
        self.rebuild_frontier_urls(audit, &mut out)?;
        if audit.problems.contains(&Problem::NoSchema) {
            self.inner
                .meta
                .insert(SCHEMA_KEY, SCHEMA_VERSION.to_string().as_bytes())
                .map_err(|e| self.sled_error("writing the schema version", e))?;
            out.repaired.push(Repaired::WroteSchema);
        }
        if audit
            .problems
            .iter()
            .any(|p| matches!(p, Problem::LostWrites { .. } | Problem::FlushRecord { .. }))
        {
            let flush = self.reset_flush_record()?;
            out.repaired.push(Repaired::ResetFlushRecord { flush });
        }
        Ok(out)
    }

    /// Makes the ID index hold exactly one entry per cable in `cables`, as it should be.
    fn rebuild_index(
        &self,
        audit: &Audit,
        cables: &BTreeMap<Vec<u8>, super::check::CableSummary>,
        out: &mut StoreRepair,
    ) -> Result<(), StoreError> {
        let mut wanted = BTreeMap::new();
        for (key, cable) in cables {
            let url = String::from_utf8_lossy(key);
            let value = self.encode(trees::CABLE_IDS, &url, records::encode(&cable.entry))?;
            wanted.insert(index_key(&cable.id, key), (value, cable.entry.clone()));
        }
        let mut batch = sled::Batch::default();
        let (mut added, mut removed, mut rewritten) = (0, 0, 0);
        for (key, found) in &audit.index {
            if !wanted.contains_key(key) {
                batch.remove(key.as_slice());
                removed += 1;
            } else if let Some((value, entry)) = wanted.get(key)
                && found.as_ref() != Some(entry)
            {
                batch.insert(key.as_slice(), value.as_slice());
                rewritten += 1;
            }
        }
        for (key, (value, _)) in &wanted {
            if !audit.index.contains_key(key) {
                batch.insert(key.as_slice(), value.as_slice());
                added += 1;
            }
        }
        // The entries of cables removed by this repair are not wanted: they go here.
        if added + removed + rewritten > 0 {
            self.inner
                .cable_ids
                .apply_batch(batch)
                .map_err(|e| self.sled_error("rebuilding the cable ID index", e))?;
            out.repaired.push(Repaired::RebuiltIndex {
                added,
                removed,
                rewritten,
            });
        }
        Ok(())
    }

    /// Makes the frontier's URL list point at exactly the entries of its queue.
    fn rebuild_frontier_urls(
        &self,
        audit: &Audit,
        out: &mut StoreRepair,
    ) -> Result<(), StoreError> {
        let mut wanted: BTreeMap<Vec<u8>, Vec<u8>> = BTreeMap::new();
        let mut drop_queued = Vec::new();
        for (seq, entry) in &audit.frontier {
            match entry {
                // The newest position of a URL queued twice is the one kept.
                Some(entry) => {
                    if let Some(older) =
                        wanted.insert(entry.url.as_str().as_bytes().to_vec(), seq.clone())
                    {
                        drop_queued.push(older);
                    }
                }
                None => drop_queued.push(seq.clone()),
            }
        }
        let mut changed = 0;
        let mut urls = sled::Batch::default();
        for (url, seq) in &audit.frontier_urls {
            if wanted.get(url) != Some(seq) {
                urls.remove(url.as_slice());
                changed += 1;
            }
        }
        for (url, seq) in &wanted {
            if audit.frontier_urls.get(url) != Some(seq) {
                urls.insert(url.as_slice(), seq.as_slice());
                changed += 1;
            }
        }
        let mut queue = sled::Batch::default();
        for seq in &drop_queued {
            queue.remove(seq.as_slice());
            changed += 1;
        }
        if changed > 0 {
            let inner = &self.inner;
            inner
                .frontier
                .apply_batch(queue)
                .map_err(|e| self.sled_error("mending the frontier", e))?;
            inner
                .frontier_urls
                .apply_batch(urls)
                .map_err(|e| self.sled_error("mending the frontier", e))?;
            inner
                .frontier_len
                .store(wanted.len() as u64, std::sync::atomic::Ordering::Relaxed);
            out.repaired.push(Repaired::RebuiltFrontier { changed });
        }
        Ok(())
    }

    /// Writes `record` over the page's record; with `drop_cable`, removes the page's cable
    /// too.
    fn replace_page(&self, record: &PageRecord, drop_cable: bool) -> Result<(), StoreError> {
        let key = record.url.as_str();
        let value = self.encode(trees::PAGES, key, records::encode(record))?;
        self.inner
            .pages
            .insert(key.as_bytes(), value)
            .map_err(|e| self.sled_error(format!("writing page {key}"), e))?;
        self.count_content_write();
        if drop_cable {
            self.remove_cable(key.as_bytes())?;
        }
        Ok(())
    }

    /// Removes the cable of page `key`; its entries in the ID index go when the index is
    /// rebuilt, at the end of the repair.
    fn remove_cable(&self, key: &[u8]) -> Result<(), StoreError> {
        self.inner
            .cables
            .remove(key)
            .map_err(|e| self.sled_error("removing a cable", e))?;
        self.count_content_write();
        Ok(())
    }

    fn remove_key(&self, tree: &'static str, key: &[u8]) -> Result<(), StoreError> {
        self.tree(tree)
            .remove(key)
            .map_err(|e| self.sled_error(format!("removing a damaged record from {tree}"), e))?;
        Ok(())
    }

    /// Numbers a flush past both the one the database holds and the one recorded beside
    /// it, flushes, and records it: what was lost is accepted as lost, and the record
    /// guards what is stored from now on. Returns the flush's number.
    pub(crate) fn reset_flush_record(&self) -> Result<u64, StoreError> {
        let inner = &self.inner;
        let mut mark = inner
            .flush_mark
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let recorded = inner.lost_writes.map_or(0, |(recorded, _)| recorded);
        let number = mark.number.max(recorded) + 1;
        inner
            .flushes
            .insert(LAST_FLUSH_KEY, &number.to_be_bytes())
            .map_err(|e| self.sled_error("numbering a flush", e))?;
        inner
            .db
            .flush()
            .map_err(|e| self.sled_error("flushing to disk", e))?;
        files::write_flush_record(&inner.sled_dir, files::FlushRecord { flush: number }).map_err(
            |source| StoreError::Folder {
                path: inner.path.clone(),
                action: format!("writing {}", files::FLUSH_FILE),
                source,
            },
        )?;
        mark.number = number;
        mark.writes = self.content_writes();
        Ok(number)
    }
}

/// The record of a page whose raw body is lost: no body, no validators (so the next fetch
/// is not conditional), outcome `body-lost`.
fn body_lost(
    url: &PageUrl,
    old: Option<&PageRecord>,
    site_of: &dyn Fn(&PageUrl) -> String,
    reason: &str,
) -> PageRecord {
    PageRecord {
        url: url.clone(),
        site: old.map_or_else(|| site_of(url), |old| old.site.clone()),
        status: old.map_or(0, |old| old.status),
        content_type: None,
        etag: None,
        last_modified: None,
        headers: Vec::new(),
        fetched_at: old.map_or(Timestamp::UNIX_EPOCH, |old| old.fetched_at),
        body: None,
        outcome: CleanOutcome::Failed {
            kind: super::BODY_LOST.to_string(),
            message: format!(
                "{reason}; fetch it again (`cablestrip crawl`) or ingest its mirror again"
            ),
        },
    }
}

fn removed(tree: &'static str, key: &[u8]) -> Repaired {
    Repaired::RemovedRecord {
        tree,
        key: super::printable_key(tree, key),
    }
}

#[cfg(test)]
mod tests;
