//! `cablestrip export`: the stored cables as JSON Lines, text files or CSV, streamed.

use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;

use cablestrip::export::{
    self, CsvSink, ExportError, JsonlSink, PendingFile, Priorities, Selection, Since, Sink, TxtSink,
};
use cablestrip::model::CableId;
use cablestrip::rules::RuleSet;
use cablestrip::store::Store;

use super::Failure;
use crate::cli::{ExportArgs, ExportFormat};

pub fn run(rules: &RuleSet, store: &Store, args: &ExportArgs) -> Result<ExitCode, Failure> {
    if let Some(site) = &args.site {
        rules.require(site).map_err(Failure::input)?;
    }
    let since = args
        .since
        .as_deref()
        .map(Since::parse)
        .transpose()
        .map_err(Failure::input)?;
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
    };
    let stdout_path = Path::new("-");
    let out = args.out.as_deref().filter(|path| *path != stdout_path);
    let mut sink: Box<dyn Sink> = match (args.format, out) {
        (ExportFormat::Txt, None) => {
            return Err(Failure::input(anyhow!(
                "--format txt writes one file per cable, so it needs a folder; fix: add --out DIR"
            )));
        }
        (ExportFormat::Txt, Some(dir)) => {
            Box::new(TxtSink::new(dir, args.all_sources).map_err(failure)?)
        }
        (ExportFormat::Jsonl, Some(path)) => {
            Box::new(PendingFile::create(path).map_err(failure)?.jsonl())
        }
        (ExportFormat::Csv, Some(path)) => Box::new(
            PendingFile::create(path)
                .map_err(failure)?
                .csv()
                .map_err(failure)?,
        ),
        (ExportFormat::Jsonl, None) => {
            Box::new(JsonlSink::new(std::io::stdout().lock(), stdout_path))
        }
        (ExportFormat::Csv, None) => {
            Box::new(CsvSink::new(std::io::stdout().lock(), stdout_path).map_err(failure)?)
        }
    };
    let result = export::export(store, &selection, &Priorities::of(rules), sink.as_mut())
        .and_then(|report| sink.finish().map(|()| report));
    let report = match result {
        // The reader went away (`| head`): it has all it wanted.
        Err(error) if error.is_broken_pipe() => return Ok(ExitCode::SUCCESS),
        other => other.map_err(failure)?,
    };
    if report.undated > 0 {
        eprintln!(
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
    if let Some(out) = out {
        eprintln!(
            "export: {} records written to {}",
            report.written,
            out.display()
        );
    }
    if !report.missing_ids.is_empty() {
        eprintln!(
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

fn failure(error: ExportError) -> Failure {
    match error {
        ExportError::Store(error) => Failure::store(error),
        other => Failure::input(other),
    }
}
