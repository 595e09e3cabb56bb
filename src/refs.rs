//! The citation graph across everything in the store: what a cable cites (with each cited
//! cable's subject when the store holds it), which stored cables cite it, and how many of
//! all the references point at a cable the store holds.
//!
//! Cited-by is read from the store's ID index, which names each copy's cited cables, so it
//! costs one pass over the small index, never over the cables. A cable's copies on several
//! sites cite alike; each citing cable is listed once, with the sites that hold it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::export::Priorities;
use crate::model::{Cable, CableId};
use crate::store::{IndexedCopy, Store, StoreError};

/// What one cable cites and what cites it.
#[derive(Debug, Clone, Serialize)]
pub struct Refs {
    /// The cable asked about.
    pub id: CableId,
    /// Its subject, when the store holds it.
    pub subject: Option<String>,
    /// The sites whose copies the store holds (empty when it holds none).
    pub sites: Vec<String>,
    /// The site of the copy whose references are listed (the one `export` writes).
    pub cites_from: Option<String>,
    /// The documents its `REF:` block cites, in order.
    pub cites: Vec<Cited>,
    /// The stored cables that cite it, in ID order.
    pub cited_by: Vec<Citing>,
}

/// One reference of the cable asked about.
#[derive(Debug, Clone, Serialize)]
pub struct Cited {
    /// The reference's letter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    /// The reference as written.
    pub text: String,
    /// The cited cable, when the reference is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<CableId>,
    /// Whether the store holds the cited cable.
    pub stored: bool,
    /// The cited cable's subject, when the store holds it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
}

/// One stored cable that cites the cable asked about.
#[derive(Debug, Clone, Serialize)]
pub struct Citing {
    /// The citing cable.
    pub id: CableId,
    /// The letter of the reference that cites it, when the `REF:` block letters them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    /// The citing cable's subject.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The sites that hold the citing cable.
    pub sites: Vec<String>,
}

/// The references of cable `id` and the stored cables that cite it. `None` when the store
/// neither holds the cable nor holds a cable that cites it.
pub fn refs(
    store: &Store,
    priorities: &Priorities,
    id: &CableId,
) -> Result<Option<Refs>, StoreError> {
    let copies = store.cables_for_id(id)?;
    let preferred = preferred_copy(&copies, priorities);
    let mut cites = Vec::new();
    for reference in preferred
        .map(|c| &c.meta.references[..])
        .unwrap_or_default()
    {
        let (stored, subject) = match &reference.id {
            Some(cited) => {
                let cited_copies = store.indexed_copies_of(cited)?;
                let subject = preferred_index_copy(&cited_copies, priorities)
                    .and_then(|copy| copy.subject.clone());
                (!cited_copies.is_empty(), subject)
            }
            None => (false, None),
        };
        cites.push(Cited {
            letter: reference.letter.clone(),
            text: reference.text.clone(),
            id: reference.id.clone(),
            stored,
            subject,
        });
    }
    let cited_by = citing(store, priorities, id)?;
    if copies.is_empty() && cited_by.is_empty() {
        return Ok(None);
    }
    let sites: BTreeSet<String> = copies.iter().map(|c| c.site.clone()).collect();
    Ok(Some(Refs {
        id: id.clone(),
        subject: preferred.and_then(|c| c.subject.clone()),
        sites: sites.into_iter().collect(),
        cites_from: preferred.map(|c| c.site.clone()),
        cites,
        cited_by,
    }))
}

/// The stored cables citing `id`, one entry per citing cable.
fn citing(store: &Store, priorities: &Priorities, id: &CableId) -> Result<Vec<Citing>, StoreError> {
    let mut found: BTreeMap<CableId, Vec<IndexedCopy>> = BTreeMap::new();
    for copy in store.indexed_copies() {
        let copy = copy?;
        if copy.cites.iter().any(|citation| citation.id == *id) {
            found.entry(copy.id.clone()).or_default().push(copy);
        }
    }
    Ok(found
        .into_iter()
        .map(|(citing, copies)| {
            let best = preferred_index_copy(&copies, priorities);
            let letter = best
                .and_then(|copy| copy.cites.iter().find(|c| c.id == *id))
                .and_then(|citation| citation.letter.clone());
            let sites: BTreeSet<String> = copies.iter().map(|c| c.site.clone()).collect();
            Citing {
                id: citing,
                letter,
                subject: best.and_then(|copy| copy.subject.clone()),
                sites: sites.into_iter().collect(),
            }
        })
        .collect())
}

/// The copy whose references speak for the cable: a clean one, by site priority as
/// `export` chooses.
fn preferred_copy<'c>(copies: &'c [Cable], priorities: &Priorities) -> Option<&'c Cable> {
    let clean: Vec<Cable> = copies.iter().filter(|c| !c.is_suspect()).cloned().collect();
    let chosen = priorities.choose(if clean.is_empty() { copies } else { &clean })?;
    copies.iter().find(|copy| copy.url == chosen.url)
}

/// [`preferred_copy`] among index entries.
fn preferred_index_copy<'c>(
    copies: &'c [IndexedCopy],
    priorities: &Priorities,
) -> Option<&'c IndexedCopy> {
    let key = |copy: &IndexedCopy| {
        (
            !copy.suspect,
            priorities.get(&copy.site),
            std::cmp::Reverse(copy.site.clone()),
            std::cmp::Reverse(copy.url.clone()),
        )
    };
    copies.iter().max_by_key(|copy| key(copy))
}

/// How many references the stored cables make to cables, and how many of those the store
/// can follow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CitationCounts {
    /// Stored cables (by ID) whose text cites at least one cable.
    pub citing_cables: u64,
    /// References to cables, counted once per citing cable and cited cable.
    pub references: u64,
    /// Of those, references to a cable the store holds.
    pub resolved: u64,
    /// Distinct cables cited.
    pub cited_cables: u64,
    /// Of those, cables the store holds.
    pub cited_and_stored: u64,
}

/// Counts the citation graph from the ID index.
pub fn counts(store: &Store) -> Result<CitationCounts, StoreError> {
    let mut edges: BTreeSet<(CableId, CableId)> = BTreeSet::new();
    let mut stored: BTreeSet<CableId> = BTreeSet::new();
    for copy in store.indexed_copies() {
        let copy = copy?;
        for citation in &copy.cites {
            edges.insert((copy.id.clone(), citation.id.clone()));
        }
        stored.insert(copy.id);
    }
    let mut counts = CitationCounts::default();
    let mut cited: HashMap<&CableId, bool> = HashMap::new();
    let mut last_citing: Option<&CableId> = None;
    for (from, to) in &edges {
        if last_citing != Some(from) {
            counts.citing_cables += 1;
            last_citing = Some(from);
        }
        let held = stored.contains(to);
        counts.references += 1;
        counts.resolved += u64::from(held);
        cited.insert(to, held);
    }
    counts.cited_cables = cited.len() as u64;
    counts.cited_and_stored = cited.values().filter(|&&held| held).count() as u64;
    Ok(counts)
}
