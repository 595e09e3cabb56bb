//! Which cable ID a copy gets: the IDs the cable's text gives ([`ids_from_text`]), and the
//! choice between them and the site's ([`decide`]). The site's own (from the page's URL,
//! or the page) when it is well formed and the cable's text agrees with it or says
//! nothing; else the one the text gives, with the site's spelling kept in `source_id`.
//! Sites get IDs wrong: the final Cable Viewer release has `7575LIBREVILLE1895` for
//! `75LIBREVILLE1895`, `08SCTION02OF02SAOPAULO335` for `08SAOPAULO335`, `07SOIA828` for
//! `07SOFIA828`.
//!
//! The text's ID (post and number from the classification line, a page-break line or the
//! station line; year from the date-time group) wins over a well-formed site ID only when
//! both have the same year and number and the post alone differs: a cable that quotes
//! another has that other's classification line in it, and then the site is right. In
//! place of a malformed site ID, the text's ID of the same number is taken first (the
//! station line of a cable that quotes another is its own), else the text's first.

use std::sync::LazyLock;

use regex::Regex;

use super::{Reject, cable};
use crate::model::CableId;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern)
        .unwrap_or_else(|error| panic!("built-in pattern {pattern:?} is broken: {error}"))
}

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
/// [`ids_from_text`] lists them).
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

/// The station line of the routing block: `DE RUEHMO #3728/01 3581207`.
static DE_LINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^\s*DE\s+(?P<station>R[A-Z]{3,6})\s+#(?P<number>\d{1,6})"));

/// The cable ID that the text itself gives: the first of [`ids_from_text`].
pub fn id_from_text(text: &str, created: Option<&str>) -> Option<CableId> {
    ids_from_text(text, None, created).into_iter().next()
}

/// Every cable ID the text gives, most trusted first: the classification line of the
/// body, then of the header (a heading of more than a page of addressees must not hide
/// the body's), the same written in sentence case (`S e c r e t state 015220`) or
/// garbled (`SS E C R E T PESHAWAR 000041`), a later
/// page's first line (`MOSCOW 00003728 002 OF 002`), then the routing block's station
/// line and the table of routing indicators. The year is the date-time group's (the
/// header's first), else `created`'s. A text may name more than one: a cable that quotes
/// another opens with that other's classification line, while its station line is its
/// own.
pub fn ids_from_text(body: &str, header: Option<&str>, created: Option<&str>) -> Vec<CableId> {
    let parts: Vec<&str> = std::iter::once(body).chain(header).collect();
    let Some(year) = header
        .into_iter()
        .chain([body])
        .find_map(|part| cable::DTG.captures(part))
        .and_then(|found| cable::four_digit_year(&found["year"]))
        .or_else(|| created.and_then(|c| c.get(..4)?.parse().ok()))
    else {
        return Vec::new();
    };
    let mut found: Vec<(String, String)> = Vec::new();
    for part in &parts {
        found.extend(cable::banner(part).map(|b| (b.origin, b.number)));
    }
    for part in &parts {
        found.extend(sentence_cased_banner(part));
    }
    for part in &parts {
        found.extend(garbled_banner(part));
    }
    for part in &parts {
        found.extend(cable::CONTINUATION_PAGE.captures(part).map(|page| {
            (
                page["origin"].trim().to_string(),
                page["number"].trim_start_matches('0').to_string(),
            )
        }));
    }
    for part in &parts {
        found.extend(DE_LINE.captures(part).and_then(|line| {
            let post = super::posts::post_of(&line["station"])?;
            Some((
                post.to_string(),
                line["number"].trim_start_matches('0').to_string(),
            ))
        }));
    }
    let mut ids: Vec<CableId> = Vec::new();
    for (origin, number) in found {
        let origin: String = origin.chars().filter(char::is_ascii_alphanumeric).collect();
        // WikiLeaks redacted some posts to `XXXXXXXXXXXX`: that names no post.
        if origin.bytes().all(|b| b == b'X') {
            continue;
        }
        if let Ok(id) = CableId::parse(&format!("{:02}{origin}{number}", year % 100))
            && !ids.contains(&id)
        {
            ids.push(id);
        }
    }
    ids
}

/// The post and number of a classification line written in sentence case, as some
/// copies print a cable (`C o n f i d e n t i a l section 01 of 04 ankara 000348`). Only
/// with the six-digit serial number those lines carry, so that a sentence that happens
/// to start with "Secret" and end with a year is not taken for one.
fn sentence_cased_banner(text: &str) -> Option<(String, String)> {
    text.lines().take(40).find_map(|line| {
        if !line.chars().any(|c| c.is_ascii_lowercase()) {
            return None;
        }
        let upper = line.to_ascii_uppercase();
        let found = cable::BANNER.captures(&upper)?;
        let written = upper.trim_end().rsplit(' ').next()?;
        (written.len() == 6 && written.starts_with('0')).then(|| {
            (
                found["origin"].trim().to_string(),
                found["number"].to_string(),
            )
        })
    })
}

/// What follows a garbled classification line's classification: `SECTION 01 OF 02`
/// perhaps, then the post and the six-digit serial number.
static AFTER_GARBLED_CLASSIFICATION: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?:SECTION\s+\d+\s+OF\s+\d+\s+)?(?P<origin>[A-Z][A-Z .'-]*?)\s+0*(?P<number>\d{1,5})\s*$",
    )
});

/// The post and number of a classification line that a copy garbled (`SS E C R E T
/// PESHAWAR 000041`, `UUNCLAS MANAGUA 001002`, `C ONFIDENTIAL SECTION 01 OF 03 BAKU
/// 000744`): the words after the last of the first words whose letters, run together,
/// end a classification word; only with a six-digit serial number, as those lines have.
fn garbled_banner(text: &str) -> Option<(String, String)> {
    const WORDS: [&str; 6] = [
        "UNCLASSIFIED",
        "UNCLAS",
        "CONFIDENTIAL",
        "ONFIDENTIAL",
        "SECRET",
        "ECRET",
    ];
    text.lines().take(40).find_map(|line| {
        if !cable::classification_word_opens(line) {
            return None;
        }
        let mut squeezed = String::new();
        let mut rest = None;
        let mut offset = 0;
        for token in line.split_inclusive(' ') {
            offset += token.len();
            squeezed.push_str(&token.trim().to_ascii_uppercase());
            if squeezed.len() > 24 {
                break;
            }
            if WORDS.iter().any(|word| squeezed.ends_with(word)) {
                rest = Some(&line[offset..]);
            }
        }
        let rest = rest?.trim();
        let serial = rest.rsplit(' ').next()?;
        if serial.len() != 6 || !serial.starts_with('0') {
            return None;
        }
        let found = AFTER_GARBLED_CLASSIFICATION.captures(rest)?;
        Some((
            found["origin"].trim().to_string(),
            found["number"].to_string(),
        ))
    })
}

#[cfg(test)]
mod tests;
