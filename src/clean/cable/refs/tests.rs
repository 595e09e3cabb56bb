//! Unit tests of the REF parser: the cases of `cases/references.toml`, and the pieces that
//! tell a cited cable from other numbered things.

use serde::Deserialize;

use super::*;
use crate::clean::cable::tests::cases;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    text: String,
    own_year: Option<u16>,
    #[serde(default)]
    expect: Vec<Reference>,
}

#[test]
fn every_case_of_the_cases_file() {
    let all: Vec<Case> = cases(include_str!("../cases/references.toml"));
    assert!(all.len() >= 25, "the cases file lost cases");
    for case in &all {
        assert_eq!(
            references(&case.text, case.own_year),
            case.expect,
            "case: {}",
            case.name
        );
    }
}

#[test]
fn a_cited_cable_needs_a_known_post_and_a_number_alone() {
    let cited = |text: &str| cable_at(&words(text), 0).map(|c| (c.year, c.post, c.number));
    assert_eq!(
        cited("05 PARIS 5459"),
        Some((Some(5), "PARIS".to_string(), 5459))
    );
    assert_eq!(
        cited("AMEMBASSY PARIS 12"),
        Some((None, "PARIS".to_string(), 12))
    );
    assert_eq!(
        cited("SAINT PETERSBURG 0068"),
        Some((None, "STPETERSBURG".to_string(), 68))
    );
    for not_a_cable in [
        "IIR 6 854",
        "PARA 4",
        "PARIS 12A",
        "PARIS",
        "2005",
        "MAY 9",
        "",
    ] {
        assert!(cited(not_a_cable).is_none(), "{not_a_cable:?}");
    }
}

#[test]
fn letters_come_in_sequence_so_initials_are_not_taken_for_them() {
    let letters =
        |text: &str| -> Vec<char> { letter_markers(text).iter().map(|m| m.letter).collect() };
    assert_eq!(letters("A. STATE 1 B. STATE 2 C. STATE 3"), ['A', 'B', 'C']);
    assert_eq!(
        letters("A. MEMO FROM U.S. ENVOY C. D. SMITH B. STATE 2"),
        ['A', 'B']
    );
    assert!(letters("STATE 1 A. STATE 2").is_empty());
}

#[test]
fn years_of_citations() {
    assert_eq!(year_of("05"), Some(5));
    assert_eq!(year_of("2005"), Some(5));
    assert_eq!(year_of("(08)"), Some(8));
    assert_eq!(year_of("1974"), Some(74));
    assert_eq!(year_of("3005"), None);
    assert_eq!(year_of("5"), None);
    assert_eq!(year_of("0x"), None);
}
