//! Command-line arguments: parsed by clap, then resolved into validated settings before
//! any work starts, so a bad flag or rule file fails at once.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

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
    /// More log output of cablestrip's own events (-v: every fetch and its outcome, -vv:
    /// debug); logs go to stderr. RUST_LOG overrides, and can turn on the libraries' own.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
    /// Only errors on stderr: no warnings, no progress bars.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
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
    /// Store a local mirror of a site (wget, HTTrack, the WikiLeaks torrent) or WARC files:
    /// raw pages and clean cables.
    Ingest(IngestArgs),
    /// Clean the stored raw pages again with the current rule files, without the network.
    Reclean(RecleanArgs),
    /// Write the stored cables out as JSON Lines, text files or CSV, their citation graph as
    /// CSV (`--format edges`), or the raw pages as WARC.
    Export(ExportArgs),
    /// Show a stored cable (every copy) or page, or its raw page.
    Show(ShowArgs),
    /// What a cable cites (with the subjects of the cited cables the store holds) and which
    /// stored cables cite it.
    Refs(RefsArgs),
    /// What the store holds, per site: pages, cables, rejects, stale cables; size; last run.
    Status(StatusArgs),
    /// How complete the corpus is: every cable ID known, per site held clean or suspect,
    /// rejected, failed, not on the site or not tried; IDs no site holds; IDs only one site
    /// holds; by year and by post.
    Coverage(CoverageArgs),
    /// Compare the copies of each cable that several sites hold, and report the text only
    /// one site has (runs at the start or end of a body are likely leaked chrome).
    Verify(VerifyArgs),
    /// Verify the whole store (every record, raw body, cable and index entry) and, with
    /// --repair, mend it.
    Check(CheckArgs),
    /// Fetch what is new or changed on each republisher, politely, into the store.
    Crawl(CrawlArgs),
    /// Print a shell completion script: `cablestrip completions bash > /etc/bash_completion.d/cablestrip`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `cablestrip man | man -l -`.
    Man,
}

/// `cablestrip completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: clap_complete::Shell,
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

/// `cablestrip check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Mend what can be mended: rebuild a damaged database from what reads, rebuild the
    /// indexes, clean again pages whose cable is missing, and mark pages whose raw body is
    /// lost for the next crawl.
    #[arg(long)]
    pub repair: bool,
    /// The report as one JSON object.
    #[arg(long)]
    pub json: bool,
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
    /// Crawl HOST[:PORT] as SITE's pages: a mirror, or a local copy (one per site;
    /// repeatable, or comma-separated).
    #[arg(
        long = "host-map",
        value_name = "HOST[:PORT]=SITE",
        env = "CABLESTRIP_HOST_MAP",
        value_delimiter = ','
    )]
    pub host_map: Vec<String>,
    /// The User-Agent header [default: cablestrip/VERSION (+contact URL)].
    #[arg(long, value_name = "UA")]
    pub user_agent: Option<String>,
    /// Fetch a stored cable page again only once it is this old: 30d, 12h, 1d12h, 90m;
    /// 0 re-checks every one.
    #[arg(long, value_name = "DUR", default_value = "30d", value_parser = cablestrip::crawl::parse_duration)]
    pub recheck_after: Duration,
    /// Fetch again now every page whose last fetch failed (gone pages included), was
    /// rejected or gave a suspect cable, whatever its age.
    #[arg(long)]
    pub retry_failed: bool,
    /// Links taken from one page, at most; the rest are dropped and counted.
    #[arg(long, value_name = "N", default_value_t = cablestrip::crawl::DEFAULT_MAX_LINKS_PER_PAGE, value_parser = clap::value_parser!(usize))]
    pub max_links_per_page: usize,
    /// Entries a site may have in the frontier, at most; links past it are dropped and
    /// counted.
    #[arg(long, value_name = "N", default_value_t = cablestrip::crawl::DEFAULT_MAX_QUEUED_PER_SITE)]
    pub max_queued_per_site: u64,
    /// Exit with status 1 when more than this share of requests fail (0 to 1).
    #[arg(long, value_name = "SHARE", default_value_t = DEFAULT_MAX_ERROR_SHARE)]
    pub max_error_share: f64,
    /// Write every response received (pages, redirect hops, error pages, answers retried:
    /// response and request records) and every 304 (a revisit) into WARC files in this
    /// folder, created when missing; one crawl at a time per folder.
    #[arg(long, value_name = "DIR")]
    pub warc: Option<PathBuf>,
    /// Start a new WARC file once one holds this much: 1G, 500M, 64K or bytes.
    #[arg(long, value_name = "SIZE", default_value = "1G", value_parser = cablestrip::crawl::parse_size, requires = "warc")]
    pub warc_max_size: u64,
    /// Also ask --site for every cable ID the store knows of and the site has not given
    /// yet, at the URL its rule's `cable_url` makes (`cablestrip coverage` counts them).
    #[arg(long, requires = "site")]
    pub known_ids: bool,
    /// With --known-ids: queue at most N of them this run (a night's share; those left
    /// queued by an earlier run count too).
    #[arg(long, value_name = "N", requires = "known_ids", value_parser = clap::value_parser!(u64).range(1..))]
    pub limit: Option<u64>,
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

/// `cablestrip coverage`.
#[derive(Debug, Args)]
pub struct CoverageArgs {
    /// Count only this site's share (a rule file's name); --missing then writes the IDs
    /// it holds no copy of.
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// The report as one JSON document.
    #[arg(long)]
    pub json: bool,
    /// Write the IDs no site holds (with --site: that site holds no copy of) to FILE, one
    /// a line.
    #[arg(long, value_name = "FILE")]
    pub missing: Option<PathBuf>,
    /// Record the IDs of FILE as known first (the store is created when missing): one ID
    /// a line, or a CSV file with an `id` column.
    #[arg(long, value_name = "FILE")]
    pub ids: Option<PathBuf>,
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
    /// Score the cables the store (--db) holds for this site, as `export --site SITE`
    /// writes them, instead of cleaning DIR's pages (DIR's pages are still counted).
    #[arg(long)]
    pub from_db: bool,
}

/// `cablestrip ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    /// A mirror's folder (the site's root, or a folder above it, such as wget's host
    /// folder), or WARC files (.warc, .warc.gz) and folders holding them.
    #[arg(value_name = "DIR|WARC", required = true, num_args = 1..)]
    pub inputs: Vec<PathBuf>,
    /// The site the mirror was saved from (a rule file's name); for WARC files, keep to
    /// this site's pages (default: every page a rule file knows).
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Scheme and host the mirror's paths are relative to (default: https:// and the
    /// rule's first host).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,
    /// Take WARC pages of HOST[:PORT] as SITE's, stored under the site's own URLs (a
    /// mirror recorded under another host; as for crawl).
    #[arg(
        long = "host-map",
        value_name = "HOST[:PORT]=SITE",
        env = "CABLESTRIP_HOST_MAP",
        value_delimiter = ','
    )]
    pub host_map: Vec<String>,
    /// Pages between flushes to disk: a crash loses at most this many pages' work.
    #[arg(long, default_value_t = cablestrip::ingest::DEFAULT_BATCH, value_name = "N")]
    pub batch: usize,
    /// A machine-readable summary.
    #[arg(long)]
    pub json: bool,
}

/// `cablestrip reclean`.
#[derive(Debug, Args)]
pub struct RecleanArgs {
    /// Only this site's pages.
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Clean every page again, not only those made by another rule version.
    #[arg(long)]
    pub all: bool,
    /// Show what would change (with a diff of some changed cables) and write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Delete the stored cable of a page that is now rejected (default: keep it).
    #[arg(long)]
    pub drop_rejected: bool,
    /// How many changed cables a dry run shows a diff for.
    #[arg(long, default_value_t = cablestrip::reclean::DEFAULT_SAMPLE, value_name = "N")]
    pub sample: usize,
    /// Pages between flushes to disk.
    #[arg(long, default_value_t = cablestrip::reclean::DEFAULT_BATCH, value_name = "N")]
    pub batch: usize,
    /// A machine-readable summary.
    #[arg(long)]
    pub json: bool,
}

/// Output formats of `cablestrip export`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// One JSON object per line per cable.
    Jsonl,
    /// One `<ID>.txt` file per cable, in the folder --out names.
    Txt,
    /// RFC 4180 CSV with a header row.
    Csv,
    /// The citation graph as CSV: `from,to,letter`, one row per reference to a cable.
    Edges,
    /// The stored raw pages as WARC/1.1 response records, into the file --out names
    /// (FILE.warc.gz, or FILE.warc for no compression).
    Warc,
    /// One SQLite database (--out FILE.db) with full-text search, ready for Datasette.
    Sqlite,
}

/// `cablestrip export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The output format.
    #[arg(long, value_enum, default_value = "jsonl")]
    pub format: ExportFormat,
    /// Where to write: a file for jsonl and csv (default stdout), a folder for txt, a
    /// FILE.warc.gz for warc, a database file for sqlite.
    #[arg(long, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Only this site's copies.
    #[arg(long, value_name = "SITE")]
    pub site: Option<String>,
    /// Only cables created on or after this day (YYYY-MM-DD) or time (RFC 3339); cables
    /// with no creation date are left out, and counted on stderr. With --format warc: only
    /// pages fetched on or after it.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only these cables (any case, `_a` suffixes allowed).
    #[arg(long, value_name = "ID", num_args = 1..)]
    pub id: Vec<String>,
    /// Every site's copy of each cable, not only the preferred one.
    #[arg(long)]
    pub all_sources: bool,
    /// Write suspect copies too (by default they are left out, and counted on stderr).
    #[arg(long)]
    pub include_suspect: bool,
}

/// `cablestrip refs`.
#[derive(Debug, Args)]
pub struct RefsArgs {
    /// The cable (any case; `SECSTATE` and post spellings are read canonically).
    #[arg(value_name = "ID")]
    pub id: String,
    /// The references as one JSON document.
    #[arg(long)]
    pub json: bool,
}

/// `cablestrip show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A cable ID (every stored copy) or a page's URL.
    #[arg(value_name = "ID|URL")]
    pub target: String,
    /// Write the stored raw page to stdout, byte for byte (for an ID: the preferred copy's).
    #[arg(long)]
    pub raw: bool,
    /// The records as JSON.
    #[arg(long, conflicts_with = "raw")]
    pub json: bool,
}
