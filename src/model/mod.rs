//! Plain data that flows between the pipeline stages: `Page` → `Cable`, keyed by `CableId`.

use std::fmt;

use serde::{Deserialize, Serialize};
use url::Url;

/// A canonical cable reference ID such as `08MOSCOW3728` or `1974ATHENS02959`.
///
/// Built only through [`CableId::parse`], which upper-cases, strips a PlusD-style `_a`/`_b`
/// suffix and refuses anything but ASCII letters and digits, so an ID is always safe as a
/// store key and as a file name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct CableId(String);

/// Why a string is not a cable ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{value}` is not a cable ID: expected a year, an origin and a number in ASCII letters and digits, such as 08MOSCOW3728 or 1974ATHENS02959"
)]
pub struct BadCableId {
    /// The rejected input, as given.
    pub value: String,
}

/// `a`, `b`, `b2`: one or two letters, then optional digits.
fn is_source_suffix(suffix: &str) -> bool {
    let letters = suffix.bytes().take_while(u8::is_ascii_alphabetic).count();
    (1..=2).contains(&letters)
        && suffix.len() <= 6
        && suffix.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

/// The longest ID accepted; real ones stay under 30 characters.
const MAX_CABLE_ID_LEN: usize = 64;

impl CableId {
    /// Parses and canonicalises an ID; returns it with the suffix (`a` for `_a`) when one
    /// was present.
    pub fn parse_with_suffix(raw: &str) -> Result<(CableId, Option<String>), BadCableId> {
        let bad = || BadCableId {
            value: raw.to_string(),
        };
        let trimmed = raw.trim();
        let (stem, suffix) = match trimmed.rsplit_once('_') {
            // `_a`, `_b`, and PlusD's numbered duplicates such as `_b2`.
            Some((stem, suffix)) if is_source_suffix(suffix) => {
                (stem, Some(suffix.to_ascii_lowercase()))
            }
            _ => (trimmed, None),
        };
        if stem.is_empty()
            || stem.len() > MAX_CABLE_ID_LEN
            || !stem.chars().all(|c| c.is_ascii_alphanumeric())
        {
            return Err(bad());
        }
        let bytes = stem.as_bytes();
        let leading_digits = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let has_origin = bytes[leading_digits..]
            .iter()
            .any(|b| b.is_ascii_alphabetic());
        if !(leading_digits == 2 || leading_digits == 4)
            || !has_origin
            || !bytes[bytes.len() - 1].is_ascii_digit()
        {
            return Err(bad());
        }
        Ok((CableId(stem.to_ascii_uppercase()), suffix))
    }

    /// Parses and canonicalises an ID, dropping any `_a`/`_b` suffix.
    pub fn parse(raw: &str) -> Result<CableId, BadCableId> {
        Self::parse_with_suffix(raw).map(|(id, _)| id)
    }

    /// The canonical text of the ID.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CableId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        CableId::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// One fetched (or ingested) page, before cleaning: what the server said and sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The canonical URL the page was fetched from (after redirects).
    pub url: Url,
    /// The HTTP status; 200 for a page read from disk.
    pub status: u16,
    /// The Content-Type header, when the server sent one.
    pub content_type: Option<String>,
    /// The raw bytes of the body, exactly as received (after transfer decompression).
    pub body: Vec<u8>,
}

impl Page {
    /// A page as a local file would give it: status 200, no Content-Type.
    pub fn from_bytes(url: Url, body: Vec<u8>) -> Page {
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
    pub url: String,
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
    /// `<rule file>@<version>` of the rule that made this record.
    pub rules: String,
    /// The site's own ID for this copy when it differs from `id` (PlusD's `…_a` suffixes).
    pub source_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cable_id_canonicalises_case_and_suffix() {
        let (id, suffix) = CableId::parse_with_suffix(" 1974athens02959_b ").expect("valid id");
        assert_eq!(id.as_str(), "1974ATHENS02959");
        assert_eq!(suffix.as_deref(), Some("b"));
        assert_eq!(
            CableId::parse("08MOSCOW3728").expect("valid").as_str(),
            "08MOSCOW3728"
        );
    }

    #[test]
    fn cable_id_refuses_path_tricks_and_junk() {
        for bad in [
            "../08MOSCOW3728",
            "08MOSCOW/3728",
            "",
            "MOSCOW3728",
            "08MOSCOW",
            "08 MOSCOW 3728",
            "123MOSCOW1",
        ] {
            assert!(CableId::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }
}
