//! Unit tests of the quality gate.

use super::*;
use crate::model::test_support;
use crate::rules::RuleSet;

fn rule() -> RuleSet {
    RuleSet::builtin().expect("built-in rules")
}

fn kinds(reasons: &[Suspect]) -> Vec<SuspectKind> {
    reasons.iter().map(|r| r.kind).collect()
}

#[test]
fn a_clean_cable_has_no_reasons() {
    let rules = rule();
    let rule = rules.rule("www.scoop.co.nz").expect("rule");
    let cable = test_support::cable(
        "08MOSCOW3728",
        "www.scoop.co.nz",
        "r",
        "SUBJECT: A TEST\n\n1. (SBU) The minister spoke of more talks.\nSMITH",
    );
    assert!(judge(&cable, rule, &Evidence::default()).is_empty());
}

#[test]
fn each_sign_of_chrome_is_named() {
    let rules = rule();
    let rule = rules.rule("www.scoop.co.nz").expect("rule");
    let body = "Cablegate: A Test Of The Gate\nSUBJECT: A TEST\n\n¶1. (SBU) Text \u{fffd} here.\n© Scoop Media\nReefs recover. More>>";
    let cable = test_support::cable("08MOSCOW3728", "www.scoop.co.nz", "r", body);
    let unplaced = vec!["A subheading".to_string()];
    let evidence = Evidence {
        headline: Some("Cablegate: A Test Of The Gate"),
        unplaced: &unplaced,
        malformed_id: Some("08SCTION02OF02X1"),
        cut_short: true,
    };
    let reasons = judge(&cable, rule, &evidence);
    assert_eq!(
        kinds(&reasons),
        [
            SuspectKind::Marker,
            SuspectKind::Permalink,
            SuspectKind::MoreLink,
            SuspectKind::Copyright,
            SuspectKind::Headline,
            SuspectKind::ReplacementCharacters,
            SuspectKind::Unplaced,
            SuspectKind::CutShort,
            SuspectKind::MalformedId,
        ],
        "{reasons:?}"
    );
    assert!(reasons[0].detail.contains("Scoop Media"), "{}", reasons[0]);
}
