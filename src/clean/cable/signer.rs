//! The signature at the end of a cable's text: the surname (sometimes with a first name or
//! initials) on the last line, or run onto the end of the last sentence, before the
//! closing classification line and the end-of-message marks.

use std::sync::LazyLock;

use regex::Regex;

use super::{floor_char_boundary, is_banner_line, is_page_furniture, regex};

/// How many lines from the end are looked at.
const MAX_TRAILING_LINES: usize = 40;

/// How much of the last line's end a signature is looked for in.
const MAX_SIGNATURE_TAIL: usize = 120;

/// Lines after the signature that belong to the site or the transmission, not the text:
/// end-of-message marks, separator rules, the declassification stamp, a database query or
/// a teaser a site left in its page.
static TRAILER: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?ix)^\s*(?:
            (?:NNNN?|BT|\#\d+|>+|\.+)\s*$
          | [A-Z]*VZCZ[A-Z]*\s*$
          | [-=_*.~\s]+$
          | select\s.*\bfrom\b
          | end\s+(?:of\s+)?cable\s+text\.?\s*$
          | .*(?:declassified/released|systematic\s+review)
          | .*\.\.\.\s*$
          | .*(?:\bel\s+pa[ií]s\b|este\s+documento|\s@\s|\d\d:\d\d:\d\d\s+[AP]M\b)
          | id:\s
          | \d{2,4}[a-z]+\d+\s+-\s+[a-z\x20]+$
        )",
    )
});

/// The classified-website notice some posts end their cables with; the signature is
/// sometimes run onto its last line.
static WEBSITE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\W*(?:please\s+)?visit\b|^\W*https?://|^\W*you\s+can\s+also\s+access|sgov\.gov|intelink\.|siprnet|classified\s+web\s?site|gov\.gov/|/wiki/|portal:",
    )
});

/// A signature run onto the end of a website notice: `…/index. cfm Tuttle`.
static NAME_AFTER_WEBSITE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"\s(?P<name>[A-Z][A-Za-z'’-]{2,})\s*$"));

/// A signature alone on a line: one to three name words, maybe after initials (`BEYRLE`,
/// `Sobel`, `LeBaron`, `J. SMITH`, `LA LIME`, `TIMKEN JR`), or one word in lower case as
/// some copies have it (`tuttle`).
static NAME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^(?P<name>(?:[A-Z]\.?[ \t]+){0,2}[A-Z][A-Za-z'’-]+(?:[ \t]+[A-Z][A-Za-z'’-]+){0,2}(?:[ \t]+(?i:jr|sr)\.?)?|[a-z][a-z'’-]{2,})$",
    )
});

/// A signature run onto the end of the last sentence: `… cleared this cable. SOLOMONT`,
/// `END COMMENT EIKENBERRY`, `… AFFAIRS.    PORTER`, `… markets. Burns`.
static RUN_ON_NAME: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r#"(?:[.!?;:]|[)"”’]\.?|\bEND\s+(?:COMMENT|TEXT|SUMMARY|NOTE)\.?|\bEnd\s+(?:Comment|Text|Note)\.?|\bUNQUOTE|X{4,}\.?)[ \t]*\.?(?P<name>[A-Z][A-Za-z'’-]+(?:[ \t]+[A-Z][A-Za-z'’-]+)?(?:[ \t]+(?i:jr|sr)\.?)?)$"#,
    )
});

/// What is no part of a signature line: leading rules, a trailing lone dot or date.
static LINE_DECORATION: LazyLock<(Regex, Regex)> = LazyLock::new(|| {
    (
        regex(r"^[\s*=_~-]+"),
        regex(r"(?:\s+\.|\s+\d{4}-\d{2}-\d{2})\s*$"),
    )
});

/// Words that end a text without being anyone's name.
const NOT_NAMES: &[&str] = &[
    "BEST",
    "BT",
    "CLASSIFIED",
    "COMMENT",
    "CONCLUSION",
    "CONFIDENTIAL",
    "END",
    "NNNN",
    "NOFORN",
    "NOTE",
    "QUOTE",
    "REGARDS",
    "SECRET",
    "SIPDIS",
    "SUMMARY",
    "TEXT",
    "THANKS",
    "UNCLASSIFIED",
    "UNCLAS",
    "UNQUOTE",
];

/// The name that signs `body`, as written.
pub fn signer(body: &str) -> Option<String> {
    for line in body.lines().rev().take(MAX_TRAILING_LINES) {
        if line.trim().is_empty()
            || is_page_furniture(line)
            || is_banner_line(line)
            || TRAILER.is_match(line)
        {
            continue;
        }
        if WEBSITE.is_match(line) {
            let tail =
                &line[floor_char_boundary(line, line.len().saturating_sub(MAX_SIGNATURE_TAIL))..];
            let name = NAME_AFTER_WEBSITE
                .captures(tail)
                .and_then(|found| found.name("name"));
            match name {
                Some(name) if is_name(name.as_str()) => return Some(name.as_str().to_string()),
                _ => continue,
            }
        }
        return signature_of(line);
    }
    None
}

/// The signature on the last line of the text: the line itself, or its last words.
fn signature_of(line: &str) -> Option<String> {
    // A signature is short: only the line's end is looked at, which keeps a long last
    // line of prose cheap.
    let whole = line.trim();
    let short = whole.len() <= MAX_SIGNATURE_TAIL;
    let line = &whole[floor_char_boundary(whole, whole.len().saturating_sub(MAX_SIGNATURE_TAIL))..];
    let (leading, trailing) = &*LINE_DECORATION;
    let line = leading.replace(line, "");
    let line = trailing.replace(&line, "");
    let line = line.trim();
    let alone = NAME_LINE.captures(line).filter(|_| short);
    if let Some(name) = alone.and_then(|found| found.name("name")) {
        if is_name(name.as_str()) {
            return Some(without_repeat(name.as_str()));
        }
    }
    if let Some(name) = RUN_ON_NAME
        .captures(line)
        .and_then(|found| found.name("name"))
    {
        // `… people. XXXXXXXXXXX STEPHENS`: a redaction before the name is no part of it.
        let name = name.as_str().trim_start_matches(['X', ' ']);
        return (name.len() >= 2 && is_name(name)).then(|| name.to_string());
    }
    // `End of Part One LA LIME`: a name in capitals after sentence-cased words.
    let found = CAPITALS_AT_END.captures(line)?;
    let name = found.name("name")?.as_str();
    is_name(name).then(|| name.to_string())
}

/// One or two words in capitals ending a sentence-cased line.
static CAPITALS_AT_END: LazyLock<Regex> =
    LazyLock::new(|| regex(r"[a-z][a-z,]*[ \t]+(?P<name>(?:[A-Z]{2,}[ \t]+)?[A-Z]{3,})$"));

/// Whether the words could be a name: none of them a word that only ends texts, and not
/// a run of placeholder `X`s.
fn is_name(name: &str) -> bool {
    name.split_whitespace().all(|word| {
        let upper = word.to_uppercase();
        !NOT_NAMES.contains(&upper.as_str()) && !upper.bytes().all(|b| b == b'X')
    })
}

/// `SHANNON SHANNON` (the Cable Viewer repeats some signatures) as `SHANNON`.
fn without_repeat(name: &str) -> String {
    let words: Vec<&str> = name.split_whitespace().collect();
    let half = words.len() / 2;
    if words.len() % 2 == 0 && half > 0 && words[..half] == words[half..] {
        words[..half].join(" ")
    } else {
        words.join(" ")
    }
}

#[cfg(test)]
mod tests;
