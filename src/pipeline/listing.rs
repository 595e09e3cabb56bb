//! The cable IDs an index page names in its links, recorded in the store as known (see
//! [`Store::note_known`]), so that coverage can count them and a crawl can be seeded
//! from them, whether or not any site has given the cable yet.

use crate::model::{CableId, PageUrl};
use crate::rules::{Rule, UrlKind};
use crate::store::{Sighting, Store, StoreError};

/// Records the IDs of `links` that are cable pages of `rule`'s site (by its `[urls]
/// cable` pattern's `id` group), as seen on index page `page`. Returns how many were new.
/// A link whose ID does not parse is left out; one that parses but is misspelt (the final
/// release's `08SCTION02OF02SAOPAULO335`) is recorded, and the census drops it once its
/// page has given the cable's true ID.
pub fn note_listing_ids(
    store: &Store,
    rule: &Rule,
    page: &PageUrl,
    links: &[PageUrl],
) -> Result<u64, StoreError> {
    let sighting = Sighting::listing(&rule.name, page.as_str());
    let mut new = 0;
    for link in links {
        if !rule.hosts.contains(&link.host()) {
            continue;
        }
        let UrlKind::Cable { id: Some(raw) } = rule.classify(link) else {
            continue;
        };
        let Ok((id, _suffix)) = CableId::parse_with_suffix(&raw) else {
            continue;
        };
        if store.note_known(&id, &sighting)? {
            new += 1;
        }
    }
    Ok(new)
}
