//! The stored copy a fetch is conditional on: its validators, and what a 304's revisit
//! record refers to.

use jiff::Timestamp;

use crate::store::{BodyHash, PageRecord};

/// A stored copy's ETag and Last-Modified, and when it was fetched (what a 304's revisit
/// record refers to).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Validators {
    pub(super) etag: Option<String>,
    pub(super) last_modified: Option<String>,
    pub(super) fetched_at: Timestamp,
    pub(super) body: BodyHash,
}

impl Validators {
    /// The validators of `record`'s copy, if it has one.
    pub(super) fn of(record: &PageRecord) -> Option<Validators> {
        record.body.map(|body| Validators {
            etag: record.etag.clone(),
            last_modified: record.last_modified.clone(),
            fetched_at: record.fetched_at,
            body,
        })
    }
}
