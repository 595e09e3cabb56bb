//! Repairs cable text that a page left unescaped, before the HTML parser sees it.
//!
//! Sites such as WikiLeaks' Cable Viewer print the cable's own `<` and `&` raw. An HTML5
//! parser then swallows `<Israel>` as an element and reads `&not` in `&nothing` as `¬`.
//! This pass escapes every `<` that does not open a real HTML tag, comment or declaration,
//! and every `&` that does not start a terminated character reference, so the parser gives
//! back the text the cable's author wrote. Real markup passes through untouched.

use std::borrow::Cow;

/// Element names of HTML, SVG and MathML roots that a page may really use, headings aside
/// (`h1` to `h6`, see [`is_heading`]), in byte order (it is searched by halves). A `<`
/// followed by anything else is text.
const HTML_ELEMENTS: [&str; 137] = [
    "a",
    "abbr",
    "acronym",
    "address",
    "applet",
    "area",
    "article",
    "aside",
    "audio",
    "b",
    "base",
    "basefont",
    "bdi",
    "bdo",
    "bgsound",
    "big",
    "blink",
    "blockquote",
    "body",
    "br",
    "button",
    "canvas",
    "caption",
    "center",
    "cite",
    "code",
    "col",
    "colgroup",
    "data",
    "datalist",
    "dd",
    "del",
    "details",
    "dfn",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "em",
    "embed",
    "fieldset",
    "figcaption",
    "figure",
    "font",
    "footer",
    "form",
    "frame",
    "frameset",
    "head",
    "header",
    "hgroup",
    "hr",
    "html",
    "i",
    "iframe",
    "image",
    "img",
    "input",
    "ins",
    "isindex",
    "kbd",
    "keygen",
    "label",
    "legend",
    "li",
    "link",
    "listing",
    "main",
    "map",
    "mark",
    "marquee",
    "math",
    "menu",
    "menuitem",
    "meta",
    "meter",
    "multicol",
    "nav",
    "nobr",
    "noembed",
    "noframes",
    "noscript",
    "object",
    "ol",
    "optgroup",
    "option",
    "output",
    "p",
    "param",
    "picture",
    "plaintext",
    "pre",
    "progress",
    "q",
    "rb",
    "rp",
    "rt",
    "rtc",
    "ruby",
    "s",
    "samp",
    "script",
    "search",
    "section",
    "select",
    "slot",
    "small",
    "source",
    "spacer",
    "span",
    "strike",
    "strong",
    "style",
    "sub",
    "summary",
    "sup",
    "svg",
    "table",
    "tbody",
    "td",
    "template",
    "textarea",
    "tfoot",
    "th",
    "thead",
    "time",
    "title",
    "tr",
    "track",
    "tt",
    "u",
    "ul",
    "var",
    "video",
    "wbr",
    "xmp",
];

const HTML_ELEMENT_KEYS: [u128; HTML_ELEMENTS.len()] = super::names::name_keys(HTML_ELEMENTS);

/// The longest name a character reference may have (`&CounterClockwiseContourIntegral;`).
const MAX_ENTITY_NAME: usize = 32;

/// Returns `html` with bare `<` and `&` escaped; borrows it when nothing needed escaping.
pub fn repair_bare_markup(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    let mut out: Option<String> = None;
    let mut copied_to = 0;
    for at in memchr::memchr2_iter(b'<', b'&', bytes) {
        let rest = &bytes[at + 1..];
        let (keep, escape) = match bytes[at] {
            // `<<Data>>`: a `<` right after another is text even when a tag name follows.
            b'<' if at > 0 && bytes[at - 1] == b'<' => (false, "&lt;"),
            b'<' => (opens_markup(rest), "&lt;"),
            _ => (starts_character_reference(rest), "&amp;"),
        };
        if keep {
            continue;
        }
        let buffer = out.get_or_insert_with(|| String::with_capacity(html.len() + 64));
        buffer.push_str(&html[copied_to..at]);
        buffer.push_str(escape);
        copied_to = at + 1;
    }
    match out {
        None => Cow::Borrowed(html),
        Some(mut buffer) => {
            buffer.push_str(&html[copied_to..]);
            Cow::Owned(buffer)
        }
    }
}

/// Whether the bytes after a `<` make a tag, end tag, comment, doctype or processing
/// instruction.
fn opens_markup(rest: &[u8]) -> bool {
    match rest.first() {
        Some(b'!' | b'?') => true,
        Some(b'/') => is_element_name_then_boundary(&rest[1..]),
        Some(_) => is_element_name_then_boundary(rest),
        None => false,
    }
}

fn is_element_name_then_boundary(rest: &[u8]) -> bool {
    let len = rest
        .iter()
        .take(16)
        .take_while(|b| b.is_ascii_alphanumeric())
        .count();
    if len == 0 || len >= 16 {
        return false;
    }
    let boundary = rest.get(len).copied();
    let ends_name = matches!(
        boundary,
        None | Some(b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | b'\x0c')
    );
    ends_name && is_element_name(&rest[..len])
}

fn is_element_name(name: &[u8]) -> bool {
    is_heading(name) || super::names::is_one_of(name, &HTML_ELEMENT_KEYS)
}

/// `h1` to `h6`, in any case.
fn is_heading(name: &[u8]) -> bool {
    matches!(name, [b'h' | b'H', b'1'..=b'6'])
}

/// Whether the bytes after a `&` form a `;`-terminated numeric reference or a named one
/// that HTML knows. Anything else (`&nothing`, `&notit;`, `R&D`) is text: HTML5 would
/// otherwise read a legacy name such as `&not` out of it.
fn starts_character_reference(rest: &[u8]) -> bool {
    let (is_name_byte, body): (fn(&u8) -> bool, &[u8]) = match rest {
        [b'#', b'x' | b'X', tail @ ..] => (u8::is_ascii_hexdigit, tail),
        [b'#', tail @ ..] => (u8::is_ascii_digit, tail),
        [first, ..] if first.is_ascii_alphabetic() => (u8::is_ascii_alphanumeric, rest),
        _ => return false,
    };
    let len = body
        .iter()
        .take(MAX_ENTITY_NAME + 1)
        .take_while(|b| is_name_byte(b))
        .count();
    if len == 0 || len > MAX_ENTITY_NAME || body.get(len) != Some(&b';') {
        return false;
    }
    if rest[0] == b'#' {
        return true;
    }
    // The table is keyed by the name with its `;`, and also holds every prefix of a name
    // (mapped to code point 0), which must not count.
    let name_with_semicolon = &rest[..=len];
    std::str::from_utf8(name_with_semicolon)
        .ok()
        .and_then(|key| web_atoms::NAMED_ENTITIES.get(key))
        .is_some_and(|&(code_point, _)| code_point != 0)
}

#[cfg(test)]
mod tests;
