//! `cablestrip ingest`: a local mirror folder, or WARC files → raw pages and clean cables
//! in the store.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::anyhow;

use cablestrip::ingest::warc::{self as warc_ingest, WarcIngestOptions, WarcIngestReport};
use cablestrip::ingest::{
    self, IngestError, IngestOptions, IngestReport, StoredCounts, Throughput,
};
use cablestrip::mirror::{self, MirrorFile};
use cablestrip::rules::{Rule, RuleSet};
use cablestrip::store::ReplacePolicy;
use cablestrip::warc::{self, Limits};

use super::out::{self, note};
use super::{Failure, map_hosts, open_store, progress};
use crate::cli::IngestArgs;

/// How many of a WARC ingest's problems are shown on stderr (the report counts them all).
const SHOWN_PROBLEMS: usize = 20;

pub fn run(mut rules: RuleSet, db: &Path, args: &IngestArgs) -> Result<ExitCode, Failure> {
    map_hosts(&mut rules, &args.host_map)?;
    match Input::resolve(args)? {
        Input::Mirror(dir) => run_mirror(&rules, db, args, dir),
        Input::Warc(files) => run_warc(&rules, db, args, &files),
    }
}

/// What the paths given to ingest are.
#[derive(Debug)]
enum Input<'a> {
    /// One saved mirror's folder.
    Mirror(&'a Path),
    /// WARC files, from the files and folders given.
    Warc(Vec<PathBuf>),
}

impl<'a> Input<'a> {
    /// A file is a WARC (whatever its name); a folder is a folder of WARC files when it
    /// holds any, else a mirror. A mirror is ingested alone.
    fn resolve(args: &'a IngestArgs) -> Result<Input<'a>, Failure> {
        let mut mirrors = Vec::new();
        let mut warcs = Vec::new();
        for path in &args.inputs {
            if !path.exists() {
                return Err(Failure::input(anyhow!(
                    "{} does not exist; fix: give a mirror's folder, or WARC files (.warc, .warc.gz) or folders of them",
                    path.display()
                )));
            }
            if warc_ingest::is_warc_input(path) {
                warcs.push(path.clone());
            } else {
                mirrors.push(path.as_path());
            }
        }
        match (mirrors.as_slice(), warcs.is_empty()) {
            ([dir], true) => Ok(Input::Mirror(dir)),
            ([], false) => {
                if args.base_url.is_some() {
                    return Err(Failure::input(anyhow!(
                        "--base-url is for a mirror's folder, whose files have no URL of their own; a WARC record carries its URL: leave --base-url out (--host-map takes a mirror's host as its site)"
                    )));
                }
                let files = warc::warc_files(&warcs).map_err(Failure::input)?;
                Ok(Input::Warc(files))
            }
            (_, true) => Err(Failure::input(anyhow!(
                "{} mirror folders given ({}); fix: ingest one mirror at a time",
                mirrors.len(),
                mirrors
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))),
            (_, false) => Err(Failure::input(anyhow!(
                "{} holds no WARC file, so it is read as a mirror, but WARC files are given too; fix: ingest the mirror and the WARC files in two runs",
                mirrors[0].display()
            ))),
        }
    }
}

fn run_mirror(
    rules: &RuleSet,
    db: &Path,
    args: &IngestArgs,
    dir: &Path,
) -> Result<ExitCode, Failure> {
    let site = args.site.as_deref().ok_or_else(|| {
        Failure::input(anyhow!(
            "{} is a mirror's folder, whose files do not say which site they are; fix: add --site SITE (one of: {})",
            dir.display(),
            rules.site_names().join(", ")
        ))
    })?;
    let rule = rules.require(site).map_err(Failure::input)?;
    let base = mirror::base_url(rule, args.base_url.as_deref()).map_err(Failure::input)?;
    let plan = mirror::plan(dir, rule, &base).map_err(Failure::input)?;
    if plan.files.is_empty() {
        return Err(nothing_of_the_site(rules, rule, dir, plan.seen));
    }
    let store = open_store(db)?;
    let store = &store;
    let bar = progress::bar(plan.files.len() as u64, "ingest");
    let options = IngestOptions {
        batch: args.batch,
        policy: ReplacePolicy::KeepPrevious,
    };
    let report = ingest::ingest(store, rule, &plan, options, &|_| bar.inc(1));
    bar.finish_and_clear();
    let report = report.map_err(failure)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_report(out, &report, &plan.duplicates))?;
    }
    for line in &report.unreadable {
        note!("ingest: cannot read {line}");
    }
    Ok(if report.unreadable_files > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_warc(
    rules: &RuleSet,
    db: &Path,
    args: &IngestArgs,
    files: &[PathBuf],
) -> Result<ExitCode, Failure> {
    if let Some(site) = &args.site {
        rules.require(site).map_err(Failure::input)?;
    }
    if files.is_empty() {
        return Err(Failure::input(anyhow!(
            "no .warc or .warc.gz file in {}; fix: give WARC files, or a folder that holds some",
            args.inputs
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let store = open_store(db)?;
    let total: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let bar = progress::bytes_bar(total, "ingest");
    let options = WarcIngestOptions {
        batch: args.batch,
        policy: ReplacePolicy::KeepPrevious,
        site: args.site.clone(),
        limits: Limits::default(),
    };
    let report =
        warc_ingest::ingest_warc(&store, rules, files, &options, &|at| bar.set_position(at));
    bar.finish_and_clear();
    let report = report.map_err(failure)?;
    if args.json {
        let json = serde_json::to_string_pretty(&report).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_warc_report(out, &report))?;
    }
    for problem in report.problems.iter().take(SHOWN_PROBLEMS) {
        note!("ingest: {problem}");
    }
    if report.errors > report.problems.len().min(SHOWN_PROBLEMS) as u64 {
        note!(
            "ingest: {} problems in all (the first {} shown)",
            report.errors,
            report.problems.len().min(SHOWN_PROBLEMS)
        );
    }
    if report.pages == 0 && report.warc_pages > 0 {
        note!("{}", nothing_taken(&report, args.site.as_deref()));
        return Ok(ExitCode::from(1));
    }
    Ok(if report.errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Why a WARC ingest took no page, and the fix.
fn nothing_taken(report: &WarcIngestReport, site: Option<&str>) -> String {
    let skipped = |why: &str| report.skipped_pages.get(why).copied().unwrap_or(0);
    let hint = if let Some((host, _)) = report.unknown_hosts.iter().max_by_key(|(_, n)| **n) {
        format!(
            "their hosts are no site's ({}): if they are a mirror of a site, add --host-map {host}=SITE",
            counts_listed(&report.unknown_hosts)
        )
    } else if skipped("other-site") > 0 {
        format!(
            "{} are pages of other sites than --site {}: leave --site out to take them",
            skipped("other-site"),
            site.unwrap_or_default()
        )
    } else {
        "none is a 2xx response of a page a rule file cleans or follows".to_string()
    };
    format!(
        "error: none of the {} pages in the WARC files was taken; {hint}",
        report.warc_pages
    )
}

/// The failure of an ingest whose folder holds no page of the site: it names the folder,
/// and the site whose pages it does hold, if any.
fn nothing_of_the_site(rules: &RuleSet, rule: &Rule, dir: &Path, seen: usize) -> Failure {
    let other = rules
        .rules()
        .iter()
        .filter(|other| other.name != rule.name)
        .filter_map(|other| {
            let base = mirror::base_url(other, None).ok()?;
            let plan = mirror::plan(dir, other, &base).ok()?;
            (!plan.files.is_empty()).then(|| (plan.files.len(), other.name.clone()))
        })
        .max();
    let hint = match other {
        Some((pages, site)) => {
            format!("they look like {pages} pages of site {site}: pass --site {site}")
        }
        None => format!(
            "point it at the folder {} was saved in (its root, such as wget's {} folder, or any folder above it), or pass the --site that saved it",
            rule.name,
            rule.primary_host()
        ),
    };
    Failure::job(anyhow::anyhow!(
        "none of the {seen} files in {} is a page of {}; fix: {hint}",
        dir.display(),
        rule.name
    ))
}

fn failure(error: IngestError) -> Failure {
    match error {
        IngestError::Store(error) => Failure::store(error),
        IngestError::Mirror(error) => Failure::input(error),
        error @ IngestError::Reader { .. } => Failure::job(error),
    }
}

fn print_report(
    out: &mut dyn Write,
    report: &IngestReport,
    duplicates: &[MirrorFile],
) -> std::io::Result<()> {
    writeln!(out, "site            {} ({})", report.site, report.rules)?;
    writeln!(
        out,
        "files           {} ({} pages of the site, {} skipped as not its pages, {} duplicates, {} unreadable)",
        report.files,
        report.pages,
        report.skipped_files,
        report.duplicate_files,
        report.unreadable_files
    )?;
    print_stored(out, &report.stored)?;
    print_speed(out, &report.speed)?;
    for file in duplicates.iter().take(5) {
        writeln!(
            out,
            "  duplicate     {} maps to {}, which an earlier file gave",
            file.path.display(),
            file.url
        )?;
    }
    Ok(())
}

fn print_warc_report(out: &mut dyn Write, report: &WarcIngestReport) -> std::io::Result<()> {
    let joined = |map: &std::collections::BTreeMap<String, u64>| {
        map.iter()
            .map(|(kind, n)| format!("{kind} {n}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let sites: Vec<String> = report.sites.values().cloned().collect();
    writeln!(
        out,
        "sites           {}",
        if sites.is_empty() {
            "none".to_string()
        } else {
            sites.join(", ")
        }
    )?;
    writeln!(
        out,
        "warc            {} files, {} records; {} pages ({} revisits resolved, {} unresolved)",
        report.files,
        report.records,
        report.warc_pages,
        report.revisits_resolved,
        report.revisits_unresolved
    )?;
    writeln!(
        out,
        "skipped         records: {}; pages: {}",
        or_none(&joined(&report.skipped_records)),
        or_none(&joined(&report.skipped_pages))
    )?;
    if !report.unknown_hosts.is_empty() {
        writeln!(
            out,
            "  no rule for   {} (--host-map HOST=SITE takes a mirror's pages as the site's)",
            joined(&report.unknown_hosts)
        )?;
    }
    writeln!(
        out,
        "taken           {} pages; {} problems{}",
        report.pages,
        report.errors,
        if report.bytes_skipped > 0 {
            format!(" ({} damaged bytes passed over)", report.bytes_skipped)
        } else {
            String::new()
        }
    )?;
    print_stored(out, &report.stored)?;
    print_speed(out, &report.speed)
}

fn or_none(text: &str) -> &str {
    if text.is_empty() { "none" } else { text }
}

/// The lines both kinds of ingest print of what storing did.
fn print_stored(out: &mut dyn Write, stored: &StoredCounts) -> std::io::Result<()> {
    writeln!(
        out,
        "pages           {} recorded, {} already stored as they are; {} new raw bodies; {} index pages",
        stored.recorded_pages, stored.unchanged_pages, stored.new_bodies, stored.index_pages
    )?;
    writeln!(
        out,
        "cables          {} new, {} changed, {} unchanged; {} suspect",
        stored.new_cables, stored.changed_cables, stored.unchanged_cables, stored.suspect_cables
    )?;
    let rejected: usize = stored.rejected.values().sum();
    writeln!(
        out,
        "rejected        {rejected}{}{}",
        if rejected > 0 {
            format!(" ({})", counts_listed(&stored.rejected))
        } else {
            String::new()
        },
        if stored.kept_previous > 0 {
            format!("; the earlier cable of {} kept", stored.kept_previous)
        } else {
            String::new()
        }
    )
}

/// The time line of both ingest summaries.
fn print_speed(out: &mut dyn Write, speed: &Throughput) -> std::io::Result<()> {
    writeln!(
        out,
        "time            {:.2} s: {:.0} pages/s, {:.1} MB/s; {} writes",
        speed.seconds, speed.pages_per_second, speed.megabytes_per_second, speed.writes
    )
}

/// `key: n, key: n` for a summary line.
fn counts_listed<N: std::fmt::Display>(counts: &std::collections::BTreeMap<String, N>) -> String {
    counts
        .iter()
        .map(|(key, n)| format!("{key}: {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
