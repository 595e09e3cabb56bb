//! Unit tests of the IDs the text gives and of deciding a copy's cable ID.

use super::*;

fn id(text: &str) -> CableId {
    CableId::parse(text).expect("a test ID")
}

fn decided(site: Option<&str>, text: Option<&str>) -> Decided {
    let text: Vec<CableId> = text.map(id).into_iter().collect();
    decide(site, &text).expect("an ID")
}

#[test]
fn a_well_formed_site_id_stands_when_the_text_agrees_or_is_silent() {
    let same = decided(Some("08MOSCOW3728"), Some("08MOSCOW3728"));
    assert_eq!((same.id.as_str(), same.source_id), ("08MOSCOW3728", None));
    let silent = decided(Some("08MOSCOW3728"), None);
    assert_eq!(silent.id.as_str(), "08MOSCOW3728");
    let plusd = decided(Some("1974ROME06120_b"), Some("74ROME6120"));
    assert_eq!(plusd.source_id.as_deref(), Some("1974ROME06120_b"));
}

#[test]
fn a_quoted_cables_banner_does_not_override_the_site() {
    // The text's first classification line is that of a cable it quotes.
    let quoted = decided(Some("07PARIS2725"), Some("07MOSCOW5154"));
    assert_eq!(
        (quoted.id.as_str(), quoted.source_id),
        ("07PARIS2725", None)
    );
}

#[test]
fn the_ids_the_final_release_got_wrong_are_put_right_from_the_text() {
    for (site, text, want) in [
        ("7575LIBREVILLE1895", "75LIBREVILLE1895", "75LIBREVILLE1895"),
        (
            "08SCTION02OF02SAOPAULO335",
            "08SAOPAULO335",
            "08SAOPAULO335",
        ),
        ("07SOIA828", "07SOFIA828", "07SOFIA828"),
        ("09BRUSSLS1332", "09BRUSSELS1332", "09BRUSSELS1332"),
    ] {
        let got = decided(Some(site), Some(text));
        assert_eq!(got.id.as_str(), want, "{site}");
        assert_eq!(got.source_id.as_deref(), Some(site), "{site}");
        assert_eq!(got.malformed, None);
    }
}

#[test]
fn a_malformed_id_without_text_to_correct_it_is_kept_and_flagged_or_refused() {
    let kept = decided(Some("08SCTION02OF02SAOPAULO335"), None);
    assert_eq!(kept.malformed.as_deref(), Some("08SCTION02OF02SAOPAULO335"));
    assert!(matches!(
        decide(Some("no-id-here"), &[]),
        Err(Reject::NoCableId { found: Some(_) })
    ));
    assert!(matches!(
        decide(None, &[]),
        Err(Reject::NoCableId { found: None })
    ));
    assert_eq!(
        decided(None, Some("09TRIPOLI218")).id.as_str(),
        "09TRIPOLI218"
    );
}

#[test]
fn in_place_of_a_malformed_id_the_texts_id_of_the_same_number_wins() {
    // A Paris cable that opens with the classification line of a Moscow cable it quotes;
    // its station line is its own.
    let text = [id("07MOSCOW5154"), id("07PARIS2725")];
    let got = decide(Some("07SCTION01OF02PARIS2725"), &text).expect("an ID");
    assert_eq!(got.id.as_str(), "07PARIS2725");
    assert_eq!(got.source_id.as_deref(), Some("07SCTION01OF02PARIS2725"));
    // With no ID of that number in the text, the text's first still beats the malformed.
    let other = decide(Some("0909ULAANBAATAR234"), &[id("09MOSCOW5154")]).expect("an ID");
    assert_eq!(other.id.as_str(), "09MOSCOW5154");
}

#[test]
fn a_well_formed_id_heeds_only_the_texts_first_id() {
    // Page-break lines cut long post names short (`BUENOSAIR 00001462 002 OF 002`): a
    // later ID of the same number must not override the site's and the banner's.
    let text = [id("06BUENOSAIRES1462"), id("06BUENOSAIR1462")];
    let got = decide(Some("06BUENOSAIRES1462"), &text).expect("an ID");
    assert_eq!(
        (got.id.as_str(), got.source_id),
        ("06BUENOSAIRES1462", None)
    );
}

#[test]
fn id_comes_from_banner_and_dtg() {
    let text = "O 231207Z DEC 08\nFM AMEMBASSY MOSCOW\n\nUNCLAS SECTION 01 OF 02 MOSCOW 003728\n";
    assert_eq!(
        id_from_text(text, None).map(|i| i.to_string()).as_deref(),
        Some("08MOSCOW3728")
    );
    let no_dtg = "S E C R E T TEL AVIV 000456\n";
    assert_eq!(
        id_from_text(no_dtg, Some("2009-03-01"))
            .map(|i| i.to_string())
            .as_deref(),
        Some("09TELAVIV456")
    );
}

#[test]
fn id_comes_from_a_page_break_line_when_there_is_no_classification_line() {
    let text = "DE RUEHMO #3728/01 3581207\nP 231207Z DEC 08\n\nE.O. 12958: N/A\n\nnoted,\n\nMOSCOW 00003728 002 OF 002\n\nbecause";
    assert_eq!(
        id_from_text(text, None).map(|i| i.to_string()).as_deref(),
        Some("08MOSCOW3728")
    );
}

#[test]
fn id_comes_from_the_station_line_when_nothing_else_names_the_post() {
    let text = "DE RUEHWL #0412/01 1231207\nP 031207Z MAY 09\n\nE.O. 12958: N/A\nSUBJECT: X\n";
    assert_eq!(
        id_from_text(text, None).map(|i| i.to_string()).as_deref(),
        Some("09WELLINGTON412")
    );
    let unknown_station = "DE RUEHZZ #0412/01 1231207\nP 031207Z MAY 09\n";
    assert_eq!(id_from_text(unknown_station, None), None);
}

#[test]
fn the_bodys_classification_line_is_read_before_a_long_heading() {
    let mut header = String::from("DE RUEHC #6285 0532034\nO 222018Z FEB 09\nFM SECSTATE WASHDC\n");
    for n in 0..45 {
        header.push_str(&format!("RUEHAA/AMEMBASSY POST{n} IMMEDIATE 0000\n"));
    }
    let body = "S E C R E T STATE 016285\n\nSIPDIS\n\nSUBJECT: X\n";
    let ids: Vec<String> = ids_from_text(body, Some(&header), None)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(ids, ["09STATE16285", "09STATE6285"]);
}

#[test]
fn a_sentence_cased_classification_line_gives_the_id() {
    let text = "P 141433Z FEB 08\nFM SECSTATE WASHDC\n\nS e c r e t state 015220\n\nSipdis\n";
    assert_eq!(
        id_from_text(text, None).map(|i| i.to_string()).as_deref(),
        Some("08STATE15220")
    );
    let sentence = "P 141433Z FEB 08\n\nSecret talks in Paris 2009\n";
    assert_eq!(id_from_text(sentence, None), None);
}

#[test]
fn a_garbled_classification_line_gives_the_id() {
    for (line, want) in [
        ("SS E C R E T PESHAWAR 000041", "09PESHAWAR41"),
        ("SS E C R E T SECTION 01 OF 02 PARIS 001699", "09PARIS1699"),
        ("UUNCLAS MANAGUA 001002", "09MANAGUA1002"),
        (
            "U N C L A S S I F I E D SECTION 01 OF 02 SAO PAULO 000335",
            "09SAOPAULO335",
        ),
    ] {
        let text = format!("R 281125Z FEB 09\n\n{line}\n\nSUBJECT: X\n");
        let ids: Vec<String> = ids_from_text(&text, None, None)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(ids, [want], "{line}");
    }
}

#[test]
fn a_redacted_post_names_no_cable() {
    let text = "R 070012Z JAN 10\n\nSE C R E T SECTION 01 OF 02 XXXXXXXXXXXX 000004\n\nS E C R E T XXXXXXXXXXXX 000004\n";
    assert_eq!(id_from_text(text, None), None);
}
