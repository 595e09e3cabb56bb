//! Command-line arguments: parsed by clap, then resolved into validated settings before
//! any work starts, so a bad flag or rule file fails at once.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Where the store lives when neither --db nor CABLESTRIP_DB says.
pub const DEFAULT_DB: &str = "cablestrip.db";

/// Builds a clean corpus of the US diplomatic cables from the sites that republished them.
#[derive(Debug, Parser)]
#[command(name = "cablestrip", version, about, propagate_version = true)]
pub struct Cli {
    /// The cable store (a sled database folder), created when missing.
    #[arg(long, global = true, env = "CABLESTRIP_DB", value_name = "PATH", default_value = DEFAULT_DB)]
    pub db: PathBuf,
    /// Folder of selector rule files (default: ./selectors if present, else the built-in rules).
    #[arg(long, global = true, env = "CABLESTRIP_SELECTORS", value_name = "DIR")]
    pub selectors: Option<PathBuf>,
    /// More log output (-v info, -vv debug); logs go to stderr.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean saved pages without a store and print the cables.
    Clean(CleanArgs),
    /// Check or test the selector rule files.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Clean every page of a local mirror and score it against a truth file.
    Eval(EvalArgs),
    /// What the store holds, per site: pages, cables, rejects, stale cables; size; last run.
    Status(StatusArgs),
    /// Compare the copies of each cable that several sites hold, and report the text only
    /// one site has (runs at the start or end of a body are likely leaked chrome).
    Verify(VerifyArgs),
}

/// `cablestrip verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The whole report as JSON.
    #[arg(long)]
    pub json: bool,
    /// How many differing cables to list (all with --json).
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub show: usize,
}

/// `cablestrip status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    /// A machine-readable summary.
    #[arg(long)]
    pub json: bool,
}

/// `cablestrip clean`.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Saved pages to clean.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The URL the page was saved from (decides the site and the cable ID); with several
    /// files, it applies to each.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// The site whose rule cleans the files, when no --url is given: each file's URL is
    /// taken from its path under the site (…/cable/2008/12/08BEIJING4687.html).
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// The Content-Type the server sent, for the charset.
    #[arg(long, value_name = "TYPE")]
    pub content_type: Option<String>,
    /// One JSON object per line per page.
    #[arg(long)]
    pub json: bool,
}

/// `cablestrip rules …`.
#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Load and validate every rule file, and list them with their versions.
    Check,
    /// Run every rule file's fixture cases and show a diff for each mismatch.
    Test(RulesTestArgs),
}

/// `cablestrip rules test`.
#[derive(Debug, Args)]
pub struct RulesTestArgs {
    /// Folder of fixture cases, one sub-folder per site.
    #[arg(long, default_value = "fixtures", value_name = "DIR")]
    pub fixtures: PathBuf,
    /// Test only these sites.
    #[arg(value_name = "SITE")]
    pub sites: Vec<String>,
    /// A machine-readable summary.
    #[arg(long)]
    pub json: bool,
}

/// `cablestrip eval`.
#[derive(Debug, Args)]
pub struct EvalArgs {
    /// The site whose rule cleans the mirror.
    #[arg(long, value_name = "SITE")]
    pub site: String,
    /// The mirror's folder (the site's root: …/site).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// The truth file: {"id","header","body"} per line.
    #[arg(value_name = "TRUTH.jsonl")]
    pub truth: PathBuf,
    /// Fail (exit 1) when fewer than this share of cables are exact.
    #[arg(long, value_name = "SHARE")]
    pub min_exact: Option<f64>,
    /// The whole report as JSON.
    #[arg(long)]
    pub json: bool,
    /// How many mismatches to list.
    #[arg(long, default_value_t = 10, value_name = "N")]
    pub show: usize,
}
