//! Bytes → text: find the page's character encoding and decode it, never failing.
//!
//! Order of evidence: a byte-order mark, the Content-Type header, `<meta charset>` (or its
//! `http-equiv` form), the `<?xml … encoding=…?>` prolog, and last a statistical guess.
//! A declaration the bytes contradict is overruled by the bytes, as far as the WHATWG
//! rules allow: a single-byte label on valid non-ASCII UTF-8 is UTF-8 (servers that
//! mislabel UTF-8 as ISO-8859-1 are common); a UTF-8 label on bytes that are mostly not
//! UTF-8 (windows-1252 served as UTF-8) gives way to detection; UTF-16 is honoured from a
//! BOM or the HTTP header when the bytes hold its zero bytes, and read as an
//! ASCII-compatible encoding otherwise (a `<meta>` naming UTF-16 is always wrong: the
//! `<meta>` itself was readable as ASCII).

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
    /// A declared encoding overruled because the bytes are not in it: detection chose.
    DetectedOverride,
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
        Some((encoding, source)) if is_utf16(encoding) => {
            // Only the transport may name UTF-16 (a `<meta>` that says so was read as
            // ASCII), and only bytes that hold its zero bytes are UTF-16.
            match utf16_order(bytes) {
                Some(order) if source == EncodingSource::ContentType && order == encoding => {
                    finish(bytes, order, EncodingSource::ContentType)
                }
                Some(order) => finish(bytes, order, EncodingSource::DetectedOverride),
                None => detected(bytes, EncodingSource::DetectedOverride),
            }
        }
        Some((encoding, _)) if encoding != UTF_8 && !bytes.is_ascii() && is_utf8(bytes) => {
            finish(bytes, UTF_8, EncodingSource::Utf8Override)
        }
        Some((encoding, _)) if encoding == UTF_8 && mostly_not_utf8(bytes) => {
            detected(bytes, EncodingSource::DetectedOverride)
        }
        Some((encoding, source)) => finish(bytes, encoding, source),
        None => match utf16_order(bytes) {
            Some(order) => finish(bytes, order, EncodingSource::Detected),
            None => detected(bytes, EncodingSource::Detected),
        },
    }
}

/// Valid UTF-8 as it is, or else chardetng's guess among the legacy encodings.
fn detected(bytes: &[u8], source: EncodingSource) -> Decoded<'_> {
    if is_utf8(bytes) {
        return finish(bytes, UTF_8, source);
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    finish(
        bytes,
        detector.guess(None, chardetng::Utf8Detection::Deny),
        source,
    )
}

fn is_utf8(bytes: &[u8]) -> bool {
    std::str::from_utf8(bytes).is_ok()
}

fn is_utf16(encoding: &'static Encoding) -> bool {
    encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE
}

/// UTF-16LE or BE when the bytes look like it: in the first kilobyte, most odd (LE) or
/// even (BE) bytes are zero, as they are for markup and Latin text, and the other half
/// is not.
fn utf16_order(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024) & !1];
    if head.len() < 8 {
        return None;
    }
    let pairs = head.len() / 2;
    let zero_even = head.iter().step_by(2).filter(|&&b| b == 0).count();
    let zero_odd = head.iter().skip(1).step_by(2).filter(|&&b| b == 0).count();
    if zero_odd * 10 >= pairs * 6 && zero_even * 10 < pairs {
        Some(encoding_rs::UTF_16LE)
    } else if zero_even * 10 >= pairs * 6 && zero_odd * 10 < pairs {
        Some(encoding_rs::UTF_16BE)
    } else {
        None
    }
}

/// Whether bytes labelled UTF-8 hold more invalid sequences than well-formed multi-byte
/// characters: a legacy page under a wrong label. A UTF-8 page with a stray bad byte or
/// two stays UTF-8 (and its replacement characters make the cable suspect).
fn mostly_not_utf8(bytes: &[u8]) -> bool {
    // Almost every page: valid throughout, with nothing to count.
    if is_utf8(bytes) {
        return false;
    }
    let mut valid_multibyte = 0usize;
    let mut invalid = 0usize;
    let mut rest = bytes;
    loop {
        match std::str::from_utf8(rest) {
            Ok(text) => {
                valid_multibyte += text.chars().filter(|c| !c.is_ascii()).count();
                break;
            }
            Err(error) => {
                let (good, after) = rest.split_at(error.valid_up_to());
                // Already valid UTF-8: from_utf8_unchecked would do, but stay safe.
                valid_multibyte += std::str::from_utf8(good)
                    .map_or(0, |t| t.chars().filter(|c| !c.is_ascii()).count());
                invalid += 1;
                let skip = error.error_len().unwrap_or(after.len()).max(1);
                rest = &after[skip.min(after.len())..];
                if rest.is_empty() {
                    break;
                }
            }
        }
    }
    invalid > valid_multibyte
}

fn finish<'a>(bytes: &'a [u8], encoding: &'static Encoding, source: EncodingSource) -> Decoded<'a> {
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
