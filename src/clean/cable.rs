//! Cable text → cable facts: subject, tags, classification, creation date, the lines that
//! open and structure a cable, and the split between routing header and body (the IDs the
//! text gives are read in `ids.rs`). Works on text alone, so every site shares it.

use std::sync::LazyLock;

use regex::Regex;

use super::text::collapse_whitespace;

mod authority;
mod declassify;
mod lines;
mod metadata;
mod refs;
mod routing;
mod signer;
mod subject_lines;
mod summary;
mod tag_list;

use lines::{
    collapse_spaces, floor_char_boundary, is_banner_line, is_page_furniture, lines_of, offset_in,
    opening, page_text,
};
pub use metadata::metadata;
use subject_lines::{MAX_SUBJECT_LINES, continues_subject, next_subject_line, phrase_cut};

/// Compiles a built-in pattern, its word boundaries (`\b`) made ASCII ones: the cable
/// fields they delimit are ASCII, and a Unicode boundary would send every search of a text
/// holding a curly quote or an accent to the regex crate's slowest engine.
fn regex(pattern: &str) -> Regex {
    let ascii_boundaries = pattern.replace(r"\b", r"(?-u:\b)");
    Regex::new(&ascii_boundaries)
        .unwrap_or_else(|error| panic!("built-in pattern {pattern:?} is broken: {error}"))
}

/// Original telegram page-break lines: `MOSCOW 00003728 002 OF 002`, `PAGE 02 ATHENS 02959
/// 171944Z`. They are part of the cable, but never of a subject.
static PAGE_BREAK_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?x)^\s*(?:
            [A-Z][A-Z\ .'-]*?\s+\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\s*$
          | PAGE\s+\d{2,3}\s+[A-Z][A-Z\ .'-]*?\s+\d{3,6}(?:\s+\d{2}\s+OF\s+\d{2})?\s+\d{6}Z\s*$
        )",
    )
});

/// The same Kissinger-era page break when the text runs on after it on one line.
static PAGE_BREAK_PREFIX: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"^\s*PAGE\s+\d{2,3}\s+[A-Z][A-Z .'-]*?\s+\d{3,6}(?:\s+\d{2}\s+OF\s+\d{2})?\s+\d{6}Z\s+")
});

/// A classification alone on a line (the repeat at the top of a new telegram page).
static BANNER_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\s*(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)(?:\s+[A-Z]{2,4}\d{3,5})?\s*$",
    )
});

/// The classification line that opens a cable: `C O N F I D E N T I A L SECTION 01 OF 02
/// BEIJING 004687`, `UNCLAS MOSCOW 003728`, `S E C R E T STATE 012345`.
pub(super) static BANNER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?x)^\s*(?P<class>
              C\ O\ N\ F\ I\ D\ E\ N\ T\ I\ A\ L | S\ E\ C\ R\ E\ T | U\ N\ C\ L\ A\ S\ S\ I\ F\ I\ E\ D
            | UNCLASSIFIED | UNCLAS | CONFIDENTIAL | SECRET | LIMITED\ OFFICIAL\ USE )
          (?:\s*//\s*[A-Z]+)?
          (?:\s+E\ F\ T\ O)?
          (?:\s+SECTION\s+\d+\s+OF\s+\d+)?
          \s+(?P<origin>[A-Z][A-Z\ .'-]*?)\s+0*(?P<number>\d{1,6})\s*$",
    )
});

/// A date-time group on a routing line: `O 290912Z DEC 08`, `P R 231207Z DEC 08`, or
/// alone as some copies print it: `291359Z Nov 00`.
pub(super) static DTG: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?m)^\s*(?:[ZOPRM]\s+){0,2}(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})\s?Z\s+(?P<month>[A-Za-z]{3})\s+(?P<year>\d{2}|\d{4})\s*$",
    )
});

/// Routing lines at the top of a cable that has no separate header block.
static ROUTING_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?x)^\s*(?:
            VZCZC\S* | R[A-Z]{4,5}\d*(?:\s+R[A-Z]{4,5}\d*)*
          | (?:OO|PP|RR|ZZ|O|P|R|Z)\s+R[A-Z]{4,5}\b.* | DE\s+R[A-Z]{3,6}\s+\#.* | ZNY\s.* | ZNR\s.*
          | (?:[ZOPRM]\s+){1,2}\d{6}Z\s+[A-Z]{3}\s+\d{2,4} | FM\s.* | TO\s.* | INFO\s.* | BT
          | R[A-Z]{3,6}/.* | [A-Z0-9 ]+/.*(?:IMMEDIATE|PRIORITY|ROUTINE|FLASH|NIACT)(?:\s+\d+)?
        )\s*$",
    )
});

/// `SUBJECT: …`, `SUBJ: …`, `Subject: …` at the start of a line.
static SUBJECT_LINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^[ \t]*(?:SUBJECT|SUBJ|Subject|Subj)[ \t]*:[ \t]*(.*)$"));

/// `SUBJECT TEXT…` without a colon, as some older cables write it; looked for only in the
/// cable's opening.
static SUBJECT_BARE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^[ \t]*(?:SUBJECT|SUBJ)[ \t]+([A-Z(].*)$"));

/// `Subject:` anywhere in a line, any case.
static SUBJECT_INLINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?im)\bsubj(?:ect)?[ \t]*:[ \t]*(.*)$"));

/// A classification marking in parentheses: `(C)`, `(SBU)`, `(S/NF)`, `(C//REL UK)`,
/// `(u)`.
const MARKING: &str = r"\(\s*(?i:U|C|S|TS|SBU|LOU|FOUO|NF|S-NF|C-NF)(?:\s*(?:/{1,2})\s*[A-Za-z][A-Za-z\x20,]{0,30})?\s*\)";

/// Markings that open or close a subject line.
static SUBJECT_MARKINGS: LazyLock<(Regex, Regex)> = LazyLock::new(|| {
    (
        regex(&format!(r"^\s*(?:{MARKING}\s*)+")),
        regex(&format!(r"(?:\s*{MARKING})+\s*$")),
    )
});

/// The next field run onto the end of a subject line: `… AS UK PRIMEREF: A. LONDON 1939`,
/// `… IMPLICATIONS Classified By: …`.
static FIELD_GLUED: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?:REFS?|REFTELS?):\s|\s(?:Classified|CLASSIFIED)\s+(?:By|BY)\b"));

/// The full subject: the `SUBJECT:` line and its continuation lines, joined, with
/// page-break lines and repeated classification lines skipped and classification
/// markings (`(C)`, `(S/NF)`) removed from either end.
pub fn subject(text: &str) -> Option<String> {
    let opening = opening(text);
    let with_colon = SUBJECT_LINE.captures(text);
    let bare = SUBJECT_BARE.captures(opening);
    let found = match (with_colon, bare) {
        (Some(colon), Some(bare)) if bare.get(0)?.start() < colon.get(0)?.start() => bare,
        (Some(colon), _) => colon,
        (None, Some(bare)) => bare,
        // Sentence-cased copies can run `… Tags: … Subject: …` together on one line; look
        // for that only in the cable's opening.
        (None, None) => SUBJECT_INLINE.captures(opening)?,
    };
    let mut parts: Vec<String> = Vec::new();
    let mut line = found.get(1).map_or("", |m| m.as_str()).to_string();
    let following: Vec<&str> = lines_of(&text[found.get(0).map_or(0, |m| m.end())..])
        .skip(1)
        .take(MAX_SUBJECT_LINES)
        .collect();
    let mut rest = following.iter().copied();
    let mut blank_lines_allowed = usize::from(line.trim().is_empty()) * 2;
    loop {
        if let Some(glued) = FIELD_GLUED.find(&line) {
            parts.push(line[..glued.start()].to_string());
            break;
        }
        // A `\` at the end of a line carries the subject on, over a blank line too.
        let continued = line.trim_end().strip_suffix('\\').map(str::to_string);
        if continued.is_some() {
            blank_lines_allowed = 1;
        }
        parts.push(continued.clone().unwrap_or(line));
        let Some((next, after_blank)) = next_subject_line(&mut rest, &mut blank_lines_allowed)
        else {
            break;
        };
        // A blank line ends the subject, unless it cuts a phrase in two (`… SESSION AS`,
        // blank, `DEBATE OVER …`), as some copies' line breaks do.
        let line_after = rest.clone().find(|line| !line.trim().is_empty());
        if after_blank && !phrase_cut(&parts, &next, line_after) {
            break;
        }
        if continued.is_none() && !continues_subject(&parts, &next) {
            break;
        }
        line = next;
    }
    let joined = collapse_spaces(&parts.join(" "));
    let (opening_marks, closing_marks) = &*SUBJECT_MARKINGS;
    let joined = opening_marks.replace(&joined, "");
    let joined = closing_marks.replace(&joined, "").trim().to_string();
    (!joined.is_empty()).then_some(joined)
}

/// A TAGS line: `TAGS: PREL PHUM CH`, `TAGS PREL, PGOV`, `Tags: prel, pgov`, `TAG PTER`.
static TAGS_LINE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?m)^[ \t]*(?:(?i:TAGS?)[ \t]*:[ \t]*|TAGS?[ \t]+)(.*)$"));

/// TAGS run on after other fields: `E.O. 12958: N/A TAGS: PGOV BR`, `DECL: 03/20/2019 TAG
/// PTER, PGOV`.
static TAGS_INLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?m)(?:\b(?i:TAGS?)[ \t]*:[ \t]*|(?:\d|N/A)[ \t]+TAGS?[ \t]+([A-Z]{2,}\b))(.*)$")
});

/// A `Subject:` that runs on after the tags on the same line.
static SUBJECT_AFTER_TAGS: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)(?:^|\s+)subj(?:ect)?\s*:.*$"));

/// The start of a line that is a field of its own, never a continuation of the tags.
static FIELD_START: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*(?:subj(?:ect)?\b|refs?\b|reftels?\b|classified\s+by|e\.\s?o\.|eo\s+\d|decl\b|sipdis|\d+\s*\.|\()",
    )
});

/// The TAGS line's tags, upper-cased and each once, in order: continuation lines joined
/// (after a trailing comma, or when they hold only tag codes), the list split on commas or
/// spaces, and a person or organisation in parentheses (`OVIP (STEINBERG, JAMES B.)`)
/// given as a tag of its own after its code.
pub fn tags(text: &str) -> Vec<String> {
    let opening = opening(text);
    let (start, first) = if let Some(found) = TAGS_LINE.captures(opening) {
        (
            found.get(0).map_or(0, |m| m.end()),
            found.get(1).map_or("", |m| m.as_str()).to_string(),
        )
    } else if let Some(found) = TAGS_INLINE.captures(opening) {
        let code = found.get(1).map_or("", |m| m.as_str());
        let rest = found.get(2).map_or("", |m| m.as_str());
        (found.get(0).map_or(0, |m| m.end()), format!("{code}{rest}"))
    } else {
        return Vec::new();
    };
    let first = SUBJECT_AFTER_TAGS
        .replace(&first, "")
        .trim_end()
        .to_string();
    let lower_case_cable = !first.chars().any(|c| c.is_ascii_uppercase());
    // Each line is split by its own separators (a space-separated line may be carried on
    // by a comma-separated one); a name in parentheses broken over lines is one stretch.
    let mut stretches = vec![first];
    for line in lines_of(&text[start..]).skip(1) {
        if is_page_furniture(line) {
            continue;
        }
        let line = line.trim();
        let Some(last) = stretches.last_mut() else {
            break;
        };
        let after_comma = last.ends_with(',');
        if line.is_empty()
            || FIELD_START.is_match(line)
            || !(after_comma || tag_list::codes_only(line, lower_case_cable))
        {
            break;
        }
        let line = SUBJECT_AFTER_TAGS.replace(line, "");
        if last.matches('(').count() > last.matches(')').count() {
            last.push(' ');
            last.push_str(&line);
        } else {
            stretches.push(line.into_owned());
        }
    }
    let mut tags: Vec<String> = Vec::new();
    for stretch in &stretches {
        for tag in tag_list::split(&stretch.to_uppercase()) {
            if !tag.is_empty() && !tags.contains(&tag) {
                tags.push(tag);
            }
        }
    }
    tags
}

/// What the opening classification line says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Banner {
    /// `CONFIDENTIAL`, `SECRET`, `UNCLASSIFIED`, `LIMITED OFFICIAL USE`.
    pub classification: String,
    /// The post in the reference, e.g. `BEIJING`, `TEL AVIV`.
    pub origin: String,
    /// The serial number, without leading zeros.
    pub number: String,
}

/// The first classification line within the first lines of `text`.
pub fn banner(text: &str) -> Option<Banner> {
    text.lines().take(40).find_map(|line| {
        let found = BANNER.captures(line)?;
        let class = found["class"].replace(' ', "");
        let classification = match class.as_str() {
            "UNCLAS" => "UNCLASSIFIED".to_string(),
            "LIMITEDOFFICIALUSE" => "LIMITED OFFICIAL USE".to_string(),
            _ => class,
        };
        Some(Banner {
            classification,
            origin: found["origin"].trim().to_string(),
            number: found["number"].to_string(),
        })
    })
}

/// The creation time from the routing block's date-time group, as ISO 8601 (UTC).
pub fn created_from_dtg(text: &str) -> Option<String> {
    let found = DTG.captures(text)?;
    let year = four_digit_year(&found["year"])?;
    let month = month_number(&found["month"])?;
    let civil = jiff::civil::DateTime::new(
        year,
        month,
        found["day"].parse().ok()?,
        found["hour"].parse().ok()?,
        found["minute"].parse().ok()?,
        0,
        0,
    )
    .ok()?;
    Some(format!("{}Z", civil.strftime("%Y-%m-%dT%H:%M:%S")))
}

/// A later telegram page's first line, `MOSCOW 00003728 002 OF 002`: post and number.
pub(super) static CONTINUATION_PAGE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?m)^\s*(?P<origin>[A-Z][A-Z .'-]*?)\s+0*(?P<number>\d{1,8})\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}\s*$",
    )
});

/// Normalises a date as a page shows it into ISO 8601: `2008-12-29 09:09`,
/// `2008-12-29`, `Monday, 29 December 2008, 09:12`, `1974 April 17, 19:44 (Wednesday)`,
/// `290912Z DEC 08`. Times are taken as UTC, which is how the cable sites give them.
pub fn normalise_date(raw: &str) -> Option<String> {
    let text = collapse_whitespace(raw);
    let text =
        text.trim_end_matches(|c: char| c == ')' || c.is_alphabetic() || c == '(' || c == ' ');
    let with_time = |dt: jiff::civil::DateTime| format!("{}Z", dt.strftime("%Y-%m-%dT%H:%M:%S"));
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
        "%A, %d %B %Y, %H:%M",
        "%Y %B %d, %H:%M",
        "%d %B %Y %H:%M",
        "%d %b %Y %H:%M",
    ] {
        if let Ok(dt) = jiff::civil::DateTime::strptime(format, text) {
            return Some(with_time(dt));
        }
    }
    for format in [
        "%Y-%m-%d",
        "%A, %d %B %Y",
        "%Y %B %d",
        "%d %B %Y",
        "%d %b %Y",
        "%B %d, %Y",
    ] {
        if let Ok(date) = jiff::civil::Date::strptime(format, text) {
            return Some(date.strftime("%Y-%m-%d").to_string());
        }
    }
    let dtg = format!(
        "Z {}",
        text.trim_start_matches(|c: char| !c.is_ascii_digit())
    );
    created_from_dtg(&dtg)
}

pub(super) fn four_digit_year(text: &str) -> Option<i16> {
    let year: i16 = text.parse().ok()?;
    Some(match text.len() {
        2 if year >= 50 => 1900 + year,
        2 => 2000 + year,
        _ => year,
    })
}

fn month_number(name: &str) -> Option<i8> {
    const MONTHS: [&str; 12] = [
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ];
    let upper = name.to_ascii_uppercase();
    MONTHS
        .iter()
        .position(|m| *m == upper)
        .and_then(|i| i8::try_from(i + 1).ok())
}

/// Splits routing lines off the top of a body that has no separate header block: the
/// `VZCZC…`, `DE …`, date-time group, `FM`, `TO` and `INFO` lines (with their addressee
/// continuation lines), up to the classification line.
pub fn split_routing(body: &str) -> Option<(String, String)> {
    let mut offset = 0;
    let mut routing_end = None;
    let mut saw_routing = false;
    for line in body.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        if bare.trim().is_empty() {
            if saw_routing {
                routing_end = Some(offset);
                break;
            }
        } else if BANNER.is_match(bare) || BANNER_ONLY.is_match(bare) {
            if saw_routing {
                routing_end = Some(offset);
            }
            break;
        } else if ROUTING_LINE.is_match(bare) || (saw_routing && is_addressee(bare)) {
            saw_routing = true;
        } else {
            if saw_routing {
                routing_end = Some(offset);
            }
            break;
        }
        offset += line.len();
    }
    let end = routing_end.or(saw_routing.then_some(offset))?;
    let header = body[..end].trim_end().to_string();
    // Spacer paragraphs (`<p>&nbsp;</p>`) leave lines of white space behind the routing.
    let mut rest = &body[end..];
    while let Some((line, after)) = rest.split_once('\n') {
        if !line.trim().is_empty() {
            break;
        }
        rest = after;
    }
    let rest = rest.to_string();
    (!header.is_empty() && !rest.trim().is_empty()).then_some((header, rest))
}

/// An addressee continuation line: `RUEHEE/ARAB LEAGUE COLLECTIVE PRIORITY`,
/// `SECDEF WASHINGTON DC`.
fn is_addressee(line: &str) -> bool {
    let line = line.trim();
    line.len() < 80
        && line
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || " /.-&()".contains(c))
        && line.chars().any(|c| c.is_ascii_uppercase())
}

/// The first lines of a cable's own text: routing, the E.O./TAGS/SUBJECT block, SIPDIS,
/// a telegram page heading, the Cable Viewer's 24-hour date line.
static OPENING_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?ix)^\s*(?:
            E\.\s?O\.\s | EO\s+1\d{4} | TAGS\b | SUBJECT\b | SUBJ\b | SIPDIS\b
          | (?:MON|TUES|WEDNES|THURS|FRI|SATUR|SUN)DAY,\s\d{2}\s[A-Z]+\s\d{4},\s\d{2}:\d{2}\s*$
        )",
    )
});

/// A numbered paragraph's first line: `1. (C) …`, `12.(S)`.
static NUMBERED_PARAGRAPH: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*\d{1,3}\s*\.(?:\s|\()"));

/// Whether the cable's own text may start with `line`: a routing line, a classification
/// line (spaced out or garbled, as some copies print it), the E.O., TAGS or SUBJECT block,
/// SIPDIS, a telegram page heading, or the Cable Viewer's date line.
pub fn opens_cable(line: &str) -> bool {
    ROUTING_LINE.is_match(line)
        || BANNER.is_match(line)
        || BANNER_ONLY.is_match(line)
        || OPENING_LINE.is_match(line)
        || PAGE_BREAK_LINE.is_match(line)
        || PAGE_BREAK_PREFIX.is_match(line)
        || CONTINUATION_PAGE.is_match(line)
        || classification_word_opens(line)
}

/// A line whose first letters, spaces squeezed out, begin a classification word within
/// their first three: `SS E C R E T`, `C ONFIDENTIAL`, `UUNCLAS`, `E C R E T` are all
/// cable openings that a copy garbled.
pub(super) fn classification_word_opens(line: &str) -> bool {
    let squeezed: String = line
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(24)
        .collect::<String>()
        .to_ascii_uppercase();
    [
        "UNCLAS",
        "CONFIDENTIAL",
        "ONFIDENTIAL",
        "SECRET",
        "ECRET",
        "LIMITEDOFFICIALUSE",
    ]
    .iter()
    .any(|word| squeezed.find(word).is_some_and(|at| at <= 2))
}

/// Whether `line` is part of a cable's structure, which no site's chrome has: a numbered
/// paragraph's first line, a classification line, or a telegram page break. The edge step
/// looks for chrome at the end only after the last such line.
pub fn structures_cable(line: &str) -> bool {
    NUMBERED_PARAGRAPH.is_match(line)
        || BANNER.is_match(line)
        || BANNER_ONLY.is_match(line)
        || PAGE_BREAK_LINE.is_match(line)
        || PAGE_BREAK_PREFIX.is_match(line)
        || CONTINUATION_PAGE.is_match(line)
}

/// Why a text does not look like a cable, or `Ok` if it does: the body must hold some
/// words, and body or header at least one of the marks of a cable (a classification
/// line, SUBJECT, TAGS, E.O. 12958, a date-time group, SIPDIS).
pub fn check_looks_like_cable(body: &str, header: Option<&str>) -> Result<(), String> {
    // Case-insensitive and anywhere in a line: some copies are sentence-cased and run the
    // E.O., TAGS and SUBJECT fields together on one line.
    static MARKERS: LazyLock<Regex> = LazyLock::new(|| {
        regex(
            r"(?im)(?:^\s*(?:subject|subj|tags)\s*:?\s|\b(?:subject|tags)\s*:|\be\.\s?o\.\s*1\d{4}|^\s*eo\s+1\d{4}|\bsipdis\b|\bdecl\s*:|\bclassified\s+by\b|^\s*c\s?o\s?n\s?f\s?i\s?d\s?e\s?n\s?t\s?i\s?a\s?l\b|^\s*s\s?e\s?c\s?r\s?e\s?t\b|^\s*unclas)",
        )
    });
    // Counted no further than the bar: a cable's body runs to thousands of words.
    let words = body.split_whitespace().take(5).count();
    if words < 5 {
        return Err(format!("the body holds only {words} words"));
    }
    let marked =
        |text: &str| MARKERS.is_match(text) || banner(text).is_some() || DTG.is_match(text);
    if marked(body) || header.is_some_and(marked) {
        Ok(())
    } else {
        Err("neither body nor header has any of a cable's marks (a classification line, SUBJECT:, TAGS:, E.O. 12958, a date-time group, SIPDIS)".to_string())
    }
}

#[cfg(test)]
mod tests;
