//! Plain data that flows between the pipeline stages: `Page` → `Cable`, keyed by `CableId`
//! and `PageUrl`.

mod id;
mod keys;
mod meta;
pub mod posts;
mod quality;
#[cfg(test)]
pub(crate) mod test_support;

use serde::{Deserialize, Serialize};

pub use id::{BadCableId, CableId};
pub use keys::{BadPageUrl, HostKey, PageUrl};
pub use meta::{Addressee, ClassifiedBy, Declassify, Metadata, Reference};
pub use quality::{Cut, Suspect, SuspectKind};

/// One fetched (or ingested) page, before cleaning: what the server said and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The canonical URL the page was fetched from (after redirects).
    pub url: PageUrl,
    /// The HTTP status; 200 for a page read from disk.
    pub status: u16,
    /// The Content-Type header, when the server sent one.
    pub content_type: Option<String>,
    /// The raw bytes of the body, exactly as received (after transfer decompression).
    pub body: Vec<u8>,
}

impl Page {
    /// A page as a local file would give it: status 200, no Content-Type.
    pub fn from_bytes(url: PageUrl, body: Vec<u8>) -> Page {
        Page {
            url,
            status: 200,
            content_type: None,
            body,
        }
    }
}

/// A clean cable: the cable's own text and metadata, with the site's chrome removed.
///
/// Optional fields are `None` when neither the page nor the text gives them: nothing is
/// invented. Serialised with every field present (`null` when absent) so that exports
/// have one stable shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cable {
    /// The canonical cable ID, e.g. `08MOSCOW3728`.
    pub id: CableId,
    /// The URL of the page this copy was cleaned from.
    pub url: PageUrl,
    /// The republisher: the name of the rule file that cleaned the page.
    pub site: String,
    /// The page's own headline, often cut short.
    pub title: Option<String>,
    /// The full subject, from the text's `SUBJECT:` line.
    pub subject: Option<String>,
    /// The routing block (`VZCZC…`, `DE …`, `FM`, `TO`, `INFO`), where there is one.
    pub header: Option<String>,
    /// The cable's text.
    pub body: String,
    /// When the cable was written, ISO 8601.
    pub created: Option<String>,
    /// The classification, e.g. `CONFIDENTIAL`.
    pub classification: Option<String>,
    /// The sending post or office, e.g. `Embassy Moscow`.
    pub origin: Option<String>,
    /// The TAGS line, split into its tags.
    pub tags: Vec<String>,
    /// What the text says about itself besides: references, addressees, signer,
    /// classifying authority, declassification, summary. Its fields sit beside the others
    /// in JSON (`references`, `to`, `info`, `excluded`, `signer`, `classified_by`,
    /// `declassify`, `summary`).
    #[serde(flatten)]
    pub meta: Metadata,
    /// `<rule file>@<version>` of the rule that made this record.
    pub rules: String,
    /// The site's own ID for this copy when it differs from `id` (PlusD's `…_a` suffixes,
    /// a malformed ID in the page's URL).
    pub source_id: Option<String>,
    /// The site's lines cut around the cable's text by the edge step, when there were any.
    #[serde(default)]
    pub cut: Option<Cut>,
    /// Why this copy is suspect; empty when it is clean. Exports leave suspect copies out
    /// unless asked.
    #[serde(default)]
    pub suspect: Vec<Suspect>,
}

impl Cable {
    /// A cable of `site` with the given text, made by `rules`, and no other facts: the
    /// optional fields start absent, for the caller to fill in.
    pub fn new(id: CableId, url: PageUrl, site: &str, rules: &str, body: &str) -> Cable {
        Cable {
            id,
            url,
            site: site.to_string(),
            title: None,
            subject: None,
            header: None,
            body: body.to_string(),
            created: None,
            classification: None,
            origin: None,
            tags: Vec::new(),
            meta: Metadata::default(),
            rules: rules.to_string(),
            source_id: None,
            cut: None,
            suspect: Vec::new(),
        }
    }

    /// Whether the quality gate found this copy suspect.
    pub fn is_suspect(&self) -> bool {
        !self.suspect.is_empty()
    }
}
