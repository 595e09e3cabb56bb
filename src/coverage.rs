//! How complete the store is: every cable ID it knows of (its copies, the cables they
//! cite, the IDs seen in listings, ID lists and the URLs of pages that gave no cable), per
//! site which of them it holds clean or suspect, which it tried and could not get, and which
//! it has not tried yet; the IDs no site holds, the IDs only one site holds (nothing can
//! cross-check their text), by year and by sending post. Counted from the census of known
//! IDs (see [`Census`]), never from the cables. ID lists a user gives are read by
//! [`read_id_list`].

mod list;

use std::collections::BTreeMap;

use serde::Serialize;

use crate::model::CableId;
use crate::pipeline::{Census, State};
pub use list::{IdListError, ListedId, read_id_list};

/// One site's share of the known IDs. Each known ID counts once per site, by the best the
/// site's pages say of it.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct SiteCoverage {
    /// IDs the site holds a clean copy of.
    pub clean: usize,
    /// IDs the site holds only suspect copies of.
    pub suspect: usize,
    /// IDs whose page on the site the rules refused (no earlier copy kept).
    pub rejected: usize,
    /// IDs whose page on the site could not be fetched; the next crawl asks again.
    pub failed: usize,
    /// IDs the site has no page for: a 404 or 410 at its cable page.
    pub not_on_site: usize,
    /// Known IDs the site has no page for at all, not even a failed one.
    pub not_tried: usize,
    /// IDs this site alone holds.
    pub only_here: usize,
}

/// Known and held IDs of one year or one post.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq)]
pub struct Share {
    /// IDs known.
    pub known: usize,
    /// Of those, IDs some site holds.
    pub held: usize,
}

impl Share {
    /// Known IDs no site holds.
    pub fn missing(&self) -> usize {
        self.known - self.held
    }
}

/// The coverage of the whole store.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct Coverage {
    /// Distinct IDs known from anywhere.
    pub known: usize,
    /// Known IDs some site holds (clean or suspect).
    pub held: usize,
    /// Known IDs no site holds.
    pub missing: usize,
    /// IDs held by exactly one site, so no other copy can check their text.
    pub single_site: usize,
    /// IDs held by two sites or more.
    pub several_sites: usize,
    /// Per site: every site a rule names (or only the site asked for), and any other site
    /// the store holds pages of.
    pub sites: BTreeMap<String, SiteCoverage>,
    /// By the year the ID names (`2009` for `09VALLETTA123`), where it has one.
    pub by_year: BTreeMap<String, Share>,
    /// By the sending post the ID names (`VALLETTA`), where it has the usual shape.
    pub by_origin: BTreeMap<String, Share>,
    /// The IDs no site holds, by how they came to be known: `listing` (a link on an index
    /// page), `list` (an `--ids` file), `reference` (a stored cable's `REF:`), `page` (the
    /// URL of a page that gave no cable).
    pub missing_by_source: BTreeMap<String, usize>,
}

impl Coverage {
    /// The coverage `census` gives. `sites` names every site to count (a site holding
    /// nothing still has its untried IDs); `site`, when given, keeps the per-site counts to
    /// that site alone.
    pub fn of(census: &Census, sites: &[String], site: Option<&str>) -> Coverage {
        let mut counted: Vec<String> = sites
            .iter()
            .filter(|name| site.is_none_or(|s| s == name.as_str()))
            .cloned()
            .collect();
        let extra: Vec<&str> = match site {
            Some(site) => vec![site],
            None => census.sites().iter().map(String::as_str).collect(),
        };
        for name in extra {
            if !counted.iter().any(|counted| counted == name) {
                counted.push(name.to_string());
            }
        }
        let mut out = Coverage {
            known: census.len(),
            ..Coverage::default()
        };
        for name in &counted {
            out.sites.insert(name.clone(), SiteCoverage::default());
        }
        for (id, known) in census.ids() {
            let holders = known.holders();
            let held = holders > 0;
            match holders {
                0 => out.missing += 1,
                1 => out.single_site += 1,
                _ => out.several_sites += 1,
            }
            if let Some(year) = id.year() {
                add(out.by_year.entry(year.to_string()).or_default(), held);
            }
            if let Some(post) = id.post() {
                add(out.by_origin.entry(post.to_string()).or_default(), held);
            }
            if let Some(seen) = known.seen() {
                *out.missing_by_source
                    .entry(seen.name().to_string())
                    .or_default() += 1;
            }
            for name in &counted {
                let entry = out.sites.entry(name.clone()).or_default();
                match census.state(known, name) {
                    Some(State::Clean) => entry.clean += 1,
                    Some(State::Suspect) => entry.suspect += 1,
                    Some(State::Rejected) => entry.rejected += 1,
                    Some(State::Failed) => entry.failed += 1,
                    Some(State::NotOnSite) => entry.not_on_site += 1,
                    None => entry.not_tried += 1,
                }
            }
            if holders == 1
                && let Some(only) = census.holders(known).next()
                && let Some(entry) = out.sites.get_mut(only)
            {
                entry.only_here += 1;
            }
        }
        out.held = out.known - out.missing;
        out
    }
}

fn add(share: &mut Share, held: bool) {
    share.known += 1;
    share.held += usize::from(held);
}

/// The known IDs no site holds, in ID order; with `site`, the known IDs that site holds no
/// copy of.
pub fn missing(census: &Census, site: Option<&str>) -> Vec<CableId> {
    census
        .ids()
        .filter(|(_, known)| match site {
            None => known.holders() == 0,
            Some(site) => !census.state(known, site).is_some_and(State::holds),
        })
        .map(|(id, _)| id.clone())
        .collect()
}

#[cfg(test)]
mod tests;
