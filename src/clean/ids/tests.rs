//! Unit tests of deciding a copy's cable ID.

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
