//! Unit tests of the name-and-title split of a `Classified By` entry.

use super::*;

#[test]
fn the_title_words_are_sorted_and_lower_case_for_bisection() {
    assert!(TITLE_WORDS.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(
        TITLE_WORDS
            .iter()
            .all(|word| !word.bytes().any(|b| b.is_ascii_uppercase()))
    );
}

#[test]
fn names_and_titles_split() {
    let split = split_person;
    let some = |text: &str| Some(text.to_string());
    assert_eq!(split("Econoff TLStone"), (some("TLStone"), some("Econoff")));
    assert_eq!(
        split("A/PolAd A. \u{201c}Hoot\u{201d} Baker"),
        (some("A. \u{201c}Hoot\u{201d} Baker"), some("A/PolAd"))
    );
    assert_eq!(
        split("Charge d'Affaires a.i. William North"),
        (some("William North"), some("Charge d'Affaires a.i."))
    );
    assert_eq!(
        split("U/S Maria Otero (G)"),
        (some("Maria Otero"), some("U/S"))
    );
    assert_eq!(
        split("Charge d\u{2019}Affaires W. Scott Reid III."),
        (some("W. Scott Reid III."), some("Charge d\u{2019}Affaires"))
    );
    assert_eq!(split(" , "), (None, None));
}
