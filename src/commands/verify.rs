//! `cablestrip verify`: cross-checks the copies of each cable that several sites hold.

use std::path::Path;
use std::process::ExitCode;

use cablestrip::verify::{self, Position, VerifyReport};

use super::{Failure, open_existing_store};
use crate::cli::VerifyArgs;

pub fn run(db: &Path, args: &VerifyArgs) -> Result<ExitCode, Failure> {
    let store = open_existing_store(db)?;
    let report = verify::verify(&store).map_err(Failure::store)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(Failure::input)?
        );
    } else {
        print_report(&report, args.show);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_report(report: &VerifyReport, show: usize) {
    println!(
        "{} cables held by two or more sites; {} agree, {} differ",
        report.cables_compared,
        report.cables_agreeing,
        report.cables_compared - report.cables_agreeing
    );
    if report.cables_compared == 0 {
        println!("(nothing to compare: store the same cables from two sites first)");
        return;
    }
    println!(
        "{:<26} {:>8} {:>10} {:>10} {:>10}",
        "site", "shared", "own text", "edge runs", "inner runs"
    );
    for (site, tally) in &report.sites {
        println!(
            "{site:<26} {:>8} {:>10} {:>10} {:>10}",
            tally.shared_cables, tally.cables_with_own_text, tally.edge_runs, tally.middle_runs
        );
    }
    for finding in report.findings.iter().take(show) {
        println!("\n{} ({})", finding.id, finding.sites.join(", "));
        for run in &finding.only_in {
            let place = match run.position {
                Position::Start => "start of body, likely chrome",
                Position::End => "end of body, likely chrome",
                Position::Middle => "inside the body",
            };
            println!("  only {} ({place}): {}", run.site, run.url);
            for line in &run.lines {
                println!("    | {line}");
            }
        }
    }
    if report.findings.len() > show {
        println!(
            "\n… {} more (--show N, or --json for all)",
            report.findings.len() - show
        );
    }
}
