//! Page records and clean cables: recording a cleaned page atomically, and the queries
//! that `status`, `reclean` and `export` need.

use sled::Transactional;
use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::bodies::BodyHash;
use super::iter::{CableIter, PageIter};
use super::records::{self, CleanOutcome, IndexEntry, PageRecord, index_key};
use super::{Store, StoreError, trees};
use crate::model::{Cable, CableId, PageUrl};

/// What to do with a stored cable when its page now gives none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ReplacePolicy {
    /// Keep the previous cable: a rule that stopped matching must not lose data.
    #[default]
    KeepPrevious,
    /// Delete the previous cable when the page is now rejected (`reclean --drop-rejected`).
    DropRejected,
}

/// What [`Store::record_page`] did to the page's cable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CableChange {
    /// The page gave its first cable.
    New,
    /// The page's cable differs from the stored one, which it replaced.
    Changed {
        /// The cable as it was.
        previous: Cable,
    },
    /// The cable is the one already stored: nothing was written for it.
    Unchanged,
    /// The page was rejected and had no cable before.
    Rejected,
    /// The page was not cleaned (an index page, a failed fetch) and had no cable before.
    NotCleaned,
    /// The page gave no cable this time; the previous one is kept.
    KeptPrevious,
    /// The page was rejected and, as asked, its previous cable was deleted.
    Dropped {
        /// The deleted cable.
        previous: Cable,
    },
}

impl CableChange {
    /// What recording a page whose cleaning outcome is `outcome`, and whose cable is
    /// `cable` (or none), does to the cable `stored` for it now: the one place this is
    /// decided, for [`Store::record_page`] and for a dry run that only asks.
    pub fn decide(
        outcome: &CleanOutcome,
        cable: Option<&Cable>,
        stored: Option<Cable>,
        policy: ReplacePolicy,
    ) -> CableChange {
        let rejected = matches!(outcome, CleanOutcome::Rejected { .. });
        match (cable, stored) {
            (Some(new), Some(previous)) if previous == *new => CableChange::Unchanged,
            (Some(_), Some(previous)) => CableChange::Changed { previous },
            (Some(_), None) => CableChange::New,
            (None, Some(previous)) if rejected && policy == ReplacePolicy::DropRejected => {
                CableChange::Dropped { previous }
            }
            (None, Some(_)) => CableChange::KeptPrevious,
            (None, None) if rejected => CableChange::Rejected,
            (None, None) => CableChange::NotCleaned,
        }
    }

    /// Whether this change writes to the cables.
    pub fn writes_cable(&self) -> bool {
        matches!(
            self,
            CableChange::New | CableChange::Changed { .. } | CableChange::Dropped { .. }
        )
    }
}

/// The first byte of a cable value compressed against its page's body.
const CABLE_WITH_BODY: u8 = b'B';
/// Bytes before the zstd frame in such a value: tag, body hash, JSON length.
const CABLE_HEADER_LEN: usize = 1 + 32 + 8;
/// No cable's JSON comes near this; a larger length in a header means it is damaged.
const MAX_CABLE_JSON_LEN: u64 = 1 << 28;
/// zstd level for cables. Against their page's body, level 9 stores the 2010 WikiLeaks
/// cables in 1.8 % of the raw page bytes (3 gives 2.3 %, 19 gives 1.7 % at 3 ms a cable).
const CABLE_ZSTD_LEVEL: i32 = 9;

impl Store {
    /// Encodes a cable record.
    ///
    /// A cable's text is, nearly byte for byte, a part of its page's raw body, which the
    /// store already keeps: so the cable's JSON is zstd-compressed with that raw body as its
    /// dictionary, and shrinks to the little that differs. The value is
    /// `B`, the body's 32-byte hash, the JSON's length (u64 big-endian), then the zstd frame.
    /// Bodies are never deleted, so the body a cable names stays readable. A cable given
    /// without a body is stored as plain zstd-compressed JSON.
    fn encode_cable(
        &self,
        key: &str,
        cable: &Cable,
        body: Option<(&BodyHash, &[u8])>,
    ) -> Result<Vec<u8>, StoreError> {
        let Some((hash, body)) = body else {
            return records::encode_compressed(cable)
                .map_err(|e| self.encode_error(trees::CABLES, key, e));
        };
        let json = records::encode(cable).map_err(|e| self.encode_error(trees::CABLES, key, e))?;
        let frame = zstd::bulk::Compressor::with_dictionary(CABLE_ZSTD_LEVEL, body)
            .and_then(|mut compressor| compressor.compress(&json))
            .map_err(|source| StoreError::Compress {
                len: json.len(),
                source,
            })?;
        let mut value = Vec::with_capacity(CABLE_HEADER_LEN + frame.len());
        value.push(CABLE_WITH_BODY);
        value.extend_from_slice(hash.as_bytes());
        value.extend_from_slice(&(json.len() as u64).to_be_bytes());
        value.extend_from_slice(&frame);
        Ok(value)
    }

    /// Decodes a cable value written by [`Store::encode_cable`].
    fn decode_cable(&self, key: &[u8], value: &[u8]) -> Result<Cable, StoreError> {
        self.decode_cable_with(key, value, None)
    }

    /// [`Store::decode_cable`], given the page's raw body when the caller has it at hand
    /// (it is used only if it is the body the cable was compressed against).
    pub(super) fn decode_cable_with(
        &self,
        key: &[u8],
        value: &[u8],
        known: Option<(&BodyHash, &[u8])>,
    ) -> Result<Cable, StoreError> {
        if value.first() != Some(&CABLE_WITH_BODY) {
            return records::decode(value).map_err(|e| self.decode_error(trees::CABLES, key, e));
        }
        let corrupt = |problem: String| {
            self.corrupt(
                trees::CABLES,
                super::printable_key(trees::CABLES, key),
                problem,
            )
        };
        if value.len() < CABLE_HEADER_LEN {
            return Err(corrupt(format!(
                "header cut short at {} bytes",
                value.len()
            )));
        }
        let hash = BodyHash::from_slice(&value[1..33])
            .ok_or_else(|| corrupt("bad body hash".to_string()))?;
        let mut len = [0u8; 8];
        len.copy_from_slice(&value[33..41]);
        let len = u64::from_be_bytes(len);
        if len > MAX_CABLE_JSON_LEN {
            return Err(corrupt(format!("impossible record length {len}")));
        }
        let fetched;
        let body = match known {
            Some((known_hash, body)) if *known_hash == hash => body,
            _ => {
                fetched = self.body(&hash)?.ok_or_else(|| {
                    corrupt(format!(
                        "it was compressed against body {hash}, which is missing"
                    ))
                })?;
                &fetched[..]
            }
        };
        let json = zstd::bulk::Decompressor::with_dictionary(body)
            .and_then(|mut decompressor| {
                decompressor.decompress(&value[CABLE_HEADER_LEN..], len as usize)
            })
            .map_err(|e| corrupt(format!("bad zstd frame: {e}")))?;
        records::decode(&json).map_err(|e| self.decode_error(trees::CABLES, key, e))
    }

    pub(super) fn read_cable(&self, key: &[u8]) -> Result<Option<Cable>, StoreError> {
        let value = self.inner.cables.get(key).map_err(|e| {
            self.sled_error(
                format!(
                    "reading cable `{}`",
                    super::printable_key(trees::CABLES, key)
                ),
                e,
            )
        })?;
        value
            .map(|value| self.decode_cable(key, &value))
            .transpose()
    }

    /// Records a page and what cleaning made of it, in one transaction: the page record, the
    /// cable and its ID index entry are written together or not at all.
    ///
    /// The page's body must be stored first ([`Store::put_body`]). `cable` must be given
    /// exactly when `page.outcome` is [`CleanOutcome::Cable`], and match it. Nothing that
    /// is already stored as given is written again, so re-recording an unchanged page
    /// writes nothing.
    pub fn record_page(
        &self,
        page: &PageRecord,
        cable: Option<&Cable>,
        policy: ReplacePolicy,
    ) -> Result<CableChange, StoreError> {
        self.contained(
            || format!("recording page {}", page.url),
            || self.record_page_inner(page, cable, policy),
        )
    }

    fn record_page_inner(
        &self,
        page: &PageRecord,
        cable: Option<&Cable>,
        policy: ReplacePolicy,
    ) -> Result<CableChange, StoreError> {
        let key = page.url.as_str();
        check_consistent(page, cable)?;
        if let Some(hash) = &page.body
            && !self.has_body(hash)?
        {
            return Err(StoreError::MissingBody {
                path: self.inner.path.clone(),
                url: key.to_string(),
                hash: hash.to_string(),
            });
        }
        let page_value = self.encode(trees::PAGES, key, records::encode(page))?;
        let decide =
            |previous: Option<Cable>| CableChange::decide(&page.outcome, cable, previous, policy);

        // Decide against what is stored now, and write nothing if nothing changes: sled
        // logs a batch marker for every transaction, even one that writes nothing.
        let inner = &self.inner;
        let read_error = |e| self.sled_error(format!("reading page {key}"), e);
        let stored_page = inner.pages.get(key.as_bytes()).map_err(read_error)?;
        let stored_cable = inner.cables.get(key.as_bytes()).map_err(read_error)?;
        let previous = stored_cable
            .as_ref()
            .map(|value| self.previous_cable(key, value))
            .transpose()?
            .flatten();
        let planned = decide(previous);
        let page_unchanged = stored_page.as_deref() == Some(page_value.as_slice());
        // A cable stored as given whose index entry is gone (damage, or a store that
        // `check --repair` has not mended yet) gets its entry back.
        let lost_index_value = match (&planned, cable) {
            (CableChange::Unchanged, Some(cable))
                if !inner
                    .cable_ids
                    .contains_key(index_key(&cable.id, key))
                    .map_err(read_error)? =>
            {
                Some(self.index_value(key, cable)?)
            }
            _ => None,
        };
        if page_unchanged && !planned.writes_cable() && lost_index_value.is_none() {
            return Ok(planned);
        }
        // Compress the cable before the transaction, which sled may run more than once.
        let new_values = match (&planned, cable) {
            (CableChange::New | CableChange::Changed { .. }, Some(cable)) => {
                Some(self.cable_values(key, cable, page)?)
            }
            _ => None,
        };

        let result = (&inner.pages, &inner.cables, &inner.cable_ids).transaction(
            |(pages, cables, cable_ids)| {
                if pages.get(key.as_bytes())?.as_deref() != Some(page_value.as_slice()) {
                    pages.insert(key.as_bytes(), page_value.as_slice())?;
                }
                // Another thread may have written the page since it was read above.
                let now = cables.get(key.as_bytes())?;
                let change = if now == stored_cable {
                    planned.clone()
                } else {
                    let previous = now
                        .map(|value| self.previous_cable(key, &value))
                        .transpose()
                        .map_err(ConflictableTransactionError::Abort)?
                        .flatten();
                    decide(previous)
                };
                match (&change, cable) {
                    (CableChange::New | CableChange::Changed { .. }, Some(new)) => {
                        let fresh;
                        let (cable_value, index_value) = match &new_values {
                            Some(values) => values,
                            None => {
                                fresh = self
                                    .cable_values(key, new, page)
                                    .map_err(ConflictableTransactionError::Abort)?;
                                &fresh
                            }
                        };
                        cables.insert(key.as_bytes(), cable_value.as_slice())?;
                        if let CableChange::Changed { previous } = &change
                            && previous.id != new.id
                        {
                            cable_ids.remove(index_key(&previous.id, key))?;
                        }
                        cable_ids.insert(index_key(&new.id, key), index_value.as_slice())?;
                    }
                    (CableChange::Dropped { previous }, _) => {
                        cables.remove(key.as_bytes())?;
                        cable_ids.remove(index_key(&previous.id, key))?;
                    }
                    (CableChange::Unchanged, Some(new)) => {
                        if let Some(index_value) = &lost_index_value {
                            cable_ids.insert(index_key(&new.id, key), index_value.as_slice())?;
                        }
                    }
                    _ => {}
                }
                Ok(change)
            },
        );
        let change = result.map_err(|error| match error {
            TransactionError::Abort(error) => error,
            TransactionError::Storage(e) => self.sled_error(format!("recording page {key}"), e),
        })?;
        self.count_content_write();
        Ok(change)
    }

    /// The cable's value (compressed against the page's body) and its index entry's value.
    fn cable_values(
        &self,
        key: &str,
        cable: &Cable,
        page: &PageRecord,
    ) -> Result<(Vec<u8>, Vec<u8>), StoreError> {
        let body = match &page.body {
            Some(hash) => Some((
                hash,
                self.body(hash)?.ok_or_else(|| StoreError::MissingBody {
                    path: self.inner.path.clone(),
                    url: key.to_string(),
                    hash: hash.to_string(),
                })?,
            )),
            None => None,
        };
        Ok((
            self.encode_cable(key, cable, body.as_ref().map(|(h, b)| (*h, b.as_slice())))?,
            self.index_value(key, cable)?,
        ))
    }

    /// The value of `cable`'s entry in the ID index.
    pub(crate) fn index_value(&self, key: &str, cable: &Cable) -> Result<Vec<u8>, StoreError> {
        self.encode(
            trees::CABLE_IDS,
            key,
            records::encode(&IndexEntry::of(cable)),
        )
    }

    /// The cable stored for the page `key` before a new recording, or `None` when it is
    /// damaged beyond reading: the new recording replaces it, rather than failing on it.
    fn previous_cable(&self, key: &str, value: &[u8]) -> Result<Option<Cable>, StoreError> {
        match self.decode_cable(key.as_bytes(), value) {
            Ok(cable) => Ok(Some(cable)),
            Err(error @ StoreError::Corrupt { .. }) => {
                tracing::warn!(%error, "replacing a damaged cable");
                Ok(None)
            }
            Err(error) => Err(error),
        }
    }

    /// The record of a page.
    pub fn page(&self, url: &PageUrl) -> Result<Option<PageRecord>, StoreError> {
        self.contained(
            || format!("reading page {url}"),
            || self.read_record(&self.inner.pages, trees::PAGES, url.as_str().as_bytes()),
        )
    }

    /// The cable cleaned from the page at `url`.
    pub fn cable(&self, url: &PageUrl) -> Result<Option<Cable>, StoreError> {
        self.contained(
            || format!("reading cable {url}"),
            || self.read_cable(url.as_str().as_bytes()),
        )
    }

    /// The cable cleaned from the page at `url`, when the caller already holds the page's
    /// raw body (`body`, whose hash is `hash`): saves reading and decompressing it again.
    pub fn cable_with_body(
        &self,
        url: &PageUrl,
        hash: &BodyHash,
        body: &[u8],
    ) -> Result<Option<Cable>, StoreError> {
        let key = url.as_str();
        self.contained(
            || format!("reading cable {url}"),
            || {
                let value = self
                    .inner
                    .cables
                    .get(key.as_bytes())
                    .map_err(|e| self.sled_error(format!("reading cable `{key}`"), e))?;
                value
                    .map(|value| self.decode_cable_with(key.as_bytes(), &value, Some((hash, body))))
                    .transpose()
            },
        )
    }

    /// Whether the page at `url` has its cable `id` stored and in the ID index: what a page
    /// left alone as unchanged must have (whether the cable reads is `check`'s to say).
    pub fn holds_cable(&self, url: &PageUrl, id: &CableId) -> Result<bool, StoreError> {
        let key = url.as_str();
        self.contained(
            || format!("looking up the cable of {url}"),
            || {
                let read_error = |e| self.sled_error(format!("looking up the cable of {key}"), e);
                Ok(self
                    .inner
                    .cables
                    .contains_key(key.as_bytes())
                    .map_err(read_error)?
                    && self
                        .inner
                        .cable_ids
                        .contains_key(index_key(id, key))
                        .map_err(read_error)?)
            },
        )
    }

    /// Every site's copy of cable `id`, in URL order.
    pub fn cables_for_id(&self, id: &CableId) -> Result<Vec<Cable>, StoreError> {
        self.contained(
            || format!("reading the copies of cable {id}"),
            || {
                CableIter {
                    store: self.clone(),
                    index: self.inner.cable_ids.scan_prefix(index_key(id, "")),
                    site: None,
                }
                .collect()
            },
        )
    }

    /// Every cable in cable-ID order (then URL), optionally only `site`'s: the order exports
    /// use, the same on every run.
    pub fn cables(&self, site: Option<&str>) -> CableIter {
        CableIter {
            store: self.clone(),
            index: self.inner.cable_ids.iter(),
            site: site.map(str::to_string),
        }
    }

    /// Every page record in URL order, optionally only `site`'s.
    pub fn pages(&self, site: Option<&str>) -> PageIter {
        PageIter {
            store: self.clone(),
            pages: self.inner.pages.iter(),
            site: site.map(str::to_string),
        }
    }

    pub(super) fn encode(
        &self,
        tree: &'static str,
        key: &str,
        encoded: Result<Vec<u8>, serde_json::Error>,
    ) -> Result<Vec<u8>, StoreError> {
        encoded.map_err(|e| self.encode_error(tree, key, e))
    }
}

fn check_consistent(page: &PageRecord, cable: Option<&Cable>) -> Result<(), StoreError> {
    let problem = match (&page.outcome, cable) {
        (
            CleanOutcome::Cable {
                id,
                rules_version,
                suspect,
            },
            Some(cable),
        ) => {
            if cable.id != *id {
                Some(format!(
                    "the outcome names cable {id}, but the cable is {}",
                    cable.id
                ))
            } else if cable.url != page.url {
                Some(format!("the cable was cleaned from {}", cable.url))
            } else if cable.rules != *rules_version {
                Some(format!(
                    "the outcome names rules {rules_version}, but the cable was made by {}",
                    cable.rules
                ))
            } else if cable.is_suspect() != *suspect {
                Some(format!(
                    "the outcome says suspect: {suspect}, but the cable has {} reason(s)",
                    cable.suspect.len()
                ))
            } else {
                None
            }
        }
        (CleanOutcome::Cable { id, .. }, None) => Some(format!(
            "the outcome names cable {id}, but no cable was given"
        )),
        (_, Some(cable)) => Some(format!(
            "cable {} was given, but the outcome says the page gave none",
            cable.id
        )),
        (_, None) => None,
    };
    match problem {
        Some(problem) => Err(StoreError::Inconsistent {
            url: page.url.to_string(),
            problem,
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests;
