//! Unit tests of the line helpers: white space collapsed as the cleaner's own helper does.

use super::*;
use crate::clean::text::collapse_whitespace;

#[test]
fn spaces_collapse_as_the_cleaner_collapses_them() {
    for text in [
        "",
        "   ",
        "REF: A. STATE 1234\n   B. PARIS 55  ",
        "\tone\x0btwo\r\nthree",
        "caf\u{e9}  au\u{a0}\u{a0}lait\u{3000}end",
        "\u{2028}only\u{2009}unicode\u{85}spaces\u{202f}",
        "no-space-at-all",
    ] {
        assert_eq!(collapse_spaces(text), collapse_whitespace(text), "{text:?}");
    }
}

#[test]
fn lines_split_on_line_feeds_and_lose_carriage_returns() {
    let lines: Vec<&str> = lines_of("a\r\nb\n\nc").collect();
    assert_eq!(lines, ["a", "b", "", "c"]);
}

#[test]
fn spaces_collapse_alike_over_every_mix_of_white_space() {
    // Every string of up to five characters over an alphabet of letters, ASCII white
    // space and Unicode spaces, so that each branch of the stretch copier meets each other.
    let alphabet = [
        'a', ' ', '\n', '\t', '\r', '\u{b}', '\u{a0}', '\u{201c}', '\u{3000}',
    ];
    let mut text = String::new();
    for length in 0..=5u32 {
        for combination in 0..alphabet.len().pow(length) {
            text.clear();
            let mut rest = combination;
            for _ in 0..length {
                text.push(alphabet[rest % alphabet.len()]);
                rest /= alphabet.len();
            }
            assert_eq!(
                collapse_spaces(&text),
                collapse_whitespace(&text),
                "{text:?}"
            );
        }
    }
}
