//! Unit tests of telling a whole page from one cut short.

use super::*;

#[test]
fn a_page_ending_in_its_html_end_tag_is_whole_and_one_cut_mid_way_is_not() {
    assert!(ends_whole(b"<html><body><pre>text</pre></body></html>\n"));
    assert!(ends_whole(
        b"<HTML><BODY>x</BODY></HTML>\r\n<!-- served in 3 ms -->\r\n"
    ));
    assert!(!ends_whole(
        b"<html><body><pre>C O N F I D E N T I A L\n1. (C) The min"
    ));
    assert!(ends_whole(b""), "nothing to judge");
    assert!(ends_whole(b"<p>a fragment</p>"), "a fragment is not judged");
    let long = format!("<html>{}</html>", "x".repeat(100_000));
    assert!(ends_whole(long.as_bytes()));
    assert!(!ends_whole(&long.as_bytes()[..50_000]));
    let utf16: Vec<u8> = "<html>cable</html>"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    assert!(ends_whole(&utf16[..10]), "UTF-16 is not checked");
}
