//! Limits that keep a hostile page from tying up a worker: the HTML parser's work grows
//! with the square of the nesting depth (every start tag checks the stack of open
//! elements), so a megabyte of `<div><div><div>…` would take minutes. Real pages nest a
//! few dozen levels; a page estimated deeper than [`MAX_NESTING`] is refused before parsing.

/// The deepest nesting accepted; real cable pages stay under 100.
pub const MAX_NESTING: usize = 2_000;

/// Elements that never have content, or whose end tag may be left out (the parser closes
/// them itself), so that an open one does not deepen the tree for long.
const NOT_NESTING: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead",
    "tbody", "tfoot", "colgroup", "caption", "rb", "rt", "rtc", "rp", "html", "head", "body",
];

/// An estimate of the page's deepest nesting, counting start and end tags; stops counting
/// once past `limit`.
pub fn nesting_estimate(html: &str, limit: usize) -> usize {
    let bytes = html.as_bytes();
    let (mut depth, mut deepest) = (0usize, 0usize);
    for at in memchr::memchr_iter(b'<', bytes) {
        let rest = &bytes[at + 1..];
        let (closing, name_start) = match rest.first() {
            Some(b'/') => (true, &rest[1..]),
            Some(b) if b.is_ascii_alphabetic() => (false, rest),
            _ => continue,
        };
        let len = name_start
            .iter()
            .take(12)
            .take_while(|b| b.is_ascii_alphanumeric())
            .count();
        let name = &name_start[..len];
        if len == 0
            || NOT_NESTING
                .iter()
                .any(|n| n.as_bytes().eq_ignore_ascii_case(name))
        {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else if !self_closing(&name_start[len..]) {
            depth += 1;
            deepest = deepest.max(depth);
            if deepest > limit {
                break;
            }
        }
    }
    deepest
}

/// Whether a start tag ends with `/>` (the rest of the tag after its name).
fn self_closing(rest: &[u8]) -> bool {
    let end = memchr::memchr(b'>', rest).unwrap_or(rest.len());
    end > 0 && rest[end - 1] == b'/'
}

#[cfg(test)]
mod tests;
