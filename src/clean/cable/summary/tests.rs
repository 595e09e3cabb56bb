//! Unit tests of the summary parser: the cases of `cases/summary.toml`.

use super::*;
use crate::clean::cable::tests::check_text_cases;

#[test]
fn every_case_of_the_cases_file() {
    check_text_cases(include_str!("../cases/summary.toml"), 14, summary);
}

#[test]
fn a_label_far_into_the_text_is_not_looked_for() {
    let text = format!(
        "{}\n1. (C) Summary: late. End summary.\n",
        "x\n".repeat(MAX_LABEL_OFFSET)
    );
    assert_eq!(summary(&text), None);
}
