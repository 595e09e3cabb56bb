//! Unit tests of decoding bytes into text.

use super::*;

#[test]
fn header_charset_is_used_for_windows_1252() {
    let bytes = b"<p>caf\xe9 \x93quoted\x94</p>";
    let decoded = decode(bytes, Some("text/html; charset=windows-1252"));
    assert_eq!(decoded.text, "<p>café “quoted”</p>");
    assert_eq!(decoded.source, EncodingSource::ContentType);
}

#[test]
fn meta_then_xml_prolog_declare_the_encoding() {
    let meta = decode(b"<meta charset='iso-8859-1'><p>\xe9</p>", None);
    assert_eq!(meta.source, EncodingSource::Meta);
    assert_eq!(meta.text, "<meta charset='iso-8859-1'><p>é</p>");
    let http_equiv = decode(
        b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\x80",
        None,
    );
    assert_eq!(http_equiv.source, EncodingSource::Meta);
    assert!(http_equiv.text.ends_with('€'));
    let xml = decode(
        b"<?xml version='1.0' encoding='windows-1252' ?><p>\x80</p>",
        None,
    );
    assert_eq!(xml.source, EncodingSource::XmlProlog);
    assert_eq!(
        xml.text,
        "<?xml version='1.0' encoding='windows-1252' ?><p>€</p>"
    );
}

#[test]
fn bom_wins_and_is_removed() {
    let decoded = decode(
        b"\xef\xbb\xbf<p>\xc3\xa9</p>",
        Some("text/html; charset=windows-1252"),
    );
    assert_eq!(decoded.source, EncodingSource::Bom);
    assert_eq!(decoded.text, "<p>é</p>");
}

#[test]
fn utf8_mislabelled_as_latin1_is_read_as_utf8() {
    let decoded = decode(
        "<p>Ünïcödé</p>".as_bytes(),
        Some("text/html; charset=ISO-8859-1"),
    );
    assert_eq!(decoded.source, EncodingSource::Utf8Override);
    assert_eq!(decoded.text, "<p>Ünïcödé</p>");
}

#[test]
fn undeclared_bytes_are_detected_and_bad_bytes_never_panic() {
    let latin = decode(b"<p>Les \xe9l\xe8ves de l'\xe9cole fran\xe7aise</p>", None);
    assert_eq!(latin.source, EncodingSource::Detected);
    assert!(latin.text.contains("élèves"));
    let junk: Vec<u8> = (0..=255u8).cycle().take(4000).collect();
    for label in [
        None,
        Some("text/html; charset=utf-8"),
        Some("text/html; charset=utf-16le"),
    ] {
        let decoded = decode(&junk, label);
        assert!(!decoded.text.is_empty());
    }
}

/// A windows-1252 cable paragraph, as a legacy server sends it.
const WINDOWS_1252: &[u8] =
    b"<pre>1. (C) The minister\x92s \x93reform\x94 plan \x96 welcomed in Gen\xe8ve \x85</pre>";

#[test]
fn windows_1252_labelled_utf8_is_read_by_its_bytes() {
    for label in [
        Some("text/html; charset=utf-8"),
        Some("text/html; charset=\"UTF-8\""),
    ] {
        let decoded = decode(WINDOWS_1252, label);
        assert_eq!(
            decoded.source,
            EncodingSource::DetectedOverride,
            "{label:?}"
        );
        assert!(!decoded.had_errors);
        assert_eq!(
            decoded.text,
            "<pre>1. (C) The minister’s “reform” plan – welcomed in Genève …</pre>"
        );
    }
    let mut in_meta = b"<meta charset=utf-8>".to_vec();
    in_meta.extend_from_slice(WINDOWS_1252);
    let decoded = decode(&in_meta, None);
    assert_eq!(decoded.source, EncodingSource::DetectedOverride);
    assert!(decoded.text.contains("minister’s"));
}

#[test]
fn utf8_with_a_stray_bad_byte_stays_utf8_and_shows_the_loss() {
    let mut bytes = "<pre>Genève, Zürich, Besançon: ".as_bytes().to_vec();
    bytes.push(0xff);
    bytes.extend_from_slice("…</pre>".as_bytes());
    let decoded = decode(&bytes, Some("text/html; charset=utf-8"));
    assert_eq!(decoded.encoding, UTF_8);
    assert!(decoded.had_errors);
    assert_eq!(decoded.text.matches('\u{fffd}').count(), 1);
    assert!(decoded.text.contains("Zürich"));
}

fn utf16(text: &str, big_endian: bool) -> Vec<u8> {
    text.encode_utf16()
        .flat_map(|unit| {
            if big_endian {
                unit.to_be_bytes()
            } else {
                unit.to_le_bytes()
            }
        })
        .collect()
}

const PAGE: &str = "<html><body><pre>SUBJECT: TALKS IN GENÈVE</pre></body></html>";

#[test]
fn utf16_with_an_honest_header_decodes_without_a_bom() {
    let le_bytes = utf16(PAGE, false);
    let le = decode(&le_bytes, Some("text/html; charset=utf-16le"));
    assert_eq!(le.encoding, encoding_rs::UTF_16LE);
    assert_eq!(le.text, PAGE);
    let be_bytes = utf16(PAGE, true);
    let be = decode(&be_bytes, Some("text/html; charset=UTF-16BE"));
    assert_eq!(be.encoding, encoding_rs::UTF_16BE);
    assert_eq!(be.text, PAGE);
    // `utf-16` alone names LE; the bytes say which order they are in.
    let said_le = decode(&be_bytes, Some("text/html; charset=utf-16"));
    assert_eq!(said_le.text, PAGE);
    assert_eq!(said_le.source, EncodingSource::DetectedOverride);
}

#[test]
fn utf16_unlabelled_is_recognised_and_a_false_utf16_label_is_not_believed() {
    let le_bytes = utf16(PAGE, false);
    let bare = decode(&le_bytes, None);
    assert_eq!(bare.text, PAGE);
    assert_eq!(bare.source, EncodingSource::Detected);
    let ascii = decode(PAGE.as_bytes(), Some("text/html; charset=utf-16le"));
    assert_eq!(ascii.text, PAGE);
    assert_eq!(ascii.source, EncodingSource::DetectedOverride);
    let meta = format!("<meta charset=\"utf-16\">{PAGE}");
    let in_meta = decode(meta.as_bytes(), None);
    assert_eq!(in_meta.text, meta);
}
