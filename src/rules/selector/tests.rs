//! Unit tests of the words for selector mistakes.

use super::*;

#[test]
fn a_mistake_is_placed_and_said_in_our_words() {
    let error = parse("div..broken pre").expect_err("two dots");
    assert!(
        error.starts_with("at column 5, `.` after `div.`"),
        "{error}"
    );
    let error = parse("div > ").expect_err("dangling");
    assert!(error.contains("ends too soon"), "{error}");
    let error = parse("div > ..x").expect_err("two dots after a combinator");
    assert!(error.starts_with("at column 8, `.`"), "{error}");
    let error = parse("p:frobnicate").expect_err("unknown pseudo-class");
    assert!(error.contains("not supported"), "{error}");
    for error in [
        parse("div..x").expect_err("x"),
        parse(",").expect_err("x"),
        parse("@media x").expect_err("x"),
    ] {
        assert!(!error.contains("report this"), "{error}");
    }
    assert!(parse("div.pane.big > code:nth-of-type(2) > pre").is_ok());
}

#[test]
fn the_names_a_selector_can_select_are_read_from_its_last_compounds() {
    let names = |text: &str| subject_names(text).map(|n| n.join(","));
    assert_eq!(
        names("div.pane.big > code:nth-of-type(2) > pre").as_deref(),
        Some("pre")
    );
    assert_eq!(
        names("table#synopsis tr:first-child > td").as_deref(),
        Some("td")
    );
    assert_eq!(names("H1").as_deref(), Some("h1"));
    assert_eq!(names("h1, div#x h2 , h1").as_deref(), Some("h1,h2"));
    assert_eq!(names("a[href*='#par']").as_deref(), Some("a"));
    assert_eq!(names("div[title='a > b, c'] span").as_deref(), Some("span"));
    assert_eq!(names("li:nth-child(2n+1)").as_deref(), Some("li"));
    assert_eq!(
        names("table#synopsis td:has(> div.s_key a[title='Date']) > div.s_val").as_deref(),
        Some("div")
    );
    assert_eq!(names("div~p").as_deref(), Some("p"));
    assert_eq!(names("div +p").as_deref(), Some("p"));
    for any in [
        "div > .body",
        "*",
        "[id]",
        "div > *",
        "#main",
        ":not(p)",
        "h1, .x",
        "svg|a",
        "di\\76",
    ] {
        assert_eq!(subject_names(any), None, "{any}");
    }
}
