//! Unit tests of comparing the copies of one cable.

use super::*;
use crate::model::test_support;

fn copy(site: &str, body: &str) -> Cable {
    test_support::cable("09VALLETTA123", site, &format!("{site}@0"), body)
}

const TEXT: &str = "C O N F I D E N T I A L SECTION 01 OF 02 VALLETTA 000123\n\nSIPDIS\n\nSUBJECT: MALTA AND THE\nMIGRANT BOATS\n\n1. (C) The minister said the boats\nkeep coming.\n\nVALLETTA 00000123 002 OF 002\n\n2. (C) Comment: none.";

#[test]
fn rewrapped_recased_copies_without_page_breaks_agree() {
    let other = "sipdis\nsubject: malta and the migrant boats\n1. (C) The minister said the boats keep coming.\n2. (C) Comment: none.";
    assert!(compare_copies(&[copy("a.org", TEXT), copy("b.org", other)]).is_empty());
}

#[test]
fn a_leak_at_the_end_is_named_with_its_site_and_lines() {
    let leaking = format!("{TEXT}\n\n© Example Media\nWorld Headlines");
    let runs = compare_copies(&[copy("a.org", TEXT), copy("b.org", &leaking)]);
    assert_eq!(runs.len(), 1, "{runs:?}");
    assert_eq!(runs[0].site, "b.org");
    assert_eq!(runs[0].position, Position::End);
    assert_eq!(runs[0].lines, ["© Example Media", "World Headlines"]);
}

#[test]
fn a_headline_leaking_at_the_start_and_a_word_in_the_middle_are_told_apart() {
    let leaking = format!(
        "Cablegate: Malta And The\n{}",
        TEXT.replace("keep coming", "keep on coming")
    );
    let runs = compare_copies(&[copy("a.org", TEXT), copy("b.org", &leaking)]);
    let positions: Vec<_> = runs.iter().map(|r| (r.site.as_str(), r.position)).collect();
    assert_eq!(
        positions,
        [("b.org", Position::Start), ("b.org", Position::Middle)]
    );
    assert_eq!(runs[0].lines, ["Cablegate: Malta And The"]);
}

#[test]
fn with_three_copies_only_text_no_other_copy_has_counts() {
    let leaking = format!("{TEXT}\nMore>>");
    let mut report = VerifyReport::default();
    report.add(&[
        copy("a.org", TEXT),
        copy("b.org", TEXT),
        copy("c.org", &leaking),
    ]);
    assert_eq!(report.cables_compared, 1);
    assert_eq!(report.findings.len(), 1);
    assert_eq!(report.sites["c.org"].edge_runs, 1);
    assert_eq!(report.sites["a.org"].cables_with_own_text, 0);
}

#[test]
fn two_copies_from_one_site_are_not_a_cross_check() {
    let mut report = VerifyReport::default();
    let mut second = copy("a.org", TEXT);
    second.url = crate::model::PageUrl::parse("http://127.0.0.1:8000/09VALLETTA123").expect("url");
    report.add(&[copy("a.org", TEXT), second]);
    assert_eq!(report.cables_compared, 0);
}
