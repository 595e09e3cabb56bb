//! Unit tests of the `DECL:` parser: the cases of `cases/declassify.toml`.

use serde::Deserialize;

use super::*;
use crate::clean::cable::tests::cases;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    text: String,
    expect: Option<Declassify>,
}

#[test]
fn every_case_of_the_cases_file() {
    let all: Vec<Case> = cases(include_str!("../cases/declassify.toml"));
    assert!(all.len() >= 18, "the cases file lost cases");
    for case in &all {
        assert_eq!(declassify(&case.text), case.expect, "case: {}", case.name);
    }
}

#[test]
fn dates_that_are_no_dates_stay_text() {
    for text in ["13/13/2019", "1/2", "2019/13/40", "OCT 2019", "0/0/0"] {
        assert_eq!(date_of(text), None, "{text:?}");
    }
}
