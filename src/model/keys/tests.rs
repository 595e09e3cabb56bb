//! Unit tests of page URLs and host keys.

use super::*;

fn page(text: &str) -> PageUrl {
    PageUrl::parse(text).expect("test URL is a page URL")
}

#[test]
fn links_resolve_to_canonical_page_urls() {
    let base = page("http://Example.ORG:80/cable/2010/12/index.html");
    let cases = [
        (
            "08MOSCOW1.html#par3",
            "http://example.org/cable/2010/12/08MOSCOW1.html",
        ),
        (
            "../../../reldate/2010-12-01_0.html",
            "http://example.org/reldate/2010-12-01_0.html",
        ),
        (
            "HTTPS://WWW.Example.org:443/a?",
            "https://www.example.org/a",
        ),
        (
            "//user:pw@example.org:8080/b?x=1#y",
            "http://example.org:8080/b?x=1",
        ),
        ("  /c\n", "http://example.org/c"),
    ];
    for (href, expected) in cases {
        assert_eq!(
            base.join(href).map(String::from).as_deref(),
            Some(expected),
            "href {href:?}"
        );
    }
    for href in [
        "mailto:a@example.org",
        "javascript:void(0)",
        "ftp://example.org/x",
        "http://",
    ] {
        assert_eq!(base.join(href), None, "href {href:?}");
    }
}

#[test]
fn a_page_url_refuses_what_names_no_page_and_reads_back_from_json() {
    for bad in [
        "ftp://example.org/a",
        "mailto:a@b.c",
        "not a url",
        "file:///etc/passwd",
    ] {
        let error = PageUrl::parse(bad).expect_err(bad);
        assert!(error.to_string().contains(bad), "{error}");
    }
    let url = page("https://Example.org/a?b=1#c");
    assert_eq!(url.as_str(), "https://example.org/a?b=1");
    assert_eq!(url.path_and_query(), "/a?b=1");
    assert_eq!(url.host().as_str(), "example.org");
    let json = serde_json::to_string(&url).expect("serialises");
    assert_eq!(json, "\"https://example.org/a?b=1\"");
    assert_eq!(serde_json::from_str::<PageUrl>(&json).expect("reads"), url);
    assert!(serde_json::from_str::<PageUrl>("\"ftp://x.org/\"").is_err());
}

#[test]
fn host_keys_normalise_case_and_default_ports() {
    let key = |s: &str| HostKey::of(&Url::parse(s).expect("url")).expect("has a host");
    assert_eq!(key("http://Example.ORG:80/a"), key("http://example.org/b"));
    assert_eq!(
        key("https://example.org:8443/").as_str(),
        "example.org:8443"
    );
    assert_eq!(HostKey::of(&Url::parse("mailto:a@b.c").expect("url")), None);
    assert_eq!(
        HostKey::parse(" Example.org "),
        Some(key("http://example.org/"))
    );
    assert_eq!(
        HostKey::parse("127.0.0.1:8080").map(|k| k.as_str().to_string()),
        Some("127.0.0.1:8080".to_string())
    );
    for bad in ["", "http://x.org", "x.org/a", "a b", "u@x.org"] {
        assert_eq!(HostKey::parse(bad), None, "{bad:?}");
    }
}
