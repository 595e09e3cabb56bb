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
