//! What the store knows of every cable ID, taken in one read: the sites holding it (clean or
//! suspect), the sites whose page for it was rejected, failed or is not there, and how an
//! ID no site holds came to be known (a listing, an ID list, a reference, a page's URL).
//! Read from the cable ID index, the page records and the known-ID tree, never from the
//! cables themselves, so it costs a walk of small records; `coverage`, `status` and
//! `crawl --known-ids` all read it.

use std::collections::BTreeMap;

use crate::model::{CableId, PageUrl};
use crate::rules::{RuleSet, UrlKind};
use crate::store::{CleanOutcome, Store, StoreError};

/// The failure kind a crawl records for a 404 (or 410) at a URL that a rule's `cable_url`
/// template made from a cable ID: the site has no page for that cable. Not an error of the
/// site, and not asked for again unless `--retry-failed` says so.
pub const NOT_ON_SITE: &str = "not-on-site";

/// The failure kind of a page that answered 404 or 410 (see the crawl's outcomes).
const GONE: &str = "gone";

/// What one site's pages say of one cable, from the worst to the best: a site with several
/// pages for one cable is counted by the best of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum State {
    /// The site's page for it could not be fetched (and may be, another night).
    Failed,
    /// The site has no page for it: a 404 or 410 at its cable page.
    NotOnSite,
    /// The site's page for it was refused by the rules, and no earlier copy is kept.
    Rejected,
    /// The site's only copies are suspect.
    Suspect,
    /// The site holds a clean copy.
    Clean,
}

impl State {
    /// Whether the site holds a copy (clean or suspect).
    pub fn holds(self) -> bool {
        matches!(self, State::Suspect | State::Clean)
    }
}

/// How an ID that no site holds came to be known.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Seen {
    /// A link on an index page.
    Listing,
    /// A line of an ID list (`coverage --ids FILE`).
    List,
    /// A reference (`REF:`) of a stored cable.
    Reference,
    /// The URL of a stored page that gave no cable (rejected, failed, not on the site).
    Page,
}

impl Seen {
    /// The short name reports use: `listing`, `list`, `reference`, `page`.
    pub fn name(self) -> &'static str {
        match self {
            Seen::Listing => "listing",
            Seen::List => "list",
            Seen::Reference => "reference",
            Seen::Page => "page",
        }
    }

    fn from_sighting(how: &str) -> Seen {
        match how {
            "list" => Seen::List,
            _ => Seen::Listing,
        }
    }
}

/// What the store knows of one cable ID.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct KnownId {
    /// Per site (by its place in [`Census::sites`]), the best its pages say.
    states: Vec<(usize, State)>,
    /// How it came to be known besides any copy: the known-ID tree's sighting, else a
    /// reference, else a page's URL.
    seen: Option<Seen>,
}

impl KnownId {
    /// How many sites hold a copy.
    pub fn holders(&self) -> usize {
        self.states.iter().filter(|(_, s)| s.holds()).count()
    }

    /// How the ID came to be known, when no site holds it: `None` for a held ID.
    pub fn seen(&self) -> Option<Seen> {
        if self.holders() > 0 { None } else { self.seen }
    }

    fn note(&mut self, site: usize, state: State) {
        match self.states.iter_mut().find(|(s, _)| *s == site) {
            Some((_, best)) => *best = (*best).max(state),
            None => self.states.push((site, state)),
        }
    }

    fn saw(&mut self, seen: Seen) {
        self.seen = Some(self.seen.map_or(seen, |earlier| earlier.min(seen)));
    }
}

/// Every cable ID the store knows, with what it knows of each. An ID that only a page's
/// URL and the listings linking to it spell (a malformed ID the page's text put right) is
/// left out once that page has given its cable: it names no cable of its own.
#[derive(Debug, Clone, Default)]
pub struct Census {
    /// The sites named, in the order their places are numbered.
    sites: Vec<String>,
    /// In ID order.
    ids: BTreeMap<CableId, KnownId>,
}

impl Census {
    /// Reads the census of `store`. A page's cable ID is what its URL names by its site's
    /// `[urls] cable` pattern (`rules`); a copy's is the ID its text gave.
    pub fn take(store: &Store, rules: &RuleSet) -> Result<Census, StoreError> {
        let mut census = Census::default();
        for copy in store.indexed_copies() {
            let copy = copy?;
            let site = census.site(&copy.site);
            let state = if copy.suspect {
                State::Suspect
            } else {
                State::Clean
            };
            census.entry(copy.id).note(site, state);
            for cited in copy.cites {
                census.entry(cited.id).saw(Seen::Reference);
            }
        }
        // IDs that a page's URL spells wrong (the final release's `08SCTION02OF02SAOPAULO335`
        // for 08SAOPAULO335): its listings' links name them too, but they are no cable.
        let mut misspelt = Vec::new();
        for page in store.pages(None) {
            let page = page?;
            if let CleanOutcome::Cable { id, .. } = &page.outcome {
                if let Some(spelt) = url_id(rules, &page.site, &page.url)
                    && &spelt != id
                {
                    misspelt.push(spelt);
                }
                continue;
            }
            let state = match &page.outcome {
                CleanOutcome::Rejected { .. } => State::Rejected,
                CleanOutcome::Failed { kind, .. } if kind == NOT_ON_SITE || kind == GONE => {
                    State::NotOnSite
                }
                CleanOutcome::Failed { .. } => State::Failed,
                // Held copies are read from the index above; index pages name no cable.
                CleanOutcome::Cable { .. } | CleanOutcome::NotCleaned => continue,
            };
            let Some(id) = url_id(rules, &page.site, &page.url) else {
                continue;
            };
            let site = census.site(&page.site);
            let known = census.entry(id);
            known.note(site, state);
            known.saw(Seen::Page);
        }
        for sighting in store.known_sightings() {
            let (id, sighting) = sighting?;
            census.entry(id).saw(Seen::from_sighting(&sighting.how));
        }
        for spelt in misspelt {
            if census
                .ids
                .get(&spelt)
                .is_some_and(|known| known.holders() == 0)
            {
                census.ids.remove(&spelt);
            }
        }
        Ok(census)
    }

    /// Every known ID, in ID order.
    pub fn ids(&self) -> impl Iterator<Item = (&CableId, &KnownId)> {
        self.ids.iter()
    }

    /// Every site some page or copy is of, in the order first met.
    pub fn sites(&self) -> &[String] {
        &self.sites
    }

    /// How many IDs are known.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether no ID is known.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// What `site`'s pages say of `known`; `None` when the site has no page for it.
    pub fn state(&self, known: &KnownId, site: &str) -> Option<State> {
        let place = self.sites.iter().position(|s| s == site)?;
        known
            .states
            .iter()
            .find(|(s, _)| *s == place)
            .map(|(_, state)| *state)
    }

    /// The sites holding a copy of `known`.
    pub fn holders<'a>(&'a self, known: &'a KnownId) -> impl Iterator<Item = &'a str> + 'a {
        known
            .states
            .iter()
            .filter(|(_, state)| state.holds())
            .map(|(site, _)| self.sites[*site].as_str())
    }

    /// The known IDs for which `site` has no page at all: neither a copy nor a page that
    /// was rejected, failed or is not there. These are what a crawl of the site has not
    /// tried yet.
    pub fn untried_on<'a>(&'a self, site: &'a str) -> impl Iterator<Item = &'a CableId> + 'a {
        self.ids
            .iter()
            .filter(move |(_, known)| self.state(known, site).is_none())
            .map(|(id, _)| id)
    }

    fn site(&mut self, name: &str) -> usize {
        if let Some(place) = self.sites.iter().position(|s| s == name) {
            return place;
        }
        self.sites.push(name.to_string());
        self.sites.len() - 1
    }

    fn entry(&mut self, id: CableId) -> &mut KnownId {
        self.ids.entry(id).or_default()
    }
}

/// The cable ID a page's URL names, by its site's `[urls] cable` pattern.
fn url_id(rules: &RuleSet, site: &str, url: &PageUrl) -> Option<CableId> {
    let UrlKind::Cable { id: Some(raw) } = rules.rule(site)?.classify(url) else {
        return None;
    };
    CableId::parse(&raw).ok()
}

#[cfg(test)]
mod tests;
