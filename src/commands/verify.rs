//! `cablestrip verify`: cross-checks the copies of each cable that several sites hold.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use cablestrip::verify::{self, Position, VerifyReport};

use super::out::{self};
use super::{Failure, open_store_to_read};
use crate::cli::VerifyArgs;

pub fn run(db: &Path, args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let store = open_store_to_read(db)?;
    let report = verify::verify(&store).map_err(Failure::store)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_report(out, &report, args.show))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(out: &mut dyn Write, report: &VerifyReport, show: usize) -> std::io::Result<()> {
    writeln!(
        out,
        "{} cables held by two or more sites; {} agree, {} differ",
        report.cables_compared,
        report.cables_agreeing,
        report.cables_compared - report.cables_agreeing
    )?;
    if report.cables_compared == 0 {
        writeln!(
            out,
            "(nothing to compare: store the same cables from two sites first)"
        )?;
        return Ok(());
    }
    writeln!(
        out,
        "{:<26} {:>8} {:>10} {:>10} {:>10}",
        "site", "shared", "own text", "edge runs", "inner runs"
    )?;
    for (site, tally) in &report.sites {
        writeln!(
            out,
            "{site:<26} {:>8} {:>10} {:>10} {:>10}",
            tally.shared_cables, tally.cables_with_own_text, tally.edge_runs, tally.middle_runs
        )?;
    }
    for finding in report.findings.iter().take(show) {
        writeln!(out, "\n{} ({})", finding.id, finding.sites.join(", "))?;
        for run in &finding.only_in {
            let place = match run.position {
                Position::Start => "start of body, likely chrome",
                Position::End => "end of body, likely chrome",
                Position::Middle => "inside the body",
            };
            writeln!(out, "  only {} ({place}): {}", run.site, run.url)?;
            for line in &run.lines {
                writeln!(out, "    | {line}")?;
            }
        }
    }
    if report.findings.len() > show {
        writeln!(
            out,
            "\n… {} more (--show N, or --json for all)",
            report.findings.len() - show
        )?;
    }
    Ok(())
}
