//! `cablestrip reclean`: the stored raw pages cleaned again with the current rule files.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use cablestrip::reclean::{self, RecleanOptions, RecleanReport};
use cablestrip::rules::RuleSet;
use cablestrip::store::ReplacePolicy;

use super::out::{self};
use super::{Failure, open_existing_store, print_if_any, progress};
use crate::cli::RecleanArgs;

/// How many newly rejected pages the text summary names (--json lists them all).
const LISTED_REJECTS: usize = 10;

pub fn run(rules: &RuleSet, db: &Path, args: &RecleanArgs) -> Result<ExitCode, Failure> {
    if let Some(site) = &args.site {
        rules.require(site).map_err(Failure::input)?;
    }
    let options = RecleanOptions {
        site: args.site.clone(),
        all: args.all,
        dry_run: args.dry_run,
        policy: if args.drop_rejected {
            ReplacePolicy::DropRejected
        } else {
            ReplacePolicy::KeepPrevious
        },
        sample: args.sample,
        batch: args.batch,
    };
    let store = open_existing_store(db)?;
    let store = &store;
    // The bar counts page records looked at; counting them first costs one quick pass.
    let bar = progress::bar(0, "reclean");
    if !bar.is_hidden() {
        let total = store
            .pages(args.site.as_deref())
            .try_fold(0u64, |n, page| page.map(|_| n + 1))
            .map_err(Failure::store)?;
        bar.set_length(total);
    }
    let report = reclean::reclean(store, rules, &options, &|_| bar.inc(1));
    bar.finish_and_clear();
    let report = report.map_err(Failure::store)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_report(out, &report))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(out: &mut dyn Write, report: &RecleanReport) -> std::io::Result<()> {
    if report.dry_run {
        writeln!(out, "dry run: nothing was written")?;
    }
    writeln!(
        out,
        "pages           {} looked at, {} cleaned again{}",
        report.pages,
        report.examined,
        if report.all {
            " (--all)"
        } else {
            " (made by another rule version)"
        }
    )?;
    writeln!(
        out,
        "cables          {} changed, {} re-stamped (same text, new rule version), {} unchanged, {} new; {} suspect",
        report.changed, report.restamped, report.unchanged, report.new, report.suspect
    )?;
    writeln!(
        out,
        "rejected        {} newly ({} kept their previous cable, {} dropped), {} still",
        report.newly_rejected, report.kept_previous, report.dropped, report.still_rejected
    )?;
    print_if_any(out, report.no_longer_cable_pages, |n| {
        format!("no longer cable pages  {n} (their cables are kept)")
    })?;
    for (site, pages) in &report.no_rule {
        writeln!(
            out,
            "left alone      {pages} pages of {site}: no rule file names it any more"
        )?;
    }
    print_if_any(out, report.missing_body, |n| {
        format!("missing body    {n} pages (their raw page is not stored)")
    })?;
    writeln!(
        out,
        "time            {:.2} s: {:.0} pages/s; {} writes",
        report.seconds, report.pages_per_second, report.writes
    )?;
    for reject in report.rejects.iter().take(LISTED_REJECTS) {
        writeln!(
            out,
            "  rejected      {} ({}): {}",
            reject.url, reject.kind, reject.message
        )?;
    }
    if report.rejects.len() > LISTED_REJECTS {
        writeln!(
            out,
            "  … and {} more (all with --json)",
            report.newly_rejected - LISTED_REJECTS
        )?;
    }
    for sample in &report.samples {
        writeln!(out, "\n== {} ({})\n{}", sample.id, sample.url, sample.diff)?;
    }
    Ok(())
}
