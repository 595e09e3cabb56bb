//! Line-level helpers shared by the cable parsers: a fast line splitter, white-space
//! collapsing, the cable's opening, and telling page breaks and classification lines from
//! the text around them.

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

use super::{BANNER, BANNER_ONLY, PAGE_BREAK_LINE, PAGE_BREAK_PREFIX, regex};
use crate::model::posts;

/// The largest char boundary of `text` at or below `index`.
pub(super) fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// The part of a cable before its first numbered paragraph, where the header fields are.
pub(super) fn opening(text: &str) -> &str {
    // The first line that opens with `1.` and white space (`1. (C) …`), by a scan of line
    // starts: this runs on every cable, several times, and a regex with no literal to look
    // for would walk the whole text.
    for line in lines_of(text) {
        let trimmed = line.trim_start();
        if let Some(after_one) = trimmed.strip_prefix('1') {
            let after_dot = after_one.trim_start().strip_prefix('.');
            // `1.` ending its line counts too: the paragraph's text is on the next line.
            if after_dot
                .is_some_and(|rest| rest.is_empty() || rest.starts_with(char::is_whitespace))
            {
                return &text[..offset_in(text, line)];
            }
        }
    }
    text
}

/// The lines of `text`, as `str::lines` gives them, found with SIMD `memchr`: the metadata
/// parsers walk the lines of every cable, and the standard splitter is several times
/// slower on texts of many short lines.
pub(super) fn lines_of(text: &str) -> impl Iterator<Item = &str> + '_ {
    let mut start = 0;
    let mut line_ends = memchr::memchr_iter(b'\n', text.as_bytes());
    std::iter::from_fn(move || {
        let end = match line_ends.next() {
            Some(end) => end,
            None if start < text.len() => text.len(),
            None => return None,
        };
        let line = &text[start..end];
        start = end + 1;
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

/// `text` with each run of white space made one space and none at either end: what
/// `text::collapse_whitespace` does. Text whose only white space is ASCII (nearly every
/// cable) is copied a stretch at a time between the places that need a change.
pub(super) fn collapse_spaces(text: &str) -> String {
    if has_other_white_space(text) {
        return crate::clean::text::collapse_whitespace(text);
    }
    let bytes = text.as_bytes();
    let len = bytes.len();
    let is_space = |b: u8| matches!(b, b' ' | b'\n' | b'\t' | b'\r');
    let mut out: Vec<u8> = Vec::with_capacity(len);
    let mut at = bytes.iter().position(|&b| !is_space(b)).unwrap_or(len);
    // The next line break, tab or carriage return, and the next two spaces in a row: the
    // only places where the text changes. Each is searched for again once passed.
    let find_break = |from: usize| memchr::memchr3(b'\n', b'\t', b'\r', &bytes[from..]);
    let find_double = |from: usize| memchr::memmem::find(&bytes[from..], b"  ");
    let mut next_break = find_break(at).map_or(len, |offset| at + offset);
    let mut next_double = find_double(at).map_or(len, |offset| at + offset);
    while at < len {
        if next_break < at {
            next_break = find_break(at).map_or(len, |offset| at + offset);
        }
        if next_double < at {
            next_double = find_double(at).map_or(len, |offset| at + offset);
        }
        let stretch_end = next_break.min(next_double);
        out.extend_from_slice(&bytes[at..stretch_end]);
        at = stretch_end;
        while at < len && is_space(bytes[at]) {
            at += 1;
        }
        if at < len && out.last().is_some_and(|&last| last != b' ') {
            out.push(b' ');
        }
    }
    while out.last() == Some(&b' ') {
        out.pop();
    }
    // Only ASCII white space was dropped or made a space, so the bytes are still UTF-8.
    String::from_utf8(out).unwrap_or_else(|_| crate::clean::text::collapse_whitespace(text))
}

/// Whether `text` holds white space other than space, line feed, tab and carriage return:
/// a vertical tab or form feed, or a Unicode space (no-break, ideographic, …), whose
/// UTF-8 forms all start with one of the bytes C2, E1, E2, E3.
fn has_other_white_space(text: &str) -> bool {
    let bytes = text.as_bytes();
    let starts_other = |at: usize| {
        text.get(at..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(char::is_whitespace)
    };
    memchr::memchr2(0x0b, 0x0c, bytes).is_some()
        || memchr::memchr3_iter(0xc2, 0xe1, 0xe2, bytes).any(starts_other)
        || memchr::memchr_iter(0xe3, bytes).any(starts_other)
}

/// Where `part`, a slice of `text`, starts in it.
pub(super) fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// A cheap test that rules out most lines before the BANNER pattern runs: a
/// classification line opens with a classification word, maybe spaced out.
pub(super) fn may_be_banner(line: &str) -> bool {
    let trimmed = line.trim_start();
    [
        "C O N",
        "S E C",
        "U N C",
        "UNCLAS",
        "CONFIDENTIAL",
        "SECRET",
        "LIMITED",
    ]
    .iter()
    .any(|word| trimmed.starts_with(word))
}

/// Whether a line is an opening classification line (`C O N F I D E N T I A L SECTION 01
/// OF 02 BEIJING 004687`).
pub(super) fn is_banner_line(line: &str) -> bool {
    may_be_banner(line) && BANNER.is_match(line)
}

/// The words of a line that belong to the text around a page break: the whole line, the
/// text after a Kissinger-era `PAGE 02 …` prefix, the text before a Cable Viewer page
/// break that ends the line (`NELSON JOBIM TO WASHINGTON BRASILIA 00000351 001.2 OF 003`),
/// or `None` for a line that is page furniture only.
pub(super) fn page_text(line: &str) -> Option<Cow<'_, str>> {
    if !may_be_page_furniture(line) {
        return (!line.trim().is_empty()).then_some(Cow::Borrowed(line));
    }
    if BANNER_ONLY.is_match(line) {
        return None;
    }
    if PAGE_BREAK_LINE.is_match(line) {
        return text_before_page_break(line).map(Cow::Borrowed);
    }
    // `A. 08 SAO PAULO 268 B. 08 BRASILIA 175 BRASILIA 00000034 001.2 OF 005`: a break
    // after words that are not all letters.
    if PAGE_BREAK_NUMBER.is_match(line) {
        if let Some(before) = text_before_page_break(line) {
            return Some(Cow::Borrowed(before));
        }
    }
    // `… FOR THE PAGE 02 RUEHFRA2440 C O N F I D E N T I A L PARIS 002440`: a page heading
    // run onto the end of a line of text.
    if let Some(heading) = PAGE_HEADING_RUN_ON.find(line) {
        let before = line[..heading.start()].trim_end();
        return (!before.trim().is_empty()).then_some(Cow::Borrowed(before));
    }
    let rest = PAGE_BREAK_PREFIX.replace(line, "");
    (!rest.trim().is_empty()).then_some(rest)
}

/// A Kissinger-era page heading with its routing indicator, to the end of its line:
/// `PAGE 02 RUEHFRA2440 C O N F I D E N T I A L PARIS 002440`.
static PAGE_HEADING_RUN_ON: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:^|\s)PAGE\s+\d{2,3}\s+R[A-Z]{3,7}\d{2,6}\s.*$"));

/// A cheap test that rules out most lines of text before the page-break patterns run: page
/// furniture opens with `PAGE` or a classification word, or ends with a digit.
pub(super) fn may_be_page_furniture(line: &str) -> bool {
    let trimmed = line.trim();
    trimmed.starts_with("PAGE")
        || trimmed.ends_with(|c: char| c.is_ascii_digit())
        || trimmed.contains(" PAGE ")
        || ["UNCLAS", "CONFIDENTIAL", "SECRET", "LIMITED"]
            .iter()
            .any(|word| trimmed.starts_with(word))
}

/// The words before a page break that ends a line, the post's name left out; `None` when
/// nothing comes before the break.
pub(super) fn text_before_page_break(line: &str) -> Option<&str> {
    let number = PAGE_BREAK_NUMBER.find(line)?;
    let before = line[..number.start()].trim_end();
    let words: Vec<&str> = before.split_whitespace().collect();
    let post_words = (1..=words.len().min(4)).rev().find(|&count| {
        let post = &words[words.len() - count..];
        let written: String = post.concat();
        !post
            .iter()
            .any(|word| word.bytes().any(|b| b.is_ascii_digit()))
            && posts::canonical_post_name(&written).is_some_and(|post| posts::is_known_post(&post))
    })?;
    let kept = words.len() - post_words;
    if kept == 0 {
        return None;
    }
    let last_kept = words[kept - 1];
    let end = last_kept.as_ptr() as usize - line.as_ptr() as usize + last_kept.len();
    Some(&line[..end])
}

/// The serial number of a Cable Viewer page break: `00000351 001.2 OF 003`.
static PAGE_BREAK_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\s\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\s*$"));

/// Whether a line is an original telegram page break, or a classification standing alone
/// (the repeat at the top or foot of a telegram page): part of the cable, but never of a
/// field that runs across it.
pub(super) fn is_page_furniture(line: &str) -> bool {
    may_be_page_furniture(line) && (PAGE_BREAK_LINE.is_match(line) || BANNER_ONLY.is_match(line))
}

#[cfg(test)]
mod tests;
