//! Unit tests of cable IDs.

use super::*;

#[test]
fn cable_id_canonicalises_case_and_suffix() {
    let (id, suffix) = CableId::parse_with_suffix(" 1974athens02959_b ").expect("valid id");
    assert_eq!(id.as_str(), "1974ATHENS02959");
    assert_eq!(suffix.as_deref(), Some("b"));
    assert_eq!(
        CableId::parse("08MOSCOW3728").expect("valid").as_str(),
        "08MOSCOW3728"
    );
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
    ] {
        assert!(CableId::parse(bad).is_err(), "{bad:?} should be refused");
    }
}
