//! Unit tests of the signature parser: the cases of `cases/signer.toml`.

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
    let all: Vec<Case> = cases(include_str!("../cases/signer.toml"));
    assert!(all.len() >= 20, "the cases file lost cases");
    for case in &all {
        assert_eq!(signer(&case.text), case.expect, "case: {}", case.name);
    }
}

#[test]
fn a_long_last_line_is_read_only_at_its_end() {
    let prose = "word ".repeat(10_000);
    assert_eq!(
        signer(&format!("{prose}done. MARTIN")).as_deref(),
        Some("MARTIN")
    );
    assert_eq!(signer(&format!("{prose}Three Capitalised Words")), None);
}
