//! Unit tests of the reclean job's diffs.

use super::*;
use crate::model::{CableId, PageUrl};

fn cable(body: &str, rules: &str) -> Cable {
    let mut cable = Cable::new(
        CableId::parse("08MOSCOW3728").expect("id"),
        PageUrl::parse("https://cablegate.wikileaks.org/cable/2008/12/08MOSCOW3728.html")
            .expect("url"),
        "cablegate.wikileaks.org",
        rules,
        body,
    );
    cable.subject = Some("A SUBJECT".to_string());
    cable.header = Some("R 011200Z DEC 08".to_string());
    cable
}

#[test]
fn a_diff_shows_the_changed_lines_and_both_versions() {
    let diff = cable_diff(
        &cable("1. Text.\n2. More.", "site@aaaaaaaaaaaa"),
        &cable("1. Text.\n2. Changed.", "site@bbbbbbbbbbbb"),
    );
    assert!(
        diff.contains("-2. More.") && diff.contains("+2. Changed."),
        "{diff}"
    );
    assert!(diff.contains("site@aaaaaaaaaaaa") && diff.contains("site@bbbbbbbbbbbb"));
}
