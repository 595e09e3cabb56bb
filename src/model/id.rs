//! Cable IDs: the canonical reference ID of a cable (`08MOSCOW3728`), the key that joins
//! the copies of one cable across sites.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::posts::canonical_post;

/// A canonical cable reference ID such as `08MOSCOW3728` or `74ATHENS2959`.
///
/// Built only through [`CableId::parse`] (or [`CableId::from_parts`]), which upper-cases,
/// strips a PlusD-style `_a`/`_b` suffix, refuses anything but ASCII letters and digits, so
/// an ID is always safe as a store key and as a file name, and writes every ID of the usual
/// shape (year, post, number) the way the Cable Viewer's IDs do: the year as two digits,
/// the post in its canonical spelling (`SECSTATE` → `STATE`, see [`crate::model::posts`]),
/// the number without leading zeros. `1974ROME06120` and `74ROME6120` are one ID.
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
        Ok((CableId(canonical_form(&stem.to_ascii_uppercase())), suffix))
    }

    /// The ID of the cable numbered `number` that `post` sent in `year`: what a parser
    /// builds from `05 PARIS 5459` or `SECSTATE 12345` and the year it stands for. `year`
    /// may be given with two digits or four (`5`, `05` and `2005` are one year); `post` as
    /// written, with spaces, hyphens or dots (`RIO DE JAN`, `PORT-AU-PRINCE`).
    pub fn from_parts(year: u16, post: &str, number: u32) -> Result<CableId, BadCableId> {
        let letters: String = post.chars().filter(char::is_ascii_alphabetic).collect();
        CableId::parse(&format!("{:02}{letters}{number}", year % 100)).map_err(|_| BadCableId {
            value: format!("{year} {post} {number}"),
        })
    }

    /// The year of the ID as two digits (`74` for `74ROME6120`), when it has the usual shape.
    pub fn year_digits(&self) -> Option<u16> {
        self.0.get(..2)?.parse().ok()
    }

    /// The year the ID names, with four digits (`1974` for `74ROME6120`, `2009` for
    /// `09VALLETTA123`): the Cablegate cables run from 1966 to 2010, so two digits from 60
    /// on are the 1900s.
    /// An ID of an unusual shape kept with four digits of year has none here.
    pub fn year(&self) -> Option<u16> {
        if !self
            .0
            .as_bytes()
            .get(2)
            .is_some_and(u8::is_ascii_alphabetic)
        {
            return None;
        }
        self.year_digits()
            .map(|y| if y >= 60 { 1900 + y } else { 2000 + y })
    }

    /// The sending post's letters (`ROME` for `74ROME6120`, `STATE` for `09STATE18812`),
    /// when the ID has the usual shape of year, post and number; `None` for a malformed ID
    /// such as `08SCTION02OF02SAOPAULO335`, whose letters are no post.
    pub fn post(&self) -> Option<&str> {
        let rest = self.0.get(2..)?;
        let letters = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
        let number = &rest[letters..];
        (letters > 0 && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()))
            .then(|| &rest[..letters])
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

/// The usual shape, `(\d{2}|\d{4})([A-Z]+)(\d+)`, written canonically; any other ID (a
/// malformed one such as `08SCTION02OF02SAOPAULO335`) is kept as it is, upper-cased.
fn canonical_form(upper: &str) -> String {
    let year_len = upper.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &upper[year_len..];
    let post_len = rest.bytes().take_while(u8::is_ascii_alphabetic).count();
    let (post, number) = rest.split_at(post_len);
    if post.is_empty() || number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return upper.to_string();
    }
    let year = &upper[year_len - 2..year_len];
    let number = number.trim_start_matches('0');
    let number = if number.is_empty() { "0" } else { number };
    format!("{year}{}{number}", canonical_post(post))
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
