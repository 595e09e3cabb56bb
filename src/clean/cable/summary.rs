//! The summary of a cable: the text between its `Summary:` label (or `SUMMARY` heading)
//! and `End summary.`, over as many paragraphs as it runs, or the labelled paragraph alone
//! where there is no end marker.

use std::sync::LazyLock;

use regex::Regex;

use super::{MARKING, collapse_spaces, floor_char_boundary, lines_of, offset_in, page_text, regex};

/// How far after its label a summary's end marker is looked for.
const MAX_SUMMARY_LEN: usize = 20_000;

/// A summary label at the start of a paragraph: `1. (C) Summary:`, `SUMMARY AND COMMENT:`,
/// `Introduction and summary:`, `BEGIN SUMMARY`, `Summary.`, `1.  (C)  SUMMARY  Text`, or
/// a `Summary` heading alone on its line.
static SUMMARY_START: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)^[ \t]*(?:\d{{1,2}}[ \t]*[.,][ \t]*){{0,2}}(?:{MARKING}[ \t]*|[a-z/]{{1,6}}\)[ \t]*)?(?:-+[ \t]*)?(?:(?:introduction|comment|background)[ \t]+(?:and|&)[ \t]+)?(?:begin[ \t]+|executive[ \t]+)?(?P<label>summary)(?:[ \t]*(?:and|&)[ \t]+[a-z]+(?:[ \t]+[a-z]+){{0,3}})?(?:[ \t]*/[ \t]*[a-z]+)?\b(?P<gap>[ \t]*)(?P<punct>[:.\-–—]*)[ \t]*"
    ))
});

/// A summary label after other text on its line: `… REASON: 1.4 (b), (d) 1. (C) Summary:`.
static SUMMARY_MIDLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?i)[ \t]\d{{1,2}}[ \t]*\.[ \t]*(?:{MARKING}[ \t]*)?summary[ \t]*[:.][ \t]*"
    ))
});

/// The word itself, which every label holds.
static SUMMARY_WORD: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)summary"));

/// The start of a numbered paragraph, anywhere in a text.
static PARAGRAPH_START: LazyLock<Regex> = LazyLock::new(|| regex(r"(?m)^[ \t]*\d{1,2}[ \t]*\."));

/// How far into a text a summary without a label may end.
const MAX_UNLABELLED_END: usize = 10_000;

/// The words of an end marker before its `summary`: `End summary.`, `END SUMMARY`, `(End
/// Summary)`, `End of summary`, split over lines too; matched against the text just before
/// each `summary`, which is far rarer in a cable than `end`.
static END_BEFORE_SUMMARY: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\bend\s+(?:of\s+(?:the\s+)?)?(?:introduction\s+and\s+)?$"));

/// How far before its `summary` an end marker's first word may be.
const END_MARKER_LOOKBACK: usize = 48;

/// The first end marker in `text`: where it starts.
fn end_marker(text: &str) -> Option<usize> {
    SUMMARY_WORD.find_iter(text).find_map(|word| {
        let whole_word = text[word.end()..]
            .bytes()
            .next()
            .is_none_or(|b| !b.is_ascii_alphanumeric() && b != b'_');
        let from = floor_char_boundary(text, word.start().saturating_sub(END_MARKER_LOOKBACK));
        let before = &text[from..word.start()];
        let found = END_BEFORE_SUMMARY.find(before).filter(|_| whole_word)?;
        Some(from + found.start())
    })
}

/// A numbered paragraph's opening, and the marking after it: `1. (C) `.
static PARAGRAPH_OPENING: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"^\s*(?:{MARKING}\s*)?(?:(?:\d{{1,2}}\s*[.,]\s*){{1,2}}(?:{MARKING}\s*|[A-Za-z/]{{1,6}}\)\s*)?)?"
    ))
});

/// A rule under or over a heading: `-------`, `- - - -`.
static RULE: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*(?:[-=_*]\s*){3,}$"));

/// The start of the next numbered paragraph, which ends a summary without an end marker.
static NEXT_PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*\d{1,2}\s*\.\s"));

/// The summary of `body`: its paragraphs as text, lines joined and white space collapsed,
/// paragraphs separated by a blank line; page breaks and lone `SIPDIS` lines left out.
pub fn summary(body: &str) -> Option<String> {
    let Some((start, heading)) = summary_start(body) else {
        return unlabelled_summary(body);
    };
    let start = if heading {
        label_after_heading(body, start).unwrap_or(start)
    } else {
        start
    };
    let window_end = floor_char_boundary(body, start.saturating_add(MAX_SUMMARY_LEN));
    let window = &body[start..window_end];
    let text = match end_marker(window) {
        Some(end) => &window[..end],
        None => first_paragraph(window, heading),
    };
    let summary = tidy(text);
    (!summary.is_empty()).then_some(summary)
}

/// Where the summary's text begins, and whether its label is a heading on a line of its
/// own (the text then starts with the next paragraph). Only the lines holding the word
/// are looked at, so the cost is one scan of the text for it.
fn summary_start(body: &str) -> Option<(usize, bool)> {
    let mut last_line_start = None;
    let window = &body[..floor_char_boundary(body, MAX_LABEL_OFFSET)];
    for word in SUMMARY_WORD.find_iter(window) {
        let line_start = body[..word.start()].rfind('\n').map_or(0, |at| at + 1);
        if last_line_start == Some(line_start) {
            continue;
        }
        last_line_start = Some(line_start);
        let line_end = body[word.end()..]
            .find('\n')
            .map_or(body.len(), |at| word.end() + at);
        let line = &body[line_start..line_end];
        if let Some((offset, heading)) = label_in_line(line, word.end() - line_start) {
            return Some((line_start + offset, heading));
        }
        if heading_after_text(line, &body[line_end..]) {
            return Some((line_end, true));
        }
    }
    None
}

/// After a `Summary` heading, the label given again at the start of the paragraph under
/// it (`(S//NF) Summary`, blank, `1. (S//NF) SUMMARY. On …`): where the text starts past it.
fn label_after_heading(body: &str, heading_end: usize) -> Option<usize> {
    let rest = body.get(heading_end..)?;
    let line = lines_of(rest).find(|line| !line.trim().is_empty())?;
    let line_start = heading_end + offset_in(rest, line);
    let word = SUMMARY_WORD.find(&line[..floor_char_boundary(line, MAX_LABEL_TAIL)])?;
    match label_in_line(line, word.end()) {
        Some((offset, false)) => Some(line_start + offset),
        _ => None,
    }
}

/// A label in one line: at its start (`1. (C) Summary:`, a heading alone), or after other
/// text (`… (b), (d) 1. (C) Summary:`). Gives where the text starts in the line.
fn label_in_line(line: &str, word_end: usize) -> Option<(usize, bool)> {
    // A label is short: only the line's opening up to a little past the word is matched,
    // which keeps a long paragraph line cheap.
    let head = &line[..floor_char_boundary(line, word_end + MAX_LABEL_TAIL)];
    if let Some(found) = SUMMARY_START.captures(head) {
        let punct = found.name("punct").map_or("", |m| m.as_str());
        let gap = found.name("gap").map_or("", |m| m.as_str());
        let capitals = found
            .name("label")
            .is_some_and(|label| label.as_str() == "SUMMARY");
        let rest_start = found.get(0)?.end();
        if line[rest_start..].trim().is_empty() {
            return Some((line.len(), true));
        }
        // `Summary of the meeting` is prose, not a label.
        if !punct.is_empty() || (capitals && gap.len() >= 2) {
            return Some((rest_start, false));
        }
    }
    SUMMARY_MIDLINE.find(head).map(|m| (m.end(), false))
}

/// How far into a text a summary's label may be: summaries open the text (in the
/// Cablegate corpus, within its first 1,600 bytes).
const MAX_LABEL_OFFSET: usize = 8_000;

/// How far past the word a label may run (`SUMMARY AND TABLE OF CONTENTS:`).
const MAX_LABEL_TAIL: usize = 48;

/// `… REASON: 1.4 (a), (b), (d) Summary` with a rule on the next line: a heading after
/// other text.
fn heading_after_text(line: &str, after: &str) -> bool {
    let trimmed = line.trim_end();
    let ends_with_word = trimmed
        .get(trimmed.len().saturating_sub(8)..)
        .is_some_and(|tail| tail.eq_ignore_ascii_case(" summary"));
    let next_line = lines_of(after.trim_start_matches('\n'))
        .next()
        .unwrap_or_default();
    ends_with_word && RULE.is_match(next_line)
}

/// A summary with no label, only its end marker near the top (`1. (C) Text … End
/// summary.`): the numbered paragraph the marker ends.
fn unlabelled_summary(body: &str) -> Option<String> {
    let window = &body[..floor_char_boundary(body, MAX_UNLABELLED_END)];
    let end = end_marker(window)?;
    let start = PARAGRAPH_START.find_iter(&window[..end]).last()?.start();
    let summary = tidy(&window[start..end]);
    (!summary.is_empty()).then_some(summary)
}

/// The labelled paragraph alone: up to a blank line or the next numbered paragraph (after
/// a heading, the paragraph that follows it).
fn first_paragraph(window: &str, heading: bool) -> &str {
    let mut begun = !heading;
    let (mut start, mut offset) = (0, 0);
    for line in window.split_inclusive('\n') {
        let blank = line.trim().is_empty() || RULE.is_match(line);
        if !begun {
            if !blank {
                (begun, start) = (true, offset);
            }
        } else if offset > start && (blank || NEXT_PARAGRAPH.is_match(line)) {
            return &window[..offset];
        }
        offset += line.len();
    }
    window
}

/// Paragraphs of summary text, each joined onto one line, without its paragraph number.
fn tidy(text: &str) -> String {
    let mut paragraphs: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines_of(text) {
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        if RULE.is_match(line) || line.trim() == "SIPDIS" {
            continue;
        }
        let Some(line) = page_text(line) else {
            continue;
        };
        if line.trim().is_empty() {
            if !current.trim().is_empty() {
                paragraphs.push(std::mem::take(&mut current));
            }
            continue;
        }
        current.push(' ');
        current.push_str(&line);
    }
    if !current.trim().is_empty() {
        paragraphs.push(current);
    }
    // Each paragraph without its number and marking (`2. (C) `): they number the cable's
    // paragraphs, not the summary's text.
    let joined = paragraphs
        .iter()
        .map(|paragraph| {
            let paragraph = collapse_spaces(paragraph);
            let opening_len = PARAGRAPH_OPENING.find(&paragraph).map_or(0, |m| m.end());
            paragraph[opening_len..].to_string()
        })
        .filter(|paragraph| !paragraph.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n");
    joined
        .trim_end_matches(|c: char| c.is_whitespace() || "([-–—".contains(c))
        .to_string()
}

#[cfg(test)]
mod tests;
