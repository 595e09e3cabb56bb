//! The IDs the store knows of without holding them: cable IDs seen in the links of index
//! pages and in ID lists the user gave, each recorded once with where it was first seen.
//!
//! Stored cables and the cables they cite are known from the cable ID index already (see
//! the citations module); this tree holds only what nothing else records, so that
//! `coverage` can name the IDs no site has given yet and a crawl can be seeded from them.
//!
//! An ID is written once and never rewritten: a second ingest of the same mirror, or the
//! same list given again, writes nothing.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::check::{Audit, decode_problem};
use super::records;
use super::{Store, StoreError, trees};
use crate::model::CableId;

/// Where a known ID was first seen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sighting {
    /// How it was seen: `listing` (a link on an index page) or `list` (an `--ids` file).
    pub how: String,
    /// The index page's URL, or the list file's path (and line).
    pub at: String,
    /// The site whose page named it, for a listing.
    pub site: Option<String>,
}

impl Sighting {
    /// A link on an index page of `site`.
    pub fn listing(site: &str, url: &str) -> Sighting {
        Sighting {
            how: "listing".to_string(),
            at: url.to_string(),
            site: Some(site.to_string()),
        }
    }

    /// A line of an ID list.
    pub fn list(at: &str) -> Sighting {
        Sighting {
            how: "list".to_string(),
            at: at.to_string(),
            site: None,
        }
    }
}

impl Store {
    /// Records `id` as known, seen at `sighting`, unless it is known already. Returns
    /// whether it was new (and so written).
    pub fn note_known(&self, id: &CableId, sighting: &Sighting) -> Result<bool, StoreError> {
        let key = id.as_str();
        self.contained(
            || format!("recording the known ID {key}"),
            || {
                let tree = &self.inner.known;
                if tree
                    .contains_key(key)
                    .map_err(|e| self.sled_error(format!("reading known ID {key}"), e))?
                {
                    return Ok(false);
                }
                let value = self.encode(trees::KNOWN, key, records::encode(sighting))?;
                let swapped = tree
                    .compare_and_swap(key, None as Option<&[u8]>, Some(value))
                    .map_err(|e| self.sled_error(format!("recording known ID {key}"), e))?;
                let new = swapped.is_ok();
                if new {
                    self.count_content_write();
                }
                Ok(new)
            },
        )
    }

    /// `check`'s reading of the known IDs: every key a cable ID, every record one that
    /// decodes; the rest are named problems, which `check --repair` removes.
    pub(super) fn audit_known(&self, audit: &mut Audit) {
        let mut known = 0;
        let mut bad = Vec::new();
        self.audit_scan(audit, trees::KNOWN, &BTreeSet::new(), &mut |key, value| {
            let id = std::str::from_utf8(key)
                .ok()
                .and_then(|text| CableId::parse(text).ok());
            match (id, records::decode::<Sighting>(value)) {
                (Some(_), Ok(_)) => known += 1,
                (None, _) => bad.push((key.to_vec(), "the key is not a cable ID".to_string())),
                (_, Err(error)) => bad.push((key.to_vec(), decode_problem(error))),
            }
        });
        for (key, problem) in bad {
            audit.bad_record(trees::KNOWN, key, problem);
        }
        audit.counts.known_ids = known;
    }

    /// Every ID recorded as known (see the module), in ID order, with where it was seen.
    pub fn known_sightings(
        &self,
    ) -> impl Iterator<Item = Result<(CableId, Sighting), StoreError>> + '_ {
        self.inner.known.iter().map(move |item| {
            let (key, value) = item.map_err(|e| self.sled_error("reading the known IDs", e))?;
            let text = String::from_utf8_lossy(&key).into_owned();
            let id = CableId::parse(&text).map_err(|e| {
                self.corrupt(trees::KNOWN, text.clone(), format!("not a cable ID: {e}"))
            })?;
            let sighting: Sighting =
                records::decode(&value).map_err(|e| self.decode_error(trees::KNOWN, &key, e))?;
            Ok((id, sighting))
        })
    }
}

#[cfg(test)]
mod tests;
