//! Raw page bodies: write-once, keyed by their blake3 content hash, zstd-compressed with a
//! per-site dictionary once the site has given enough pages to train one.
//!
//! Why dictionaries: a republisher's pages are mostly the same chrome (WikiLeaks' cable
//! pages are 75–97 % sidebar), and zstd alone sees one page at a time, so it compresses
//! that chrome afresh in every page (~25 % of the raw bytes for the 2010 WikiLeaks pages).
//! With a dictionary that holds the chrome, the same pages compress to ~9 %.
//!
//! A site gets its dictionary in two steps. Its first body of at least
//! [`MIN_RAW_DICTIONARY_LEN`] bytes becomes a *raw* dictionary at once (zstd uses it as
//! content to copy from: it holds all of the chrome), so only that one body is stored
//! without a dictionary. Once [`StoreOptions::dictionary_samples`](super::StoreOptions)
//! more bodies are in, a dictionary *trained* on them replaces it for new bodies (about 7 %
//! smaller output than the raw one, as it keeps what all the pages share and not one page's
//! own text). Each body names the dictionary it was compressed with, so old bodies stay
//! readable; dictionaries are never deleted.
//!
//! Body value layout (all integers big-endian):
//!
//! ```text
//! [0]       codec: 1 = zstd without dictionary, 2 = zstd with a dictionary
//! [1..9]    length of the raw body, u64
//! [9..17]   dictionary id, u64 (codec 2 only)
//! [..]      one zstd frame
//! ```
//!
//! Dictionaries live in the meta tree, write-once, under `dict/<id as 16 hex digits>`; the
//! dictionary a site compresses new bodies with is named by `site-dict/<site>`. A
//! dictionary's id is the first 8 bytes of its blake3 hash, so the same dictionary always
//! gets the same id. Until a site has a trained dictionary, the hashes of its new bodies
//! are listed in the `dict_samples` tree (`<site>\0<hash>`), which is durable so that a
//! site crawled a few pages a night still collects its samples across runs.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use serde::{Deserialize, Serialize};
use zstd::dict::{DecoderDictionary, EncoderDictionary};

use super::{Store, StoreError, trees};

/// The blake3 hash of a raw body: its key in the store.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BodyHash([u8; 32]);

/// Why a string is not a body hash.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a body hash: expected 64 hex digits, as printed by cablestrip")]
pub struct BadBodyHash {
    /// The rejected text.
    pub value: String,
}

impl BodyHash {
    /// Hashes a raw body.
    pub fn of(body: &[u8]) -> BodyHash {
        BodyHash(*blake3::hash(body).as_bytes())
    }

    /// Parses the 64 hex digits that `Display` prints.
    pub fn from_hex(text: &str) -> Result<BodyHash, BadBodyHash> {
        blake3::Hash::from_hex(text)
            .map(|hash| BodyHash(*hash.as_bytes()))
            .map_err(|_| BadBodyHash {
                value: text.to_string(),
            })
    }

    /// The 32 bytes of the hash.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    pub(crate) fn from_slice(bytes: &[u8]) -> Option<BodyHash> {
        bytes.try_into().ok().map(BodyHash)
    }
}

impl fmt::Display for BodyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for byte in self.0 {
            write!(f, "{byte:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for BodyHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "BodyHash({self})")
    }
}

impl Serialize for BodyHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for BodyHash {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        BodyHash::from_hex(&text).map_err(serde::de::Error::custom)
    }
}

/// What `put_body` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyPut {
    /// The body was new and is now stored, in `stored_len` bytes.
    Stored {
        /// The body's key.
        hash: BodyHash,
        /// Bytes written to the bodies tree (header and compressed frame).
        stored_len: usize,
    },
    /// The same bytes were stored before: nothing was written.
    AlreadyStored {
        /// The body's key.
        hash: BodyHash,
    },
}

impl BodyPut {
    /// The body's key, whether or not it was written now.
    pub fn hash(&self) -> BodyHash {
        match self {
            BodyPut::Stored { hash, .. } | BodyPut::AlreadyStored { hash } => *hash,
        }
    }

    /// Whether this call wrote the body.
    pub fn is_new(&self) -> bool {
        matches!(self, BodyPut::Stored { .. })
    }
}

const CODEC_PLAIN: u8 = 1;
const CODEC_DICT: u8 = 2;
const PLAIN_HEADER_LEN: usize = 9;
const DICT_HEADER_LEN: usize = 17;
/// No page is this large; a bigger length in a header means the header is damaged.
const MAX_BODY_LEN: u64 = 1 << 30;

const SITE_DICT_PREFIX: &str = "site-dict/";
const DICT_PREFIX: &str = "dict/";

/// The smallest body that becomes a site's raw dictionary: a smaller one (an error page, a
/// redirect) holds too little of the site's chrome to help.
pub(crate) const MIN_RAW_DICTIONARY_LEN: usize = 4096;
/// The most of a body a raw dictionary keeps.
const MAX_RAW_DICTIONARY_LEN: usize = 256 * 1024;
/// The first bytes of a trained zstd dictionary; zstd takes anything else as raw content.
const ZSTD_DICT_MAGIC: [u8; 4] = [0x37, 0xA4, 0x30, 0xEC];

/// A dictionary, prepared for both directions.
pub(crate) struct Dictionary {
    id: u64,
    /// Trained by zstd, rather than one body's raw bytes.
    trained: bool,
    encoder: EncoderDictionary<'static>,
    decoder: DecoderDictionary<'static>,
}

/// The dictionaries loaded so far, and the lock that lets one thread train at a time.
#[derive(Default)]
pub(crate) struct Dictionaries {
    /// `None`: the site has no dictionary yet (cached so that it is not looked up per body).
    by_site: RwLock<HashMap<String, Option<Arc<Dictionary>>>>,
    by_id: RwLock<HashMap<u64, Arc<Dictionary>>>,
    training: Mutex<()>,
}

fn dict_key(id: u64) -> String {
    format!("{DICT_PREFIX}{id:016x}")
}

fn sample_prefix(site: &str) -> Vec<u8> {
    let mut key = site.as_bytes().to_vec();
    key.push(0);
    key
}

impl Store {
    /// Stores a raw body unless the same bytes are already stored; never overwrites.
    ///
    /// `site` picks the compression dictionary: pages of one site share their chrome.
    pub fn put_body(&self, site: &str, body: &[u8]) -> Result<BodyPut, StoreError> {
        self.contained(
            || format!("storing a body of {site}"),
            || self.put_body_inner(site, body),
        )
    }

    fn put_body_inner(&self, site: &str, body: &[u8]) -> Result<BodyPut, StoreError> {
        let hash = BodyHash::of(body);
        let bodies = &self.inner.bodies;
        let exists = bodies
            .contains_key(hash.as_bytes())
            .map_err(|e| self.sled_error(format!("looking up body {hash}"), e))?;
        if exists {
            return Ok(BodyPut::AlreadyStored { hash });
        }
        let dictionary = self.site_dictionary(site)?;
        let value = self.compress(body, dictionary.as_deref())?;
        let stored_len = value.len();
        // Compare-and-swap from "absent": two threads storing the same body at once cannot
        // both write it.
        let swapped = bodies
            .compare_and_swap(hash.as_bytes(), None::<&[u8]>, Some(value))
            .map_err(|e| self.sled_error(format!("writing body {hash}"), e))?;
        if swapped.is_err() {
            return Ok(BodyPut::AlreadyStored { hash });
        }
        self.count_content_write();
        match dictionary {
            Some(dictionary) if dictionary.trained => {}
            Some(_) => self.add_sample(site, hash)?,
            None => self.adopt_raw_dictionary(site, body)?,
        }
        Ok(BodyPut::Stored { hash, stored_len })
    }

    /// Whether a body is stored.
    pub fn has_body(&self, hash: &BodyHash) -> Result<bool, StoreError> {
        self.contained(
            || format!("looking up body {hash}"),
            || {
                self.inner
                    .bodies
                    .contains_key(hash.as_bytes())
                    .map_err(|e| self.sled_error(format!("looking up body {hash}"), e))
            },
        )
    }

    /// The raw bytes of a stored body, checked against their hash.
    pub fn body(&self, hash: &BodyHash) -> Result<Option<Vec<u8>>, StoreError> {
        self.contained(
            || format!("reading body {hash}"),
            || {
                let value = self
                    .inner
                    .bodies
                    .get(hash.as_bytes())
                    .map_err(|e| self.sled_error(format!("reading body {hash}"), e))?;
                value.map(|value| self.decompress(hash, &value)).transpose()
            },
        )
    }

    /// The number of stored bodies. Counts them one by one: O(n).
    pub fn body_count(&self) -> Result<usize, StoreError> {
        self.contained(
            || "counting the bodies".to_string(),
            || {
                let mut count = 0;
                for item in self.inner.bodies.iter().keys() {
                    item.map_err(|e| self.sled_error("counting the bodies", e))?;
                    count += 1;
                }
                Ok(count)
            },
        )
    }

    fn compress(
        &self,
        body: &[u8],
        dictionary: Option<&Dictionary>,
    ) -> Result<Vec<u8>, StoreError> {
        let compress_error = |source| StoreError::Compress {
            len: body.len(),
            source,
        };
        let mut value = Vec::with_capacity(body.len() / 4 + DICT_HEADER_LEN);
        let frame = match dictionary {
            Some(dictionary) => {
                value.push(CODEC_DICT);
                value.extend_from_slice(&(body.len() as u64).to_be_bytes());
                value.extend_from_slice(&dictionary.id.to_be_bytes());
                zstd::bulk::Compressor::with_prepared_dictionary(&dictionary.encoder)
                    .and_then(|mut compressor| compressor.compress(body))
                    .map_err(compress_error)?
            }
            None => {
                value.push(CODEC_PLAIN);
                value.extend_from_slice(&(body.len() as u64).to_be_bytes());
                zstd::bulk::compress(body, self.inner.options.zstd_level).map_err(compress_error)?
            }
        };
        value.extend_from_slice(&frame);
        Ok(value)
    }

    fn decompress(&self, hash: &BodyHash, value: &[u8]) -> Result<Vec<u8>, StoreError> {
        let corrupt = |problem: String| self.corrupt(trees::BODIES, hash.to_string(), problem);
        let codec = value.first().copied();
        let header_len = match codec {
            Some(CODEC_PLAIN) => PLAIN_HEADER_LEN,
            Some(CODEC_DICT) => DICT_HEADER_LEN,
            other => return Err(corrupt(format!("unknown body codec {other:?}"))),
        };
        if value.len() < header_len {
            return Err(corrupt(format!(
                "header cut short at {} bytes",
                value.len()
            )));
        }
        let raw_len = read_u64(&value[1..9]);
        if raw_len > MAX_BODY_LEN {
            return Err(corrupt(format!("impossible body length {raw_len}")));
        }
        let raw_len = raw_len as usize;
        let frame = &value[header_len..];
        let body = if header_len == DICT_HEADER_LEN {
            let dictionary = self.dictionary(read_u64(&value[9..17]))?;
            zstd::bulk::Decompressor::with_prepared_dictionary(&dictionary.decoder)
                .and_then(|mut decompressor| decompressor.decompress(frame, raw_len))
        } else {
            zstd::bulk::decompress(frame, raw_len)
        }
        .map_err(|e| corrupt(format!("bad zstd frame: {e}")))?;
        if body.len() != raw_len {
            return Err(corrupt(format!(
                "decompressed to {} bytes, header says {raw_len}",
                body.len()
            )));
        }
        if BodyHash::of(&body) != *hash {
            return Err(corrupt(
                "decompressed bytes do not match their hash".to_string(),
            ));
        }
        Ok(body)
    }

    /// The lock that lets one thread at a time make or train a dictionary. The guarded
    /// unit holds no data, so a poisoned lock is as good as a sound one.
    fn training_lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.inner
            .dicts
            .training
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The dictionary `site` compresses with, if it has one yet.
    fn site_dictionary(&self, site: &str) -> Result<Option<Arc<Dictionary>>, StoreError> {
        let dicts = &self.inner.dicts;
        if let Some(cached) = dicts
            .by_site
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(site)
        {
            return Ok(cached.clone());
        }
        let key = format!("{SITE_DICT_PREFIX}{site}");
        let named = self
            .inner
            .meta
            .get(key.as_bytes())
            .map_err(|e| self.sled_error(format!("reading {key}"), e))?;
        let found = match named {
            None => None,
            Some(value) => {
                let id = std::str::from_utf8(&value)
                    .ok()
                    .and_then(|text| u64::from_str_radix(text, 16).ok())
                    .ok_or_else(|| {
                        self.corrupt(trees::META, key.clone(), "not a dictionary id".to_string())
                    })?;
                Some(self.dictionary(id)?)
            }
        };
        dicts
            .by_site
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(site.to_string(), found.clone());
        Ok(found)
    }

    /// The dictionary with id `id`, loaded from the meta tree on first use.
    fn dictionary(&self, id: u64) -> Result<Arc<Dictionary>, StoreError> {
        let dicts = &self.inner.dicts;
        if let Some(found) = dicts
            .by_id
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&id)
        {
            return Ok(Arc::clone(found));
        }
        let key = dict_key(id);
        let bytes = self
            .inner
            .meta
            .get(key.as_bytes())
            .map_err(|e| self.sled_error(format!("reading {key}"), e))?
            .ok_or_else(|| {
                self.corrupt(
                    trees::META,
                    key.clone(),
                    "a body names this dictionary, but it is missing".to_string(),
                )
            })?;
        let dictionary = Arc::new(self.prepare(id, &bytes));
        dicts
            .by_id
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::clone(&dictionary));
        Ok(dictionary)
    }

    fn prepare(&self, id: u64, bytes: &[u8]) -> Dictionary {
        Dictionary {
            id,
            trained: bytes.starts_with(&ZSTD_DICT_MAGIC),
            encoder: EncoderDictionary::copy(bytes, self.inner.options.zstd_level),
            decoder: DecoderDictionary::copy(bytes),
        }
    }

    /// Makes `body`, the first of `site`'s bodies, the site's raw dictionary if it is big
    /// enough to hold the site's chrome.
    fn adopt_raw_dictionary(&self, site: &str, body: &[u8]) -> Result<(), StoreError> {
        if self.inner.options.dictionary_samples == 0
            || body.len() < MIN_RAW_DICTIONARY_LEN
            || body.starts_with(&ZSTD_DICT_MAGIC)
        {
            return Ok(());
        }
        let _one_at_a_time = self.training_lock();
        if self.site_dictionary(site)?.is_some() {
            return Ok(()); // another thread got there first
        }
        self.set_site_dictionary(site, &body[..body.len().min(MAX_RAW_DICTIONARY_LEN)])
    }

    /// Lists a body compressed with a raw dictionary as a training sample for `site`, and
    /// trains the site's dictionary once there are enough.
    fn add_sample(&self, site: &str, hash: BodyHash) -> Result<(), StoreError> {
        let wanted = self.inner.options.dictionary_samples;
        let samples = &self.inner.dict_samples;
        let prefix = sample_prefix(site);
        let mut key = prefix.clone();
        key.extend_from_slice(hash.as_bytes());
        samples
            .insert(key, &[][..])
            .map_err(|e| self.sled_error(format!("listing a dictionary sample for {site}"), e))?;
        if samples.scan_prefix(&prefix).take(wanted).count() >= wanted {
            self.train(site)?;
        }
        Ok(())
    }

    /// Trains `site`'s dictionary from its listed samples and makes it the site's.
    fn train(&self, site: &str) -> Result<(), StoreError> {
        let _one_at_a_time = self.training_lock();
        let prefix = sample_prefix(site);
        let samples = &self.inner.dict_samples;
        let wanted = self.inner.options.dictionary_samples;
        // Another thread may have trained (or tried to) while this one waited.
        if self.site_dictionary(site)?.is_some_and(|d| d.trained)
            || samples.scan_prefix(&prefix).take(wanted).count() < wanted
        {
            return Ok(());
        }
        let mut keys = Vec::new();
        let mut bodies = Vec::new();
        for item in samples.scan_prefix(&prefix) {
            let (key, _) = item
                .map_err(|e| self.sled_error(format!("reading dictionary samples of {site}"), e))?;
            let Some(hash) = BodyHash::from_slice(&key[prefix.len()..]) else {
                keys.push(key);
                continue;
            };
            match self.body(&hash) {
                Ok(Some(body)) => bodies.push(body),
                Ok(None) => {}
                // A damaged sample is reported when its page is read; training goes on
                // without it rather than failing the put that triggered it.
                Err(error) => tracing::warn!(site, %error, "skipping a dictionary sample"),
            }
            keys.push(key);
        }
        // Every fifth sample is held out to judge the trained dictionary against the one
        // in use: a dictionary trained on too few or too alike pages can do worse than the
        // site's first page, and then the first page stays.
        let mut training: Vec<&[u8]> = Vec::with_capacity(bodies.len());
        let mut held_out: Vec<&[u8]> = Vec::with_capacity(bodies.len() / 5 + 1);
        for (i, body) in bodies.iter().enumerate() {
            if i % 5 == 4 {
                held_out.push(body);
            } else {
                training.push(body);
            }
        }
        match zstd::dict::from_samples(&training, self.inner.options.dictionary_size) {
            Ok(bytes) => {
                let trained = self.prepare(0, &bytes);
                let current = self.site_dictionary(site)?;
                let size_with = |dictionary: Option<&Dictionary>| {
                    held_out.iter().try_fold(0, |sum, body| {
                        self.compress(body, dictionary)
                            .map(|value| sum + value.len())
                    })
                };
                let (with_trained, with_current) =
                    (size_with(Some(&trained))?, size_with(current.as_deref())?);
                if with_trained < with_current {
                    self.set_site_dictionary(site, &bytes)?;
                    tracing::info!(
                        site,
                        samples = training.len(),
                        with_trained,
                        with_current,
                        "trained a compression dictionary"
                    );
                } else {
                    tracing::info!(
                        site,
                        samples = training.len(),
                        with_trained,
                        with_current,
                        "a trained dictionary did no better; the site keeps its first page as dictionary"
                    );
                }
            }
            Err(error) => {
                // Too few or too alike samples: keep the raw dictionary and try again once
                // as many new samples have come in.
                tracing::warn!(site, samples = training.len(), %error, "could not train a compression dictionary; the site keeps its first page as dictionary");
            }
        }
        let mut forget = sled::Batch::default();
        for key in keys {
            forget.remove(key);
        }
        self.inner
            .dict_samples
            .apply_batch(forget)
            .map_err(|e| self.sled_error(format!("clearing dictionary samples of {site}"), e))
    }

    /// Stores dictionary `bytes` (once) and makes it the one `site` compresses new bodies
    /// with. The caller holds the training lock.
    fn set_site_dictionary(&self, site: &str, bytes: &[u8]) -> Result<(), StoreError> {
        let hash = blake3::hash(bytes);
        let id = read_u64(&hash.as_bytes()[..8]);
        let key = dict_key(id);
        let meta = &self.inner.meta;
        let stored = meta
            .contains_key(key.as_bytes())
            .map_err(|e| self.sled_error(format!("reading {key}"), e))?;
        // One batch: a crash leaves either both the dictionary and the site's pointer to it,
        // or neither.
        let mut batch = sled::Batch::default();
        if !stored {
            batch.insert(key.as_bytes(), bytes);
        }
        batch.insert(
            format!("{SITE_DICT_PREFIX}{site}").as_bytes(),
            format!("{id:016x}").as_bytes(),
        );
        meta.apply_batch(batch)
            .map_err(|e| self.sled_error(format!("storing the dictionary of {site}"), e))?;
        let dictionary = Arc::new(self.prepare(id, bytes));
        let dicts = &self.inner.dicts;
        dicts
            .by_id
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id, Arc::clone(&dictionary));
        dicts
            .by_site
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(site.to_string(), Some(dictionary));
        Ok(())
    }
}

fn read_u64(bytes: &[u8]) -> u64 {
    let mut array = [0u8; 8];
    array.copy_from_slice(&bytes[..8]);
    u64::from_be_bytes(array)
}

#[cfg(test)]
mod tests;
