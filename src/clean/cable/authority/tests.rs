//! Unit tests of the `Classified By` parser: the cases of `cases/classified_by.toml`, and
//! the reasons alone.

use serde::Deserialize;

use super::*;
use crate::clean::cable::tests::cases;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    text: String,
    own_year: Option<u16>,
    expect: Option<ClassifiedBy>,
}

#[test]
fn every_case_of_the_cases_file() {
    let all: Vec<Case> = cases(include_str!("../cases/classified_by.toml"));
    assert!(all.len() >= 25, "the cases file lost cases");
    for case in &all {
        assert_eq!(
            classified_by(&case.text, case.own_year),
            case.expect,
            "case: {}",
            case.name
        );
    }
}

#[test]
fn reasons_in_their_spellings() {
    for (written, expected) in [
        ("1.4 (b) and (d)", &["1.4(b)", "1.4(d)"][..]),
        ("1.4(B),(D)", &["1.4(b)", "1.4(d)"]),
        ("1.5 (D)", &["1.5(d)"]),
        ("1.4 b/d", &["1.4(b)", "1.4(d)"]),
        ("1.4B AND D", &["1.4(b)", "1.4(d)"]),
        ("1 .4 (b, d)", &["1.4(b)", "1.4(d)"]),
        ("1.4. (b), (d) and (e)", &["1.4(b)", "1.4(d)", "1.4(e)"]),
        ("1.4 (b. and d.)", &["1.4(b)", "1.4(d)"]),
        ("1.4(b+d)", &["1.4(b)", "1.4(d)"]),
        ("1.4 (b) and 1.5 (c)", &["1.4(b)", "1.5(c)"]),
        ("1.4 (d) a senior official said", &["1.4(d)"]),
    ] {
        assert_eq!(reasons(written), expected, "{written:?}");
    }
    assert!(reasons("no section here (b)").is_empty());
}
