//! What `check` can find wrong in the store, each named by URL, cable ID or key, and said
//! in words.

use serde::Serialize;

use super::bodies::BodyHash;
use crate::model::{CableId, PageUrl};

/// Something wrong in the store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Problem {
    /// One of sled's files fails its checksum.
    BadFile {
        /// The file, relative to the database folder.
        file: String,
        /// What is wrong.
        problem: String,
    },
    /// A part of a tree that sled cannot read.
    Unreadable {
        /// The tree.
        tree: &'static str,
        /// The last key read before it.
        after: Option<String>,
        /// What sled said.
        error: String,
    },
    /// The database holds fewer flushes than were recorded beside it: sled dropped writes.
    LostWrites {
        /// The last flush recorded beside the database.
        recorded: u64,
        /// The last flush the database holds.
        found: u64,
    },
    /// The flush record beside the database cannot be read.
    FlushRecord {
        /// What is wrong with it.
        problem: String,
    },
    /// The database has no schema version.
    NoSchema,
    /// A record that does not decode.
    BadRecord {
        /// The tree.
        tree: &'static str,
        /// The key, printable.
        key: String,
        /// What is wrong.
        problem: String,
    },
    /// A page names a raw body that is not stored.
    BodyMissing {
        /// The page.
        url: PageUrl,
        /// The body it names.
        hash: BodyHash,
    },
    /// A page's raw body does not read, or does not match its hash.
    BodyDamaged {
        /// The page.
        url: PageUrl,
        /// The body it names.
        hash: BodyHash,
        /// What is wrong.
        problem: String,
    },
    /// A page's record says it gave a cable that is not stored.
    CableMissing {
        /// The page.
        url: PageUrl,
        /// The cable its record names.
        id: CableId,
    },
    /// A stored cable does not decode.
    CableDamaged {
        /// The page it was cleaned from.
        url: PageUrl,
        /// What is wrong.
        problem: String,
    },
    /// A page's record names another cable than the one stored for it.
    CableMismatch {
        /// The page.
        url: PageUrl,
        /// The cable the page's record names.
        recorded: CableId,
        /// The cable stored.
        found: CableId,
    },
    /// A cable whose page has no record.
    CableWithoutPage {
        /// The page it was cleaned from.
        url: PageUrl,
        /// The cable.
        id: CableId,
    },
    /// A cable missing from the ID index: exports and `show ID` do not see it.
    NotIndexed {
        /// The page it was cleaned from.
        url: PageUrl,
        /// The cable.
        id: CableId,
    },
    /// An entry of the ID index for a cable that is not stored (or is stored under another ID).
    IndexOrphan {
        /// The ID the entry names.
        id: String,
        /// The URL the entry names.
        url: String,
    },
    /// An entry of the ID index whose site, rules or suspect mark differ from its cable's.
    IndexStale {
        /// The page.
        url: PageUrl,
        /// The cable.
        id: CableId,
    },
    /// The frontier's queue and its URL list disagree.
    Frontier {
        /// The URL or queue position.
        key: String,
        /// What is wrong.
        problem: String,
    },
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::BadFile { file, problem } => write!(f, "sled's file {file} {problem}"),
            Problem::Unreadable { tree, after, error } => match after {
                Some(after) => write!(f, "the {tree} tree cannot be read after `{after}`: {error}"),
                None => write!(f, "the {tree} tree cannot be read from its start: {error}"),
            },
            Problem::LostWrites { recorded, found } => write!(
                f,
                "sled dropped writes it had saved: flush {recorded} is on record, the database holds only up to flush {found}; what was stored last before the damage is gone"
            ),
            Problem::FlushRecord { problem } => write!(f, "{problem}"),
            Problem::NoSchema => write!(f, "the database has no schema version"),
            Problem::BadRecord { tree, key, problem } => {
                write!(
                    f,
                    "the record `{key}` in the {tree} tree does not decode: {problem}"
                )
            }
            Problem::BodyMissing { url, hash } => {
                write!(f, "{url}: its raw body {hash} is missing")
            }
            Problem::BodyDamaged { url, hash, problem } => {
                write!(f, "{url}: its raw body {hash} is damaged: {problem}")
            }
            Problem::CableMissing { url, id } => {
                write!(
                    f,
                    "{url}: its record says it gave cable {id}, which is not stored"
                )
            }
            Problem::CableDamaged { url, problem } => {
                write!(f, "{url}: its cable does not decode: {problem}")
            }
            Problem::CableMismatch {
                url,
                recorded,
                found,
            } => write!(
                f,
                "{url}: its record says it gave cable {recorded}, but cable {found} is stored for it"
            ),
            Problem::CableWithoutPage { url, id } => {
                write!(f, "{url}: cable {id} is stored, but the page has no record")
            }
            Problem::NotIndexed { url, id } => write!(
                f,
                "{url}: cable {id} is missing from the ID index (export and `show {id}` miss it)"
            ),
            Problem::IndexOrphan { id, url } => write!(
                f,
                "the ID index lists cable {id} of {url}, which is not stored"
            ),
            Problem::IndexStale { url, id } => write!(
                f,
                "{url}: the ID index entry of cable {id} does not match the cable (site, rules or suspect mark)"
            ),
            Problem::Frontier { key, problem } => write!(f, "frontier: {key}: {problem}"),
        }
    }
}
