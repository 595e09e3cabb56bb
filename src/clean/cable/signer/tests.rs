//! Unit tests of the signature parser: the cases of `cases/signer.toml`.

use super::*;
use crate::clean::cable::tests::check_text_cases;

#[test]
fn every_case_of_the_cases_file() {
    check_text_cases(include_str!("../cases/signer.toml"), 20, signer);
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
