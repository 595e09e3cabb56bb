//! `cablestrip rules check` and `cablestrip rules test`.

use std::io::Write;
use std::process::ExitCode;

use cablestrip::fixtures;
use cablestrip::rules::RuleSet;

use super::Failure;
use super::out::{self};
use crate::cli::RulesTestArgs;

pub fn run_check(rules: &RuleSet) -> Result<ExitCode, Failure> {
    out::report(|out| print_rules(out, rules))?;
    Ok(ExitCode::SUCCESS)
}

fn print_rules(out: &mut dyn Write, rules: &RuleSet) -> std::io::Result<()> {
    for rule in rules.rules() {
        writeln!(
            out,
            "{}\t{}\thosts: {}",
            rule.version,
            rule.source,
            rule.hosts
                .iter()
                .map(|host| host.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )?;
    }
    Ok(())
}

pub fn run_test(rules: &RuleSet, args: &RulesTestArgs) -> Result<ExitCode, Failure> {
    for site in &args.sites {
        rules.require(site).map_err(Failure::input)?;
    }
    let report = fixtures::run_all(rules, &args.fixtures, &args.sites).map_err(Failure::input)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| write!(out, "{report}"))?;
    }
    Ok(if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
