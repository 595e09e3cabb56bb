//! Bytes → text: find the page's character encoding and decode it, never failing.
//!
//! Order of evidence: a byte-order mark, the Content-Type header, `<meta charset>` (or its
//! `http-equiv` form), the `<?xml … encoding=…?>` prolog, and last a statistical guess.
//! A declared single-byte encoding is overruled when the bytes are valid UTF-8 holding
//! non-ASCII text: such bytes are practically never anything else, and servers that
//! mislabel UTF-8 as ISO-8859-1 are common.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8};

/// How far into the page to look for a declaration, as browsers do.
const PRESCAN_BYTES: usize = 4096;

/// Where the encoding came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EncodingSource {
    /// A byte-order mark.
    Bom,
    /// The HTTP Content-Type header.
    ContentType,
    /// A `<meta>` element.
    Meta,
    /// The XML prolog.
    XmlProlog,
    /// Statistical detection.
    Detected,
    /// A declared encoding overruled because the bytes are valid UTF-8.
    Utf8Override,
}

/// Decoded text and how its encoding was chosen.
#[derive(Debug)]
pub struct Decoded<'a> {
    /// The page as text; borrowed when the bytes were already valid UTF-8.
    pub text: Cow<'a, str>,
    /// The encoding used.
    pub encoding: &'static Encoding,
    /// Why that one.
    pub source: EncodingSource,
    /// Whether some bytes could not be decoded and became U+FFFD.
    pub had_errors: bool,
}

/// Decodes `bytes`, using `content_type` (the HTTP header) when it names a charset.
pub fn decode<'a>(bytes: &'a [u8], content_type: Option<&str>) -> Decoded<'a> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        return finish(&bytes[bom_len..], encoding, EncodingSource::Bom);
    }
    let declared = content_type
        .and_then(charset_from_content_type)
        .map(|e| (e, EncodingSource::ContentType))
        .or_else(|| {
            let head = &bytes[..bytes.len().min(PRESCAN_BYTES)];
            charset_from_meta(head)
                .map(|e| (e, EncodingSource::Meta))
                .or_else(|| charset_from_xml_prolog(head).map(|e| (e, EncodingSource::XmlProlog)))
        });
    match declared {
        Some((encoding, source)) => {
            if encoding != UTF_8 && !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
                return finish(bytes, UTF_8, EncodingSource::Utf8Override);
            }
            finish(bytes, encoding, source)
        }
        None => {
            if std::str::from_utf8(bytes).is_ok() {
                return finish(bytes, UTF_8, EncodingSource::Detected);
            }
            let mut detector =
                chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
            detector.feed(bytes, true);
            finish(
                bytes,
                detector.guess(None, chardetng::Utf8Detection::Allow),
                EncodingSource::Detected,
            )
        }
    }
}

fn finish<'a>(bytes: &'a [u8], encoding: &'static Encoding, source: EncodingSource) -> Decoded<'a> {
    // A page declared as UTF-16 without a BOM is almost always really ASCII-compatible
    // (the WHATWG rule): decode it as UTF-8.
    let encoding = if encoding.is_single_byte() || encoding == UTF_8 {
        encoding
    } else {
        encoding.output_encoding()
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    Decoded {
        text,
        encoding,
        source,
        had_errors,
    }
}

/// The charset parameter of a Content-Type header, if it names an encoding.
pub fn charset_from_content_type(content_type: &str) -> Option<&'static Encoding> {
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(value.trim().trim_matches(['"', '\'']).as_bytes())
    })
}

/// `<meta charset="…">` or `<meta http-equiv="Content-Type" content="…; charset=…">`.
fn charset_from_meta(head: &[u8]) -> Option<&'static Encoding> {
    let mut rest = head;
    while let Some(at) = find_ascii_ci(rest, b"<meta") {
        let tag_start = &rest[at + 5..];
        let tag_end = memchr::memchr(b'>', tag_start).unwrap_or(tag_start.len());
        let tag = &tag_start[..tag_end];
        if let Some(at) = find_ascii_ci(tag, b"charset") {
            let value = attribute_value_after(&tag[at + 7..]);
            if let Some(encoding) = Encoding::for_label(value) {
                return Some(encoding);
            }
        }
        rest = &tag_start[tag_end..];
    }
    None
}

/// `<?xml version="1.0" encoding="…"?>` at the very start of the page.
fn charset_from_xml_prolog(head: &[u8]) -> Option<&'static Encoding> {
    let trimmed = head.trim_ascii_start();
    if !trimmed.starts_with(b"<?xml") {
        return None;
    }
    let end = find_ascii_ci(trimmed, b"?>")?;
    let prolog = &trimmed[..end];
    let at = find_ascii_ci(prolog, b"encoding")?;
    Encoding::for_label(attribute_value_after(&prolog[at + 8..]))
}

/// The value after `=` (quoted or not), ending at a quote, space, `;` or `/`.
fn attribute_value_after(bytes: &[u8]) -> &[u8] {
    let bytes = bytes.trim_ascii_start();
    let Some(bytes) = bytes.strip_prefix(b"=") else {
        return b"";
    };
    let bytes = bytes.trim_ascii_start();
    let bytes = bytes
        .strip_prefix(b"\"")
        .or_else(|| bytes.strip_prefix(b"'"))
        .unwrap_or(bytes);
    let end = bytes
        .iter()
        .position(|&b| matches!(b, b'"' | b'\'' | b';' | b'/' | b'>') || b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[..end]
}

fn find_ascii_ci(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests;
