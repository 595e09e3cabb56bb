//! `cablestrip ingest`: a local mirror folder → raw pages and clean cables in the store.

use std::path::Path;
use std::process::ExitCode;

use cablestrip::ingest::{self, IngestError, IngestOptions, IngestReport};
use cablestrip::mirror::{self, MirrorFile};
use cablestrip::rules::RuleSet;
use cablestrip::store::ReplacePolicy;

use super::{Failure, open_store, progress};
use crate::cli::IngestArgs;

pub fn run(rules: &RuleSet, db: &Path, args: &IngestArgs) -> Result<ExitCode, Failure> {
    let rule = rules.require(&args.site).map_err(Failure::input)?;
    let base = mirror::base_url(rule, args.base_url.as_deref()).map_err(Failure::input)?;
    let plan = mirror::plan(&args.dir, rule, &base).map_err(Failure::input)?;
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
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(Failure::input)?
        );
    } else {
        print_report(&report, &plan.duplicates);
    }
    for line in &report.unreadable {
        eprintln!("ingest: cannot read {line}");
    }
    Ok(if report.unreadable_files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn failure(error: IngestError) -> Failure {
    match error {
        IngestError::Store(error) => Failure::store(error),
        IngestError::Mirror(error) => Failure::input(error),
    }
}

fn print_report(report: &IngestReport, duplicates: &[MirrorFile]) {
    println!("site            {} ({})", report.site, report.rules);
    println!(
        "files           {} ({} pages of the site, {} skipped as not its pages, {} duplicates, {} unreadable)",
        report.files,
        report.pages,
        report.skipped_files,
        report.duplicate_files,
        report.unreadable_files
    );
    println!(
        "pages           {} recorded, {} already stored as they are; {} new raw bodies; {} index pages",
        report.recorded_pages, report.unchanged_pages, report.new_bodies, report.index_pages
    );
    println!(
        "cables          {} new, {} changed, {} unchanged; {} suspect",
        report.new_cables, report.changed_cables, report.unchanged_cables, report.suspect_cables
    );
    let rejected: usize = report.rejected.values().sum();
    println!(
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
    );
    println!(
        "time            {:.2} s: {:.0} pages/s, {:.1} MB/s; {} writes",
        report.seconds, report.pages_per_second, report.megabytes_per_second, report.writes
    );
    for file in duplicates.iter().take(5) {
        println!(
            "  duplicate     {} maps to {}, which an earlier file gave",
            file.path.display(),
            file.url
        );
    }
}
