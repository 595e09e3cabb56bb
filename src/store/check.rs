//! `check`'s reading of the whole store ([`Store::audit`]): sled's own files checked
//! against their checksums, every tree read (past damage, see the salvage module), every
//! record decoded, every page's raw body read and checked against its hash, every cable
//! decoded, the cables and the ID index compared both ways, the frontier's two trees
//! compared, and the flush record compared with what the database holds. Everything found
//! is a [`Problem`], named by URL, cable ID or key. The repairs are in the repair module.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use super::bodies::BodyHash;
use super::problem::Problem;
use super::records::{
    self, CleanOutcome, FrontierEntry, IndexEntry, PageRecord, RunRecord, index_key,
    split_index_key,
};
use super::salvage::{self, Unreadable};
use super::{SCHEMA_KEY, Store, StoreError, files, printable_key, trees};
use crate::model::{CableId, PageUrl};

/// The failure kind of a page whose raw body the store lost: the crawl fetches it again on
/// its next run (every failure but `gone` is asked for again), and an ingest stores it again.
pub const BODY_LOST: &str = "body-lost";

/// What the store holds, as counted by [`Store::audit`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct AuditCounts {
    /// Page records that decode.
    pub pages: u64,
    /// Pages whose record says they gave a cable.
    pub cable_pages: u64,
    /// Cables that decode.
    pub cables: u64,
    /// Entries of the ID index.
    pub index_entries: u64,
    /// Raw bodies read and checked against their hash.
    pub bodies_checked: u64,
    /// Entries in the frontier.
    pub frontier: u64,
    /// Runs in the run log.
    pub runs: u64,
    /// Cable IDs recorded as known without being held (seen in listings and ID lists).
    pub known_ids: u64,
    /// The last flush the database holds.
    pub flush: u64,
}

/// What [`Store::audit`] found.
#[derive(Debug, Clone, Default)]
pub struct Audit {
    /// The counts.
    pub counts: AuditCounts,
    /// Everything wrong, in the order found.
    pub problems: Vec<Problem>,
    /// Whether sled itself failed to read something: the database must be rebuilt.
    pub(crate) sled_damage: bool,
    /// The cables that decode, by URL key.
    pub(crate) cables: BTreeMap<Vec<u8>, CableSummary>,
    /// The page records that decode, by URL key.
    pub(crate) pages: BTreeMap<Vec<u8>, PageRecord>,
    /// The ID index as found: key → its entry, or `None` when it does not decode.
    pub(crate) index: BTreeMap<Vec<u8>, Option<IndexEntry>>,
    /// Bodies whose check failed (missing or damaged).
    pub(crate) bad_bodies: BTreeSet<BodyHash>,
    /// The frontier as found.
    pub(crate) frontier: BTreeMap<Vec<u8>, Option<FrontierEntry>>,
    /// The frontier's URL list as found.
    pub(crate) frontier_urls: BTreeMap<Vec<u8>, Vec<u8>>,
    /// Keys of records that do not decode, per tree.
    pub(crate) bad_keys: Vec<(&'static str, Vec<u8>)>,
}

impl Audit {
    /// Whether nothing is wrong.
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }

    /// Whether sled itself failed to read part of the database, which then has to be
    /// rebuilt ([`Store::rebuild`]): its damaged nodes would fail every write that meets them.
    pub fn needs_rebuild(&self) -> bool {
        self.sled_damage
    }
}

/// What the audit keeps of a cable that decodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CableSummary {
    pub id: CableId,
    /// The body it was compressed against, if any.
    pub body: Option<BodyHash>,
    /// Its index entry, as it should be.
    pub entry: IndexEntry,
}

/// What reading one raw body found.
#[derive(Debug, Clone)]
enum BodyVerdict {
    Sound,
    Missing,
    Damaged(String),
}

impl Store {
    /// Reads the whole store and reports what is wrong with it (see the module's text).
    /// Never fails: what cannot be read is a [`Problem`].
    pub fn audit(&self) -> Audit {
        let mut audit = Audit::default();
        let inner = &self.inner;
        for bad in files::check_sled_files(&inner.sled_dir) {
            audit.sled_damage |= bad.file.starts_with("blobs/");
            audit.problems.push(Problem::BadFile {
                file: bad.file,
                problem: bad.problem,
            });
        }
        if let Some((recorded, found)) = inner.lost_writes {
            audit.problems.push(Problem::LostWrites { recorded, found });
        }
        if let Some(problem) = &inner.flush_record_problem {
            audit.problems.push(Problem::FlushRecord {
                problem: problem.clone(),
            });
        }
        self.audit_index(&mut audit);
        self.audit_pages(&mut audit);
        let mut verdicts = HashMap::new();
        self.audit_cables(&mut audit, &mut verdicts);
        self.probe_late(&mut audit);
        self.audit_page_bodies(&mut audit, &mut verdicts);
        compare_cables(&mut audit);
        self.audit_frontier(&mut audit);
        self.audit_rest(&mut audit);
        audit
    }

    /// Reads tree `name` past damage, probing by key from `candidates` (see the salvage
    /// module); reports what cannot be read.
    pub(super) fn audit_scan(
        &self,
        audit: &mut Audit,
        name: &'static str,
        candidates: &BTreeSet<Vec<u8>>,
        visit: &mut dyn FnMut(&[u8], &[u8]),
    ) {
        let tree = self.tree(name);
        if let Some(Unreadable { tree, after, error }) =
            salvage::read_all(&self.inner.path, name, tree, candidates, visit)
        {
            audit.sled_damage = true;
            audit
                .problems
                .push(Problem::Unreadable { tree, after, error });
        }
    }

    fn audit_index(&self, audit: &mut Audit) {
        let mut index = BTreeMap::new();
        let mut bad = Vec::new();
        self.audit_scan(
            audit,
            trees::CABLE_IDS,
            &BTreeSet::new(),
            &mut |key, value| {
                let entry = records::decode::<IndexEntry>(value).ok();
                if entry.is_none() || split_index_key(key).is_none() {
                    bad.push((key.to_vec(), "not an index entry".to_string()));
                }
                index.insert(key.to_vec(), entry);
            },
        );
        audit.counts.index_entries = index.len() as u64;
        audit.index = index;
        for (key, problem) in bad {
            audit.bad_record(trees::CABLE_IDS, key, problem);
        }
    }

    fn audit_pages(&self, audit: &mut Audit) {
        let candidates: BTreeSet<Vec<u8>> = audit
            .index
            .keys()
            .filter_map(|key| split_index_key(key).map(|(_, url)| url.to_vec()))
            .collect();
        let mut pages = BTreeMap::new();
        let mut bad = Vec::new();
        self.audit_scan(
            audit,
            trees::PAGES,
            &candidates,
            &mut |key, value| match records::decode::<PageRecord>(value) {
                Ok(page) if page.url.as_str().as_bytes() == key => {
                    pages.insert(key.to_vec(), page);
                }
                Ok(page) => bad.push((key.to_vec(), format!("it is the record of {}", page.url))),
                Err(error) => bad.push((key.to_vec(), decode_problem(error))),
            },
        );
        for (key, problem) in bad {
            audit.bad_record(trees::PAGES, key, problem);
        }
        audit.counts.pages = pages.len() as u64;
        audit.counts.cable_pages = pages
            .values()
            .filter(|p| matches!(p.outcome, CleanOutcome::Cable { .. }))
            .count() as u64;
        audit.pages = pages;
    }

    fn audit_cables(&self, audit: &mut Audit, verdicts: &mut HashMap<BodyHash, BodyVerdict>) {
        let mut candidates: BTreeSet<Vec<u8>> = audit.pages.keys().cloned().collect();
        candidates.extend(
            audit
                .index
                .keys()
                .filter_map(|key| split_index_key(key).map(|(_, url)| url.to_vec())),
        );
        let mut found = Vec::new();
        self.audit_scan(audit, trees::CABLES, &candidates, &mut |key, value| {
            found.push(self.check_cable(key, value, verdicts));
        });
        for (key, result) in found {
            let url = url_of(&key);
            match (result, url) {
                (Ok(summary), _) => {
                    audit.cables.insert(key, summary);
                }
                (Err((problem, sled)), Some(url)) => {
                    audit.sled_damage |= sled;
                    audit.problems.push(Problem::CableDamaged { url, problem });
                    audit.bad_keys.push((trees::CABLES, key));
                }
                (Err((problem, _)), None) => audit.bad_record(trees::CABLES, key, problem),
            }
        }
        audit.counts.cables = audit.cables.len() as u64;
    }

    /// Looks up by key the page records and index entries that the cables name but the
    /// scans of those trees did not meet: a scan that a damaged node ended early, without
    /// an error, misses them (the trees were read before the cables named them).
    fn probe_late(&self, audit: &mut Audit) {
        let bad: BTreeSet<&Vec<u8>> = audit.bad_keys.iter().map(|(_, key)| key).collect();
        let pages: Vec<Vec<u8>> = audit
            .cables
            .keys()
            .filter(|key| !audit.pages.contains_key(*key) && !bad.contains(key))
            .cloned()
            .collect();
        let mut index: Vec<Vec<u8>> = audit
            .cables
            .iter()
            .map(|(key, cable)| index_key(&cable.id, key))
            .chain(
                audit
                    .pages
                    .iter()
                    .filter_map(|(key, page)| match &page.outcome {
                        CleanOutcome::Cable { id, .. } => Some(index_key(id, key)),
                        _ => None,
                    }),
            )
            .filter(|key| !audit.index.contains_key(key))
            .collect();
        index.sort();
        index.dedup();
        let mut found = 0;
        for key in pages {
            if let Ok(Some(value)) = self.contained(String::new, || {
                self.inner
                    .pages
                    .get(&key)
                    .map_err(|e| self.sled_error("", e))
            }) && let Ok(page) = records::decode::<PageRecord>(&value)
            {
                audit.pages.insert(key, page);
                found += 1;
            }
        }
        for key in index {
            if let Ok(Some(value)) = self.contained(String::new, || {
                self.inner
                    .cable_ids
                    .get(&key)
                    .map_err(|e| self.sled_error("", e))
            }) {
                audit
                    .index
                    .insert(key, records::decode::<IndexEntry>(&value).ok());
                found += 1;
            }
        }
        if found > 0 {
            audit.sled_damage = true;
            audit.problems.push(Problem::Unreadable {
                tree: trees::PAGES,
                after: None,
                error: format!(
                    "sled's scans of the page records or the ID index end early: they skip {found} entries that read by key (the trees' structure is damaged)"
                ),
            });
            audit.counts.pages = audit.pages.len() as u64;
            audit.counts.index_entries = audit.index.len() as u64;
            audit.counts.cable_pages = audit
                .pages
                .values()
                .filter(|p| matches!(p.outcome, CleanOutcome::Cable { .. }))
                .count() as u64;
        }
    }

    /// Decodes one cable value, reading (and checking) the body it was compressed against.
    /// The error says what is wrong, and whether sled failed to read something.
    fn check_cable(
        &self,
        key: &[u8],
        value: &[u8],
        verdicts: &mut HashMap<BodyHash, BodyVerdict>,
    ) -> (Vec<u8>, Result<CableSummary, (String, bool)>) {
        let hash = (value.first() == Some(&b'B'))
            .then(|| value.get(1..33).and_then(BodyHash::from_slice))
            .flatten();
        let body = match hash.map(|hash| self.body(&hash)) {
            Some(Ok(Some(body))) => Some(body),
            Some(Ok(None)) => None,
            Some(Err(error)) => {
                let sled = !matches!(error, StoreError::Corrupt { .. });
                if let Some(hash) = hash {
                    verdicts.insert(hash, BodyVerdict::Damaged(salvage::error_text(&error)));
                }
                return (
                    key.to_vec(),
                    Err((
                        format!(
                            "its raw body does not read: {}",
                            salvage::error_text(&error)
                        ),
                        sled,
                    )),
                );
            }
            None => None,
        };
        if let Some(hash) = hash {
            verdicts.insert(
                hash,
                if body.is_some() {
                    BodyVerdict::Sound
                } else {
                    BodyVerdict::Missing
                },
            );
        }
        let known = hash.zip(body.as_deref());
        let decoded = self.contained(String::new, || {
            self.decode_cable_with(key, value, known.as_ref().map(|(h, b)| (h, *b)))
        });
        let result = match decoded {
            Ok(cable) if cable.url.as_str().as_bytes() != key => {
                Err((format!("it is the cable of {}", cable.url), false))
            }
            Ok(cable) => Ok(CableSummary {
                entry: IndexEntry::of(&cable),
                id: cable.id,
                body: hash,
            }),
            Err(error) => Err((salvage::error_text(&error), false)),
        };
        (key.to_vec(), result)
    }

    fn audit_page_bodies(&self, audit: &mut Audit, verdicts: &mut HashMap<BodyHash, BodyVerdict>) {
        let mut problems = Vec::new();
        for page in audit.pages.values() {
            let Some(hash) = page.body else { continue };
            let verdict = verdicts
                .entry(hash)
                .or_insert_with(|| match self.body(&hash) {
                    Ok(Some(_)) => BodyVerdict::Sound,
                    Ok(None) => BodyVerdict::Missing,
                    Err(error) => {
                        audit.sled_damage |= !matches!(error, StoreError::Corrupt { .. });
                        BodyVerdict::Damaged(salvage::error_text(&error))
                    }
                });
            match verdict {
                BodyVerdict::Sound => audit.counts.bodies_checked += 1,
                BodyVerdict::Missing => problems.push(Problem::BodyMissing {
                    url: page.url.clone(),
                    hash,
                }),
                BodyVerdict::Damaged(problem) => problems.push(Problem::BodyDamaged {
                    url: page.url.clone(),
                    hash,
                    problem: problem.clone(),
                }),
            }
        }
        audit.bad_bodies = verdicts
            .iter()
            .filter(|(_, v)| !matches!(v, BodyVerdict::Sound))
            .map(|(hash, _)| *hash)
            .collect();
        audit.problems.extend(problems);
    }

    fn audit_frontier(&self, audit: &mut Audit) {
        let mut urls = BTreeMap::new();
        self.audit_scan(
            audit,
            trees::FRONTIER_URLS,
            &BTreeSet::new(),
            &mut |key, value| {
                urls.insert(key.to_vec(), value.to_vec());
            },
        );
        let candidates = urls.values().cloned().collect();
        let mut queue = BTreeMap::new();
        self.audit_scan(audit, trees::FRONTIER, &candidates, &mut |key, value| {
            queue.insert(key.to_vec(), records::decode::<FrontierEntry>(value).ok());
        });
        for (seq, entry) in &queue {
            let key = printable_key(trees::FRONTIER, seq);
            match entry {
                None => audit.problems.push(Problem::Frontier {
                    key,
                    problem: "the queued entry does not decode".to_string(),
                }),
                Some(entry) if urls.get(entry.url.as_str().as_bytes()) != Some(seq) => {
                    audit.problems.push(Problem::Frontier {
                        key: entry.url.to_string(),
                        problem: format!("queued at {key}, but the URL list does not point there"),
                    });
                }
                Some(_) => {}
            }
        }
        for (url, seq) in &urls {
            let queued = queue.get(seq).and_then(Option::as_ref);
            if queued.is_none_or(|entry| entry.url.as_str().as_bytes() != url.as_slice()) {
                audit.problems.push(Problem::Frontier {
                    key: String::from_utf8_lossy(url).into_owned(),
                    problem: "listed as queued, but not in the queue".to_string(),
                });
            }
        }
        audit.counts.frontier = queue.len() as u64;
        audit.frontier = queue;
        audit.frontier_urls = urls;
    }

    fn audit_rest(&self, audit: &mut Audit) {
        let mut runs = 0;
        let mut bad = Vec::new();
        self.audit_scan(audit, trees::RUNS, &BTreeSet::new(), &mut |key, value| {
            match records::decode::<RunRecord>(value) {
                Ok(_) => runs += 1,
                Err(error) => bad.push((key.to_vec(), decode_problem(error))),
            }
        });
        for (key, problem) in bad {
            audit.bad_record(trees::RUNS, key, problem);
        }
        audit.counts.runs = runs;
        self.audit_known(audit);
        let schema = self.contained(String::new, || {
            self.inner
                .meta
                .get(SCHEMA_KEY)
                .map_err(|e| self.sled_error("reading the schema version", e))
        });
        match schema {
            Ok(Some(_)) => {}
            Ok(None) => audit.problems.push(Problem::NoSchema),
            Err(error) => {
                audit.sled_damage = true;
                audit.problems.push(Problem::Unreadable {
                    tree: trees::META,
                    after: None,
                    error: salvage::error_text(&error),
                });
            }
        }
        audit.counts.flush = self.inner.flush_mark.lock().map_or(0, |mark| mark.number);
    }
}

impl Audit {
    pub(super) fn bad_record(&mut self, tree: &'static str, key: Vec<u8>, problem: String) {
        self.problems.push(Problem::BadRecord {
            tree,
            key: printable_key(tree, &key),
            problem,
        });
        self.bad_keys.push((tree, key));
    }
}

/// The page records, the cables and the ID index, compared.
fn compare_cables(audit: &mut Audit) {
    let damaged: BTreeSet<&Vec<u8>> = audit
        .bad_keys
        .iter()
        .filter(|(tree, _)| *tree == trees::CABLES)
        .map(|(_, key)| key)
        .collect();
    let mut problems = Vec::new();
    for (key, page) in &audit.pages {
        let CleanOutcome::Cable { id, .. } = &page.outcome else {
            continue;
        };
        match audit.cables.get(key) {
            None if damaged.contains(key) => {}
            None => problems.push(Problem::CableMissing {
                url: page.url.clone(),
                id: id.clone(),
            }),
            Some(cable) if cable.id != *id => problems.push(Problem::CableMismatch {
                url: page.url.clone(),
                recorded: id.clone(),
                found: cable.id.clone(),
            }),
            Some(_) => {}
        }
    }
    for (key, cable) in &audit.cables {
        let Some(url) = url_of(key) else { continue };
        if !audit.pages.contains_key(key) {
            problems.push(Problem::CableWithoutPage {
                url: url.clone(),
                id: cable.id.clone(),
            });
        }
        match audit.index.get(&index_key(&cable.id, key)) {
            None => problems.push(Problem::NotIndexed {
                url,
                id: cable.id.clone(),
            }),
            Some(Some(entry)) if *entry != cable.entry => problems.push(Problem::IndexStale {
                url,
                id: cable.id.clone(),
            }),
            Some(_) => {}
        }
    }
    for key in audit.index.keys() {
        let Some((id, url)) = split_index_key(key) else {
            continue;
        };
        let url_key = url.to_vec();
        if damaged.contains(&url_key) {
            continue;
        }
        if audit
            .cables
            .get(&url_key)
            .is_none_or(|cable| cable.id.as_str().as_bytes() != id)
        {
            problems.push(Problem::IndexOrphan {
                id: String::from_utf8_lossy(id).into_owned(),
                url: String::from_utf8_lossy(url).into_owned(),
            });
        }
    }
    audit.problems.extend(problems);
}

/// A URL key as a page URL, if it is one.
pub(crate) fn url_of(key: &[u8]) -> Option<PageUrl> {
    std::str::from_utf8(key)
        .ok()
        .and_then(|text| PageUrl::parse(text).ok())
        .filter(|url| url.as_str().as_bytes() == key)
}

pub(super) fn decode_problem(error: records::DecodeError) -> String {
    match error {
        records::DecodeError::Newer(version) => {
            format!("record version {version}, newer than this cablestrip reads")
        }
        records::DecodeError::Corrupt(problem) => problem,
    }
}

#[cfg(test)]
mod tests;
