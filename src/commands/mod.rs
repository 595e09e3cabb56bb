//! What each command does at the terminal, always in this order: resolve its arguments
//! into checked settings, then open the store (only a command that fills the store may
//! create one), then run one job of the library, print the outcome (text, or JSON with
//! --json) and choose the exit status. One file per command; this one dispatches and holds
//! what they share, and `words` says the library's errors in the command line's terms.

mod check;
mod clean;
mod coverage;
mod crawl;
mod docs;
mod eval;
mod export;
mod ingest;
pub(crate) mod out;
mod progress;
mod reclean;
mod refs;
mod rules;
mod show;
mod status;
mod verify;
mod words;

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use cablestrip::rules::RuleSet;
use cablestrip::store::{Store, StoreError};

use crate::cli::{Cli, Command, RulesCommand};

/// A command that could not finish, with the exit status that says why.
#[derive(Debug)]
pub struct Failure {
    code: u8,
    /// What to tell the user; `None` for a quiet stop.
    error: Option<anyhow::Error>,
}

impl Failure {
    /// The reader of standard output went away (`| head`): it has all it wanted, so the
    /// command stops at once, quietly, with status 0.
    pub fn quiet() -> Failure {
        Failure {
            code: 0,
            error: None,
        }
    }

    /// Whether there is nothing to tell the user.
    pub fn is_quiet(&self) -> bool {
        self.error.is_none()
    }

    /// Bad input: flags, rule files, files to read (exit 2).
    pub fn input(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 2,
            error: Some(error.into()),
        }
    }

    /// The store could not be opened or used (exit 3).
    pub fn store(error: StoreError) -> Failure {
        Failure {
            code: 3,
            error: Some(error.into()),
        }
    }

    /// The job could not be carried out (exit 1).
    pub fn job(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            code: 1,
            error: Some(error.into()),
        }
    }

    /// The exit status for this failure.
    pub fn exit_code(&self) -> ExitCode {
        ExitCode::from(self.code)
    }
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.error {
            Some(error) => f.write_str(&words::describe(error)),
            None => Ok(()),
        }
    }
}

/// Sends `tracing` output to stderr: warnings by default, cablestrip's own events at info
/// with `-v` and at debug with `-vv`, errors only with `-q`; the libraries' internals stay
/// at warnings unless `RUST_LOG` asks for them. Colours only on a terminal.
pub fn init_logging(verbose: u8, quiet: bool) {
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "warn,cablestrip=info",
        (false, _) => "warn,cablestrip=debug",
    };
    progress::set_quiet(quiet);
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

/// Runs the command the arguments name. Each command resolves its own arguments before
/// it opens the store at `db`, so a bad flag never touches (or creates) a database.
pub fn run(args: Cli) -> Result<ExitCode, Failure> {
    // The command line's own documentation needs no rule files.
    match &args.command {
        Command::Completions(completions) => return docs::completions(completions.shell),
        Command::Man => return docs::man(),
        _ => {}
    }
    let rules = load_rules(args.selectors.as_deref()).map_err(Failure::input)?;
    let db = args.db.as_path();
    match args.command {
        Command::Ingest(ingest_args) => ingest::run(rules, db, &ingest_args),
        Command::Reclean(reclean_args) => reclean::run(&rules, db, &reclean_args),
        Command::Export(export_args) => export::run(&rules, db, &export_args),
        Command::Show(show_args) => show::run(&rules, db, &show_args),
        Command::Refs(refs_args) => refs::run(&rules, db, &refs_args),
        Command::Clean(clean_args) => clean::run(&rules, &clean_args),
        Command::Rules(RulesCommand::Check) => rules::run_check(&rules),
        Command::Rules(RulesCommand::Test(test_args)) => rules::run_test(&rules, &test_args),
        Command::Eval(eval_args) => eval::run(&rules, &eval_args, db),
        Command::Status(status_args) => status::run(&rules, db, &status_args),
        Command::Coverage(coverage_args) => coverage::run(&rules, db, &coverage_args),
        Command::Verify(verify_args) => verify::run(db, &verify_args),
        Command::Check(check_args) => check::run(&rules, db, &check_args),
        Command::Crawl(crawl_args) => crawl::run(rules, db, &crawl_args),
        Command::Completions(_) | Command::Man => Ok(ExitCode::SUCCESS),
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

/// Prints the summary line `line(count)` only when `count` is not zero: for what rarely
/// happens.
pub fn print_if_any<N>(
    out: &mut dyn Write,
    count: N,
    line: impl FnOnce(N) -> String,
) -> std::io::Result<()>
where
    N: Copy + Default + PartialEq,
{
    if count != N::default() {
        writeln!(out, "{}", line(count))?;
    }
    Ok(())
}

/// Applies `--host-map HOST[:PORT]=SITE` values (crawl and ingest): each host's pages are
/// the site's.
pub fn map_hosts(rules: &mut RuleSet, values: &[String]) -> Result<(), Failure> {
    for value in values {
        let (host, site) = value.split_once('=').ok_or_else(|| {
            Failure::input(anyhow::anyhow!(
                "--host-map `{value}` has no `=`; write HOST[:PORT]=SITE, such as 127.0.0.1:8080=cablegate.wikileaks.org"
            ))
        })?;
        rules
            .map_host(host.trim(), site.trim())
            .map_err(Failure::input)?;
    }
    Ok(())
}

/// Opens the store at `path`, creating it when missing (for the commands that fill it:
/// ingest and crawl); its errors exit with status 3.
pub fn open_store(path: &Path) -> Result<Store, Failure> {
    Store::open(path).map_err(Failure::store)
}

/// Opens the store at `path`, which must exist (a command that reworks it should not
/// create an empty one from a mistyped --db); its errors exit with status 3.
pub fn open_existing_store(path: &Path) -> Result<Store, Failure> {
    Store::open_existing(path).map_err(Failure::store)
}

/// Opens the store at `path`, which must exist, for a command that only reads it: a store
/// that cannot be written (an archived copy) is read from a temporary copy. Its errors exit
/// with status 3.
pub fn open_store_to_read(path: &Path) -> Result<Store, Failure> {
    Store::open_for_reading(path).map_err(Failure::store)
}
