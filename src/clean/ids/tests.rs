//! Unit tests of deciding a copy's cable ID.

use super::*;

fn id(text: &str) -> CableId {
    CableId::parse(text).expect("a test ID")
}

fn decided(site: Option<&str>, text: Option<&str>) -> Decided {
    decide(site, text.map(id)).expect("an ID")
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
        decide(Some("no-id-here"), None),
        Err(Reject::NoCableId { found: Some(_) })
    ));
    assert!(matches!(
        decide(None, None),
        Err(Reject::NoCableId { found: None })
    ));
    assert_eq!(
        decided(None, Some("09TRIPOLI218")).id.as_str(),
        "09TRIPOLI218"
    );
}
