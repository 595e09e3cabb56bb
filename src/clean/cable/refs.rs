//! The `REF:` block(s) of a cable → the documents it cites, in order, each with its letter
//! and, when it is a cable (`05 PARIS 5459`, `SECSTATE 76108`), the cable's canonical ID.

use std::sync::LazyLock;

use regex::Regex;

use super::{
    MARKING, collapse_spaces, floor_char_boundary, is_banner_line, lines_of, opening, page_text,
    regex,
};
use crate::model::{CableId, Reference, posts};

/// The longest REF block read, in lines: real ones stay far below.
const MAX_BLOCK_LINES: usize = 60;

/// A line that ends a REF block: the next field, the text, a heading rule.
static BLOCK_END: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?x)^\s*(?:
            (?i:classified\s+by|derived\s+from|subj(?:ect)?\s*:|tags?\s*:|e\.\s?o\.|eo\s+\d|decl\s*:|sipdis\b)
          | TAGS\b
          | (?i:(?:begin\s+)?summary\b|this\s+is\s+an?\s+action)
          | \d+\s*\.\s*(?:\(|[A-Z])
          | [-=_*]{{3,}}
          | {MARKING}\s
        )"
    ))
});

/// Where a REF block runs into the `Classified By` line on the same line.
static CLASSIFIED_INLINE: LazyLock<Regex> = LazyLock::new(|| regex(r"(?i)\bclassified\s+by\b"));

/// Where a reference runs into the next field or paragraph on the same line: `… 1460 (U)
/// THIS CABLE IS …`.
static FIELD_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(&format!(
        r"(?:\s{MARKING}\s+[A-Za-z]{{2}}|\s(?:SUBJECT|TAGS)\s*:)"
    ))
});

/// `REF:` in capitals after other text on its line.
static GLUED_REF: LazyLock<Regex> = LazyLock::new(|| regex(r"\S.*?(?:REFS?|REFTELS?):\s"));

/// The cited documents of the REF block(s) in `text`'s opening. `own_year` (two digits) is
/// the citing cable's year, which a reference without a year (`PARIS 5459`) stands for.
pub fn references(text: &str, own_year: Option<u16>) -> Vec<Reference> {
    let mut references = Vec::new();
    for segment in ref_segments(opening(text)) {
        let collapsed = collapse_spaces(&segment.text);
        let cut = CLASSIFIED_INLINE
            .find(&collapsed)
            .map_or(collapsed.as_str(), |m| &collapsed[..m.start()]);
        match segment.letter {
            Some(letter) => push_item(&mut references, Some(letter), cut, own_year),
            None => split_items(&mut references, cut, own_year),
        }
    }
    references
}

/// One REF line and the lines that carry it on.
struct Segment {
    /// The letter the REF keyword itself carries (`REF B SECSTATE 76108`).
    letter: Option<char>,
    text: String,
}

/// The REF lines of the opening and their continuation lines, page furniture skipped.
fn ref_segments(opening: &str) -> Vec<Segment> {
    let mut segments: Vec<Segment> = Vec::new();
    let mut in_block = false;
    let mut blank_before = false;
    let mut lines_in_block = 0;
    for line in lines_of(opening) {
        if let Some((letter, rest)) = ref_keyword(line).or_else(|| glued_to_subject(line)) {
            // `REF: A. 08 SAO PAULO 268 B. 08 BRASILIA 175 BRASILIA 00000034 001.2 OF 005`
            let text = page_text(rest).map_or_else(String::new, |text| text.into_owned());
            segments.push(Segment { letter, text });
            (in_block, blank_before, lines_in_block) = (true, false, 0);
            continue;
        }
        if !in_block {
            continue;
        }
        if line.trim().is_empty() {
            blank_before = true;
            continue;
        }
        let Some(line) = page_text(line) else {
            continue;
        };
        lines_in_block += 1;
        let Some(segment) = segments.last_mut() else {
            continue;
        };
        // `(C) 2005 STATE 117165` after `(B) …` is the next reference, not a paragraph
        // marked CONFIDENTIAL.
        let next_letter = next_parenthesised_letter(&segment.text, &line);
        let carries_on = !blank_before
            || starts_with_letter_marker(&line)
            || number_wrapped_from_post(&segment.text, &line)
            || cites_next_letter(&segment.text, &line);
        if !carries_on
            || lines_in_block > MAX_BLOCK_LINES
            || (!next_letter && BLOCK_END.is_match(&line))
            || is_banner_line(&line)
        {
            in_block = false;
            continue;
        }
        blank_before = false;
        segment.text.push('\n');
        segment.text.push_str(&line);
    }
    segments
}

/// A line that opens a REF block: `REF:`, `REFS:`, `REFTEL:`, `Ref:`, `REFERENCE:`, a
/// lettered `REF A:` / `REF B SECSTATE 76108` / `Ref A)`, or a bare `REF STATE 5107`.
/// Gives the keyword's own letter and the rest of the line.
fn ref_keyword(line: &str) -> Option<(Option<char>, &str)> {
    let trimmed = line.trim_start();
    let keyword_len = [
        "REFERENCES",
        "REFERENCE",
        "REFTELS",
        "REFTEL",
        "REFS",
        "REF",
    ]
    .iter()
    .find(|keyword| {
        trimmed
            .get(..keyword.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(keyword))
    })?
    .len();
    let (keyword, after) = trimmed.split_at(keyword_len);
    if after.starts_with(|c: char| c.is_alphanumeric()) {
        return None;
    }
    let after = after.trim_start_matches([' ', '\t']);
    if let Some(rest) = after.strip_prefix(':') {
        return Some((None, without_repeated_keyword(rest)));
    }
    let capitals = !keyword.bytes().any(|b| b.is_ascii_lowercase());
    if keyword_len <= 6 {
        if let Some((letter, rest)) = keyword_letter(after, capitals) {
            let rest = rest.trim_start();
            return Some((Some(letter), rest.strip_prefix(':').unwrap_or(rest)));
        }
    }
    // `REF STATE 5107`: only in capitals, and only when a cited cable follows at once.
    let bare = capitals && keyword_len <= 6 && !after.is_empty();
    (bare && cable_at(&words(after), 0).is_some()).then_some((None, after))
}

/// Past a keyword written twice: `REF: REF (A) MADRID 3785 (B) …`.
fn without_repeated_keyword(rest: &str) -> &str {
    let trimmed = rest.trim_start();
    match trimmed.get(..4) {
        Some(head) if head.eq_ignore_ascii_case("REF ") => &trimmed[4..],
        _ => rest,
    }
}

/// Whether a block broken by a blank line between a post and its number carries on:
/// `(C) SECSTATE`, blank, `36633`.
fn number_wrapped_from_post(block: &str, line: &str) -> bool {
    let last_word = block.split_whitespace().next_back().unwrap_or("");
    let first_word = line.split_whitespace().next().unwrap_or("");
    is_post_word(last_word)
        && posts::canonical_post_name(last_word).is_some_and(|post| posts::is_known_post(&post))
        && cable_number(first_word).is_some()
}

/// The letter right after a REF keyword: `A:`, `A.`, `A)`, `(A)`, `A,`, or a capital `A `.
fn keyword_letter(after: &str, capitals: bool) -> Option<(char, &str)> {
    let mut chars = after.char_indices();
    let (open, first) = match chars.next()? {
        (_, '(') => (true, chars.next()?.1),
        (_, c) => (false, c),
    };
    if !first.is_ascii_alphabetic() {
        return None;
    }
    let letter_end = after.find(first)? + 1;
    let tail = &after[letter_end..];
    let (punctuated, rest) = match tail.chars().next() {
        Some(')') => (true, &tail[1..]),
        Some('.' | ',' | ':') if !open => (true, &tail[usize::from(!tail.starts_with(':'))..]),
        Some(' ' | '\t') if !open && capitals && first.is_ascii_uppercase() => (false, tail),
        _ => return None,
    };
    (punctuated || capitals).then_some((first.to_ascii_uppercase(), rest))
}

/// A REF block run onto the end of another field's line: `SUBJECT: … AS UK PRIMEREF: A.
/// …`, `… Reasons 1.4 (b) and (d). REFTELS: A) 2008 BRASILIA 672`.
fn glued_to_subject(line: &str) -> Option<(Option<char>, &str)> {
    if !line.contains("REF") {
        return None;
    }
    let found = GLUED_REF.find(line)?;
    Some((None, &line[found.end()..]))
}

/// Whether `line` opens with `(X)` where the block so far holds `(W)`, the letter before.
fn next_parenthesised_letter(block: &str, line: &str) -> bool {
    match line.trim_start().as_bytes() {
        [b'(', letter, b')', ..]
            if letter.is_ascii_alphabetic() && *letter != b'A' && *letter != b'a' =>
        {
            let previous = [b'(', letter - 1, b')'];
            block.as_bytes().windows(3).any(|window| window == previous)
        }
        _ => false,
    }
}

/// Whether a line starts with a reference letter (`B.`, `B)`, `(B)`), so that it carries
/// on a REF block across a blank line.
fn starts_with_letter_marker(line: &str) -> bool {
    let trimmed = line.trim_start();
    let bytes = trimmed.as_bytes();
    match bytes {
        [b'(', letter, b')', ..] => letter.is_ascii_alphabetic(),
        [letter, b'.' | b')', rest @ ..] => {
            letter.is_ascii_alphabetic() && rest.first().is_none_or(|b| b.is_ascii_whitespace())
        }
        _ => false,
    }
}

/// Whether `line` holds, after white space, the letter after the block's last one before
/// a cited cable (`OF 10/6 D) STATE 2158`): a REF block broken by a blank line mid-item.
fn cites_next_letter(block: &str, line: &str) -> bool {
    let block = collapse_spaces(block);
    let Some(last) = letter_markers(block.trim_start())
        .last()
        .map(|marker| marker.letter)
    else {
        return false;
    };
    if last >= 'Z' {
        return false;
    }
    let expected = char::from(last as u8 + 1);
    let bytes = line.as_bytes();
    (1..line.len())
        .filter(|&at| bytes[at - 1] == b' ')
        .filter_map(|at| marker_at(line, at, expected))
        .any(|end| cites_cable(&line[end..]))
}

/// Splits a REF block's text into items: by its letters `A.`, `B)`, `(C)` when it has
/// them, else by `;` and by each cited cable in a list without separators.
fn split_items(references: &mut Vec<Reference>, text: &str, own_year: Option<u16>) {
    let markers = letter_markers(text);
    if markers.is_empty() {
        for piece in text.split(';') {
            split_by_cables(references, piece, own_year);
        }
        return;
    }
    for (index, marker) in markers.iter().enumerate() {
        let end = markers.get(index + 1).map_or(text.len(), |next| next.start);
        push_item(
            references,
            Some(marker.letter),
            &text[marker.end..end],
            own_year,
        );
    }
}

/// A reference letter found in a REF block.
struct Marker {
    letter: char,
    start: usize,
    end: usize,
}

/// The letters of a lettered block, in sequence from `A` at its very start: each next
/// letter only where it follows white space or a separator, so that `U.S.` or an initial
/// is not taken for one. A repeated letter (`A. (A) STATE 112368`) is passed over; a
/// letter given twice by mistake (`B) … B) TALLINN 347`) starts a reference when a cable
/// follows it.
fn letter_markers(text: &str) -> Vec<Marker> {
    let mut markers: Vec<Marker> = Vec::new();
    let Some(first_end) = marker_at(text, 0, 'A') else {
        return markers;
    };
    let mut position = skip_repeat(text, first_end, 'A');
    markers.push(Marker {
        letter: 'A',
        start: 0,
        end: position,
    });
    let mut previous = 'A';
    while position < text.len() && previous < 'Z' {
        let expected = char::from(previous as u8 + 1);
        let Some((letter, start, end)) = next_marker(text, position, expected, previous) else {
            break;
        };
        position = skip_repeat(text, end, letter);
        markers.push(Marker {
            letter,
            start,
            end: position,
        });
        previous = letter;
    }
    markers
}

/// The next marker after `from`: the `expected` letter, written `B.`/`B)`/`(B)`, or a bare
/// capital `B ` before a cited cable; or `previous` again before a cited cable.
fn next_marker(
    text: &str,
    from: usize,
    expected: char,
    previous: char,
) -> Option<(char, usize, usize)> {
    let bytes = text.as_bytes();
    (from..text.len())
        .filter(|&at| text.is_char_boundary(at) && at > 0 && b" ;,".contains(&bytes[at - 1]))
        .find_map(|at| {
            if let Some(end) = marker_at(text, at, expected) {
                return Some((expected, at, end));
            }
            if bytes[at] == expected as u8
                && bytes.get(at + 1) == Some(&b' ')
                && cites_cable(&text[at + 2..])
            {
                return Some((expected, at, at + 1));
            }
            marker_at(text, at, previous)
                .filter(|&end| cites_cable(&text[end..]))
                .map(|end| (previous, at, end))
        })
}

/// Whether a cited cable begins `text`.
fn cites_cable(text: &str) -> bool {
    let head = &text[..floor_char_boundary(text, 80)];
    cable_at(&words(head), 0).is_some()
}

/// The end of a letter marker for `letter` at `at`: `A.`, `A)`, `A:`, `(A)`, `A-`, either
/// case, followed by white space, the end, or an opening parenthesis (`(A)` by anything).
fn marker_at(text: &str, at: usize, letter: char) -> Option<usize> {
    let bytes = text.as_bytes().get(at..)?;
    let is_letter = |b: u8| b.eq_ignore_ascii_case(&(letter as u8));
    let (end, parenthesised) = match bytes {
        [b'(', l, b')', ..] if is_letter(*l) => (at + 3, true),
        [l, b'.' | b')' | b':' | b'-', ..] if is_letter(*l) => (at + 2, false),
        _ => return None,
    };
    let next = text.as_bytes().get(end);
    let closed = parenthesised || bytes.get(1) == Some(&b')');
    next.is_none_or(|b| {
        b.is_ascii_whitespace() || *b == b'(' || (closed && b.is_ascii_alphanumeric())
    })
    .then_some(end)
}

/// Past a repeat of the letter right after its marker: `A. (A)`, `A. A.`, `A. A)`.
fn skip_repeat(text: &str, end: usize, letter: char) -> usize {
    let start = end + text[end..].len() - text[end..].trim_start().len();
    marker_at(text, start, letter).unwrap_or(end)
}

/// An unlettered piece: one item per cited cable (`SAO PAULO 433 BRASILIA 709`), the words
/// after a cable (`AND PREVIOUS`) staying with it; a piece citing no cable is one item.
fn split_by_cables(references: &mut Vec<Reference>, piece: &str, own_year: Option<u16>) {
    let words = words(piece);
    let mut starts = Vec::new();
    let mut index = 0;
    while index < words.len() {
        match cable_at(&words, index) {
            Some(cable) => {
                starts.push(words[index].0);
                index = cable.next_word;
            }
            None => index += 1,
        }
    }
    if starts
        .first()
        .is_none_or(|&first| !piece[..first].trim().is_empty())
    {
        starts.insert(0, 0);
    }
    for (position, &start) in starts.iter().enumerate() {
        let end = starts.get(position + 1).copied().unwrap_or(piece.len());
        push_item(references, None, &piece[start..end], own_year);
    }
}

/// Adds one reference: its text tidied, and its ID when it begins with a cited cable.
fn push_item(
    references: &mut Vec<Reference>,
    letter: Option<char>,
    raw: &str,
    own_year: Option<u16>,
) {
    let raw = raw.trim();
    let raw = match FIELD_INLINE.find(raw) {
        Some(field) if field.start() > 0 => &raw[..field.start()],
        _ => raw,
    };
    let mut text = raw.trim();
    loop {
        let before = text;
        text = text.trim_end_matches([',', ';', '.', ' ', ':']);
        for joiner in [" AND", " and", " &"] {
            text = text.strip_suffix(joiner).unwrap_or(text);
        }
        if text == before {
            break;
        }
    }
    let text = text.trim_start_matches([',', ';', ':', ' ']);
    if text.is_empty() {
        return;
    }
    let id = cable_at(&words(text), 0).and_then(|cable| {
        let year = cable.year.or(own_year)?;
        CableId::from_parts(year, &cable.post, cable.number).ok()
    });
    references.push(Reference {
        letter: letter.map(String::from),
        id,
        text: text.to_string(),
    });
}

/// The words of a text with their byte offsets.
fn words(text: &str) -> Vec<(usize, &str)> {
    text.split_whitespace()
        .map(|word| (word.as_ptr() as usize - text.as_ptr() as usize, word))
        .collect()
}

/// A cited cable: `[YEAR] POST NUMBER`.
struct CitedCable {
    /// Two digits, when the citation gives the year.
    year: Option<u16>,
    /// The post in its canonical spelling.
    post: String,
    number: u32,
    /// The index of the first word after the number.
    next_word: usize,
}

/// Words that may stand before a post without being part of its name.
const POST_PREFIXES: &[&str] = &["AMEMBASSY", "AMCONSUL", "USMISSION", "EMBASSY", "CONSULATE"];

/// The cable cited at word `index`: an optional year (`05`, `2005`), a known post of up to
/// four words (`SAO PAULO`, `RIO DE JANEIRO`, `SECSTATE`), then its number (`5459`,
/// `-097844`, `00830--05/DEC/2008`).
fn cable_at(words: &[(usize, &str)], index: usize) -> Option<CitedCable> {
    let (year, post_start) = match words.get(index).and_then(|(_, word)| year_of(word)) {
        Some(year) => (Some(year), index + 1),
        None => (None, index),
    };
    let found = (1..=4).rev().find_map(|length| {
        let post_words = words.get(post_start..post_start + length)?;
        let number = cable_number(words.get(post_start + length)?.1)?;
        let name_start = post_words
            .iter()
            .position(|(_, word)| !POST_PREFIXES.contains(word))?;
        if !post_words.iter().all(|(_, word)| is_post_word(word)) {
            return None;
        }
        let written: String = post_words[name_start..]
            .iter()
            .map(|(_, word)| *word)
            .collect();
        let post = posts::canonical_post_name(&written)?;
        posts::is_known_post(&post).then_some((post, number, post_start + length + 1))
    });
    let (post, number, next_word) = found?;
    Some(CitedCable {
        year,
        post,
        number,
        next_word,
    })
}

/// The year of a citation, as two digits: `05`, `2005`, `(08)`.
fn year_of(word: &str) -> Option<u16> {
    let digits = word
        .strip_prefix('(')
        .and_then(|inner| inner.strip_suffix(')'))
        .unwrap_or(word);
    let century_ok = digits.len() == 2
        || (digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20")));
    let year: u16 = digits.parse().ok()?;
    (century_ok && digits.bytes().all(|b| b.is_ascii_digit())).then_some(year % 100)
}

/// A word of a post's name: letters, with `.`, `-` or `'` (`ST.`, `PORT-AU-PRINCE`).
fn is_post_word(word: &str) -> bool {
    word.bytes().any(|b| b.is_ascii_alphabetic())
        && word
            .bytes()
            .all(|b| b.is_ascii_alphabetic() || b"-.'".contains(&b))
        && word.bytes().next().is_some_and(|b| b.is_ascii_alphabetic())
}

/// A cable's number as a citation writes it: digits, maybe after a `-`, and nothing but
/// punctuation after them.
fn cable_number(word: &str) -> Option<u32> {
    let digits_start = word.strip_prefix('-').unwrap_or(word);
    let length = digits_start.bytes().take_while(u8::is_ascii_digit).count();
    if length == 0 || length > 7 {
        return None;
    }
    let rest = &digits_start[length..];
    if rest
        .bytes()
        .next()
        .is_some_and(|b| b.is_ascii_alphanumeric())
    {
        return None;
    }
    digits_start[..length].parse().ok()
}

#[cfg(test)]
mod tests;
