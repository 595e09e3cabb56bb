//! Site-independent chrome: the lines republishers put around a cable that no cable's own
//! text holds (a copyright line, a teaser's `More>>`, share links, a "Hide header" toggle,
//! a byline, a news-style date line, the page's own headline), named in one place for the
//! edge step, which cuts them at the edges of the text, and the quality gate, which flags
//! what is left.
//!
//! Each signature is a whole line of a shape that cables do not use: "Comment" or "Share
//! this view" are cable text, so only lines made of nothing but share words count, and a
//! date line counts only in the news form with am/pm (the Cable Viewer prints a 24-hour
//! date line at the top of some cables, and that line is the cable's).

use std::sync::LazyLock;

use regex::Regex;

fn regex(pattern: &str) -> Regex {
    Regex::new(pattern)
        .unwrap_or_else(|error| panic!("built-in pattern {pattern:?} is broken: {error}"))
}

/// What kind of chrome a line is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChromeLine {
    /// `© Scoop Media`, `Copyright 2011 …`, `All rights reserved`.
    Copyright,
    /// A teaser ending in `More>>`.
    MoreLink,
    /// Nothing but share words: `Share this | Tweet | Email`.
    Share,
    /// `Hide header`, `Show header`.
    HeaderToggle,
    /// `World Headlines`, `Most Popular`, `Related Stories`: the heading of a teaser list.
    TeaserHeading,
    /// A news date line: `Tuesday, 23 December 2008, 12:07 pm`.
    NewsDate,
    /// A byline naming WikiLeaks as the source: `Cable: Wikileaks`.
    Byline,
    /// A lone permalink glyph `¶`.
    Permalink,
    /// The page's own headline again.
    Headline,
}

static COPYRIGHT: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^\s*(?:©|&copy;|copyright\s+(?:©|\(c\)|\d{4}))|all rights reserved")
});
static MORE_LINK: LazyLock<Regex> = LazyLock::new(|| regex(r"More\s*(?:>>|»|&gt;&gt;)\s*$"));
static SHARE: LazyLock<Regex> = LazyLock::new(|| {
    let word = r"(?:share(?:\s+this)?|tweet|e-?mail|print|facebook|twitter|reddit|digg|delicious|stumbleupon|linkedin|whatsapp|google\+?|bookmark)";
    regex(&format!(r"(?i)^\s*{word}(?:\s*[|·•,/:\-]?\s*{word})*\s*$"))
});
static HEADER_TOGGLE: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)^\s*(?:hide|show)(?:\s*/\s*(?:hide|show))?\s+header\s*$"));
static TEASER_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\s*(?:World Headlines|Most Popular|Related (?:Articles|Stories|Cables|Links|News)|You might also like|Recommended(?: Stories)?)\s*$",
    )
});
static NEWS_DATE: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"(?i)^\s*(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,\s+)?\d{1,2}\s+[a-z]+\s+\d{4},?\s+\d{1,2}:\d{2}\s*[ap]\.?m\.?\s*$",
    )
});
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)^\s*(?:cable|source|by|via|posted by|from)\s*:?\s*wiki\s?leaks(?:\.org)?\.?\s*$")
});
static PERMALINK: LazyLock<Regex> = LazyLock::new(|| regex(r"^\s*¶\s*$"));

/// The kind of chrome `line` is, if it is chrome wherever it stands. `headline` is the
/// page's own headline, when the rule found one.
pub fn chrome_line(line: &str, headline: Option<&str>) -> Option<ChromeLine> {
    if line.trim().is_empty() {
        return None;
    }
    let kinds: [(&LazyLock<Regex>, ChromeLine); 8] = [
        (&COPYRIGHT, ChromeLine::Copyright),
        (&MORE_LINK, ChromeLine::MoreLink),
        (&SHARE, ChromeLine::Share),
        (&HEADER_TOGGLE, ChromeLine::HeaderToggle),
        (&TEASER_HEADING, ChromeLine::TeaserHeading),
        (&NEWS_DATE, ChromeLine::NewsDate),
        (&BYLINE, ChromeLine::Byline),
        (&PERMALINK, ChromeLine::Permalink),
    ];
    // Each pattern alone, not one set of them all: alone, each is searched for its
    // literal part first (`More`, `©`, `¶`), which is what keeps this cheap per line.
    if let Some((_, kind)) = kinds.iter().find(|(pattern, _)| pattern.is_match(line)) {
        return Some(*kind);
    }
    headline
        .filter(|headline| same_words(line, headline))
        .map(|_| ChromeLine::Headline)
}

/// Whether two texts are the same words, ignoring case, white space and trailing
/// punctuation. A headline of one or two words could be anybody's line, so it never
/// matches. Compared a character at a time, without copying either text.
pub fn same_words(line: &str, headline: &str) -> bool {
    let trimmed = |text: &str| -> usize {
        text.trim_end_matches(|c: char| c.is_ascii_punctuation() || c.is_whitespace())
            .len()
    };
    let (line, headline) = (&line[..trimmed(line)], &headline[..trimmed(headline)]);
    // Most lines differ from the headline at their first letter: a cheap look first.
    let first = |text: &str| {
        text.trim_start()
            .chars()
            .next()
            .map(|c| c.to_lowercase().next())
    };
    if first(line) != first(headline) {
        return false;
    }
    let count = headline.split_whitespace().count();
    if count < 3 || line.split_whitespace().count() != count {
        return false;
    }
    line.split_whitespace()
        .zip(headline.split_whitespace())
        .all(|(a, b)| {
            a.chars()
                .flat_map(char::to_lowercase)
                .eq(b.chars().flat_map(char::to_lowercase))
        })
}

#[cfg(test)]
mod tests;
