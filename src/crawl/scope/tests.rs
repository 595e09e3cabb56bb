//! Unit tests of link extraction.

use super::*;

fn url(text: &str) -> PageUrl {
    PageUrl::parse(text).expect("test URL parses")
}

#[test]
fn a_base_element_changes_what_links_resolve_against() {
    let page = url("http://example.org/cable/2010/12/x.html");
    let html = r#"<html><head><base href="/mirror/"></head>
        <body><a href="a.html">a</a><a href="a.html#p2">again</a><a href="/b.html">b</a></body></html>"#;
    let links: Vec<String> = extract_links(&page, html)
        .into_iter()
        .map(String::from)
        .collect();
    assert_eq!(
        links,
        [
            "http://example.org/mirror/a.html",
            "http://example.org/b.html"
        ]
    );
}
