//! Unit tests of the `Classified By` parser: the cases of `cases/classified_by.toml`, and
//! the reasons and names alone.

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

#[test]
fn names_and_titles_split() {
    let split = |who: &str| split_person(who);
    let some = |text: &str| Some(text.to_string());
    assert_eq!(split("Econoff TLStone"), (some("TLStone"), some("Econoff")));
    assert_eq!(
        split("A/PolAd A. \u{201c}Hoot\u{201d} Baker"),
        (some("A. \u{201c}Hoot\u{201d} Baker"), some("A/PolAd"))
    );
    assert_eq!(
        split("Charge d'Affaires a.i. William North"),
        (some("William North"), some("Charge d'Affaires a.i."))
    );
    assert_eq!(
        split("U/S Maria Otero (G)"),
        (some("Maria Otero"), some("U/S"))
    );
    assert_eq!(
        split("Charge d\u{2019}Affaires W. Scott Reid III."),
        (some("W. Scott Reid III."), some("Charge d\u{2019}Affaires"))
    );
    assert_eq!(split(" , "), (None, None));
}
