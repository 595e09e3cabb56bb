//! Unit tests of the reclean job's diffs.

use super::*;
use crate::model::test_support;

fn cable(body: &str, rules: &str) -> Cable {
    let mut cable = test_support::cable("08MOSCOW3728", "cablegate.wikileaks.org", rules, body);
    cable.subject = Some("A SUBJECT".to_string());
    cable.header = Some("R 011200Z DEC 08".to_string());
    cable
}

#[test]
fn a_diff_shows_the_changed_lines_and_both_versions() {
    let diff = cable_diff(
        &cable("1. Text.\n2. More.", "site@aaaaaaaaaaaa"),
        &cable("1. Text.\n2. Changed.", "site@bbbbbbbbbbbb"),
    );
    assert!(
        diff.contains("-2. More.") && diff.contains("+2. Changed."),
        "{diff}"
    );
    assert!(diff.contains("site@aaaaaaaaaaaa") && diff.contains("site@bbbbbbbbbbbb"));
}
