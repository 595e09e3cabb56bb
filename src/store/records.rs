//! The records the store keeps (page metadata, cable index entries, frontier entries, runs)
//! and how every record is encoded on disk.
//!
//! Records are JSON (serde_json) inside a small envelope `{"v": <record version>, "r": …}`.
//! JSON because these records are small next to the raw bodies, so its size costs little;
//! it is self-describing, so a field added later (with `#[serde(default)]`) still reads old
//! records and a damaged record fails loudly instead of decoding into wrong values, which a
//! positional format such as bincode cannot promise; and a record dumped from sled can be
//! read by a person. Cable records, which carry the whole cable text, are compressed: see
//! `Store::encode_cable` in the cables module.

use jiff::Timestamp;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::bodies::BodyHash;
use crate::model::{Cable, CableId, PageUrl};

/// The version of every record this binary writes, and the newest it reads.
pub const RECORD_VERSION: u32 = 1;

/// What the store knows of one fetched (or ingested) page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageRecord {
    /// The canonical URL; the page's key.
    pub url: PageUrl,
    /// The republisher (rule file name) the page belongs to; the host when no rule covers it.
    pub site: String,
    /// The HTTP status; 200 for a page read from a local mirror.
    pub status: u16,
    /// The Content-Type header, if sent.
    pub content_type: Option<String>,
    /// The ETag header, for the next conditional GET.
    pub etag: Option<String>,
    /// The Last-Modified header, for the next conditional GET.
    pub last_modified: Option<String>,
    /// Every response header as received, in order (names as sent), but Content-Length,
    /// which described the body on the wire; what a WARC export writes. The body is kept
    /// decoded, so a Content-Encoding or Transfer-Encoding here describes the wire too.
    /// Empty when not known: a page read from a mirror, or stored before cablestrip kept
    /// headers (a record without them reads as empty, and an empty list is not written,
    /// so such records keep their bytes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub headers: Vec<(String, String)>,
    /// When the page was fetched (RFC 3339 on disk).
    pub fetched_at: Timestamp,
    /// The raw body, when there is one (a 304 or a failed fetch has none).
    pub body: Option<BodyHash>,
    /// What cleaning made of the page.
    pub outcome: CleanOutcome,
}

/// What cleaning made of a page, as recorded with the page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "kebab-case")]
pub enum CleanOutcome {
    /// A cable came out; it is in the cables tree under the page's URL.
    Cable {
        /// The cable's ID.
        id: CableId,
        /// The rule version (`<site>@<hash>`) that cleaned it.
        rules_version: String,
        /// Whether the quality gate found the cable suspect (its reasons are on the cable).
        #[serde(default, skip_serializing_if = "is_false")]
        suspect: bool,
    },
    /// The rules were applied and refused the page.
    Rejected {
        /// The reject's short name, e.g. `body-not-found`.
        kind: String,
        /// The reject's full message.
        message: String,
        /// The rule version that refused it; empty when no rule covers the page.
        rules_version: String,
    },
    /// The page is not meant to be cleaned (an index page, fetched for its links).
    NotCleaned,
    /// There was nothing to clean: the fetch failed.
    Failed {
        /// A short stable name of the failure, e.g. `timeout`, `http-status`.
        kind: String,
        /// The failure's message.
        message: String,
    },
}

/// Where a queued URL leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkKind {
    /// A cable page: fetch, store, clean.
    Cable,
    /// An index page: fetch, store, follow its links.
    Follow,
}

/// One URL waiting in the crawl frontier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FrontierEntry {
    /// The canonical URL to fetch; the queue holds it at most once.
    pub url: PageUrl,
    /// Cable page or index page.
    pub kind: LinkKind,
    /// Links followed from a seed to reach it (0 for a seed).
    pub depth: u32,
    /// Fetches already tried and failed (0 the first time).
    pub attempts: u32,
}

/// A frontier entry with its place in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Queued {
    /// Position in the queue: lower is older.
    pub seq: u64,
    /// The entry.
    pub entry: FrontierEntry,
}

/// One run of a command (`crawl`, `ingest`, `reclean`…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    /// Increasing with every run.
    pub id: u64,
    /// The command, e.g. `crawl`.
    pub command: String,
    /// When the run began.
    pub started: Timestamp,
    /// When it finished; `None` if it is running or died.
    pub finished: Option<Timestamp>,
    /// The run's summary, as JSON text, once finished.
    pub summary: Option<String>,
}

/// The value of a cable ID index entry: enough to filter and count without reading the cable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct IndexEntry {
    /// The cable's site.
    pub site: String,
    /// The cable's `rules` version.
    pub rules: String,
    /// Whether the cable is suspect.
    #[serde(default, skip_serializing_if = "is_false")]
    pub suspect: bool,
    /// The cable's subject, for listings of citations that read no cable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<String>,
    /// The cables its references cite, in order (references that are no cable are left
    /// out): the citation graph, read without decompressing a cable.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cites: Vec<Citation>,
}

impl IndexEntry {
    /// The index entry of `cable`.
    pub(crate) fn of(cable: &Cable) -> IndexEntry {
        IndexEntry {
            site: cable.site.clone(),
            rules: cable.rules.clone(),
            suspect: cable.is_suspect(),
            subject: cable.subject.clone(),
            cites: cable
                .meta
                .references
                .iter()
                .filter_map(|reference| {
                    Some(Citation {
                        id: reference.id.clone()?,
                        letter: reference.letter.clone(),
                    })
                })
                .collect(),
        }
    }
}

/// One cable a stored cable cites.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Citation {
    /// The cited cable.
    pub id: CableId,
    /// The reference's letter in the citing cable's `REF:` block, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
}

/// The key of a cable's entry in the ID index, `<cable id>\0<url key>`: IDs are ASCII
/// letters and digits, so `\0` ends the ID and the index sorts by ID, then URL.
pub(crate) fn index_key(id: &CableId, url_key: impl AsRef<[u8]>) -> Vec<u8> {
    let url_key = url_key.as_ref();
    let mut key = Vec::with_capacity(id.as_str().len() + 1 + url_key.len());
    key.extend_from_slice(id.as_str().as_bytes());
    key.push(0);
    key.extend_from_slice(url_key);
    key
}

/// An ID index key's cable ID and URL key; `None` when it has no `\0`.
pub(crate) fn split_index_key(key: &[u8]) -> Option<(&[u8], &[u8])> {
    let nul = key.iter().position(|&b| b == 0)?;
    Some((&key[..nul], &key[nul + 1..]))
}

/// For serde: a flag that is false is left out, so records written before it existed and
/// records without it are the same bytes.
fn is_false(flag: &bool) -> bool {
    !flag
}

#[derive(Serialize)]
struct EnvelopeOut<'a, T> {
    v: u32,
    r: &'a T,
}

#[derive(Deserialize)]
struct EnvelopeIn<T> {
    v: u32,
    r: T,
}

#[derive(Deserialize)]
struct VersionProbe {
    v: u32,
}

/// Why a stored record could not be decoded.
#[derive(Debug)]
pub(crate) enum DecodeError {
    /// Written by a newer cablestrip.
    Newer(u32),
    /// Damaged.
    Corrupt(String),
}

/// The first bytes of every zstd frame.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xB5, 0x2F, 0xFD];

/// The zstd level for compressed records: they are written once per change and read by
/// exports, so a fast level is the right trade.
const RECORD_ZSTD_LEVEL: i32 = 3;

/// Encodes a record as enveloped JSON.
pub(crate) fn encode<T: Serialize>(record: &T) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(&EnvelopeOut {
        v: RECORD_VERSION,
        r: record,
    })
}

/// Encodes a record as zstd-compressed enveloped JSON; [`decode`] reads both forms.
pub(crate) fn encode_compressed<T: Serialize>(record: &T) -> Result<Vec<u8>, serde_json::Error> {
    let json = encode(record)?;
    // Compressing an in-memory buffer fails only when memory runs out; the plain JSON is a
    // correct value too, since decode reads both.
    Ok(zstd::bulk::compress(&json, RECORD_ZSTD_LEVEL).unwrap_or(json))
}

/// Decodes a record written by [`encode`] or [`encode_compressed`].
pub(crate) fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, DecodeError> {
    let inflated;
    let json = if bytes.starts_with(&ZSTD_MAGIC) {
        inflated = zstd::stream::decode_all(bytes)
            .map_err(|e| DecodeError::Corrupt(format!("bad zstd frame: {e}")))?;
        &inflated[..]
    } else {
        bytes
    };
    match serde_json::from_slice::<EnvelopeIn<T>>(json) {
        Ok(envelope) if envelope.v > RECORD_VERSION => Err(DecodeError::Newer(envelope.v)),
        Ok(envelope) => Ok(envelope.r),
        Err(error) => match serde_json::from_slice::<VersionProbe>(json) {
            // A newer record may well not fit today's struct: say so, not "damaged".
            Ok(probe) if probe.v > RECORD_VERSION => Err(DecodeError::Newer(probe.v)),
            _ => Err(DecodeError::Corrupt(error.to_string())),
        },
    }
}
