//! Who classified a cable: the `Classified By:` line, split into the classifier's name and
//! title and the reasons of E.O. 12958 they cite.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::{collapse_spaces, floor_char_boundary, is_page_furniture, lines_of, regex};
use crate::model::ClassifiedBy;

mod person;

use person::split_person;

/// How far into a text the `Classified By` line is looked for: it sits in the opening.
const SEARCH_WINDOW: usize = 8_000;

/// The lines a `Classified By` entry may run over.
const MAX_ENTRY_LINES: usize = 5;

/// `Classified By:`, `CLASSIFIED BY`, `Classified by:` (capitalised, or at a line's start).
static CLASSIFIED_BY: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b(?:Classified|CLASSIFIED|classified)[ \t]+(?:By|BY|by)\b[ \t]*:?"));

/// Where the classifier's name and title end and the reasons begin.
static REASONS_START: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)(?:\bf\s?o\s?r?\s+)?\br\s?e\s?a\s?s\s?o\s?n(?:\s?s)?\b|\bfor\s+rea[a-z]*\b|\bE\.?\s?O\.?\s*12958\b|\b(?:under|per)\s+(?:section|sec\.|E\.?\s?O)|\b1\s*(?:[.:/]\s*)?[4-6](?:[^0-9]|$)",
    )
});

/// A section number of E.O. 12958: `1.4`, `1 .4`, `1:4`, `1.5`.
static SECTION: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\b1\s*(?:[.:/]\s*)?([4-6])(?:[^0-9]|$)"));

/// A line that ends the entry: the text, a heading, another field.
static ENTRY_END: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*(?:\d{1,2}\s*\.\s*(?:\(|[a-z])|-{3,}|summary\b|subj(?:ect)?\s*:|refs?\s*:|tags\b|e\.\s?o\.|\((?:u|c|s|sbu)\))",
    )
});

/// A Kissinger-era page heading inside the entry: `PAGE 02 RUEHFRA0170 S E C R E T`.
static PAGE_HEADING: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*PAGE\s+\d{2,3}\b"));

/// The start of a numbered paragraph run onto the entry's line: `… (b), (d) 1. (C) Summary`.
static PARAGRAPH_INLINE: LazyLock<Regex> = LazyLock::new(|| regex(r"\s\d{1,2}\s*\.\s+\("));

/// The `Classified By` entry of `text`: who (name and title, where given) and the reasons.
/// `own_year` (two digits) tells which section of E.O. 12958 reasons given as letters
/// alone (`for reasons b, d`) stand for: 1.5 before its 2003 amendment, 1.4 after.
pub fn classified_by(text: &str, own_year: Option<u16>) -> Option<ClassifiedBy> {
    let window = &text[..floor_char_boundary(text, SEARCH_WINDOW)];
    // `classified by` in lower case only at the start of a line: in prose it is no field.
    let found = CLASSIFIED_BY.find_iter(window).find(|found| {
        !found.as_str().starts_with('c')
            || window[..found.start()]
                .rsplit('\n')
                .next()
                .is_some_and(|before| before.trim().is_empty())
    })?;
    let entry = entry_text(&text[found.end()..]);
    let entry = PARAGRAPH_INLINE
        .find(&entry)
        .map_or(entry.as_str(), |m| &entry[..m.start()]);
    let entry = REPEATED_FIELD
        .find(entry)
        .map_or(entry, |repeated| &entry[repeated.end()..]);
    // `Classified By: By Ambassador …`: the word written twice.
    let entry = strip_prefix_ignoring_case(entry.trim_start(), "by ").unwrap_or(entry);
    if strip_prefix_ignoring_case(entry.trim_start(), "derived from").is_some() {
        // A derivative classification names a source guide, not a person.
        return None;
    }
    let (who, reasons_text) = match REASONS_START.find(entry) {
        Some(start) => (&entry[..start.start()], &entry[start.start()..]),
        None => (entry, ""),
    };
    let (name, title) = split_person(who);
    let broken_and = reasons_text
        .as_bytes()
        .windows(3)
        .any(|three| three.eq_ignore_ascii_case(b" nd") || three.eq_ignore_ascii_case(b"n d"));
    let reasons_text = if broken_and {
        BROKEN_AND.replace_all(reasons_text, " and ")
    } else {
        Cow::Borrowed(reasons_text)
    };
    let mut reasons = reasons(&reasons_text);
    if reasons.is_empty()
        && let Some(year) = own_year
    {
        // Two-digit years: 50–99 are the 1900s; the amendment moved the reasons to 1.4
        // in March 2003.
        let section = if (3..50).contains(&year) { '4' } else { '5' };
        let letters_start = REASON_WORD
            .find(&reasons_text)
            .map_or(reasons_text.len(), |m| m.end());
        reasons = letters_after(&reasons_text[letters_start..])
            .into_iter()
            .map(|letter| format!("1.{section}({letter})"))
            .collect();
    }
    (name.is_some() || title.is_some() || !reasons.is_empty()).then_some(ClassifiedBy {
        name,
        title,
        reasons,
    })
}

/// The field's name written again at the start of the entry: `Classified by`, `CLASSIFIED
/// CONFIDENTIAL BY`.
static REPEATED_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^(?i)\s*classified\s+(?:(?:confidential|secret|unclassified)\s+)?by\b\s*:?\s*")
});

/// `text` after `prefix`, compared without regard to ASCII case.
fn strip_prefix_ignoring_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

/// `reason`, `reasons`, `reasons:`.
static REASON_WORD: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\breasons?\b\s*:?"));

/// An `and` broken over a line: `(b) a nd (d)`, `B AN D D`.
static BROKEN_AND: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\s(?:a\s+nd|an\s+d)\s"));

/// The entry's lines joined: its first line, and the lines after it until a blank line
/// (unless the reasons follow it), the text or another field.
fn entry_text(after: &str) -> String {
    let mut lines = lines_of(after);
    let mut joined = lines.next().unwrap_or_default().to_string();
    let mut blank = false;
    for line in lines.take(MAX_ENTRY_LINES + 6) {
        if line.trim().is_empty() {
            blank = true;
            continue;
        }
        if is_page_furniture(line) || PAGE_HEADING.is_match(line) {
            continue;
        }
        let reasons_follow = SECTION
            .find(line)
            .is_some_and(|m| line[..m.start()].trim().is_empty())
            || line
                .trim_start()
                .get(..6)
                .is_some_and(|head| head.eq_ignore_ascii_case("reason"))
            || letters_only(line);
        if !reasons_follow && (blank || ENTRY_END.is_match(line)) {
            break;
        }
        // A word broken over the line (`Economic Affair` / `s E. Anthony Wayne`) is joined
        // back.
        let broken_word = !blank
            && joined.ends_with(|c: char| c.is_ascii_lowercase())
            && line.split_once(' ').is_some_and(|(head, _)| {
                (1..=2).contains(&head.len()) && head.bytes().all(|b| b.is_ascii_lowercase())
            });
        if !broken_word {
            joined.push(' ');
        }
        joined.push_str(line);
        if blank {
            break;
        }
    }
    collapse_spaces(&joined)
}

/// A line holding nothing but reason letters (`(C), (D)`, `d).`): the reasons carried on.
fn letters_only(line: &str) -> bool {
    let mut letters = 0;
    for word in line.split(|c: char| c.is_whitespace() || "(),.&/".contains(c)) {
        match word.len() {
            0 => {}
            1 if word
                .bytes()
                .all(|b| (b'a'..=b'h').contains(&b.to_ascii_lowercase())) =>
            {
                letters += 1;
            }
            _ if word.eq_ignore_ascii_case("and") => {}
            _ => return false,
        }
    }
    letters > 0
}

/// The reasons, as `1.4(b)`: every section number and the letters that follow it
/// (`1.4 (b) and (d)`, `1.4(B),(D)`, `1.5 b/d`, `1.4 (b, c, & d)`).
fn reasons(text: &str) -> Vec<String> {
    let mut reasons = Vec::new();
    for section in SECTION.captures_iter(text) {
        let Some(digit) = section.get(1) else {
            continue;
        };
        for letter in letters_after(&text[digit.end()..]) {
            let reason = format!("1.{}({letter})", digit.as_str());
            if !reasons.contains(&reason) {
                reasons.push(reason);
            }
        }
    }
    reasons
}

/// The reason letters (`a` to `h`) at the start of `text`, up to the first word that is
/// none; a letter outside parentheses counts only after the number or a separator, so
/// that the prose after the reasons is never read as one.
fn letters_after(text: &str) -> Vec<char> {
    let mut letters = Vec::new();
    let (mut in_parentheses, mut after_separator) = (false, true);
    // The letter just taken, while only white space follows it: `1.4 B C AND D` lists
    // letters in the same case with spaces alone between them.
    let mut letter_before: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if !c.is_whitespace() && !c.is_ascii_alphabetic() {
            letter_before = None;
        }
        match c {
            '(' => (in_parentheses, after_separator) = (true, true),
            ')' => (in_parentheses, after_separator) = (false, false),
            ',' | '/' | '&' | '+' | '-' => after_separator = true,
            '.' | ';' | ':' => {}
            c if c.is_whitespace() => {}
            c if c.is_ascii_alphabetic() => {
                let word_len = text[at..]
                    .bytes()
                    .take_while(u8::is_ascii_alphabetic)
                    .count();
                let word = &text[at..at + word_len];
                for _ in 1..word_len {
                    chars.next();
                }
                let letter = c.to_ascii_lowercase();
                let listed_after_letter = letter_before
                    .is_some_and(|before| before.is_ascii_uppercase() == c.is_ascii_uppercase());
                if word_len == 1
                    && ('a'..='h').contains(&letter)
                    && (in_parentheses || after_separator || listed_after_letter)
                {
                    if !letters.contains(&letter) {
                        letters.push(letter);
                    }
                    after_separator = false;
                    letter_before = Some(c);
                } else if ["and", "an", "or"]
                    .iter()
                    .any(|joiner| word.eq_ignore_ascii_case(joiner))
                {
                    after_separator = true;
                    letter_before = None;
                } else {
                    break;
                }
            }
            _ => break,
        }
    }
    letters
}

#[cfg(test)]
mod tests;
