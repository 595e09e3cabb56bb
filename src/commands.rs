//! What each command does at the terminal: resolve its inputs, call the library, print
//! the outcome (text, or JSON with --json) and choose the exit status.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};
use url::Url;

use cablestrip::clean;
use cablestrip::eval;
use cablestrip::fixtures;
use cablestrip::model::Page;
use cablestrip::rules::{Rule, RuleSet, UrlKind};

use crate::cli::{CleanArgs, Cli, Command, EvalArgs, RulesCommand, RulesTestArgs};

/// A command that could not finish, with the exit status that says why.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl Failure {
    /// Bad input: flags, rule files, files to read (exit 2).
    pub fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 2,
            error: error.into(),
        }
    }

    /// The exit status for this failure.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if f.alternate() {
            write!(f, "{:#}", self.error)
        } else {
            write!(f, "{}", self.error)
        }
    }
}

/// Sends `tracing` output to stderr; `-v` for info, `-vv` for debug, `RUST_LOG` overrides.
pub fn init_logging(verbose: u8) {
    let default = match verbose {
        0 => "warn",
        1 => "info",
        _ => "debug",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .init();
}

/// Runs the command the arguments name.
pub fn run(args: Cli) -> Result<ExitCode, Failure> {
    let rules = load_rules(args.selectors.as_deref()).map_err(Failure::input)?;
    match args.command {
        Command::Clean(clean_args) => run_clean(&rules, &clean_args),
        Command::Rules(RulesCommand::Check) => run_rules_check(&rules),
        Command::Rules(RulesCommand::Test(test_args)) => run_rules_test(&rules, &test_args),
        Command::Eval(eval_args) => run_eval(&rules, &eval_args),
    }
}

/// The rule files: `--selectors DIR`, else `./selectors` when it exists, else the copies
/// built into the binary.
pub fn load_rules(selectors: Option<&Path>) -> anyhow::Result<RuleSet> {
    match selectors {
        Some(dir) => Ok(RuleSet::load_dir(dir)?),
        None if Path::new("selectors").is_dir() => Ok(RuleSet::load_dir(Path::new("selectors"))?),
        None => Ok(RuleSet::builtin()?),
    }
}

fn run_clean(rules: &RuleSet, args: &CleanArgs) -> Result<ExitCode, Failure> {
    let explicit_url = args
        .url
        .as_deref()
        .map(|u| Url::parse(u).with_context(|| format!("--url `{u}` is not a URL; fix: give the full address, such as https://cablegate.wikileaks.org/cable/2008/12/08BEIJING4687.html")))
        .transpose()
        .map_err(Failure::input)?;
    let site_rule = args
        .site
        .as_deref()
        .map(|s| rules.require(s))
        .transpose()
        .map_err(Failure::input)?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut rejected = 0;
    for file in &args.files {
        let bytes = std::fs::read(file)
            .with_context(|| format!("cannot read {}", file.display()))
            .map_err(Failure::input)?;
        let (url, rule) = match (&explicit_url, site_rule) {
            (Some(url), Some(rule)) => (url.clone(), rule),
            (Some(url), None) => {
                let rule = rules.rule_for_url(url).ok_or_else(|| {
                    Failure::input(anyhow!(
                        "no rule file covers the host of --url {url}; fix: pass --site SITE as well (sites: {})",
                        rules.site_names().join(", ")
                    ))
                })?;
                (url.clone(), rule)
            }
            (None, Some(rule)) => (url_from_path(file, rule).unwrap_or_else(|| fallback_url(file, rule)), rule),
            (None, None) => guess_site(file, rules).ok_or_else(|| {
                Failure::input(anyhow!(
                    "cannot tell which site {} was saved from; fix: pass --url URL or --site SITE (sites: {})",
                    file.display(),
                    rules.site_names().join(", ")
                ))
            })?,
        };
        let page = Page {
            content_type: args.content_type.clone(),
            ..Page::from_bytes(url.clone(), bytes)
        };
        let outcome = clean::clean_with(&page, rule);
        if outcome.is_err() {
            rejected += 1;
        }
        print_clean_outcome(&mut out, file, &url, &outcome, args.json).map_err(Failure::input)?;
    }
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_clean_outcome(
    out: &mut impl Write,
    file: &Path,
    url: &Url,
    outcome: &Result<cablestrip::model::Cable, clean::Reject>,
    json: bool,
) -> anyhow::Result<()> {
    match (outcome, json) {
        (Ok(cable), true) => writeln!(out, "{}", serde_json::to_string(cable)?)?,
        (Err(reject), true) => writeln!(
            out,
            "{}",
            serde_json::json!({"url": url.as_str(), "reject": reject.kind(), "reason": reject.to_string()})
        )?,
        (Ok(cable), false) => {
            writeln!(
                out,
                "== {} → {} ({})",
                file.display(),
                cable.id,
                cable.rules
            )?;
            for (label, value) in [
                ("title", &cable.title),
                ("subject", &cable.subject),
                ("created", &cable.created),
                ("classification", &cable.classification),
                ("origin", &cable.origin),
            ] {
                if let Some(value) = value {
                    writeln!(out, "{label}: {value}")?;
                }
            }
            if !cable.tags.is_empty() {
                writeln!(out, "tags: {}", cable.tags.join(", "))?;
            }
            if let Some(header) = &cable.header {
                writeln!(out, "\n{header}")?;
            }
            writeln!(out, "\n{}\n", cable.body)?;
        }
        (Err(reject), false) => writeln!(
            out,
            "== {} rejected ({}): {reject}",
            file.display(),
            reject.kind()
        )?,
    }
    Ok(())
}

/// The URL a saved file had on `rule`'s site: the shortest tail of its path that the rule
/// classes as a cable or index page.
fn url_from_path(file: &Path, rule: &Rule) -> Option<Url> {
    let parts: Vec<String> = file
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    (0..parts.len()).rev().find_map(|start| {
        let url = Url::parse(&format!(
            "https://{}/{}",
            rule.primary_host(),
            parts[start..].join("/")
        ))
        .ok()?;
        (rule.classify(&url) != UrlKind::Other).then_some(url)
    })
}

fn fallback_url(file: &Path, rule: &Rule) -> Url {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Url::parse(&format!("https://{}/", rule.primary_host()))
        .and_then(|base| base.join(&name))
        .unwrap_or_else(|_| Url::parse("https://invalid.invalid/").expect("a constant URL parses"))
}

fn guess_site<'r>(file: &Path, rules: &'r RuleSet) -> Option<(Url, &'r Rule)> {
    let mut found = rules
        .rules()
        .iter()
        .filter_map(|rule| url_from_path(file, rule).map(|url| (url, rule)));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn run_rules_check(rules: &RuleSet) -> Result<ExitCode, Failure> {
    for rule in rules.rules() {
        println!(
            "{}\t{}\thosts: {}",
            rule.version,
            rule.source,
            rule.hosts.join(", ")
        );
    }
    Ok(ExitCode::SUCCESS)
}

fn run_rules_test(rules: &RuleSet, args: &RulesTestArgs) -> Result<ExitCode, Failure> {
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

fn run_eval(rules: &RuleSet, args: &EvalArgs) -> Result<ExitCode, Failure> {
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
    let report = eval::evaluate(rule, &args.dir, &truth).map_err(Failure::input)?;
    let seconds = started.elapsed().as_secs_f64();
    if args.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(Failure::input)?
        );
    } else {
        print_eval(&report, args.show, seconds);
    }
    let below_bar = args.min_exact.is_some_and(|bar| report.exact_share < bar);
    let broken = !report.with_chrome.is_empty() || report.cables_from_non_cable_pages > 0;
    if below_bar {
        eprintln!(
            "eval: {:.2} % exact is under the bar of {:.2} %",
            report.exact_share * 100.0,
            args.min_exact.unwrap_or_default() * 100.0
        );
    }
    if broken {
        eprintln!(
            "eval: chrome in {} outputs, {} cables from non-cable pages",
            report.with_chrome.len(),
            report.cables_from_non_cable_pages
        );
    }
    Ok(if below_bar || (args.min_exact.is_some() && broken) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_eval(report: &eval::EvalReport, show: usize, seconds: f64) {
    println!("site            {} ({})", report.site, report.rules);
    println!(
        "pages           {} ({} cable pages), cleaned in {seconds:.2} s",
        report.pages, report.cable_pages
    );
    println!("cables          {}", report.cables);
    println!(
        "rejects         {}",
        report
            .rejects
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "non-cable pages that became cables  {}",
        report.cables_from_non_cable_pages
    );
    println!(
        "truth           {} ({} missing)",
        report.truth,
        report.missing.len()
    );
    println!(
        "exact           {} = {:.2} % (header {}, body {})",
        report.exact,
        report.exact_share * 100.0,
        report.header_exact,
        report.body_exact
    );
    println!(
        "tokens          precision {:.4}, recall {:.4}, F1 {:.4}",
        report.precision, report.recall, report.f1
    );
    println!("with chrome     {}", report.with_chrome.len());
    println!(
        "full subject    {} of {} bodies with a SUBJECT: line",
        report.subject_full, report.with_subject_line
    );
    for mismatch in report.mismatches.iter().take(show) {
        match &mismatch.first_difference {
            Some((line, truth, ours)) => println!(
                "  {} {} line {line}:\n    truth: {truth:?}\n    ours:  {ours:?}",
                mismatch.id, mismatch.part
            ),
            None => println!("  {} {}", mismatch.id, mismatch.part),
        }
    }
    for id in report.missing.iter().take(show) {
        println!("  missing {id}");
    }
}
