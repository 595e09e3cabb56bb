//! The edge step: after a rule has picked out the cable's text, the cable's own grammar
//! finds where that text starts and ends, and the site's lines around it are cut and
//! recorded. Nothing inside the cable is ever touched.
//!
//! At the start: the cable opens with a routing line, a classification line, the E.O.,
//! TAGS or SUBJECT block, a telegram page heading, SIPDIS, or the Cable Viewer's date line
//! (see [`super::cable::opens_cable`]). Lines before that opening are cut only when one of
//! them is known chrome (see [`super::signatures`]): then everything up to the last such
//! line is the site's. Lines between the last chrome line and the opening that are neither
//! are left in place and reported as unplaced, for the quality gate. With no chrome before
//! the opening nothing is cut: the Cable Viewer prints a few cables with a date line or a
//! note above their classification line, and those are the cable's own.
//!
//! At the end: from the first chrome line after the start of the cable's last numbered
//! paragraph (or its last classification or page-break line), everything is the site's:
//! a copyright line, then teasers and their headlines.

use super::cable::{opens_cable, structures_cable};
use super::signatures::chrome_line;
use crate::model::Cut;

/// How far into the text the opening is looked for.
const OPENING_WITHIN: usize = 80;

/// The text with its edges cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Trimmed {
    /// The cable's text.
    pub text: String,
    /// What was cut.
    pub cut: Cut,
    /// Lines before the opening that are neither chrome nor cable text; left in place.
    pub unplaced: Vec<String>,
}

/// Cuts the site's lines at the start and end of `text`. `headline` is the page's own
/// headline, a line of chrome wherever it stands.
pub fn trim(text: &str, headline: Option<&str>) -> Trimmed {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut cut = Cut::default();
    let mut unplaced = Vec::new();

    let mut first = 0;
    if let Some(opening) = lines
        .iter()
        .take(OPENING_WITHIN)
        .position(|l| opens_cable(l))
    {
        let last_chrome = lines[..opening]
            .iter()
            .rposition(|line| chrome_line(line, headline).is_some());
        if let Some(last_chrome) = last_chrome {
            first = last_chrome + 1;
            cut.start = kept_lines(&lines[..first]);
            unplaced = kept_lines(&lines[first..opening]);
        }
    }

    let mut end = lines.len();
    let anchor = lines
        .iter()
        .rposition(|line| structures_cable(line))
        .map_or(first, |at| at.max(first));
    if let Some(offset) = lines[anchor..]
        .iter()
        .position(|line| chrome_line(line, headline).is_some())
    {
        end = anchor + offset;
        cut.end = kept_lines(&lines[end..]);
    }

    if cut.is_empty() {
        return Trimmed {
            text: text.to_string(),
            cut,
            unplaced,
        };
    }
    let kept = &lines[first..end.max(first)];
    let start = kept.iter().take_while(|l| l.trim().is_empty()).count();
    let text = kept[start..].join("\n").trim_end().to_string();
    Trimmed {
        text,
        cut,
        unplaced,
    }
}

/// The non-blank lines of `lines`, trimmed at the end, for the record of what was cut.
fn kept_lines(lines: &[&str]) -> Vec<String> {
    lines
        .iter()
        .filter(|line| !line.trim().is_empty())
        .map(|line| line.trim_end().to_string())
        .collect()
}

#[cfg(test)]
mod tests;
