//! Unit tests of cable IDs.

use super::*;

fn canonical(raw: &str) -> String {
    CableId::parse(raw).map_or_else(|error| error.to_string(), |id| id.to_string())
}

#[test]
fn cable_id_canonicalises_case_and_suffix() {
    let (id, suffix) = CableId::parse_with_suffix(" 1974athens02959_b ").expect("valid id");
    assert_eq!(id.as_str(), "74ATHENS2959");
    assert_eq!(suffix.as_deref(), Some("b"));
    assert_eq!(
        CableId::parse("08MOSCOW3728").expect("valid").as_str(),
        "08MOSCOW3728"
    );
    let (id, suffix) = CableId::parse_with_suffix("1976MADRID04410_b2").expect("valid id");
    assert_eq!(
        (id.as_str(), suffix.as_deref()),
        ("76MADRID4410", Some("b2"))
    );
}

#[test]
fn the_year_has_two_digits_and_the_number_no_leading_zeros() {
    assert_eq!(canonical("1974ROME06120"), "74ROME6120");
    assert_eq!(canonical("2005PARIS05459"), "05PARIS5459");
    assert_eq!(canonical("09BEIJING004687"), "09BEIJING4687");
    assert_eq!(canonical("10STATE000000"), "10STATE0");
}

#[test]
fn the_post_takes_its_canonical_spelling() {
    assert_eq!(canonical("09SECSTATE76108"), "09STATE76108");
    assert_eq!(canonical("2008RIODEJAN0236"), "08RIODEJANEIRO236");
    assert_eq!(canonical("06usun0230"), "06USUNNEWYORK230");
    assert_eq!(canonical("09UNVIE155"), "09UNVIEVIENNA155");
}

#[test]
fn cable_viewer_ids_parse_to_themselves() {
    // IDs as the Cable Viewer writes them, which are canonical by definition.
    for id in [
        "00HARARE6677",
        "05RIODEJANEIRO1238",
        "06USUNNEWYORK230",
        "07PORTAUPRINCE408",
        "08STATE116392",
        "09RPODUBAI379",
        "09UNVIEVIENNA155",
        "10BUENOSAIRES111",
        "89PANAMA8545",
        "66BUENOSAIRES2481",
        "09THEHAGUE123",
        "08AITTAIPEI1000",
    ] {
        assert_eq!(canonical(id), id);
    }
}

#[test]
fn ids_of_an_unusual_shape_are_kept_as_written() {
    assert_eq!(
        canonical("08SCTION02OF02SAOPAULO335"),
        "08SCTION02OF02SAOPAULO335"
    );
}

#[test]
fn from_parts_builds_the_canonical_id() {
    let id = |year, post, number| {
        CableId::from_parts(year, post, number).map_or_else(|e| e.to_string(), |i| i.to_string())
    };
    assert_eq!(id(5, "PARIS", 5459), "05PARIS5459");
    assert_eq!(id(2005, "PARIS", 5459), "05PARIS5459");
    assert_eq!(id(1974, "SECSTATE", 97844), "74STATE97844");
    assert_eq!(id(9, "RIO DE JAN", 236), "09RIODEJANEIRO236");
    assert_eq!(id(7, "PORT-AU-PRINCE", 408), "07PORTAUPRINCE408");
    assert!(CableId::from_parts(9, " - ", 1).is_err());
}

#[test]
fn year_digits_come_from_the_canonical_id() {
    let id = CableId::parse("1974ROME06120").expect("id");
    assert_eq!(id.year_digits(), Some(74));
}

#[test]
fn the_year_and_the_post_come_from_an_id_of_the_usual_shape() {
    let id = |raw: &str| CableId::parse(raw).expect("id");
    assert_eq!(id("1974ROME06120").year(), Some(1974));
    assert_eq!(id("66BUENOSAIRES2481").year(), Some(1966));
    assert_eq!(id("09VALLETTA123").year(), Some(2009));
    assert_eq!(id("1974ROME06120").post(), Some("ROME"));
    assert_eq!(id("09SECSTATE18812").post(), Some("STATE"));
    // A malformed ID's letters are no post.
    assert_eq!(id("08SCTION02OF02SAOPAULO335").post(), None);
    assert_eq!(id("08SCTION02OF02SAOPAULO335").year(), Some(2008));
}

#[test]
fn cable_id_refuses_path_tricks_and_junk() {
    for bad in [
        "../08MOSCOW3728",
        "08MOSCOW/3728",
        "",
        "MOSCOW3728",
        "08MOSCOW",
        "08 MOSCOW 3728",
        "123MOSCOW1",
        "08ÉCOLE12",
    ] {
        assert!(CableId::parse(bad).is_err(), "{bad:?} should be refused");
    }
}
