//! The lines after a `SUBJECT:` line: which of them carry the subject on (wrapped lines,
//! a phrase cut by a blank line) and which start the next field or the text.

use std::sync::LazyLock;

use regex::Regex;

use super::{MARKING, is_banner_line, page_text, regex};

/// Lines that begin the next part of a cable, ending a subject's continuation.
static AFTER_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?x)^\s*(?:
            (?i:REF|REFS|REFTEL|REFTELS|REFERENCE|REFERENCES|CLASSIFIED\s+BY|DERIVED\s+FROM|DECL\s*:
              |DECLASSIFY\s+ON|E\.\s?O\.|EO\s+\d|SENSITIVE\s+BUT\s+UNCLASSIFIED|CLASSIFICATION)\b
          | (?:TAGS|SBU|NOFORN|SIPDIS)\b
          | (?:ACTION|INFO)(?:\s*:|\s+[A-Z]+-\d)
          | (?i:(?:begin\s+|executive\s+)?summary(?:\s+and\s+\w+)?)\s*(?:[:.-]|$)
          | (?i:this\s+is\s+an?\s+action)
          | \d+\s*\.\s                                  # a numbered paragraph
          | \d+\s*\.\s*\(                               # 1.(C)
          | {MARKING}\s                                 # (U) Text
          | [-=_*]{{3,}} | (?:-\s){{2,}}                # a rule
          | (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday),\s+\d{{1,2}}\s+[A-Z][a-z]+\s+\d{{4}},\s+\d
        )"
    ))
});

/// The next line that could carry on a subject, page furniture skipped, and whether a
/// blank line (past those allowed) came before it; `None` at the end of the text or after
/// two blank lines.
pub(super) fn next_subject_line<'a>(
    lines: &mut impl Iterator<Item = &'a str>,
    blank_lines_allowed: &mut usize,
) -> Option<(String, bool)> {
    let mut blanks = 0;
    for line in lines.by_ref() {
        if line.trim().is_empty() {
            blanks += 1;
            if blanks > *blank_lines_allowed + 1 {
                return None;
            }
            continue;
        }
        let after_blank = blanks > *blank_lines_allowed;
        *blank_lines_allowed = 0;
        if let Some(text) = page_text(line) {
            return Some((text.into_owned(), after_blank));
        }
    }
    None
}

/// Words that neither end a subject nor start a new field: a blank line between one of
/// them and the next words cuts a phrase of the subject, not the subject.
const LINKING_WORDS: &[&str] = &[
    "A", "ABOUT", "AFTER", "AN", "AND", "AS", "AT", "BEFORE", "BUT", "BY", "FOR", "FROM", "IN",
    "INTO", "OF", "ON", "OR", "OVER", "THE", "TO", "WITH",
];

/// How many lines after the SUBJECT line its continuation is looked for in.
pub(super) const MAX_SUBJECT_LINES: usize = 16;

/// The start of a field that follows the subject: a line the subject's words come before.
static FIELD_AFTER_SUBJECT: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^\s*(?:refs?\b|reftels?\b|classified\s+by|e\.\s?o\.|decl\s*:|tags\b)")
});

/// Whether the words before and after a blank line belong to one phrase: the subject so
/// far ends with a linking word, a possessive or a comma, or the next line starts with a
/// linking word; or the next line, in the subject's case and not too long for a subject
/// (40 words in capitals, 12 otherwise), has the next field (REF, Classified By) right
/// after it (`… AFTER CURRENCY`, blank, `REFORM`, blank, `REF: …`).
pub(super) fn phrase_cut(parts: &[String], next: &str, line_after: Option<&str>) -> bool {
    let so_far = parts.join(" ");
    let capitals = |text: &str| !text.chars().any(char::is_lowercase);
    let before_next_field = line_after.is_some_and(|line| FIELD_AFTER_SUBJECT.is_match(line))
        && next.split_whitespace().count() <= if capitals(&so_far) { 40 } else { 12 }
        && capitals(&so_far) == capitals(next)
        && !next.trim_end().ends_with('.');
    before_next_field || phrase_cut_at_words(parts, next)
}

/// [`phrase_cut`] by the words on either side of the blank line.
fn phrase_cut_at_words(parts: &[String], next: &str) -> bool {
    let so_far = parts.join(" ");
    let so_far = so_far.trim_end();
    let linking = |word: Option<&str>| {
        word.is_some_and(|word| LINKING_WORDS.iter().any(|w| w.eq_ignore_ascii_case(word)))
    };
    let possessive = ["'S", "\u{2019}S"]
        .iter()
        .any(|suffix| so_far.to_uppercase().ends_with(suffix));
    let ends_open =
        so_far.ends_with([',', ':', '-']) || possessive || linking(so_far.rsplit(' ').next());
    let starts_joined = linking(next.split_whitespace().next());
    !so_far.is_empty() && next.len() < 100 && (ends_open || starts_joined)
}

/// Whether `line` carries on the subject so far rather than starting the next field or
/// the text: not a field or paragraph, and, after a subject in capitals, not a line of
/// ordinary sentence-cased prose.
pub(super) fn continues_subject(parts: &[String], line: &str) -> bool {
    // A line of punctuation only (a stray `<` a site left) carries nothing on.
    if AFTER_SUBJECT.is_match(line)
        || is_banner_line(line)
        || !line.chars().any(char::is_alphanumeric)
    {
        return false;
    }
    let so_far = parts.concat();
    let capitals = |text: &str| {
        let letters = text.chars().filter(|c| c.is_alphabetic());
        let (upper, all) = letters.fold((0usize, 0usize), |(upper, all), c| {
            (upper + usize::from(c.is_uppercase()), all + 1)
        });
        all > 0 && upper * 10 >= all * 9
    };
    let lower_share_over_half = {
        let letters: Vec<char> = line.chars().filter(|c| c.is_alphabetic()).collect();
        letters.iter().filter(|c| c.is_lowercase()).count() * 2 > letters.len()
    };
    !(capitals(&so_far) && lower_share_over_half)
}
