//! How complete the store is: every cable ID it knows of (stored copies, the cables they
//! cite, IDs seen in listings and ID lists), and per site which of them it holds clean or
//! suspect and which it has not yet got. Read from the small ID index and the known-ID
//! tree alone, never from the cables.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::model::CableId;
use crate::store::{Store, StoreError};

/// One site's share of the known IDs.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SiteCoverage {
    /// IDs the site's clean copies give.
    pub clean: usize,
    /// IDs only the site's suspect copies give.
    pub suspect: usize,
    /// Known IDs the store holds no copy of from the site (not yet tried, refused or failed).
    pub not_held: usize,
}

/// Known and held IDs of one year.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct YearCoverage {
    /// IDs known.
    pub known: usize,
    /// IDs some site holds.
    pub held: usize,
}

/// The coverage of the whole store.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// Distinct IDs known from anywhere.
    pub known: usize,
    /// Known IDs some site holds.
    pub held: usize,
    /// Known IDs no site holds: seen only in a listing, an ID list or a reference.
    pub missing: usize,
    /// IDs held by exactly one site, so no other copy can check their text.
    pub single_site: usize,
    /// Per site (only `site` when one was asked for).
    pub sites: BTreeMap<String, SiteCoverage>,
    /// By the year of the ID (two digits, `19xx` or `20xx`), where the ID has one.
    pub by_year: BTreeMap<String, YearCoverage>,
    /// Known IDs by where they were first seen without being held (`listing`, `list`,
    /// `reference`).
    pub missing_by_source: BTreeMap<String, usize>,
}

/// What the store knows, per ID: the sites holding it (`true` when a clean copy), and how
/// it came to be known when no site holds it.
struct Known {
    held: BTreeMap<CableId, BTreeMap<String, bool>>,
    other: BTreeMap<CableId, String>,
}

fn gather(store: &Store) -> Result<Known, StoreError> {
    let mut held: BTreeMap<CableId, BTreeMap<String, bool>> = BTreeMap::new();
    let mut other = BTreeMap::new();
    for copy in store.indexed_copies() {
        let copy = copy?;
        let clean = held
            .entry(copy.id.clone())
            .or_default()
            .entry(copy.site.clone())
            .or_insert(false);
        *clean |= !copy.suspect;
        for cited in copy.cites {
            other
                .entry(cited.id)
                .or_insert_with(|| "reference".to_string());
        }
    }
    for item in store.known_sightings() {
        let (id, sighting) = item?;
        other.insert(id, sighting.how);
    }
    other.retain(|id, _| !held.contains_key(id));
    Ok(Known { held, other })
}

/// The store's coverage; `site`, when given, limits the per-site counts to that site.
/// `sites` names every site to count (a site holding nothing still has its missing IDs).
pub fn coverage(
    store: &Store,
    sites: &[String],
    site: Option<&str>,
) -> Result<(Coverage, Vec<CableId>), StoreError> {
    let known = gather(store)?;
    let mut out = Coverage {
        held: known.held.len(),
        missing: known.other.len(),
        known: known.held.len() + known.other.len(),
        ..Coverage::default()
    };
    let counted: Vec<&String> = sites
        .iter()
        .filter(|name| site.is_none_or(|s| s == name.as_str()))
        .collect();
    for name in &counted {
        out.sites.insert((*name).clone(), SiteCoverage::default());
    }
    let year = |id: &CableId| {
        id.year_digits().map(|y| {
            if y >= 60 {
                format!("19{y:02}")
            } else {
                format!("20{y:02}")
            }
        })
    };
    for (id, holders) in &known.held {
        if holders.len() == 1 {
            out.single_site += 1;
        }
        if let Some(year) = year(id) {
            let entry = out.by_year.entry(year).or_default();
            entry.known += 1;
            entry.held += 1;
        }
        for name in &counted {
            let entry = out.sites.entry((*name).clone()).or_default();
            match holders.get(*name) {
                Some(true) => entry.clean += 1,
                Some(false) => entry.suspect += 1,
                None => entry.not_held += 1,
            }
        }
    }
    for (id, how) in &known.other {
        if let Some(year) = year(id) {
            out.by_year.entry(year).or_default().known += 1;
        }
        *out.missing_by_source.entry(how.clone()).or_default() += 1;
        for name in &counted {
            out.sites.entry((*name).clone()).or_default().not_held += 1;
        }
    }
    let missing = known.other.into_keys().collect();
    Ok((out, missing))
}

/// The known IDs the store holds no copy of from `site`, in ID order.
pub fn not_held_from(store: &Store, site: &str) -> Result<BTreeSet<CableId>, StoreError> {
    let known = gather(store)?;
    let mut ids: BTreeSet<CableId> = known.other.into_keys().collect();
    ids.extend(
        known
            .held
            .into_iter()
            .filter(|(_, holders)| !holders.contains_key(site))
            .map(|(id, _)| id),
    );
    Ok(ids)
}
