//! Cable IDs: the canonical reference ID of a cable (`08MOSCOW3728`), the key that joins
//! the copies of one cable across sites.

use std::fmt;

use serde::{Deserialize, Serialize};

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

#[cfg(test)]
mod tests;
