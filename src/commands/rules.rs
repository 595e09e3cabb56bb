//! `cablestrip rules check` and `cablestrip rules test`.

use std::process::ExitCode;

use cablestrip::fixtures;
use cablestrip::rules::RuleSet;

use super::Failure;
use crate::cli::RulesTestArgs;

pub fn run_check(rules: &RuleSet) -> Result<ExitCode, Failure> {
    for rule in rules.rules() {
        println!(
            "{}\t{}\thosts: {}",
            rule.version,
            rule.source,
            rule.hosts
                .iter()
                .map(|host| host.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run_test(rules: &RuleSet, args: &RulesTestArgs) -> Result<ExitCode, Failure> {
    for site in &args.sites {
        rules.require(site).map_err(Failure::input)?;
    }
    let report = fixtures::run_all(rules, &args.fixtures, &args.sites).map_err(Failure::input)?;
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(Failure::input)?
        );
    } else {
        print!("{report}");
    }
    Ok(if report.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
