//! Which cable ID a copy gets. The site's own (from the page's URL, or the page) when it is
//! well formed and the cable's text agrees with it or says nothing; else the one the text
//! gives, with the site's spelling kept in `source_id`. Sites get IDs wrong: the final Cable
//! Viewer release has `7575LIBREVILLE1895` for `75LIBREVILLE1895`,
//! `08SCTION02OF02SAOPAULO335` for `08SAOPAULO335`, `07SOIA828` for `07SOFIA828`.
//!
//! The text's ID (post and number from the classification line, a page-break line or the
//! station line; year from the date-time group) wins over a well-formed site ID only when
//! both have the same year and number and the post alone differs: a cable that quotes
//! another has that other's classification line in it, and then the site is right. In
//! place of a malformed site ID, the text's ID of the same number is taken first (the
//! station line of a cable that quotes another is its own), else the text's first.

use super::Reject;
use crate::model::CableId;

/// The ID a copy gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decided {
    /// The canonical ID.
    pub id: CableId,
    /// The site's spelling, when it differs from `id`.
    pub source_id: Option<String>,
    /// The site's spelling, when it is malformed and the text gave no ID to use instead:
    /// the copy is kept under it, and is suspect.
    pub malformed: Option<String>,
}

/// The parts of an ID as written: year digits, post letters, serial number digits.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parts<'a> {
    year: &'a str,
    post: &'a str,
    number: &'a str,
}

impl Parts<'_> {
    /// An ID's parts, or `None` when it is not year digits, letters, then digits (with a
    /// PlusD-style `_b` suffix allowed).
    fn of(raw: &str) -> Option<Parts<'_>> {
        let stem = raw.trim();
        let stem = stem.rsplit_once('_').map_or(stem, |(stem, _)| stem);
        let year_len = stem.bytes().take_while(u8::is_ascii_digit).count();
        let number_len = stem.bytes().rev().take_while(u8::is_ascii_digit).count();
        if year_len == 0 || number_len == 0 || year_len + number_len >= stem.len() {
            return None;
        }
        Some(Parts {
            year: &stem[..year_len],
            post: &stem[year_len..stem.len() - number_len],
            number: &stem[stem.len() - number_len..],
        })
    }

    /// Whether the parts are what a real ID has: a year of two digits or of four starting
    /// 19 or 20, and a post of letters alone.
    fn well_formed(&self) -> bool {
        let year_ok = self.year.len() == 2
            || (self.year.len() == 4
                && (self.year.starts_with("19") || self.year.starts_with("20")));
        year_ok && self.post.bytes().all(|b| b.is_ascii_alphabetic())
    }

    /// The two-digit year and the number without leading zeros, for comparing.
    fn year_and_number(&self) -> (&str, &str) {
        let year = &self.year[self.year.len().saturating_sub(2)..];
        let number = self.number.trim_start_matches('0');
        (year, number)
    }

    fn same_post(&self, other: &Parts<'_>) -> bool {
        self.post.eq_ignore_ascii_case(other.post)
    }
}

/// Decides the ID of a copy from the site's spelling (`site`, from the URL or the page)
/// and the IDs the cable's text gives (`text`, most trusted first, as
/// [`super::cable::ids_from_text`] lists them).
pub fn decide(site: Option<&str>, text: &[CableId]) -> Result<Decided, Reject> {
    let Some(raw) = site.map(str::trim) else {
        let id = text
            .first()
            .cloned()
            .ok_or(Reject::NoCableId { found: None })?;
        return Ok(Decided {
            id,
            source_id: None,
            malformed: None,
        });
    };
    let spelled = |id: &CableId| (!raw.eq_ignore_ascii_case(id.as_str())).then(|| raw.to_string());
    let parts = Parts::of(raw);
    let parsed = CableId::parse(raw).ok();
    if let (Some(parts), Some(site_id)) = (&parts, parsed.clone())
        && parts.well_formed()
    {
        if let Some(text_id) = text.first()
            && let Some(text_parts) = Parts::of(text_id.as_str())
            && text_parts.year_and_number() == parts.year_and_number()
            && !text_parts.same_post(parts)
        {
            return Ok(Decided {
                source_id: Some(raw.to_string()),
                id: text_id.clone(),
                malformed: None,
            });
        }
        return Ok(Decided {
            source_id: spelled(&site_id),
            id: site_id,
            malformed: None,
        });
    }
    let same_number = |id: &&CableId| {
        parts.as_ref().is_some_and(|parts| {
            Parts::of(id.as_str()).is_some_and(|p| p.year_and_number() == parts.year_and_number())
        })
    };
    match (text.iter().find(same_number).or(text.first()), parsed) {
        (Some(text_id), _) => Ok(Decided {
            source_id: Some(raw.to_string()),
            id: text_id.clone(),
            malformed: None,
        }),
        (None, Some(site_id)) => Ok(Decided {
            source_id: None,
            id: site_id,
            malformed: Some(raw.to_string()),
        }),
        (None, None) => Err(Reject::NoCableId {
            found: Some(raw.to_string()),
        }),
    }
}

#[cfg(test)]
mod tests;
