//! `cablestrip export`: the stored cables as JSON Lines, text files, CSV or an SQLite
//! database, or their citation graph as CSV, streamed.

use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;

use cablestrip::export::warc::{PageSelection, export_warc};
use cablestrip::export::{
    self, CsvSink, CsvTable, ExportError, JsonlSink, PendingFile, Priorities, Selection, Since,
    Sink, TxtSink,
};
use cablestrip::model::CableId;
use cablestrip::rules::RuleSet;

use super::out::note;
use super::{Failure, open_store_to_read};
use crate::cli::{ExportArgs, ExportFormat};

pub fn run(rules: &RuleSet, db: &Path, args: &ExportArgs) -> Result<ExitCode, Failure> {
    if let Some(site) = &args.site {
        rules.require(site).map_err(Failure::input)?;
    }
    let since = args
        .since
        .as_deref()
        .map(Since::parse)
        .transpose()
        .map_err(Failure::input)?;
    if args.format == ExportFormat::Warc {
        return run_warc(rules, db, args, since);
    }
    let ids = args
        .id
        .iter()
        .map(|id| CableId::parse(id))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Failure::input(anyhow!("--id: {e}")))?;
    let selection = Selection {
        site: args.site.clone(),
        since,
        ids,
        all_sources: args.all_sources,
        include_suspect: args.include_suspect,
    };
    if args.format == ExportFormat::Edges && args.all_sources {
        return Err(Failure::input(anyhow!(
            "--format edges links cables, not their copies, so it takes no --all-sources; fix: leave --all-sources out"
        )));
    }
    if args.format == ExportFormat::Sqlite && args.all_sources {
        return Err(Failure::input(anyhow!(
            "--format sqlite already lists every copy in its `sources` table and keeps the chosen one in `cables`, so it takes no --all-sources; fix: leave --all-sources out"
        )));
    }
    let destination = Destination::resolve(args)?;
    let store = open_store_to_read(db)?;
    let mut sink = destination.sink(args)?;
    let result = export::export(&store, &selection, &Priorities::of(rules), sink.as_mut())
        .and_then(|report| sink.finish().map(|()| report));
    let report = match result {
        // The reader went away (`| head`): it has all it wanted.
        Err(error) if error.is_broken_pipe() => return Ok(ExitCode::SUCCESS),
        other => other.map_err(failure)?,
    };
    if report.suspect > 0 {
        let (one, many) = if args.all_sources {
            ("copy", "copies")
        } else {
            ("cable", "cables")
        };
        note!(
            "export: {} suspect {} left out (--include-suspect writes them; `cablestrip show ID` says why each is suspect)",
            report.suspect,
            if report.suspect == 1 { one } else { many }
        );
    }
    if report.undated > 0 {
        note!(
            "export: {} {} no `created` date and {} left out by --since {}",
            report.undated,
            if report.undated == 1 {
                "cable has"
            } else {
                "cables have"
            },
            if report.undated == 1 { "was" } else { "were" },
            args.since.as_deref().unwrap_or_default()
        );
    }
    if let Destination::File(out) | Destination::Folder(out) = destination {
        note!(
            "export: {} records written to {}",
            report.written,
            out.display()
        );
    }
    if !report.missing_ids.is_empty() {
        note!(
            "export: the store holds no {}{}",
            report.missing_ids.join(", "),
            args.site
                .as_deref()
                .map(|site| format!(" from {site}"))
                .unwrap_or_default()
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// `--format warc`: the raw pages into one WARC file.
fn run_warc(
    rules: &RuleSet,
    db: &Path,
    args: &ExportArgs,
    since: Option<Since>,
) -> Result<ExitCode, Failure> {
    let cable_flag = [
        (!args.id.is_empty(), "--id"),
        (args.all_sources, "--all-sources"),
        (args.include_suspect, "--include-suspect"),
    ]
    .into_iter()
    .find_map(|(given, flag)| given.then_some(flag));
    if let Some(flag) = cable_flag {
        return Err(Failure::input(anyhow!(
            "{flag} chooses cables, but --format warc writes every stored raw page (of --site, fetched since --since), whatever cleaning made of it; fix: leave {flag} out"
        )));
    }
    let out = args
        .out
        .as_deref()
        .filter(|path| *path != Path::new(STDOUT))
        .ok_or_else(|| {
            Failure::input(anyhow!(
                "--format warc writes a file, moved into place once whole; fix: add --out FILE.warc.gz"
            ))
        })?;
    // The name is checked before the store is opened.
    if !cablestrip::warc::is_warc_name(out) {
        return Err(failure(ExportError::BadWarcName {
            path: out.to_path_buf(),
        }));
    }
    let store = open_store_to_read(db)?;
    let selection = PageSelection {
        site: args.site.clone(),
        since,
    };
    let report = export_warc(&store, rules, &selection, out).map_err(failure)?;
    note!(
        "export: {} pages written to {} ({:.1} MB){}{}",
        report.pages,
        out.display(),
        report.bytes as f64 / 1e6,
        if report.minimal_headers > 0 {
            format!(
                "; {} of them with only the headers the store keeps for every page (Content-Type, ETag, Last-Modified), as their full headers were not stored",
                report.minimal_headers
            )
        } else {
            String::new()
        },
        if report.before_since > 0 {
            format!("; {} fetched before --since left out", report.before_since)
        } else {
            String::new()
        }
    );
    if report.missing_bodies > 0 {
        note!(
            "export: {} pages left out: their raw bodies are missing from the store (`cablestrip status` checks it)",
            report.missing_bodies
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// Where an export goes, resolved from `--format` and `--out` before the store is opened.
#[derive(Debug, Clone, Copy)]
enum Destination<'a> {
    /// Standard output (`--out -`, or no `--out`).
    Stdout,
    /// One file (JSON Lines, CSV).
    File(&'a Path),
    /// One file per cable in a folder (txt).
    Folder(&'a Path),
}

impl<'a> Destination<'a> {
    fn resolve(args: &'a ExportArgs) -> Result<Destination<'a>, Failure> {
        let out = args
            .out
            .as_deref()
            .filter(|path| *path != Path::new(STDOUT));
        Ok(match (args.format, out) {
            (ExportFormat::Txt, None) => {
                return Err(Failure::input(anyhow!(
                    "--format txt writes one file per cable, so it needs a folder; fix: add --out DIR"
                )));
            }
            (ExportFormat::Txt, Some(dir)) => Destination::Folder(dir),
            (ExportFormat::Sqlite, None) => {
                return Err(Failure::input(anyhow!(
                    "--format sqlite writes a database file, not a stream{}; fix: add --out FILE.db",
                    if args.out.is_some() {
                        ", so not to stdout (`--out -`)"
                    } else {
                        ""
                    }
                )));
            }
            (_, Some(path)) => Destination::File(path),
            (_, None) => Destination::Stdout,
        })
    }

    fn sink(self, args: &ExportArgs) -> Result<Box<dyn Sink>, Failure> {
        let stdout = Path::new(STDOUT);
        Ok(match (args.format, self) {
            (_, Destination::Folder(dir)) => {
                Box::new(TxtSink::new(dir, args.all_sources).map_err(failure)?)
            }
            (ExportFormat::Csv | ExportFormat::Edges, Destination::File(path)) => Box::new(
                PendingFile::create(path)
                    .map_err(failure)?
                    .csv(csv_table(args.format))
                    .map_err(failure)?,
            ),
            (ExportFormat::Sqlite, Destination::File(path)) => Box::new(
                PendingFile::create(path)
                    .map_err(failure)?
                    .sqlite()
                    .map_err(failure)?,
            ),
            (_, Destination::File(path)) => {
                Box::new(PendingFile::create(path).map_err(failure)?.jsonl())
            }
            (ExportFormat::Csv | ExportFormat::Edges, Destination::Stdout) => Box::new(
                CsvSink::new(std::io::stdout().lock(), stdout, csv_table(args.format))
                    .map_err(failure)?,
            ),
            (_, Destination::Stdout) => Box::new(JsonlSink::new(std::io::stdout().lock(), stdout)),
        })
    }
}

/// The CSV table a CSV format writes.
fn csv_table(format: ExportFormat) -> CsvTable {
    match format {
        ExportFormat::Edges => CsvTable::Edges,
        _ => CsvTable::Cables,
    }
}

/// How `--out` names standard output, and how messages name it.
const STDOUT: &str = "-";

fn failure(error: ExportError) -> Failure {
    match error {
        ExportError::Store(error) => Failure::store(error),
        other => Failure::input(other),
    }
}
