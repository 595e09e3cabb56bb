//! Tests of the cable parser: subject, tags, classification line, dates, IDs, routing.

use super::*;

const BODY: &str = "C O N F I D E N T I A L SECTION 01 OF 02 BEIJING 004687 \n\nSIPDIS \n\nE.O. 12958: DECL: 12/29/2033 \nTAGS: PREL PHUM PTER CH TW\nSUBJECT: AMBASSADOR-AFM LIU MEETING ON GUANTANAMO UIGHURS, \nTAIWAN INAUGURAL PARTICIPATION, RIGHTS ACTIVIST LIU XIAOBO \n\nREF: BEIJING 4670 AND PREVIOUS \n";

#[test]
fn subject_joins_its_continuation_lines() {
    assert_eq!(
        subject(BODY).as_deref(),
        Some(
            "AMBASSADOR-AFM LIU MEETING ON GUANTANAMO UIGHURS, TAIWAN INAUGURAL PARTICIPATION, RIGHTS ACTIVIST LIU XIAOBO"
        )
    );
}

#[test]
fn subject_stops_at_the_next_field_without_a_blank_line() {
    let text = "SUBJECT: BALOCH REQUEST UNHCR FACILITATE MOVEMENT OF \nBRAHMDAGH BUGTI TO IRELAND\nClassified By: Ambassador, for reasons 1.4 (b)(d)\n";
    assert_eq!(
        subject(text).as_deref(),
        Some("BALOCH REQUEST UNHCR FACILITATE MOVEMENT OF BRAHMDAGH BUGTI TO IRELAND")
    );
    let with_colon = "SUBJECT: CODEL MEETING WITH OPPOSITION LEADER \nNETANYAHU:  ECONOMIC SQUEEZE ON IRAN \n \nREF: X";
    assert_eq!(
        subject(with_colon).as_deref(),
        Some("CODEL MEETING WITH OPPOSITION LEADER NETANYAHU: ECONOMIC SQUEEZE ON IRAN")
    );
}

#[test]
fn subject_skips_page_breaks_inside_it() {
    let text = "SUBJECT: ASSISTANT SECRETARY MEETS WITH ZIMBABWE \n CONFIDENTIAL\nPAGE 02 HARARE 06677 01 OF 03 291400Z OPPOSITION LEADER\nREFTEL: HARARE 6584\n";
    assert_eq!(
        subject(text).as_deref(),
        Some("ASSISTANT SECRETARY MEETS WITH ZIMBABWE OPPOSITION LEADER")
    );
    let modern = "SUBJECT: THE LIFE AND TIMES OF SOUTH AFRICA'S \nNEXT PRESIDENT\nPRETORIA 00000939 001.2 OF 003\n------- \nSummary\n";
    assert_eq!(
        subject(modern).as_deref(),
        Some("THE LIFE AND TIMES OF SOUTH AFRICA'S NEXT PRESIDENT")
    );
}

#[test]
fn no_subject_line_means_no_subject() {
    assert_eq!(subject("TAGS: PREL\n\n1. (C) Text."), None);
}

#[test]
fn tags_split_on_spaces_or_commas_and_continue_after_a_comma() {
    assert_eq!(tags(BODY), ["PREL", "PHUM", "PTER", "CH", "TW"]);
    let wrapped = "TAGS OVIP (STEINBERG, JAMES B.), PREL, PGOV, MNUC, \nCH, KN, KS \nSUBJECT: X";
    assert_eq!(
        tags(wrapped),
        [
            "OVIP (STEINBERG, JAMES B.)",
            "PREL",
            "PGOV",
            "MNUC",
            "CH",
            "KN",
            "KS"
        ]
    );
    assert!(tags("no tags here").is_empty());
}

#[test]
fn banner_gives_classification_post_and_number() {
    let found = banner(BODY).expect("banner");
    assert_eq!(found.classification, "CONFIDENTIAL");
    assert_eq!(found.origin, "BEIJING");
    assert_eq!(found.number, "4687");
    let unclas = banner("UNCLAS SECTION 01 OF 02 TEL AVIV 000123 \n").expect("banner");
    assert_eq!(
        (
            unclas.classification.as_str(),
            unclas.origin.as_str(),
            unclas.number.as_str()
        ),
        ("UNCLASSIFIED", "TEL AVIV", "123")
    );
}

#[test]
fn dtg_and_page_dates_become_iso_8601() {
    assert_eq!(
        created_from_dtg("DE RUEHBJ #4687/01 3640912\nO 290912Z DEC 08\n").as_deref(),
        Some("2008-12-29T09:12:00Z")
    );
    assert_eq!(
        normalise_date("2008-12-29 09:09").as_deref(),
        Some("2008-12-29T09:09:00Z")
    );
    assert_eq!(
        normalise_date(" Monday, 29 December 2008, 09:12 ").as_deref(),
        Some("2008-12-29T09:12:00Z")
    );
    assert_eq!(
        normalise_date("1974 April 17, 19:44 (Wednesday)").as_deref(),
        Some("1974-04-17T19:44:00Z")
    );
    assert_eq!(normalise_date("2010-02-03").as_deref(), Some("2010-02-03"));
    assert_eq!(normalise_date("soon"), None);
}

#[test]
fn routing_lines_split_from_the_body() {
    let body = "VZCZCXRO5807\nOO RUEHCN RUEHGH\nDE RUEHMO #3728/01 3581207\nZNR UUUUU ZZH\nO 231207Z DEC 08\nFM AMEMBASSY MOSCOW\nTO RUEHC/SECSTATE WASHDC IMMEDIATE 1647\nINFO RUEHXD/MOSCOW POL COLLECTIVE\nRUEKJCS/SECDEF WASHDC\n\nUNCLAS SECTION 01 OF 02 MOSCOW 003728\n\nSIPDIS\n";
    let (header, rest) = split_routing(body).expect("routing");
    assert!(header.starts_with("VZCZCXRO5807") && header.ends_with("RUEKJCS/SECDEF WASHDC"));
    assert!(rest.starts_with("UNCLAS SECTION 01 OF 02 MOSCOW 003728"));
    assert_eq!(split_routing("UNCLAS MOSCOW 003728\n\nTAGS: X\n"), None);
}

#[test]
fn cable_marks_are_required() {
    assert!(check_looks_like_cable(BODY, None).is_ok());
    let chrome = "Browse latest releases 2010/12/10 2010/12/09 and more";
    assert!(check_looks_like_cable(chrome, None).is_err());
    assert!(check_looks_like_cable("SUBJECT:", None).is_err());
    let paragraphs_only = "1. INQUIRIES MADE BY THE EMBASSY HAVE PRODUCED NOTHING.";
    assert!(check_looks_like_cable(paragraphs_only, None).is_err());
    let heading = "R 171600Z MAY 74\nFM AMEMBASSY ATHENS\nTAGS: PINS, GR";
    assert!(check_looks_like_cable(paragraphs_only, Some(heading)).is_ok());
}

#[test]
fn sentence_cased_cables_are_recognised_and_keep_their_subject() {
    let text = "C o n f i d e n t i a l section 01 of 04 ankara 000348\n\nSipdis\n\nE.o. 12958: decl: 01/07/2014 Tags: prel, pgov Subject: turkish p.m. goes to washington\n\n1. (C) Summary: text.\n";
    assert!(check_looks_like_cable(text, None).is_ok());
    assert_eq!(
        subject(text).as_deref(),
        Some("turkish p.m. goes to washington")
    );
    assert_eq!(subject("1. (C) The subject: not this one.\n"), None);
}

#[test]
fn tags_run_on_after_other_fields_or_in_lower_case() {
    assert_eq!(
        tags("E.O. 12958: N/A TAGS: PGOV PINR BR\nSUBJECT: X\n"),
        ["PGOV", "PINR", "BR"]
    );
    assert_eq!(
        tags("E.o. 12958: decl: 01/07/2014 Tags: prel, pgov, tu Subject: turkish p.m.\n"),
        ["PREL", "PGOV", "TU"]
    );
    assert_eq!(
        tags("Tags: ovip (steinberg, james b.), prel,\nch\n"),
        ["OVIP (STEINBERG, JAMES B.)", "PREL", "CH"]
    );
    assert!(tags("1. (C) The luggage tags: none were found.\n").is_empty());
}

#[test]
fn a_dtg_may_have_a_space_before_its_z() {
    assert_eq!(
        created_from_dtg("P R 221828 Z MAY 73\n").as_deref(),
        Some("1973-05-22T18:28:00Z")
    );
}

#[test]
fn spacer_lines_after_the_routing_are_not_left_in_the_body() {
    let body = "DE RUEHMO #3728/01 3581207\nP 231207Z DEC 08\n\u{a0}\n\nE.O. 12958: N/A\n";
    let (_, rest) = split_routing(body).expect("routing");
    assert_eq!(rest, "E.O. 12958: N/A\n");
}
