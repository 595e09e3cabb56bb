//! `cablestrip eval`: a mirror cleaned and scored against its truth file.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;

use cablestrip::eval::{self, EvalReport, PageCounts, TruthRecord};
use cablestrip::export::{self, Priorities, Selection, Sink};
use cablestrip::model::Cable;
use cablestrip::rules::{Rule, RuleSet, UrlKind};
use cablestrip::store::CleanOutcome;

use super::out::{self, note};
use super::{Failure, open_store_to_read};
use crate::cli::EvalArgs;

pub fn run(rules: &RuleSet, args: &EvalArgs, db: &Path) -> Result<ExitCode, Failure> {
    let rule = rules.require(&args.site).map_err(Failure::input)?;
    if let Some(share) = args.min_exact
        && !(0.0..=1.0).contains(&share)
    {
        return Err(Failure::input(anyhow!(
            "--min-exact {share} is not a share; fix: give a number from 0 to 1, such as 0.995"
        )));
    }
    let truth = eval::read_truth(&args.truth).map_err(Failure::input)?;
    let started = std::time::Instant::now();
    let report = if args.from_db {
        evaluate_store(rules, rule, db, &args.dir, &truth)?
    } else {
        eval::evaluate(rule, &args.dir, &truth).map_err(Failure::input)?
    };
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_eval(out, &report, args.show, seconds, args.from_db))?;
    }
    let below_bar = args.min_exact.is_some_and(|bar| report.exact_share < bar);
    let broken = !report.with_chrome.is_empty()
        || !report.suspect.is_empty()
        || report.cables_from_non_cable_pages > 0;
    if below_bar {
        note!(
            "eval: {:.2} % exact is under the bar of {:.2} %",
            report.exact_share * 100.0,
            args.min_exact.unwrap_or_default() * 100.0
        );
    }
    if broken {
        note!(
            "eval: chrome in {} outputs, {} suspect cables, {} cables from non-cable pages",
            report.with_chrome.len(),
            report.suspect.len(),
            report.cables_from_non_cable_pages
        );
    }
    Ok(if below_bar || (args.min_exact.is_some() && broken) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Scores the cables that `export --site SITE` would write from the store at `db`; the
/// mirror's pages are counted, and the rejects are those the store recorded for the site.
fn evaluate_store(
    rules: &RuleSet,
    rule: &Rule,
    db: &Path,
    dir: &Path,
    truth: &[TruthRecord],
) -> Result<EvalReport, Failure> {
    let store = open_store_to_read(db)?;
    let pages = eval::mirror_pages(dir, rule).map_err(Failure::input)?;
    let mut counts = PageCounts {
        pages: pages.len(),
        cable_pages: pages
            .iter()
            .filter(|(_, url)| matches!(rule.classify(url), UrlKind::Cable { .. }))
            .count(),
        rejects: BTreeMap::new(),
    };
    for page in store.pages(Some(&rule.name)) {
        if let CleanOutcome::Rejected { kind, .. } = page.map_err(Failure::store)?.outcome {
            *counts.rejects.entry(kind).or_insert(0) += 1;
        }
    }
    let selection = Selection {
        site: Some(rule.name.clone()),
        ..Selection::default()
    };
    let mut collected = Collect(Vec::new());
    export::export(&store, &selection, &Priorities::of(rules), &mut collected).map_err(
        |error| match error {
            export::ExportError::Store(error) => Failure::store(error),
            other => Failure::input(other),
        },
    )?;
    Ok(eval::score(rule, &counts, collected.0, truth))
}

/// A sink that keeps the exported cables, to score them.
struct Collect(Vec<Cable>);

impl Sink for Collect {
    fn write(&mut self, cable: &Cable) -> Result<(), export::ExportError> {
        self.0.push(cable.clone());
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), export::ExportError> {
        Ok(())
    }
}

fn print_eval(
    out: &mut dyn Write,
    report: &EvalReport,
    show: usize,
    seconds: f64,
    from_db: bool,
) -> std::io::Result<()> {
    writeln!(out, "site            {} ({})", report.site, report.rules)?;
    writeln!(
        out,
        "pages           {} ({} cable pages), {} in {seconds:.2} s",
        report.pages,
        report.cable_pages,
        if from_db {
            "cables read from the store"
        } else {
            "cleaned"
        }
    )?;
    writeln!(out, "cables          {}", report.cables)?;
    writeln!(
        out,
        "rejects         {}",
        report
            .rejects
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    )?;
    writeln!(
        out,
        "non-cable pages that became cables  {}",
        report.cables_from_non_cable_pages
    )?;
    writeln!(
        out,
        "truth           {} ({} missing)",
        report.truth,
        report.missing.len()
    )?;
    writeln!(
        out,
        "exact           {} = {:.2} % (header {}, body {})",
        report.exact,
        report.exact_share * 100.0,
        report.header_exact,
        report.body_exact
    )?;
    writeln!(
        out,
        "tokens          precision {:.4}, recall {:.4}, F1 {:.4}",
        report.precision, report.recall, report.f1
    )?;
    writeln!(out, "with chrome     {}", report.with_chrome.len())?;
    writeln!(out, "suspect         {}", report.suspect.len())?;
    writeln!(out, "edges cut       {}", report.cut.len())?;
    writeln!(
        out,
        "full subject    {} of {} bodies with a SUBJECT: line",
        report.subject_full, report.with_subject_line
    )?;
    for mismatch in report.mismatches.iter().take(show) {
        match &mismatch.first_difference {
            Some((line, truth, ours)) => writeln!(
                out,
                "  {} {} line {line}:\n    truth: {truth:?}\n    ours:  {ours:?}",
                mismatch.id, mismatch.part
            )?,
            None => writeln!(out, "  {} {}", mismatch.id, mismatch.part)?,
        }
    }
    for id in report.missing.iter().take(show) {
        writeln!(out, "  missing {id}")?;
    }
    for id in report.suspect.iter().take(show) {
        writeln!(out, "  suspect {id}")?;
    }
    for id in report.cut.iter().take(show) {
        writeln!(out, "  cut {id}")?;
    }
    Ok(())
}
