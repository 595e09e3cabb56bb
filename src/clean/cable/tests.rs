//! Tests of the cable parser: subject, tags, classification line, dates, IDs, routing; the
//! metadata entry point; and every parser fed random and hostile text.

use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::*;
use crate::model::{Addressee, CableId, Declassify};

/// The `[[case]]` tables of a cases file under `cases/`.
pub(super) fn cases<T: DeserializeOwned>(text: &str) -> Vec<T> {
    #[derive(Deserialize)]
    #[serde(bound = "T: DeserializeOwned")]
    struct File<T> {
        case: Vec<T>,
    }
    toml::from_str::<File<T>>(text)
        .unwrap_or_else(|error| panic!("a cases file does not parse: {error}"))
        .case
}

/// A case whose expected value is one text or none.
#[derive(Debug, Deserialize)]
struct TextCase {
    name: String,
    text: String,
    expect: Option<String>,
}

/// Checks `parse` against every case of a cases file whose cases expect a text or none;
/// `at_least` guards against a file that lost its cases.
pub(super) fn check_text_cases(
    file: &str,
    at_least: usize,
    parse: impl Fn(&str) -> Option<String>,
) {
    let all: Vec<TextCase> = cases(file);
    assert!(all.len() >= at_least, "the cases file lost cases");
    for case in &all {
        assert_eq!(parse(&case.text), case.expect, "case: {}", case.name);
    }
}

#[test]
fn every_subject_case() {
    check_text_cases(include_str!("cases/subjects.toml"), 25, subject);
}

#[derive(Debug, Deserialize)]
struct TagsCase {
    name: String,
    text: String,
    expect: Vec<String>,
}

#[test]
fn every_tags_case() {
    let all: Vec<TagsCase> = cases(include_str!("cases/tags.toml"));
    assert!(all.len() >= 15, "the cases file lost cases");
    for case in &all {
        assert_eq!(tags(&case.text), case.expect, "case: {}", case.name);
    }
}

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
            "OVIP",
            "STEINBERG, JAMES B.",
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
        ["OVIP", "STEINBERG, JAMES B.", "PREL", "CH"]
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

const HEADER: &str = "VZCZCXRO1111\nDE RUEHMD #2650/01 2910840\nP 180840Z OCT 06\nFM AMEMBASSY MADRID\nTO RUEHC/SECSTATE WASHDC PRIORITY 1080\nINFO RUEHZL/EUROPEAN POLITICAL COLLECTIVE PRIORITY\n";

const METADATA_BODY: &str = "C O N F I D E N T I A L MADRID 002650\n\nSIPDIS\n\nE.O. 12958: DECL: 10/18/2016\nTAGS: PREL PGOV SP\nSUBJECT: SPAIN: A LUNCH WITH THE FORMER PRESIDENT\n\nREF: A. BARCELONA 150\nB. 05 MADRID 77\n\nClassified By: Amb. Eduardo B. Smith for reasons 1.4 (b) and (d)\n\n1. (C) SUMMARY: The Ambassador hosted the former president for lunch. END SUMMARY.\n\n2. (C) Text.\n\nSMITH\n";

#[test]
fn metadata_gathers_every_field() {
    let own_id = CableId::parse("06MADRID2650").ok();
    let found = metadata(Some(HEADER), METADATA_BODY, own_id.as_ref(), None);
    assert_eq!(
        found
            .references
            .iter()
            .map(|r| r.id.as_ref().map(CableId::to_string))
            .collect::<Vec<_>>(),
        [
            Some("06BARCELONA150".to_string()),
            Some("05MADRID77".to_string())
        ]
    );
    assert_eq!(
        found.to,
        [Addressee {
            route: Some("RUEHC".to_string()),
            name: "SECSTATE WASHDC".to_string(),
            precedence: Some("PRIORITY".to_string()),
            serial: Some("1080".to_string()),
        }]
    );
    assert_eq!(found.info.len(), 1);
    assert!(found.excluded.is_empty());
    assert_eq!(found.signer.as_deref(), Some("SMITH"));
    let by = found.classified_by.expect("classified by");
    assert_eq!(
        (by.name.as_deref(), by.title.as_deref()),
        (Some("Eduardo B. Smith"), Some("Amb."))
    );
    assert_eq!(
        found.declassify,
        Some(Declassify::Date(jiff::civil::date(2016, 10, 18)))
    );
    assert_eq!(
        found.summary.as_deref(),
        Some("The Ambassador hosted the former president for lunch.")
    );
}

#[test]
fn metadata_finds_the_routing_lines_at_the_top_of_a_body_without_a_header() {
    let body = format!("{HEADER}\n{METADATA_BODY}");
    let found = metadata(None, &body, None, Some("2006-10-18T08:40:00Z"));
    assert_eq!(found.to.len(), 1);
    assert_eq!(found.info.len(), 1);
    // The year of a reference without one comes from `created` when there is no ID.
    assert_eq!(
        found.references[0].id.as_ref().map(CableId::as_str),
        Some("06BARCELONA150")
    );
}

#[test]
fn metadata_reads_the_header_fields_plusd_shows_in_its_header_block() {
    let header = "R 221145Z APR 74\nFM AMEMBASSY ROME\nTO SECSTATE WASHDC 6200\n\n\nC O N F I D E N T I A L ROME 6130\n\nE.O. 11652: GDS\nTAGS: PFOR, IT\nSUBJECT: HARBOR COSTS\n\nREF: STATE 80100\n\nClassified By: DCM Ann Lee for reasons 1.5 (b)\n";
    let body = "1. THE COMMITTEE ASKED ABOUT THE COSTS.\nVOLPONE\n\n\nCONFIDENTIAL\n\nNNN\n";
    let own_id = CableId::parse("1974ROME06130").ok();
    let found = metadata(Some(header), body, own_id.as_ref(), None);
    assert_eq!(
        found.references[0].id.as_ref().map(CableId::as_str),
        Some("74STATE80100")
    );
    assert_eq!(found.to[0].name, "SECSTATE WASHDC");
    assert_eq!(
        found.classified_by.and_then(|by| by.name).as_deref(),
        Some("Ann Lee")
    );
    assert_eq!(found.signer.as_deref(), Some("VOLPONE"));
    assert_eq!(found.declassify, None);
}

#[test]
fn metadata_of_text_that_gives_nothing_is_empty() {
    assert_eq!(
        metadata(None, "", None, None),
        crate::model::Metadata::default()
    );
    assert_eq!(
        metadata(Some("x"), "Browse latest releases", None, Some("soon")),
        crate::model::Metadata::default()
    );
}

/// Every public parser over one text, for the hostile-input tests: none may panic.
fn parse_everything(text: &str) {
    let own_id = CableId::parse("09MOSCOW1").ok();
    let _ = metadata(Some(text), text, own_id.as_ref(), Some("2009-01-01"));
    let _ = metadata(None, text, None, Some("\u{e9}\u{e9}\u{e9}"));
    let _ = subject(text);
    let _ = tags(text);
    let _ = banner(text);
    let _ = crate::clean::ids::id_from_text(text, Some("2009"));
    let _ = split_routing(text);
    let _ = check_looks_like_cable(text, Some(text));
}

/// Pieces cables are made of, to build random texts that look enough like cables to reach
/// every branch of the parsers.
const PIECES: &[&str] = &[
    "REF: ",
    "REFS:",
    "REF A ",
    "A. ",
    "B) ",
    "(C) ",
    "(U) ",
    "1.4 (b) and (d)",
    "SUBJECT: ",
    "SUBJ:",
    "TAGS ",
    "TAGS: ",
    "OVIP (",
    ")",
    "(",
    ",",
    ";",
    ".",
    " ",
    "  ",
    "\n",
    "\n\n",
    "\r\n",
    "\t",
    "\\",
    "Classified By: ",
    "CLASSIFIED BY ",
    "for reasons ",
    "DECL: ",
    "01/15/2029",
    "2029/13/45",
    "X1",
    "Summary: ",
    "SUMMARY",
    "-------",
    "End summary.",
    "END SUMMARY",
    "BEGIN SUMMARY",
    "1. (C) ",
    "2. ",
    "FM AMEMBASSY PARIS",
    "TO ",
    "INFO ",
    "XMT ",
    "RUEHC/",
    "SECSTATE WASHDC",
    "IMMEDIATE",
    "NIACT",
    "4696",
    "2276-2279",
    "PAGE 02 ",
    "PARIS 00005459 002 OF 003",
    "CONFIDENTIAL",
    "C O N F I D E N T I A L",
    "NNNN",
    "BT",
    "STATE",
    "05",
    "2005",
    "PARIS",
    "RIO DE JAN",
    "5459",
    "-097844",
    "00000",
    "99999999999999",
    "JONES",
    "Beyrle",
    "XXXXXXXXXXXX",
    "http://www.state.sgov.gov/",
    "Visit ",
    "****",
    "\u{2019}",
    "\u{201c}",
    "\u{a0}",
    "\u{e9}",
    "\u{1f600}",
    "\u{0}",
    "\u{feff}",
    "\u{200b}",
    "a",
    "Z",
    "0",
    "9",
    ":",
    "/",
    "//",
    "&",
    "'",
];

#[test]
fn random_texts_never_panic() {
    let mut random = fastrand::Rng::with_seed(0x5eed_cab1e);
    for _ in 0..3_000 {
        let mut text = String::new();
        for _ in 0..random.usize(0..120) {
            text.push_str(PIECES[random.usize(..PIECES.len())]);
        }
        parse_everything(&text);
        // And every prefix cut at a char boundary, where a parser may find half a field.
        let cut = random.usize(0..=text.len());
        let cut = (0..=cut)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        parse_everything(&text[..cut]);
    }
}

#[test]
fn random_bytes_as_text_never_panic() {
    let mut random = fastrand::Rng::with_seed(42);
    for _ in 0..1_000 {
        let bytes: Vec<u8> = (0..random.usize(0..400)).map(|_| random.u8(..)).collect();
        parse_everything(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn hostile_texts_never_panic() {
    let huge_line = "REF: A. PARIS 1 B. ".repeat(50_000);
    let many_refs = "REF: STATE 1\n".repeat(20_000);
    let many_summaries = "1. (C) Summary: x\n".repeat(10_000);
    let no_newlines = "Classified By: Ambassador ".repeat(20_000);
    let deep_parentheses = format!("TAGS: {}\n", "(".repeat(100_000));
    let unicode = "\u{1f600}\u{e9}\u{2019}".repeat(50_000);
    let digits = "1.4".repeat(100_000);
    let many_addressees = format!("FM X\nTO {}", "RUEHC/SECSTATE WASHDC 4696\n".repeat(20_000));
    let long_last_line = format!("END SUMMARY. {}", "SMITH ".repeat(100_000));
    for text in [
        huge_line,
        many_refs,
        many_summaries,
        no_newlines,
        deep_parentheses,
        unicode,
        digits,
        many_addressees,
        long_last_line,
        String::new(),
        "\n".repeat(100_000),
    ] {
        parse_everything(&text);
    }
}
