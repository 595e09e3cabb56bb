//! `cablestrip ingest`: a local mirror folder → raw pages and clean cables in the store.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use cablestrip::ingest::{self, IngestError, IngestOptions, IngestReport};
use cablestrip::mirror::{self, MirrorFile};
use cablestrip::rules::{Rule, RuleSet};
use cablestrip::store::ReplacePolicy;

use super::out::{self, note};
use super::{Failure, open_store, progress};
use crate::cli::IngestArgs;

pub fn run(rules: &RuleSet, db: &Path, args: &IngestArgs) -> Result<ExitCode, Failure> {
    let rule = rules.require(&args.site).map_err(Failure::input)?;
    let base = mirror::base_url(rule, args.base_url.as_deref()).map_err(Failure::input)?;
    let plan = mirror::plan(&args.dir, rule, &base).map_err(Failure::input)?;
    if plan.files.is_empty() {
        return Err(nothing_of_the_site(rules, rule, args, plan.seen));
    }
    let store = open_store(db)?;
    let store = &store;
    let bar = progress::bar(plan.files.len() as u64, "ingest");
    let options = IngestOptions {
        batch: args.batch,
        policy: ReplacePolicy::KeepPrevious,
    };
    let report = ingest::ingest(store, rule, &plan, options, &|_| bar.inc(1));
    bar.finish_and_clear();
    let report = report.map_err(failure)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_report(out, &report, &plan.duplicates))?;
    }
    for line in &report.unreadable {
        note!("ingest: cannot read {line}");
    }
    Ok(if report.unreadable_files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The failure of an ingest whose folder holds no page of the site: it names the folder,
/// and the site whose pages it does hold, if any.
fn nothing_of_the_site(rules: &RuleSet, rule: &Rule, args: &IngestArgs, seen: usize) -> Failure {
    let other = rules
        .rules()
        .iter()
        .filter(|other| other.name != rule.name)
        .filter_map(|other| {
            let base = mirror::base_url(other, None).ok()?;
            let plan = mirror::plan(&args.dir, other, &base).ok()?;
            (!plan.files.is_empty()).then(|| (plan.files.len(), other.name.clone()))
        })
        .max();
    let hint = match other {
        Some((pages, site)) => {
            format!("they look like {pages} pages of site {site}: pass --site {site}")
        }
        None => format!(
            "point it at the folder {} was saved in (its root, such as wget's {} folder, or any folder above it), or pass the --site that saved it",
            rule.name,
            rule.primary_host()
        ),
    };
    Failure::job(anyhow::anyhow!(
        "none of the {seen} files in {} is a page of {}; fix: {hint}",
        args.dir.display(),
        rule.name
    ))
}

fn failure(error: IngestError) -> Failure {
    match error {
        IngestError::Store(error) => Failure::store(error),
        IngestError::Mirror(error) => Failure::input(error),
    }
}

fn print_report(
    out: &mut dyn Write,
    report: &IngestReport,
    duplicates: &[MirrorFile],
) -> std::io::Result<()> {
    writeln!(out, "site            {} ({})", report.site, report.rules)?;
    writeln!(
        out,
        "files           {} ({} pages of the site, {} skipped as not its pages, {} duplicates, {} unreadable)",
        report.files,
        report.pages,
        report.skipped_files,
        report.duplicate_files,
        report.unreadable_files
    )?;
    writeln!(
        out,
        "pages           {} recorded, {} already stored as they are; {} new raw bodies; {} index pages",
        report.recorded_pages, report.unchanged_pages, report.new_bodies, report.index_pages
    )?;
    writeln!(
        out,
        "cables          {} new, {} changed, {} unchanged; {} suspect",
        report.new_cables, report.changed_cables, report.unchanged_cables, report.suspect_cables
    )?;
    let rejected: usize = report.rejected.values().sum();
    writeln!(
        out,
        "rejected        {rejected}{}{}",
        if rejected > 0 {
            format!(
                " ({})",
                report
                    .rejected
                    .iter()
                    .map(|(kind, n)| format!("{kind}: {n}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        } else {
            String::new()
        },
        if report.kept_previous > 0 {
            format!("; the earlier cable of {} kept", report.kept_previous)
        } else {
            String::new()
        }
    )?;
    writeln!(
        out,
        "time            {:.2} s: {:.0} pages/s, {:.1} MB/s; {} writes",
        report.seconds, report.pages_per_second, report.megabytes_per_second, report.writes
    )?;
    for file in duplicates.iter().take(5) {
        writeln!(
            out,
            "  duplicate     {} maps to {}, which an earlier file gave",
            file.path.display(),
            file.url
        )?;
    }
    Ok(())
}
