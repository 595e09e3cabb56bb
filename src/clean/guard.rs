//! Limits that keep a hostile page from tying up a worker, checked in one linear pass over
//! the page's text before the HTML parser sees it. The parser (html5ever) does work that
//! grows faster than the page in two ways that show in the text:
//!
//! - nesting: every start tag checks the stack of open elements, so the work grows with
//!   the square of the depth, and a megabyte of `<div><div><div>…` would take minutes.
//!   Real pages nest a few dozen levels; a page estimated deeper than [`MAX_NESTING`] is
//!   refused.
//! - attributes: the tokenizer checks each new attribute of a tag against all earlier ones
//!   (100,000 attributes on one element take seconds, 400,000 most of a minute), and
//!   merges the attributes of every `<html>` and `<body>` tag into one element the same
//!   way. Real elements carry a few dozen at most; a tag with more than
//!   [`MAX_ATTRIBUTES`], or `<html>` and `<body>` tags with more than
//!   [`MAX_MERGED_ATTRIBUTES`] in all, are refused (see the `tags` module).
//!
//! What else can make the parser's work outgrow the page (end tags that close nothing,
//! formatting elements reopened again and again) depends on the tree being built, not on
//! the text alone: the `budget` module counts that work while parsing.

mod tags;

use super::Reject;

/// The deepest nesting accepted; real cable pages stay under 100.
pub const MAX_NESTING: usize = 2_000;

/// The most attributes accepted on one tag. Real cable pages carry a few dozen at most (an
/// `<a>` with `href`, `class`, `title`, `onclick`, `rel`); a tag with this many costs the
/// parser half a million comparisons, a fraction of a millisecond, so a page made of such
/// tags still parses in linear time.
pub const MAX_ATTRIBUTES: usize = 1_000;

/// The most attributes accepted on `<html>` and `<body>` tags together: the parser merges a
/// repeated `<html>` or `<body>` tag's attributes into the first one, each checked against
/// those it has. A real page has one of each, with a handful.
pub const MAX_MERGED_ATTRIBUTES: usize = 1_000;

/// Elements that never have content, or whose end tag may be left out (the parser closes
/// them itself), so that an open one does not deepen the tree for long; in byte order.
const NOT_NESTING: [&str; 35] = [
    "area", "base", "body", "br", "caption", "col", "colgroup", "dd", "dt", "embed", "head", "hr",
    "html", "img", "input", "li", "link", "meta", "optgroup", "option", "p", "param", "rb", "rp",
    "rt", "rtc", "source", "tbody", "td", "tfoot", "th", "thead", "tr", "track", "wbr",
];

const NOT_NESTING_KEYS: [u128; NOT_NESTING.len()] = super::names::name_keys(NOT_NESTING);

/// What one pass over a page found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scan {
    /// The estimated deepest nesting, counting start and end tags; counting stops once past
    /// the limit asked for.
    pub deepest: usize,
    /// The most attributes one tag has.
    pub attributes: usize,
    /// Where that tag starts (its `<`).
    pub attributes_at: usize,
    /// The attributes of all `<html>` and `<body>` start tags.
    pub merged_attributes: usize,
}

/// Refuses a page the parser could not parse in linear time: nested deeper than
/// [`MAX_NESTING`], a tag with more than [`MAX_ATTRIBUTES`] attributes, or `<html>` and
/// `<body>` tags with more than [`MAX_MERGED_ATTRIBUTES`].
pub fn check(html: &str) -> Result<(), Reject> {
    let found = scan(html, MAX_NESTING);
    if found.attributes > MAX_ATTRIBUTES {
        return Err(Reject::TooManyAttributes {
            element: tag_at(html, found.attributes_at),
            found: found.attributes,
            limit: MAX_ATTRIBUTES,
        });
    }
    if found.merged_attributes > MAX_MERGED_ATTRIBUTES {
        return Err(Reject::TooManyMergedAttributes {
            found: found.merged_attributes,
            limit: MAX_MERGED_ATTRIBUTES,
        });
    }
    if found.deepest > MAX_NESTING {
        return Err(Reject::TooDeep { limit: MAX_NESTING });
    }
    Ok(())
}

/// An estimate of the page's deepest nesting, counting start and end tags; stops counting
/// once past `limit`.
pub fn nesting_estimate(html: &str, limit: usize) -> usize {
    scan(html, limit).deepest
}

/// Reads the page once, from `<` to `<`: the nesting estimate (up to just past
/// `nesting_limit`, where the pass stops) and every possible tag's attributes.
pub fn scan(html: &str, nesting_limit: usize) -> Scan {
    let bytes = html.as_bytes();
    let mut attributes = tags::Attributes::default();
    let (mut depth, mut deepest) = (0usize, 0usize);
    let mut starts = memchr::memchr_iter(b'<', bytes).peekable();
    while let Some(at) = starts.next() {
        // Everything up to the next `<`; tags and their names never reach past it here, so
        // that no byte is looked at twice.
        let segment = &bytes[at..starts.peek().copied().unwrap_or(bytes.len())];
        let (closing, name_from) = match segment.get(1) {
            Some(b'/') => (true, 2),
            Some(b) if b.is_ascii_alphabetic() => (false, 1),
            _ => {
                if attributes.any_open() {
                    attributes.read(segment);
                }
                continue;
            }
        };
        let name_start = &segment[name_from..];
        let len = name_start
            .iter()
            .take(12)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = &name_start[..len];
        if name_start.first().is_some_and(u8::is_ascii_alphabetic) {
            if attributes.any_open() {
                attributes.read(&segment[..name_from]);
            }
            let merged = !closing
                && (name.eq_ignore_ascii_case(b"html") || name.eq_ignore_ascii_case(b"body"));
            attributes.start(at, merged);
            attributes.read(name_start);
        } else if attributes.any_open() {
            attributes.read(segment);
        }
        if len == 0 || super::names::is_one_of(name, &NOT_NESTING_KEYS) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing(&name_start[len..]) {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > nesting_limit {
                break;
            }
        }
    }
    Scan {
        deepest,
        attributes: attributes.most.0,
        attributes_at: attributes.most.1,
        merged_attributes: attributes.merged,
    }
}

/// Whether a start tag ends with `/>` (the rest of the tag after its name, up to the next
/// `<` at most).
fn self_closing(rest: &[u8]) -> bool {
    let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
    end > 0 && rest[end - 1] == b'/'
}

/// The tag whose `<` is at `at`, as `<name>` or `</name>` (its name cut at 40 bytes), for
/// messages.
fn tag_at(html: &str, at: usize) -> String {
    let rest = html.get(at + 1..).unwrap_or_default();
    let (slash, rest) = match rest.strip_prefix('/') {
        Some(rest) => ("/", rest),
        None => ("", rest),
    };
    let name: String = rest
        .chars()
        .take_while(|c| !matches!(c, '\t' | '\n' | '\x0c' | '\r' | ' ' | '/' | '>'))
        .take(40)
        .flat_map(char::to_lowercase)
        .collect();
    format!("<{slash}{name}>")
}

#[cfg(test)]
mod tests;
