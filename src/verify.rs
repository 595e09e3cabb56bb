//! Cross-checking sources: when one cable is stored from two or more sites, compare their
//! bodies after cable-aware normalisation and report the text only one site has. Runs at
//! the start or end of a body are flagged, because that is where a site's chrome leaks.
//!
//! Normalisation ignores what sites legitimately do differently: whitespace and line
//! wraps (texts are compared word by word), letter case, blank lines, the telegram's
//! page-break lines and classification-only lines (some sites drop them).

use std::collections::BTreeMap;
use std::sync::LazyLock;
use std::time::{Duration, Instant};

use regex::Regex;
use serde::Serialize;
use similar::{Algorithm, DiffOp, capture_diff_slices_deadline};

use crate::model::Cable;
use crate::store::{Store, StoreError};

/// How long one pairwise diff may take before it settles for a coarser answer.
const DIFF_DEADLINE: Duration = Duration::from_secs(2);

/// Lines that some sites keep and others drop: page breaks and classification lines.
static IGNORED_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?ix)^\s*(?:
            [A-Z][A-Z\ .'-]*?\s+\d{8}\s+\d{3}(?:\.\d)?\s+OF\s+\d{3}
          | PAGE\s+\d{2,3}\s+[A-Z][A-Z\ .'-]*?\s+\d{3,6}(?:\s+\d{2}\s+OF\s+\d{2})?\s+\d{6}Z
          | (?:C\ O\ N\ F\ I\ D\ E\ N\ T\ I\ A\ L|S\ E\ C\ R\ E\ T|UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|LIMITED\ OFFICIAL\ USE)
            (?:\s*//\s*[A-Z]+)?(?:\s+SECTION\s+\d+\s+OF\s+\d+)?(?:\s+[A-Z][A-Z\ .'-]*?\s+\d{1,6})?
        )\s*$",
    )
    .unwrap_or_else(|error| panic!("built-in pattern is broken: {error}"))
});

/// Where in a body a run of unshared text sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Position {
    /// At the very start: where headlines and navigation leak.
    Start,
    /// At the very end: where copyright lines and teasers leak.
    End,
    /// Inside the text: a transcription difference, or chrome inside the text.
    Middle,
}

/// Text that one copy has and no other copy of the cable has.
#[derive(Debug, Clone, Serialize)]
pub struct OnlyIn {
    /// The site whose copy has it.
    pub site: String,
    /// That copy's URL.
    pub url: String,
    /// Where in that copy's body.
    pub position: Position,
    /// The body lines holding the run, as that copy has them.
    pub lines: Vec<String>,
}

impl OnlyIn {
    /// Whether the run sits where chrome leaks: the start or end of the body.
    pub fn at_edge(&self) -> bool {
        self.position != Position::Middle
    }
}

/// The differences among the copies of one cable.
#[derive(Debug, Clone, Serialize)]
pub struct CableFinding {
    /// The cable ID.
    pub id: String,
    /// The sites that hold a copy.
    pub sites: Vec<String>,
    /// Every run of text only one copy has.
    pub only_in: Vec<OnlyIn>,
}

/// Per-site counts over all compared cables.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SiteTally {
    /// Cables held by this site and at least one other.
    pub shared_cables: usize,
    /// Of those, cables where this site's copy has text no other copy has.
    pub cables_with_own_text: usize,
    /// Runs at the start or end of the body (likely chrome).
    pub edge_runs: usize,
    /// Runs inside the body.
    pub middle_runs: usize,
}

/// The outcome of cross-checking a store.
#[derive(Debug, Clone, Default, Serialize)]
pub struct VerifyReport {
    /// Cables held by two or more sites.
    pub cables_compared: usize,
    /// Of those, cables whose copies agree after normalisation.
    pub cables_agreeing: usize,
    /// Counts per site.
    pub sites: BTreeMap<String, SiteTally>,
    /// Every cable whose copies differ.
    pub findings: Vec<CableFinding>,
}

impl VerifyReport {
    /// Adds the comparison of one cable's copies. Only distinct sites are compared: of
    /// several copies one site holds (two URLs of one page, a site's duplicate), the first
    /// in URL order stands for the site.
    pub fn add(&mut self, copies: &[Cable]) {
        let mut one_per_site: Vec<Cable> = Vec::with_capacity(copies.len());
        for copy in copies {
            if !one_per_site.iter().any(|kept| kept.site == copy.site) {
                one_per_site.push(copy.clone());
            }
        }
        let copies = &one_per_site[..];
        if copies.len() < 2 {
            return;
        }
        self.cables_compared += 1;
        for copy in copies {
            self.sites
                .entry(copy.site.clone())
                .or_default()
                .shared_cables += 1;
        }
        let only_in = compare_copies(copies);
        if only_in.is_empty() {
            self.cables_agreeing += 1;
            return;
        }
        let mut sites_with_text: Vec<&str> = Vec::new();
        for run in &only_in {
            let tally = self.sites.entry(run.site.clone()).or_default();
            if run.at_edge() {
                tally.edge_runs += 1;
            } else {
                tally.middle_runs += 1;
            }
            if !sites_with_text.contains(&run.site.as_str()) {
                sites_with_text.push(&run.site);
                tally.cables_with_own_text += 1;
            }
        }
        self.findings.push(CableFinding {
            id: copies[0].id.to_string(),
            sites: copies.iter().map(|c| c.site.clone()).collect(),
            only_in,
        });
    }
}

/// Cross-checks every cable that two or more sites hold in `store`, and logs the run
/// (`verify`) with its counts, which `status` shows.
pub fn verify(store: &Store) -> Result<VerifyReport, StoreError> {
    let run = store.begin_run("verify")?;
    let report = verify_store(store)?;
    let summary = serde_json::json!({
        "cables_compared": report.cables_compared,
        "cables_agreeing": report.cables_agreeing,
        "sites": report.sites,
    });
    store.finish_run(run.id, &summary.to_string())?;
    store.flush()?;
    Ok(report)
}

/// Cross-checks every cable that two or more sites hold in `store`, writing nothing.
pub fn verify_store(store: &Store) -> Result<VerifyReport, StoreError> {
    let mut report = VerifyReport::default();
    let mut group: Vec<Cable> = Vec::new();
    // Cables come in ID order, so the copies of one cable are neighbours.
    for cable in store.cables(None) {
        let cable = cable?;
        if group.first().is_some_and(|first| first.id != cable.id) {
            report.add(&group);
            group.clear();
        }
        group.push(cable);
    }
    report.add(&group);
    Ok(report)
}

/// One word of a normalised body and the body line it came from.
struct Token {
    word: String,
    line: usize,
}

fn tokens(body: &str) -> (Vec<&str>, Vec<Token>) {
    let lines: Vec<&str> = body.lines().collect();
    let mut tokens = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        if line.trim().is_empty() || IGNORED_LINE.is_match(line) {
            continue;
        }
        for word in line.split_whitespace() {
            tokens.push(Token {
                word: word.to_lowercase(),
                line: index,
            });
        }
    }
    (lines, tokens)
}

/// The runs of text that exactly one copy has, over all copies of one cable.
pub fn compare_copies(copies: &[Cable]) -> Vec<OnlyIn> {
    let normalised: Vec<(Vec<&str>, Vec<Token>)> = copies.iter().map(|c| tokens(&c.body)).collect();
    let words: Vec<Vec<&str>> = normalised
        .iter()
        .map(|(_, tokens)| tokens.iter().map(|t| t.word.as_str()).collect())
        .collect();
    let mut runs = Vec::new();
    for (this, copy) in copies.iter().enumerate() {
        let own = &words[this];
        // A word is unshared when every other copy lacks it at that place.
        let mut unshared = vec![true; own.len()];
        for (other, other_words) in words.iter().enumerate() {
            if other == this {
                continue;
            }
            let deadline = Instant::now() + DIFF_DEADLINE;
            let mut matched = vec![false; own.len()];
            for op in
                capture_diff_slices_deadline(Algorithm::Myers, own, other_words, Some(deadline))
            {
                if let DiffOp::Equal { old_index, len, .. } = op {
                    matched[old_index..old_index + len].fill(true);
                }
            }
            for (flag, matched) in unshared.iter_mut().zip(matched) {
                *flag &= !matched;
            }
        }
        let (lines, tokens) = &normalised[this];
        let mut start = None;
        // A sentinel `false` at the end closes a run that reaches the last word.
        for (index, &is_unshared) in unshared.iter().chain(std::iter::once(&false)).enumerate() {
            match (start, is_unshared) {
                (None, true) => start = Some(index),
                (Some(first), false) => {
                    runs.push(run_of(copy, lines, tokens, first, index));
                    start = None;
                }
                _ => {}
            }
        }
    }
    runs
}

fn run_of(copy: &Cable, lines: &[&str], tokens: &[Token], first: usize, end: usize) -> OnlyIn {
    let position = if first == 0 {
        Position::Start
    } else if end == tokens.len() {
        Position::End
    } else {
        Position::Middle
    };
    let mut line_numbers: Vec<usize> = tokens[first..end].iter().map(|t| t.line).collect();
    line_numbers.dedup();
    OnlyIn {
        site: copy.site.clone(),
        url: copy.url.to_string(),
        position,
        lines: line_numbers
            .iter()
            .map(|&n| lines[n].trim_end().to_string())
            .collect(),
    }
}

#[cfg(test)]
mod tests;
