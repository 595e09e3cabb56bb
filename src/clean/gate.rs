//! The quality gate: a cleaned cable that still shows a sign of the site's chrome, of text
//! that did not decode, of text the edge step could not place, or of an ID it could not
//! correct, is suspect, with its reasons. A suspect cable is stored as such, never as
//! clean, and exports leave it out unless asked.
//!
//! The signs: one of the rule's `markers`; anywhere, a `¶` right before a paragraph
//! number, a teaser's `More>>`, a copyright line, a line equal to the page's own headline;
//! U+FFFD replacement characters; on a page that stops before its `</body>` and `</html>`
//! and inside the element holding the cable's text, a text that does not end as a cable
//! ends (a download cut short inside the text; cut short after that element, the cable is
//! whole and clean).

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
/// The words without which [`COPYRIGHT_LINE`] cannot match, each found far faster alone
/// than the pattern is (a pattern that starts at a line's start has no word to look for).
static COPYRIGHT_WORD: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)copyright"));
static RIGHTS_RESERVED: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)all rights reserved"));

/// The start of the first copyright line in `text`.
fn copyright_line(text: &str) -> Option<usize> {
    let may_hold = text.contains('©')
        || text.contains("&copy;")
        || COPYRIGHT_WORD.is_match(text)
        || RIGHTS_RESERVED.is_match(text);
    may_hold
        .then(|| COPYRIGHT_LINE.find(text))
        .flatten()
        .map(|found| found.start())
}

/// What the cleaning saw that the cable itself does not show.
#[derive(Debug, Clone, Copy, Default)]
pub struct Evidence<'a> {
    /// The page's own headline.
    pub headline: Option<&'a str>,
    /// Lines near the cable's opening that the edge step could not place.
    pub unplaced: &'a [String],
    /// The page's ID as written, when it is malformed and the text gave none in its place.
    pub malformed_id: Option<&'a str>,
    /// Whether the page stops before its end (see `clean::complete`) inside the element
    /// that holds the cable's text, not after it.
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
        if let Some(line) = copyright_line(text).and_then(|start| text[start..].lines().next()) {
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
    if let Some(raw) = evidence.malformed_id {
        add(
            SuspectKind::MalformedId,
            format!(
                "the page's ID `{raw}` is malformed and the cable's text gives none to put in its place"
            ),
        );
    }
    if evidence.cut_short && !ends_as_a_cable_ends(&cable.body) {
        let last = cable
            .body
            .lines()
            .rfind(|l| !l.trim().is_empty())
            .unwrap_or_default();
        add(
            SuspectKind::CutShort,
            format!(
                "the page stops before its </html>, inside the cable's text, and the text stops at `{}`, not where a cable ends; fetch or save the page again",
                last.trim()
            ),
        );
    }
    reasons
}

/// A line that ends a sentence: a full stop, `!`, `?`, or a closing parenthesis or quote.
static SENTENCE_END: LazyLock<Regex> = LazyLock::new(|| regex(r#"[.!?)"'”’]\s*$"#));
/// A signature: one to four capitalised words of a name (`KUBISCH`, `Leach`, `A/S RICE`),
/// or `NNNN`. Lower-case words (`He said the`) are a sentence's start, not a name.
static SIGNATURE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"^\s*[A-Z][A-Za-z.'/-]*(?:,?\s+[A-Z][A-Za-z.'/-]*){0,3}\s*$"));
/// The last sentence's end and the signature on one line: `End Comment. CROCKER`.
static SENTENCE_THEN_SIGNATURE: LazyLock<Regex> =
    LazyLock::new(|| regex(r#"[.!?)"'”’]\s+[A-Z][A-Za-z'-]+(?:\s+\d{4}-\d{2}-\d{2})?\s*$"#));
/// `END COMMENT`, `END SUMMARY`, `End Cable Text`, `End of Part One`, `END TALKING
/// POINTS`, with or without a full stop.
static END_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)\bend\s+(?:of\s+)?(?:comment|summary|text|cable|note|message|talking\s+points|part)\b.{0,20}$",
    )
});
/// A classification alone on a line, as older cables repeat it at their end.
static CLASSIFICATION_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\s*(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)(?:\s*//\s*[A-Z ]+)?\s*$",
    )
});

/// A line that closes what stands above a signature: one that holds a web address
/// (`http://www.state.sgov.gov/p/eur/paris/index.c fm`), a rule of `*`, `-` or `=`, a
/// telegram page break (`MADRID 00002632 002.2 OF 002`), or a redaction (`XXXXXXXXXXXX`).
static BEFORE_SIGNATURE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?ix)https?://|www\.|^[\s*=_-]{3,}$|\s\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\s*$|^\s*X{5,}\s*$",
    )
});
/// A signature at the end of a line that holds a web address or a rule: `…/index.cfm
/// TUTTLE`, `******** KURTZER`.
static SIGNATURE_AFTER_ADDRESS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:https?://|www\.|\*{5,}).*\s[A-Z][A-Za-z'-]+\s*$"));

/// Whether `body` ends as a cable ends: its last line says `END COMMENT`, is a
/// classification alone or ends a sentence and then signs it, or it is a signature (or
/// `NNNN`) standing apart (after a blank line) or under a line that closes a sentence, says
/// `END …`, signs, or holds a web address, a rule, a page break or a redaction. A text cut
/// off mid-sentence, or right after a sentence, does none of these; one cut exactly after a
/// capitalised line of up to four words under a sentence's end cannot be told from a
/// signed cable, and passes.
fn ends_as_a_cable_ends(body: &str) -> bool {
    let mut lines = body.lines().rev().skip_while(|line| line.trim().is_empty());
    let Some(last) = lines.next() else {
        return false;
    };
    if END_LINE.is_match(last)
        || CLASSIFICATION_ONLY.is_match(last)
        || SENTENCE_THEN_SIGNATURE.is_match(last)
        || SIGNATURE_AFTER_ADDRESS.is_match(last)
    {
        return true;
    }
    SIGNATURE.is_match(last)
        && lines.next().is_some_and(|before| {
            before.trim().is_empty()
                || SENTENCE_END.is_match(before)
                || END_LINE.is_match(before)
                || BEFORE_SIGNATURE.is_match(before)
                || SIGNATURE.is_match(before)
                || SENTENCE_THEN_SIGNATURE.is_match(before)
        })
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
