//! Command-line arguments: parsed by clap, then resolved into validated settings before
//! any work starts, so a bad flag or rule file fails at once.

use std::path::PathBuf;
use std::time::Duration;

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
    /// Fetch what is new or changed on each republisher, politely, into the store.
    Crawl(CrawlArgs),
}

/// `cablestrip crawl`.
#[derive(Debug, Args)]
pub struct CrawlArgs {
    /// Where to start: seed lists (one URL a line, `#` comments) or URLs [default: every
    /// seeds/*.txt].
    #[arg(long, num_args = 1.., value_name = "FILE|URL")]
    pub seeds: Vec<String>,
    /// Keep to one site (a rule file's name): its seeds, its hosts, its stored pages.
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Stop after N fetches; what is left stays queued for the next run.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_pages: Option<u64>,
    /// Requests per second per host, instead of each rule file's rate; 0 turns rate
    /// limiting off (for a local mirror).
    #[arg(long, value_name = "N")]
    pub rate: Option<f64>,
    /// Requests in flight per host, instead of each rule file's.
    #[arg(long, value_name = "N")]
    pub concurrency: Option<u32>,
    /// Crawl HOST[:PORT] as SITE's pages: a mirror, or a local copy (repeatable).
    #[arg(long = "host-map", value_name = "HOST[:PORT]=SITE")]
    pub host_map: Vec<String>,
    /// The User-Agent header [default: cablestrip/VERSION (+contact URL)].
    #[arg(long, value_name = "UA")]
    pub user_agent: Option<String>,
    /// Fetch a stored cable page again only once it is this old: 30d, 12h, 1d12h, 90m;
    /// 0 re-checks every one.
    #[arg(long, value_name = "DUR", default_value = "30d", value_parser = cablestrip::crawl::parse_duration)]
    pub recheck_after: Duration,
    /// Exit with status 1 when more than this share of requests fail (0 to 1).
    #[arg(long, value_name = "SHARE", default_value_t = DEFAULT_MAX_ERROR_SHARE)]
    pub max_error_share: f64,
    /// The summary as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

/// A crawl with more failed requests than this share exits with status 1: a site that
/// is down, blocking us or redesigned, rather than the odd dead link.
pub const DEFAULT_MAX_ERROR_SHARE: f64 = 0.2;

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
