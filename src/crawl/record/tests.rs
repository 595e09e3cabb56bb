//! Unit tests of the crawl's store side.

use super::*;

#[test]
fn html_or_an_unsaid_type_may_hold_links() {
    assert!(is_html(None) && is_html(Some("text/HTML; charset=x")) && is_html(Some(" ")));
    assert!(!is_html(Some("application/pdf")));
}
