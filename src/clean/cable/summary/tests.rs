//! Unit tests of the summary parser: the cases of `cases/summary.toml`.

use serde::Deserialize;

use super::*;
use crate::clean::cable::tests::cases;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    text: String,
    expect: Option<String>,
}

#[test]
fn every_case_of_the_cases_file() {
    let all: Vec<Case> = cases(include_str!("../cases/summary.toml"));
    assert!(all.len() >= 14, "the cases file lost cases");
    for case in &all {
        assert_eq!(summary(&case.text), case.expect, "case: {}", case.name);
    }
}

#[test]
fn a_label_far_into_the_text_is_not_looked_for() {
    let text = format!(
        "{}\n1. (C) Summary: late. End summary.\n",
        "x\n".repeat(MAX_LABEL_OFFSET)
    );
    assert_eq!(summary(&text), None);
}
