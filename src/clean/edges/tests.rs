//! Unit tests of the edge step.

use super::*;

const CABLE: &str = "DE RUEHMO #0041/01 0231207\nP 231207Z JAN 09\n\nE.O. 12958: N/A\nSUBJECT: A TEST OF THE EDGES\n\n1. (SBU) The minister spoke.\n\n2. (SBU) Comment: none.\nSMITH";

#[test]
fn a_headline_byline_and_date_before_the_routing_are_cut_and_recorded() {
    let text = format!(
        "Cablegate: A Test Of The Edges\nTuesday, 23 December 2008, 12:07 pm\nCable: Wikileaks\n\n{CABLE}"
    );
    let trimmed = trim(&text, Some("Cablegate: A Test Of The Edges"));
    assert_eq!(trimmed.text, CABLE);
    assert_eq!(
        trimmed.cut.start,
        [
            "Cablegate: A Test Of The Edges",
            "Tuesday, 23 December 2008, 12:07 pm",
            "Cable: Wikileaks"
        ]
    );
    assert!(trimmed.cut.end.is_empty() && trimmed.unplaced.is_empty());
}

#[test]
fn copyright_and_teasers_after_the_last_paragraph_are_cut() {
    let text = format!(
        "{CABLE}\n\n© Example Media\n\nWorld Headlines\nA Teaser About Reefs\nReefs recover. More>>"
    );
    let trimmed = trim(&text, None);
    assert_eq!(trimmed.text, CABLE);
    assert_eq!(
        trimmed.cut.end,
        [
            "© Example Media",
            "World Headlines",
            "A Teaser About Reefs",
            "Reefs recover. More>>"
        ]
    );
}

#[test]
fn a_cable_viewer_date_line_or_note_above_the_banner_is_the_cables_own() {
    for opening in [
        "Wednesday, 29 November 2000, 13:59",
        "NOTE - DO NOT PUBLISH",
        "<<123456>>",
    ] {
        let text = format!("{opening}\nC O N F I D E N T I A L HARARE 006677\n\n1. (C) Text.");
        let trimmed = trim(&text, Some("A SUBJECT CUT SHORT"));
        assert_eq!(trimmed.text, text, "{opening}");
        assert!(trimmed.cut.is_empty() && trimmed.unplaced.is_empty());
    }
}

#[test]
fn unknown_text_between_chrome_and_the_opening_is_left_and_reported() {
    let text = format!("Hide header\nA subheading nobody knows\n{CABLE}");
    let trimmed = trim(&text, None);
    assert_eq!(trimmed.cut.start, ["Hide header"]);
    assert_eq!(trimmed.unplaced, ["A subheading nobody knows"]);
    assert!(
        trimmed
            .text
            .starts_with("A subheading nobody knows\nDE RUEHMO")
    );
}

#[test]
fn chrome_like_words_inside_the_cable_are_never_touched() {
    let text = "C O N F I D E N T I A L PARIS 001234\n\nSUBJECT: MEDIA\n\n1. (C) The paper ran:\n© 2009 Le Monde\nand more.\n\n2. (C) Comment: none.\nJONES";
    let trimmed = trim(text, None);
    assert_eq!(trimmed.text, text);
    assert!(trimmed.cut.is_empty());
}

#[test]
fn garbled_classification_lines_still_open_the_cable() {
    for line in [
        "SS E C R E T SECTION 01 OF 02 PARIS 001699",
        "UUNCLAS MANAGUA 001002",
        "C ONFIDENTIAL SECTION 01 OF 03 BAKU 000744",
        "E C R E T SANAA 000473",
    ] {
        assert!(crate::clean::cable::opens_cable(line), "{line}");
        let text = format!("Share this | Tweet\n{line}\n\n1. (S) Text.");
        assert_eq!(
            trim(&text, None).cut.start,
            ["Share this | Tweet"],
            "{line}"
        );
    }
}
