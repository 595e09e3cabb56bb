//! `cablestrip check [--repair] [--json]`: the whole store verified, and with --repair
//! mended. Exit status 0 when the store is sound (or, with --repair, sound afterwards with
//! nothing left to fetch again), 1 when something is wrong (or could not be recovered), 3
//! when sled cannot open the database at all and --repair was not asked for.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use cablestrip::check::{CheckReport, RepairReport, check};
use cablestrip::rules::RuleSet;
use cablestrip::store::AuditCounts;

use super::Failure;
use super::out;
use crate::cli::CheckArgs;

/// Lines of each list shown before "… and N more".
const SHOWN: usize = 20;

pub fn run(rules: &RuleSet, db: &Path, args: &CheckArgs) -> Result<ExitCode, Failure> {
    let report = check(db, rules, args.repair).map_err(Failure::store)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::job)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_report(out, &report))?;
    }
    Ok(ExitCode::from(if args.repair {
        if report.is_repaired() { 0 } else { 1 }
    } else if !report.opened {
        3
    } else if report.is_sound() {
        0
    } else {
        1
    }))
}

fn print_report(out: &mut dyn Write, report: &CheckReport) -> std::io::Result<()> {
    writeln!(
        out,
        "store        {}{}",
        report.db,
        if report.read_only {
            " (read-only: a temporary copy was checked)"
        } else {
            ""
        }
    )?;
    if let Some(error) = &report.open_error {
        writeln!(out, "cannot open  {error}")?;
        list(
            out,
            "damaged files",
            report
                .bad_files
                .iter()
                .map(|b| format!("{}: {}", b.file, b.problem)),
        )?;
    }
    if let Some(counts) = &report.counts {
        print_counts(out, "checked", counts)?;
    }
    if report.is_sound() {
        writeln!(out, "sound        nothing is wrong")?;
    } else if report.opened {
        writeln!(out, "problems     {}", report.problems.len())?;
        list(out, "", report.problems.iter().map(ToString::to_string))?;
    }
    match &report.repair {
        Some(repair) => print_repair(out, repair),
        None if !report.is_sound() => writeln!(
            out,
            "fix          `cablestrip check --repair` mends what can be mended and lists the rest; or restore the store from a backup"
        ),
        None => Ok(()),
    }
}

fn print_counts(out: &mut dyn Write, label: &str, counts: &AuditCounts) -> std::io::Result<()> {
    writeln!(
        out,
        "{label:<12} {} pages ({} with a cable), {} cables, {} index entries, {} raw bodies read and checked against their hash, {} queued, {} runs, {} known IDs",
        counts.pages,
        counts.cable_pages,
        counts.cables,
        counts.index_entries,
        counts.bodies_checked,
        counts.frontier,
        counts.runs,
        counts.known_ids
    )
}

fn print_repair(out: &mut dyn Write, repair: &RepairReport) -> std::io::Result<()> {
    let recovery = &repair.recovery;
    writeln!(out, "\nrepair")?;
    for file in &recovery.missing_files {
        writeln!(
            out,
            "  sled's {file} was missing: sled wrote a new one{}",
            if file == "db" {
                ", empty"
            } else {
                " from cablestrip's settings"
            }
        )?;
    }
    for file in &recovery.removed_files {
        writeln!(
            out,
            "  removed sled's {file}, which failed its checksum (sled writes it again)"
        )?;
    }
    if let Some(rebuilt) = &recovery.rebuilt {
        writeln!(
            out,
            "  rebuilt the database from what sled could read: {} entries copied",
            rebuilt.entries
        )?;
    }
    if let Some(copy) = &recovery.damaged_copy {
        writeln!(
            out,
            "  the damaged database is kept at {} (delete it once the repaired store serves you)",
            copy.display()
        )?;
    }
    list(out, "", repair.repaired.iter().map(|r| format!("  {r}")))?;
    list(
        out,
        "",
        repair.recleaned.iter().map(|r| {
            format!(
                "  cleaned {} again from its raw body: cable {}",
                r.url, r.id
            )
        }),
    )?;
    if !repair.unrecoverable.is_empty() {
        writeln!(out, "cannot be recovered ({})", repair.unrecoverable.len())?;
        list(
            out,
            "",
            repair.unrecoverable.iter().map(|u| {
                let what = u
                    .url
                    .as_ref()
                    .map_or_else(String::new, |url| format!("{url}: "));
                format!("  {what}{}; {}", u.reason, u.fix)
            }),
        )?;
    }
    print_counts(out, "after", &repair.counts)?;
    if repair.problems.is_empty() {
        writeln!(out, "sound        after the repair")
    } else {
        writeln!(out, "still wrong  {}", repair.problems.len())?;
        list(out, "", repair.problems.iter().map(ToString::to_string))
    }
}

/// Writes up to [`SHOWN`] lines, then how many more there are.
fn list(
    out: &mut dyn Write,
    heading: &str,
    lines: impl ExactSizeIterator<Item = String>,
) -> std::io::Result<()> {
    let total = lines.len();
    if total > 0 && !heading.is_empty() {
        writeln!(out, "{heading}")?;
    }
    for line in lines.take(SHOWN) {
        let line = if line.starts_with("  ") {
            line
        } else {
            format!("  {line}")
        };
        writeln!(out, "{line}")?;
    }
    if total > SHOWN {
        writeln!(
            out,
            "  … and {} more (--json lists them all)",
            total - SHOWN
        )?;
    }
    Ok(())
}
