//! The quality gate: a cleaned cable that still shows a sign of the site's chrome, of text
//! that did not decode, of text the edge step could not place, or of an ID it could not
//! correct, is suspect, with its reasons. A suspect cable is stored as such, never as
//! clean, and exports leave it out unless asked.
//!
//! The signs: one of the rule's `markers`; anywhere, a `¶` right before a paragraph
//! number, a teaser's `More>>`, a copyright line, a line equal to the page's own headline;
//! U+FFFD replacement characters.

use std::sync::LazyLock;

use regex::Regex;

use super::cable::opens_cable;
use super::signatures::same_words;
use crate::model::{Cable, Suspect, SuspectKind};
use crate::rules::Rule;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern)
        .unwrap_or_else(|error| panic!("built-in pattern {pattern:?} is broken: {error}"))
}

/// `¶3.`, `¶ 12.`: a paragraph permalink's glyph left before the cable's number.
static PERMALINK_BEFORE_NUMBER: LazyLock<Regex> = LazyLock::new(|| regex(r"¶\s*\d+\s*\."));
static MORE_LINK: LazyLock<Regex> = LazyLock::new(|| regex(r"More\s*(?:>>|»|&gt;&gt;)"));
static COPYRIGHT_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?im)^\s*(?:©|&copy;|copyright\s+(?:©|\(c\)|\d{4}))|all rights reserved")
});

/// What the cleaning saw that the cable itself does not show.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// The page's own headline.
    pub headline: Option<&'a str>,
    /// Lines near the cable's opening that the edge step could not place.
    pub unplaced: &'a [String],
    /// The page's ID as written, when it is malformed and the text gave none in its place.
    pub malformed_id: Option<&'a str>,
    /// The page ends before its `</html>` (see `clean::complete`).
    pub cut_short: bool,
}

/// The reasons `cable`, cleaned by `rule`, is suspect; none when it is clean.
pub fn judge(cable: &Cable, rule: &Rule, evidence: &Evidence<'_>) -> Vec<Suspect> {
    let mut reasons = Vec::new();
    let mut add = |kind, detail: String| {
        if !reasons.iter().any(|r: &Suspect| r.kind == kind) {
            reasons.push(Suspect { kind, detail });
        }
    };
    let parts = [
        ("body", Some(cable.body.as_str())),
        ("header", cable.header.as_deref()),
        ("subject", cable.subject.as_deref()),
    ];
    for (part, text) in parts {
        let Some(text) = text else { continue };
        for marker in &rule.chrome.markers {
            if text.contains(marker.as_str()) {
                add(
                    SuspectKind::Marker,
                    format!(
                        "the {part} holds `{marker}`, which only {}'s chrome has",
                        rule.name
                    ),
                );
            }
        }
        if let Some(found) = PERMALINK_BEFORE_NUMBER.find(text) {
            add(
                SuspectKind::Permalink,
                format!("the {part} holds a permalink glyph: `{}`", found.as_str()),
            );
        }
        if MORE_LINK.is_match(text) {
            add(
                SuspectKind::MoreLink,
                format!("the {part} holds a teaser's `More>>`"),
            );
        }
        if let Some(line) = COPYRIGHT_LINE
            .find(text)
            .and_then(|found| text[found.start()..].lines().next())
        {
            add(
                SuspectKind::Copyright,
                format!("the {part} holds a copyright line: `{}`", line.trim()),
            );
        }
        // Sites title a cable page with its subject, so the subject may equal the headline,
        // and so may a heading inside the cable: only a headline above the cable's opening
        // is the site's.
        if part != "subject"
            && let Some(headline) = evidence.headline
            && let Some(line) = above_opening(text).find(|line| same_words(line, headline))
        {
            add(
                SuspectKind::Headline,
                format!("the {part} holds the page's headline: `{}`", line.trim()),
            );
        }
        let replaced = text.chars().filter(|&c| c == '\u{fffd}').count();
        if replaced > 0 {
            add(
                SuspectKind::ReplacementCharacters,
                format!(
                    "the {part} holds {replaced} replacement character(s): bytes that did not decode in the page's encoding"
                ),
            );
        }
    }
    if let Some(line) = evidence.unplaced.first() {
        add(
            SuspectKind::Unplaced,
            format!(
                "{} line(s) before the cable's opening are neither cable text nor known chrome, starting `{line}`",
                evidence.unplaced.len()
            ),
        );
    }
    if evidence.cut_short {
        add(
            SuspectKind::CutShort,
            "the page ends before its </html>: it was cut short in transfer or on disk, and the cable may be too; fetch or save it again".to_string(),
        );
    }
    if let Some(raw) = evidence.malformed_id {
        add(
            SuspectKind::MalformedId,
            format!(
                "the page's ID `{raw}` is malformed and the cable's text gives none to put in its place"
            ),
        );
    }
    reasons
}

/// The lines of `text` above the cable's opening line (all of them when it has none).
fn above_opening(text: &str) -> impl Iterator<Item = &str> {
    let opening = text.lines().position(opens_cable);
    text.lines()
        .enumerate()
        .take_while(move |(at, _)| opening.is_none_or(|opening| at < &opening))
        .map(|(_, line)| line)
}

#[cfg(test)]
mod tests;
