//! Unit tests of the site-independent chrome signatures.

use super::*;

#[test]
fn each_kind_of_chrome_line_is_known() {
    let title = Some("Cablegate: Dfm Ryabkov Meets Codel Tauscher: Iran, Missile Defense,");
    for (line, kind) in [
        ("© Scoop Media", ChromeLine::Copyright),
        ("&copy; Scoop Media", ChromeLine::Copyright),
        (
            "Copyright 2011 Example News. All rights reserved.",
            ChromeLine::Copyright,
        ),
        ("The panel reported on reefs. More>>", ChromeLine::MoreLink),
        ("Share this | Tweet | Email", ChromeLine::Share),
        ("Facebook Twitter", ChromeLine::Share),
        ("Hide header", ChromeLine::HeaderToggle),
        ("Show/hide header", ChromeLine::HeaderToggle),
        ("World Headlines", ChromeLine::TeaserHeading),
        ("Tuesday, 23 December 2008, 12:07 pm", ChromeLine::NewsDate),
        ("23 December 2008, 12:07 PM", ChromeLine::NewsDate),
        ("Cable: Wikileaks", ChromeLine::Byline),
        ("Source: WikiLeaks.org", ChromeLine::Byline),
        ("¶", ChromeLine::Permalink),
        (
            "Cablegate: DFM Ryabkov meets Codel Tauscher: Iran, Missile Defense",
            ChromeLine::Headline,
        ),
    ] {
        assert_eq!(chrome_line(line, title), Some(kind), "{line:?}");
    }
}

#[test]
fn cable_text_that_looks_a_little_like_chrome_is_not_chrome() {
    for line in [
        "COMMENT",
        "Comment: none.",
        "share this view. Sanchez, who has served in Caracas,",
        "Twitter, blogs, and Google. The range of opinions among the",
        "Wednesday, 29 November 2000, 13:59",
        "1. (C) Summary: the minister said more was to come.",
        "(C) Comment: the copyright law is under review.",
        "PRINT AND BROADCAST MEDIA",
        "",
        "MALTA",
    ] {
        assert_eq!(chrome_line(line, Some("MALTA")), None, "{line:?}");
    }
    assert!(
        !same_words("Migrant boats", "Migrant boats"),
        "two words are too few"
    );
}
