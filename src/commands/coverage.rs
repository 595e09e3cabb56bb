//! `cablestrip coverage`: how complete the corpus is, per site and overall, with the
//! missing IDs written to a file on request; `--ids FILE` records a list of IDs first.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use cablestrip::coverage::{self, Coverage};
use cablestrip::model::CableId;
use cablestrip::rules::RuleSet;
use cablestrip::store::{Sighting, Store};

use super::out;
use super::{Failure, open_existing_store, open_store_to_read};
use crate::cli::CoverageArgs;

pub fn run(rules: &RuleSet, db: &Path, args: &CoverageArgs) -> Result<ExitCode, Failure> {
    if let Some(site) = &args.site
        && rules.rule(site).is_none()
    {
        return Err(Failure::input(anyhow::anyhow!(
            "--site `{site}` names no rule file; fix: give one of {}",
            site_names(rules).join(", ")
        )));
    }
    let list = args.ids.as_deref().map(read_id_list).transpose()?;
    let store = match &list {
        Some(_) => open_existing_store(db)?,
        None => open_store_to_read(db)?,
    };
    if let Some(list) = list {
        record_list(&store, &list)?;
    }
    let (coverage, missing) = coverage::coverage(&store, &site_names(rules), args.site.as_deref())
        .map_err(Failure::store)?;
    if let Some(path) = &args.missing {
        let text: String = missing.iter().map(|id| format!("{id}\n")).collect();
        std::fs::write(path, text).map_err(|e| {
            Failure::input(anyhow::anyhow!(
                "cannot write --missing {}: {e}; fix: give a file in a folder you can write",
                path.display()
            ))
        })?;
    }
    if args.json {
        let json = serde_json::to_string_pretty(&coverage).map_err(Failure::input)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_coverage(out, &coverage))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn site_names(rules: &RuleSet) -> Vec<String> {
    rules.rules().iter().map(|r| r.name.clone()).collect()
}

/// The IDs of an `--ids` file with where each stands: one a line, or a CSV file whose
/// header has an `id` column. Blank lines are skipped; a line that is no cable ID stops
/// the command, naming it.
fn read_id_list(path: &Path) -> Result<Vec<(CableId, String)>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Failure::input(anyhow::anyhow!(
            "cannot read --ids {}: {e}; fix: give a text file of cable IDs, one a line",
            path.display()
        ))
    })?;
    let mut lines = text.lines().enumerate().peekable();
    let column = match lines.peek() {
        Some((_, header)) if header.contains(',') => {
            let column = header
                .split(',')
                .position(|name| name.trim().trim_matches('"').eq_ignore_ascii_case("id"))
                .ok_or_else(|| {
                    Failure::input(anyhow::anyhow!(
                        "--ids {}: the CSV header `{header}` has no `id` column; fix: name the column of cable IDs `id`",
                        path.display()
                    ))
                })?;
            lines.next();
            Some(column)
        }
        _ => None,
    };
    let mut ids = Vec::new();
    for (index, line) in lines {
        let field = match column {
            Some(column) => line.split(',').nth(column).unwrap_or(""),
            None => line,
        };
        let field = field.trim().trim_matches('"');
        if field.is_empty() {
            continue;
        }
        let id = CableId::parse(field).map_err(|e| {
            Failure::input(anyhow::anyhow!(
                "--ids {}:{}: {e}; fix: write one cable ID a line, such as 08MOSCOW3728",
                path.display(),
                index + 1
            ))
        })?;
        ids.push((id, format!("{}:{}", path.display(), index + 1)));
    }
    Ok(ids)
}

fn record_list(store: &Store, list: &[(CableId, String)]) -> Result<(), Failure> {
    for (id, at) in list {
        store
            .note_known(id, &Sighting::list(at))
            .map_err(Failure::store)?;
    }
    store.flush().map_err(Failure::store)?;
    Ok(())
}

fn print_coverage(out: &mut dyn Write, c: &Coverage) -> std::io::Result<()> {
    writeln!(
        out,
        "{} cable IDs known: {} held by some site, {} by none, {} by one site only",
        c.known, c.held, c.missing, c.single_site
    )?;
    for (source, count) in &c.missing_by_source {
        writeln!(out, "  held by none, known from {source}: {count}")?;
    }
    for (site, s) in &c.sites {
        writeln!(
            out,
            "{site}: {} clean, {} suspect, {} not held",
            s.clean, s.suspect, s.not_held
        )?;
    }
    if !c.by_year.is_empty() {
        writeln!(out, "by year (held / known):")?;
        for (year, y) in &c.by_year {
            writeln!(out, "  {year}: {} / {}", y.held, y.known)?;
        }
    }
    Ok(())
}
