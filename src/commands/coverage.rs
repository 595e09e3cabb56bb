//! `cablestrip coverage`: how complete the corpus is, per site and overall, by year and by
//! post, with the missing IDs written to a file on request; `--ids FILE` records a list of
//! IDs as known first.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use cablestrip::coverage::{self, Coverage, ListedId, Share};
use cablestrip::pipeline::Census;
use cablestrip::rules::RuleSet;
use cablestrip::store::{Sighting, Store};

use super::out;
use super::{Failure, open_store, open_store_to_read};
use crate::cli::CoverageArgs;

/// Origins the text report lists (the most missing first); `--json` has them all.
const ORIGINS_SHOWN: usize = 15;

/// What `--ids` recorded.
#[derive(Debug, Serialize)]
struct Recorded {
    file: String,
    ids: usize,
    new: u64,
}

#[derive(Debug, Serialize)]
struct Report {
    #[serde(flatten)]
    coverage: Coverage,
    #[serde(skip_serializing_if = "Option::is_none")]
    recorded: Option<Recorded>,
    #[serde(skip_serializing_if = "Option::is_none")]
    missing_file: Option<String>,
}

pub fn run(rules: &RuleSet, db: &Path, args: &CoverageArgs) -> Result<ExitCode, Failure> {
    if let Some(site) = &args.site {
        rules.require(site).map_err(Failure::input)?;
    }
    // The list is read whole and checked before the store is opened: a bad line writes
    // nothing.
    let list = args
        .ids
        .as_deref()
        .map(coverage::read_id_list)
        .transpose()
        .map_err(Failure::input)?;
    // Recording IDs fills the store, so it may create one; counting only reads.
    let store = match &list {
        Some(_) => open_store(db)?,
        None => open_store_to_read(db)?,
    };
    let recorded = match (&list, &args.ids) {
        (Some(list), Some(path)) => Some(Recorded {
            file: path.display().to_string(),
            ids: list.len(),
            new: record_list(&store, path, list)?,
        }),
        _ => None,
    };
    let census = Census::take(&store, rules).map_err(Failure::store)?;
    let coverage = Coverage::of(&census, &rules.site_names(), args.site.as_deref());
    if let Some(path) = &args.missing {
        let missing = coverage::missing(&census, args.site.as_deref());
        let text: String = missing.iter().map(|id| format!("{id}\n")).collect();
        std::fs::write(path, text).map_err(|e| {
            Failure::input(anyhow::anyhow!(
                "cannot write --missing {}: {e}; fix: give a file in a folder you can write",
                path.display()
            ))
        })?;
    }
    let report = Report {
        coverage,
        recorded,
        missing_file: args.missing.as_ref().map(|p| p.display().to_string()),
    };
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::job)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_report(out, &report, args.site.as_deref()))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Records the listed IDs as known; returns how many were new.
fn record_list(store: &Store, path: &Path, list: &[ListedId]) -> Result<u64, Failure> {
    let mut new = 0;
    for listed in list {
        let at = format!("{}:{}", path.display(), listed.line);
        if store
            .note_known(&listed.id, &Sighting::list(&at))
            .map_err(Failure::store)?
        {
            new += 1;
        }
    }
    store.flush().map_err(Failure::store)?;
    Ok(new)
}

fn print_report(out: &mut dyn Write, report: &Report, site: Option<&str>) -> std::io::Result<()> {
    if let Some(recorded) = &report.recorded {
        writeln!(
            out,
            "recorded     {} IDs from {} ({} new to the store)",
            recorded.ids, recorded.file, recorded.new
        )?;
    }
    let c = &report.coverage;
    writeln!(
        out,
        "known        {} cable IDs: {} held by some site ({} by one site only, {} by several), {} by none",
        c.known, c.held, c.single_site, c.several_sites, c.missing
    )?;
    if c.missing > 0 {
        let sources: Vec<String> = c
            .missing_by_source
            .iter()
            .map(|(source, n)| format!("{n} from {}", source_words(source)))
            .collect();
        writeln!(out, "held by none {}", sources.join(", "))?;
    }
    writeln!(
        out,
        "{:<26} {:>8} {:>8} {:>8} {:>8} {:>11} {:>9} {:>9}",
        "site", "clean", "suspect", "rejected", "failed", "not-on-site", "not-tried", "only-here"
    )?;
    for (name, s) in &c.sites {
        writeln!(
            out,
            "{name:<26} {:>8} {:>8} {:>8} {:>8} {:>11} {:>9} {:>9}",
            s.clean, s.suspect, s.rejected, s.failed, s.not_on_site, s.not_tried, s.only_here
        )?;
    }
    if !c.by_year.is_empty() {
        writeln!(out, "by year      (held / known)")?;
        for (year, share) in &c.by_year {
            writeln!(out, "  {year}       {} / {}", share.held, share.known)?;
        }
    }
    let mut origins: Vec<(&String, &Share)> = c
        .by_origin
        .iter()
        .filter(|(_, s)| s.missing() > 0)
        .collect();
    if !origins.is_empty() {
        origins.sort_by(|a, b| b.1.missing().cmp(&a.1.missing()).then(a.0.cmp(b.0)));
        writeln!(
            out,
            "by origin    the posts with the most IDs no site holds (held / known; --json lists every post)"
        )?;
        for (post, share) in origins.iter().take(ORIGINS_SHOWN) {
            writeln!(out, "  {post:<20} {} / {}", share.held, share.known)?;
        }
        if origins.len() > ORIGINS_SHOWN {
            writeln!(out, "  … {} more posts", origins.len() - ORIGINS_SHOWN)?;
        }
    }
    if let Some(file) = &report.missing_file {
        match site {
            Some(site) => writeln!(out, "missing      the IDs {site} holds no copy of: {file}")?,
            None => writeln!(out, "missing      the IDs no site holds: {file}")?,
        }
    }
    Ok(())
}

fn source_words(source: &str) -> &str {
    match source {
        "listing" => "listings",
        "list" => "ID lists",
        "reference" => "references",
        "page" => "the URLs of pages that gave no cable",
        other => other,
    }
}
