//! `cablestrip status`: what the store holds, per site, and how the last run went.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use serde::Serialize;

use cablestrip::coverage::Coverage;
use cablestrip::pipeline::Census;
use cablestrip::refs::{self, CitationCounts};
use cablestrip::rules::RuleSet;
use cablestrip::store::SiteStats;

use super::out::{self};
use super::{Failure, open_store_to_read};
use crate::cli::StatusArgs;

#[derive(Serialize)]
struct Status {
    db: String,
    size_on_disk: u64,
    bodies: usize,
    sites: BTreeMap<String, SiteStats>,
    /// The citation graph: references to cables, and how many the store can follow.
    citations: CitationCounts,
    /// How complete the corpus is (see `cablestrip coverage`).
    coverage: Coverage,
    last_run: Option<LastRun>,
    /// The last `verify`'s counts: cables held by several sites, how many agree, per site.
    last_verify: Option<LastRun>,
}

#[derive(Serialize)]
struct LastRun {
    id: u64,
    command: String,
    started: String,
    finished: Option<String>,
    summary: Option<serde_json::Value>,
}

pub fn run(rules: &RuleSet, db: &Path, args: &StatusArgs) -> Result<ExitCode, Failure> {
    let store = open_store_to_read(db)?;
    let current: HashMap<String, String> = rules
        .rules()
        .iter()
        .map(|r| (r.name.clone(), r.version.clone()))
        .collect();
    let sites = store.site_stats(&current).map_err(Failure::store)?;
    let last = |run: cablestrip::store::RunRecord| LastRun {
        id: run.id,
        command: run.command,
        started: run.started.to_string(),
        finished: run.finished.map(|t| t.to_string()),
        summary: run.summary.and_then(|s| serde_json::from_str(&s).ok()),
    };
    let last_run = store.last_run().map_err(Failure::store)?.map(last);
    let last_verify = store
        .last_run_of("verify")
        .map_err(Failure::store)?
        .map(last);
    let status = Status {
        db: store.path().display().to_string(),
        size_on_disk: store.size_on_disk().map_err(Failure::store)?,
        bodies: store.body_count().map_err(Failure::store)?,
        sites,
        citations: refs::counts(&store).map_err(Failure::store)?,
        coverage: Coverage::of(
            &Census::take(&store, rules).map_err(Failure::store)?,
            &rules.site_names(),
            None,
        ),
        last_run,
        last_verify,
    };
    if args.json {
        let json = serde_json::to_string_pretty(&status).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    out::report(|out| print_status(out, &status))?;
    Ok(ExitCode::SUCCESS)
}

fn print_status(out: &mut dyn Write, status: &Status) -> std::io::Result<()> {
    writeln!(
        out,
        "store        {} ({:.1} MB on disk, {} raw bodies)",
        status.db,
        status.size_on_disk as f64 / 1e6,
        status.bodies
    )?;
    writeln!(
        out,
        "{:<26} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "site", "pages", "cables", "suspect", "rejects", "index", "failed", "stale"
    )?;
    for (site, s) in &status.sites {
        writeln!(
            out,
            "{site:<26} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8} {:>8}",
            s.pages,
            s.cables,
            s.suspect_cables,
            s.rejected,
            s.not_cleaned,
            s.failed,
            s.stale_cables
        )?;
    }
    if status.sites.is_empty() {
        writeln!(
            out,
            "(empty: fill it with `cablestrip crawl` or `cablestrip ingest DIR --site SITE`)"
        )?;
    }
    let c = &status.citations;
    if c.references > 0 {
        writeln!(
            out,
            "references   {} to cables, from {} cables; {} ({:.1} %) cite a stored cable; {} cables cited, {} of them stored (cablestrip refs ID)",
            c.references,
            c.citing_cables,
            c.resolved,
            c.resolved as f64 * 100.0 / c.references as f64,
            c.cited_cables,
            c.cited_and_stored
        )?;
    } else if !status.sites.is_empty() {
        writeln!(
            out,
            "references   none read (cables stored by an older cablestrip gain theirs with `cablestrip reclean --all`)"
        )?;
    }
    let k = &status.coverage;
    if k.known > 0 {
        writeln!(
            out,
            "coverage     {} cable IDs known, {} held, {} held by no site, {} by one site only (cablestrip coverage)",
            k.known, k.held, k.missing, k.single_site
        )?;
    }
    match &status.last_run {
        Some(run) => writeln!(
            out,
            "last run     #{} {} started {}, {}",
            run.id,
            run.command,
            run.started,
            run.finished
                .as_deref()
                .map_or_else(|| "did not finish".to_string(), |f| format!("finished {f}"))
        )?,
        None => writeln!(out, "last run     none")?,
    }
    match status
        .last_verify
        .as_ref()
        .and_then(|run| run.summary.as_ref())
    {
        Some(summary) => writeln!(
            out,
            "cross-check  {} cables held by several sites, {} agree (cablestrip verify, run #{})",
            summary["cables_compared"],
            summary["cables_agreeing"],
            status.last_verify.as_ref().map_or(0, |run| run.id)
        )?,
        None => writeln!(out, "cross-check  not run yet (cablestrip verify)")?,
    }
    Ok(())
}
