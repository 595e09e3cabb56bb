//! `cablestrip eval`: cleans every page of a local mirror and scores the cables against a
//! truth file (`{"id","header","body"}` per line).
//!
//! Two texts count as exact when they are equal after trimming trailing spaces on each
//! line, folding runs of blank lines into one, and trimming blank lines at either end.

use std::collections::{BTreeMap, HashMap};
use std::io::BufRead;
use std::path::{Path, PathBuf};

use crate::clean::{self, Reject};
use crate::mirror::{self, MirrorError};
use crate::model::{Cable, Page, PageUrl};
use crate::rules::{Rule, UrlKind};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What can stop an evaluation before it scores anything.
#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    /// The mirror folder or a page in it could not be read.
    #[error("cannot read {}: {source}; fix: pass the folder of the site's saved pages", path.display())]
    Read {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The mirror cannot be read.
    #[error(transparent)]
    Mirror(#[from] MirrorError),
    /// A line of the truth file is not `{"id","header","body"}`.
    #[error("{}:{line}: not a truth record ({message}); fix: one JSON object per line with string fields id, header and body", path.display())]
    BadTruth {
        /// The truth file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// What serde said.
        message: String,
    },
    /// The truth file holds nothing.
    #[error("{} holds no truth records; fix: pass the truth.jsonl of the mirror", path.display())]
    EmptyTruth {
        /// The truth file.
        path: PathBuf,
    },
}

/// One cable as the truth file gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct TruthRecord {
    /// The cable ID.
    pub id: String,
    /// The routing header.
    pub header: String,
    /// The cable's text.
    pub body: String,
}

/// Scores of one evaluation.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// The site whose rule cleaned the mirror.
    pub site: String,
    /// The rule version used.
    pub rules: String,
    /// HTML files cleaned.
    pub pages: usize,
    /// Pages the rule classes as cable pages.
    pub cable_pages: usize,
    /// Cables produced.
    pub cables: usize,
    /// Rejects by kind.
    pub rejects: BTreeMap<String, usize>,
    /// Cables that came from pages the rule does not class as cable pages (must be 0).
    pub cables_from_non_cable_pages: usize,
    /// Truth records.
    pub truth: usize,
    /// Truth records with no cable of that ID.
    pub missing: Vec<String>,
    /// Cables whose header and body are both exact.
    pub exact: usize,
    /// `exact / truth`.
    pub exact_share: f64,
    /// Cables whose header alone is exact.
    pub header_exact: usize,
    /// Cables whose body alone is exact.
    pub body_exact: usize,
    /// Token precision over all cables (multiset overlap of whitespace-split tokens).
    pub precision: f64,
    /// Token recall.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Outputs holding a chrome marker of the rule (title, subject, header or body).
    pub with_chrome: Vec<String>,
    /// Cables the quality gate marked suspect, with their reasons' kinds.
    pub suspect: Vec<String>,
    /// Cables whose edges the edge step cut, with the number of lines cut.
    pub cut: Vec<String>,
    /// Truth bodies with a SUBJECT: line.
    pub with_subject_line: usize,
    /// Of those, cables whose `subject` is the full SUBJECT: line of the truth body.
    pub subject_full: usize,
    /// IDs of the cables that are not exact, with which part differs.
    pub mismatches: Vec<Mismatch>,
}

/// A cable that is not exact.
#[derive(Debug, Clone, Serialize)]
pub struct Mismatch {
    /// The cable ID.
    pub id: String,
    /// `header`, `body` or `header+body`.
    pub part: String,
    /// The first differing line: (line number, truth, ours).
    pub first_difference: Option<(usize, String, String)>,
}

/// Reads a truth file.
pub fn read_truth(path: &Path) -> Result<Vec<TruthRecord>, EvalError> {
    let file = std::fs::File::open(path).map_err(|source| EvalError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let mut records = Vec::new();
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|source| EvalError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        let record: TruthRecord =
            serde_json::from_str(&line).map_err(|error| EvalError::BadTruth {
                path: path.to_path_buf(),
                line: index + 1,
                message: error.to_string(),
            })?;
        records.push(record);
    }
    if records.is_empty() {
        return Err(EvalError::EmptyTruth {
            path: path.to_path_buf(),
        });
    }
    Ok(records)
}

/// The pages an evaluation cleans: every page of the mirror at `dir` (as [`mirror::plan`]
/// maps it, duplicates included), and every other HTML file under it at the URL its path
/// would have, to count that none of them gives a cable.
pub fn mirror_pages(dir: &Path, rule: &Rule) -> Result<Vec<(PathBuf, PageUrl)>, EvalError> {
    let base = mirror::base_url(rule, None)?;
    let plan = mirror::plan(dir, rule, &base)?;
    let mut pages: Vec<(PathBuf, PageUrl)> = plan
        .files
        .into_iter()
        .chain(plan.duplicates)
        .map(|file| (file.path, file.url))
        .collect();
    pages.extend(plan.skipped.into_iter().filter_map(|file| {
        let is_html = file
            .path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
        Some((file.path, file.url.filter(|_| is_html)?))
    }));
    pages.sort();
    Ok(pages)
}

/// Cleans the mirror at `dir` with `rule` and scores it against `truth`.
pub fn evaluate(rule: &Rule, dir: &Path, truth: &[TruthRecord]) -> Result<EvalReport, EvalError> {
    let pages = mirror_pages(dir, rule)?;
    let outcomes: Vec<Result<Cable, Reject>> = pages
        .par_iter()
        .map(|(path, url)| {
            let bytes = std::fs::read(path).map_err(|source| EvalError::Read {
                path: path.clone(),
                source,
            })?;
            Ok(clean::clean(&Page::from_bytes(url.clone(), bytes), rule))
        })
        .collect::<Result<_, EvalError>>()?;

    let mut rejects = BTreeMap::new();
    let mut cables = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(cable) => cables.push(cable),
            Err(reject) => *rejects.entry(reject.kind().to_string()).or_insert(0) += 1,
        }
    }
    let counts = PageCounts {
        pages: pages.len(),
        cable_pages: pages
            .iter()
            .filter(|(_, url)| matches!(rule.classify(url), UrlKind::Cable { .. }))
            .count(),
        rejects,
    };
    Ok(score(rule, &counts, cables, truth))
}

/// What an evaluation knows of the pages, besides their cables.
#[derive(Debug, Clone, Default)]
pub struct PageCounts {
    /// HTML files of the mirror.
    pub pages: usize,
    /// Those the rule classes as cable pages.
    pub cable_pages: usize,
    /// Rejects by kind.
    pub rejects: BTreeMap<String, usize>,
}

/// Scores `cables` (cleaned by `rule`, from however many pages `counts` says) against
/// `truth`. A cable whose URL the rule does not class as a cable page is counted as such.
pub fn score(
    rule: &Rule,
    counts: &PageCounts,
    cables: impl IntoIterator<Item = Cable>,
    truth: &[TruthRecord],
) -> EvalReport {
    let mut by_id: HashMap<String, Cable> = HashMap::new();
    let mut cables_from_non_cable_pages = 0;
    for cable in cables {
        let is_cable_page = matches!(rule.classify(&cable.url), UrlKind::Cable { .. });
        if !is_cable_page {
            cables_from_non_cable_pages += 1;
        }
        by_id.insert(cable.id.to_string(), cable);
    }
    let cables = by_id;
    let rejects = counts.rejects.clone();

    let mut report = EvalReport {
        site: rule.name.clone(),
        rules: rule.version.clone(),
        pages: counts.pages,
        cable_pages: counts.cable_pages,
        cables: cables.len(),
        rejects,
        cables_from_non_cable_pages,
        truth: truth.len(),
        missing: Vec::new(),
        exact: 0,
        exact_share: 0.0,
        header_exact: 0,
        body_exact: 0,
        precision: 0.0,
        recall: 0.0,
        f1: 0.0,
        with_chrome: Vec::new(),
        suspect: Vec::new(),
        cut: Vec::new(),
        with_subject_line: 0,
        subject_full: 0,
        mismatches: Vec::new(),
    };
    let (mut overlap, mut ours_total, mut truth_total) = (0usize, 0usize, 0usize);
    for record in truth {
        let truth_subject = clean::cable::subject(&record.body);
        report.with_subject_line += usize::from(truth_subject.is_some());
        let Some(cable) = cables.get(&record.id) else {
            report.missing.push(record.id.clone());
            truth_total +=
                record.header.split_whitespace().count() + record.body.split_whitespace().count();
            continue;
        };
        if cable.is_suspect() {
            let kinds: Vec<&str> = cable.suspect.iter().map(|r| r.kind.name()).collect();
            report
                .suspect
                .push(format!("{} ({})", record.id, kinds.join(", ")));
        }
        if let Some(cut) = &cable.cut {
            report
                .cut
                .push(format!("{} ({} lines)", record.id, cut.lines()));
        }
        if truth_subject.is_some() && cable.subject == truth_subject {
            report.subject_full += 1;
        }
        let header = cable.header.as_deref().unwrap_or_default();
        let header_exact = normalise(header) == normalise(&record.header);
        let body_exact = normalise(&cable.body) == normalise(&record.body);
        report.header_exact += usize::from(header_exact);
        report.body_exact += usize::from(body_exact);
        if header_exact && body_exact {
            report.exact += 1;
        } else {
            let (part, ours, theirs) = match (header_exact, body_exact) {
                (false, false) => ("header+body", header, record.header.as_str()),
                (false, true) => ("header", header, record.header.as_str()),
                _ => ("body", cable.body.as_str(), record.body.as_str()),
            };
            report.mismatches.push(Mismatch {
                id: record.id.clone(),
                part: part.to_string(),
                first_difference: first_difference(&normalise(theirs), &normalise(ours)),
            });
        }
        let (o, ours_count, truth_count) = token_overlap(
            &format!("{header}\n{}", cable.body),
            &format!("{}\n{}", record.header, record.body),
        );
        overlap += o;
        ours_total += ours_count;
        truth_total += truth_count;
        let outputs = [
            cable.title.as_deref(),
            cable.subject.as_deref(),
            Some(header),
            Some(&cable.body),
        ];
        if rule.chrome.markers.iter().any(|marker| {
            outputs
                .iter()
                .flatten()
                .any(|text| text.contains(marker.as_str()))
        }) {
            report.with_chrome.push(record.id.clone());
        }
    }
    report.exact_share = ratio(report.exact, report.truth);
    report.precision = ratio(overlap, ours_total);
    report.recall = ratio(overlap, truth_total);
    report.f1 = if report.precision + report.recall > 0.0 {
        2.0 * report.precision * report.recall / (report.precision + report.recall)
    } else {
        0.0
    };
    report
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Trailing spaces trimmed on every line, runs of blank lines folded into one, blank lines
/// at either end removed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank_run = true;
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
            if blank_run {
                out.push('\n');
            }
        }
        blank_run = false;
        out.push_str(line);
    }
    out
}

fn first_difference(truth: &str, ours: &str) -> Option<(usize, String, String)> {
    let mut truth_lines = truth.lines();
    let mut our_lines = ours.lines();
    let mut number = 0;
    loop {
        number += 1;
        match (truth_lines.next(), our_lines.next()) {
            (None, None) => return None,
            (a, b) if a == b => continue,
            (a, b) => {
                return Some((
                    number,
                    a.unwrap_or("<end>").to_string(),
                    b.unwrap_or("<end>").to_string(),
                ));
            }
        }
    }
}

/// (shared tokens, our tokens, truth tokens), tokens being whitespace-separated words.
fn token_overlap(ours: &str, truth: &str) -> (usize, usize, usize) {
    let mut counts: HashMap<&str, isize> = HashMap::new();
    let mut truth_count = 0;
    for token in truth.split_whitespace() {
        *counts.entry(token).or_insert(0) += 1;
        truth_count += 1;
    }
    let mut ours_count = 0;
    let mut shared = 0;
    for token in ours.split_whitespace() {
        ours_count += 1;
        if let Some(count) = counts.get_mut(token)
            && *count > 0
        {
            *count -= 1;
            shared += 1;
        }
    }
    (shared, ours_count, truth_count)
}

#[cfg(test)]
mod tests;
