//! What cleaning says of its own result: the lines the edge step cut around the cable's
//! text, and why a cable is suspect (not sure to be the cable and only the cable).

use std::fmt;

use serde::{Deserialize, Serialize};

/// The site's lines the edge step cut: before the cable's own text began and after it
/// ended (a headline, a byline, "Hide header", share links, teasers).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Cut {
    /// Lines cut before the cable's text, in order.
    #[serde(default)]
    pub start: Vec<String>,
    /// Lines cut after the cable's text, in order.
    #[serde(default)]
    pub end: Vec<String>,
}

impl Cut {
    /// Whether nothing was cut.
    pub fn is_empty(&self) -> bool {
        self.start.is_empty() && self.end.is_empty()
    }

    /// How many lines were cut in all.
    pub fn lines(&self) -> usize {
        self.start.len() + self.end.len()
    }
}

/// Why a cable is suspect: a sign that its text may hold site chrome, or may not be the
/// whole cable, or may carry a wrong ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suspect {
    /// What kind of sign.
    pub kind: SuspectKind,
    /// Where and what, in words.
    pub detail: String,
}

/// The kinds of sign the quality gate looks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuspectKind {
    /// A string the rule says only the site's chrome contains.
    Marker,
    /// A `¶` right before a paragraph number: a permalink glyph left in.
    Permalink,
    /// A teaser's `More>>` link.
    MoreLink,
    /// A copyright line.
    Copyright,
    /// A line equal to the page's own headline.
    Headline,
    /// U+FFFD replacement characters: bytes that did not decode.
    ReplacementCharacters,
    /// Text before the cable's opening, or after its end, that is neither cable text nor
    /// known chrome.
    Unplaced,
    /// The page's ID is malformed and the cable's text gives none to correct it.
    MalformedId,
    /// The page stops before its `</html>` inside the element holding the cable's text,
    /// and the text does not end as a cable ends: the download was cut short inside it.
    CutShort,
    /// A kind this version of cablestrip does not know (written by a newer one).
    #[serde(other)]
    Other,
}

impl SuspectKind {
    /// The kind's stable name, as in JSON: `marker`, `permalink`, `more-link`, …
    pub fn name(self) -> &'static str {
        match self {
            SuspectKind::Marker => "marker",
            SuspectKind::Permalink => "permalink",
            SuspectKind::MoreLink => "more-link",
            SuspectKind::Copyright => "copyright",
            SuspectKind::Headline => "headline",
            SuspectKind::ReplacementCharacters => "replacement-characters",
            SuspectKind::Unplaced => "unplaced",
            SuspectKind::MalformedId => "malformed-id",
            SuspectKind::CutShort => "cut-short",
            SuspectKind::Other => "other",
        }
    }
}

impl fmt::Display for Suspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind.name(), self.detail)
    }
}
