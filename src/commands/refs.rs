//! `cablestrip refs ID [--json]`: what a cable cites and which stored cables cite it.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;

use cablestrip::export::Priorities;
use cablestrip::model::CableId;
use cablestrip::refs::{self, Refs};
use cablestrip::rules::RuleSet;

use super::out::{self, note};
use super::{Failure, open_store_to_read};
use crate::cli::RefsArgs;

pub fn run(rules: &RuleSet, db: &Path, args: &RefsArgs) -> Result<ExitCode, Failure> {
    let id = CableId::parse(&args.id).map_err(|e| {
        Failure::input(anyhow!(
            "{e}; fix: give a cable ID such as 09VALLETTA123 or 05STATE12345"
        ))
    })?;
    let store = open_store_to_read(db)?;
    let Some(found) = refs::refs(&store, &Priorities::of(rules), &id).map_err(Failure::store)?
    else {
        note!("refs: the store holds no cable {id}, and no stored cable cites it");
        return Ok(ExitCode::from(1));
    };
    let mut out = std::io::stdout().lock();
    let result = if args.json {
        serde_json::to_writer(&mut out, &found)
            .map_err(std::io::Error::from)
            .and_then(|()| writeln!(out))
    } else {
        write_refs(&mut out, &found)
    };
    result
        .and_then(|()| out.flush())
        .map_err(|error| out::written(&error))?;
    Ok(ExitCode::SUCCESS)
}

fn write_refs(out: &mut impl Write, found: &Refs) -> std::io::Result<()> {
    match &found.subject {
        Some(subject) => writeln!(out, "{}  {subject}", found.id)?,
        None => writeln!(out, "{}", found.id)?,
    }
    match &found.cites_from {
        Some(site) => writeln!(
            out,
            "stored from: {} (references read from {site})",
            found.sites.join(", ")
        )?,
        None => writeln!(out, "not stored: only what cites it is known")?,
    }
    if found.cites_from.is_some() {
        writeln!(out, "\ncites ({}):", found.cites.len())?;
        if found.cites.is_empty() {
            writeln!(out, "  (no REF: block)")?;
        }
        for cited in &found.cites {
            let letter = cited
                .letter
                .as_deref()
                .map(|l| format!("{l}. "))
                .unwrap_or_default();
            let what = match (&cited.id, &cited.subject, cited.stored) {
                (Some(id), Some(subject), _) => format!("{id}  {subject}"),
                (Some(id), None, true) => format!("{id}  (stored)"),
                (Some(id), None, false) => format!("{id}  (not stored)"),
                (None, _, _) => "(not a cable)".to_string(),
            };
            writeln!(out, "  {letter}{}  → {what}", cited.text)?;
        }
    }
    writeln!(out, "\ncited by ({}):", found.cited_by.len())?;
    if found.cited_by.is_empty() {
        writeln!(out, "  (no stored cable)")?;
    }
    for citing in &found.cited_by {
        let letter = citing
            .letter
            .as_deref()
            .map(|l| format!(" (ref {l})"))
            .unwrap_or_default();
        let subject = citing
            .subject
            .as_deref()
            .map(|s| format!("  {s}"))
            .unwrap_or_default();
        writeln!(out, "  {}{letter}{subject}", citing.id)?;
    }
    Ok(())
}
