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
            SuspectKind::MalformedId,
            SuspectKind::CutShort,
        ],
        "{reasons:?}"
    );
    assert!(reasons[0].detail.contains("Scoop Media"), "{}", reasons[0]);
}

#[test]
fn a_text_cut_short_is_suspect_only_on_a_page_cut_short() {
    let rules = rule();
    let rule = rules.rule("cablegate.wikileaks.org").expect("rule");
    let cut = "SUBJECT: A TEST\n\n1. (C) The minister said that the\ngovernment would soon";
    let cable = test_support::cable("09ROME1", "cablegate.wikileaks.org", "r", cut);
    let whole_page = Evidence::default();
    assert!(judge(&cable, rule, &whole_page).is_empty());
    let cut_page = Evidence {
        cut_short: true,
        ..Evidence::default()
    };
    assert_eq!(
        kinds(&judge(&cable, rule, &cut_page)),
        [SuspectKind::CutShort]
    );
    // A page can stop right after a sentence: only a cable's closing line tells a whole
    // text from one cut at a line's end.
    let at_a_sentence = "SUBJECT: A TEST\n\n1. (C) Text.\nthe talks went well.";
    let cable = test_support::cable("09ROME1", "cablegate.wikileaks.org", "r", at_a_sentence);
    assert_eq!(
        kinds(&judge(&cable, rule, &cut_page)),
        [SuspectKind::CutShort]
    );
    for ending in [
        "End Comment.\nSMITH",
        "is where Brazil has room to move.  End Comment. \nKUBISCH",
        "the talks went well. End Comment. CROCKER",
        "END COMMENT\nJONES",
        "(U) A/S Rice has cleared this message.\nMCDONALD\n CONFIDENTIAL",
    ] {
        let body = format!("SUBJECT: A TEST\n\n1. (C) Text.\n{ending}");
        let cable = test_support::cable("09ROME1", "cablegate.wikileaks.org", "r", &body);
        assert!(judge(&cable, rule, &cut_page).is_empty(), "{ending}");
    }
}
