//! Unit tests of the addressee parser: the cases of `cases/addressees.toml`, and the
//! pieces of one line.

use serde::Deserialize;

use super::*;
use crate::clean::cable::tests::cases;

#[derive(Debug, Deserialize)]
struct Case {
    name: String,
    text: String,
    #[serde(default)]
    to: Vec<Addressee>,
    #[serde(default)]
    info: Vec<Addressee>,
    #[serde(default)]
    excluded: Vec<Addressee>,
}

#[test]
fn every_case_of_the_cases_file() {
    let all: Vec<Case> = cases(include_str!("../cases/addressees.toml"));
    assert!(all.len() >= 10, "the cases file lost cases");
    for case in &all {
        let found = addressees(&case.text);
        assert_eq!(found.to, case.to, "TO of case: {}", case.name);
        assert_eq!(found.info, case.info, "INFO of case: {}", case.name);
        assert_eq!(found.excluded, case.excluded, "XMT of case: {}", case.name);
    }
}

#[test]
fn a_routing_indicator_is_a_word_of_capitals_before_a_slash() {
    assert_eq!(
        split_route("RUEHC/SECSTATE WASHDC"),
        (Some("RUEHC"), "SECSTATE WASHDC")
    );
    assert_eq!(
        split_route("RHMFISS/39ABG INCIRLIK AB TU"),
        (Some("RHMFISS"), "39ABG INCIRLIK AB TU")
    );
    for unrouted in [
        "DIA WASHINGTON DC//DHI//",
        "US/EU SUMMIT",
        "RUEHC//X",
        "RUEHC/",
    ] {
        assert_eq!(split_route(unrouted).0, None, "{unrouted:?}");
    }
}

#[test]
fn serials_are_four_digits_or_a_range() {
    for serial in ["4696", "0000", "2276-2279"] {
        assert!(is_serial(serial), "{serial}");
    }
    for not_serial in ["151", "12345", "J5", "-", "1-", "2009A"] {
        assert!(!is_serial(not_serial), "{not_serial}");
    }
}

#[test]
fn prose_with_an_fm_at_a_line_start_gives_no_addressees() {
    let text = "FM Kouchner said\nTO the press that\nINFO was scarce.\n";
    assert_eq!(addressees(text), Addressees::default());
}
