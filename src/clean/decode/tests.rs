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
    let decoded = decode(&junk, Some("text/html; charset=utf-8"));
    assert!(decoded.had_errors);
}
