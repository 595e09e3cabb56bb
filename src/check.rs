//! The `check` job: the whole store verified ([`Store::audit`]) and, with `repair`,
//! mended: a store sled cannot open or read past its damage is rebuilt (see the store's
//! recover module), the repairs that need no rules are made ([`Store::repair_records`]),
//! pages whose cable is missing are cleaned again from their raw body through the one
//! pipeline path ([`process`] with [`Arrival::Stored`]), and what cannot be recovered (a
//! page whose raw body is lost) is listed, and marked so that the next crawl fetches it.

use std::path::Path;

use serde::Serialize;

use crate::model::{CableId, PageUrl};
use crate::pipeline::{Arrival, Options, process};
use crate::rules::RuleSet;
use crate::store::{
    AuditCounts, BadFile, Opened, Problem, Recovery, Repaired, Store, StoreError,
    sled_file_problems,
};

/// What `check` found and, with `repair`, did.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    /// The database folder.
    pub db: String,
    /// Whether the store was read from a temporary copy (it cannot be written).
    pub read_only: bool,
    /// Whether sled could open the database at all.
    pub opened: bool,
    /// Why it could not, when it could not.
    pub open_error: Option<String>,
    /// sled's files that fail their checksums, when the database could not be opened.
    pub bad_files: Vec<BadFile>,
    /// What the store holds, when it opened.
    pub counts: Option<AuditCounts>,
    /// Everything wrong, as found before any repair.
    pub problems: Vec<Problem>,
    /// What the repair did, when asked for.
    pub repair: Option<RepairReport>,
}

/// What `check --repair` did.
#[derive(Debug, Clone, Serialize)]
pub struct RepairReport {
    /// How the store was got into a state to repair: files removed, rebuilt, started afresh.
    pub recovery: Recovery,
    /// The repairs made in the store.
    pub repaired: Vec<Repaired>,
    /// Pages cleaned again from their raw body, with the cable each gave.
    pub recleaned: Vec<Recleaned>,
    /// What could not be recovered, and how to get it back.
    pub unrecoverable: Vec<Unrecoverable>,
    /// What the store holds after the repair.
    pub counts: AuditCounts,
    /// What is still wrong after the repair (nothing, when it worked).
    pub problems: Vec<Problem>,
}

/// A page cleaned again by the repair.
#[derive(Debug, Clone, Serialize)]
pub struct Recleaned {
    /// The page.
    pub url: PageUrl,
    /// The cable it gave.
    pub id: CableId,
}

/// Something the repair could not bring back.
#[derive(Debug, Clone, Serialize)]
pub struct Unrecoverable {
    /// The page, when it is one page.
    pub url: Option<PageUrl>,
    /// What was lost.
    pub reason: String,
    /// How to get it back.
    pub fix: String,
}

impl CheckReport {
    /// Whether the store was sound as found.
    pub fn is_sound(&self) -> bool {
        self.opened && self.problems.is_empty()
    }

    /// Whether the store is sound after the repair, with nothing left to fetch again.
    pub fn is_repaired(&self) -> bool {
        self.repair
            .as_ref()
            .is_some_and(|r| r.problems.is_empty() && r.unrecoverable.is_empty())
    }
}

/// Checks the database in folder `path` and, with `repair`, repairs it; `rules` clean the
/// pages whose cable is missing. Fails when the database is missing, used by another
/// cablestrip, made by a newer one, or (for a repair) cannot be written; damage is never a
/// failure but what the report is about.
pub fn check(path: &Path, rules: &RuleSet, repair: bool) -> Result<CheckReport, StoreError> {
    let mut report = CheckReport {
        db: path.display().to_string(),
        read_only: false,
        opened: true,
        open_error: None,
        bad_files: Vec::new(),
        counts: None,
        problems: Vec::new(),
        repair: None,
    };
    if !repair {
        match Store::open_for_check(path)? {
            Opened::Store(store) => {
                let audit = store.audit();
                report.read_only = store.is_copy();
                report.counts = Some(audit.counts);
                report.problems = audit.problems;
            }
            Opened::Unopenable(error) => unopenable(&mut report, path, &error),
        }
        return Ok(report);
    }
    let (store, recovery) = Store::open_for_repair(path)?;
    if let Some(error) = &recovery.open_error {
        report.opened = false;
        report.open_error = Some(error.clone());
        report.bad_files = recovery.bad_files.clone();
    }
    report.repair = Some(repair_store(store, recovery, &mut report, rules)?);
    Ok(report)
}

fn unopenable(report: &mut CheckReport, path: &Path, error: &StoreError) {
    report.opened = false;
    report.open_error = Some(error.to_string());
    report.bad_files = sled_file_problems(path);
}

fn repair_store(
    mut store: Store,
    mut recovery: Recovery,
    report: &mut CheckReport,
    rules: &RuleSet,
) -> Result<RepairReport, StoreError> {
    // The state as found (once sled's unusable files are out of the way), for the report.
    let mut audit = store.audit();
    if report.opened {
        report.counts = Some(audit.counts);
        report.problems = audit.problems.clone();
    }
    if audit.needs_rebuild() {
        store = store.rebuild(&audit, &mut recovery)?;
        audit = store.audit();
    }
    let site_of = |url: &PageUrl| {
        rules
            .rule_for_url(url)
            .map_or_else(|| url.host().as_str().to_string(), |rule| rule.name.clone())
    };
    let fixes = store.repair_records(&audit, &site_of)?;
    let mut unrecoverable = Vec::new();
    if recovery.started_afresh {
        unrecoverable.push(Unrecoverable {
            url: None,
            reason: format!(
                "sled could not open the database at all{}; it was moved to {} and a new, empty one took its place",
                if recovery.missing_files.iter().any(|file| file == "db") {
                    " (its log `db` was missing)"
                } else {
                    ""
                },
                recovery
                    .damaged_copy
                    .as_deref()
                    .map_or_else(|| "(nowhere)".to_string(), |p| p.display().to_string())
            ),
            fix: "ingest the mirrors or crawl again to fill the store, or restore it from a backup".to_string(),
        });
    }
    // A database started afresh is said above, with where the old one went.
    if !recovery.started_afresh && recovery.missing_files.iter().any(|file| file == "db") {
        unrecoverable.push(Unrecoverable {
            url: None,
            reason: "sled's log `db` was missing: everything it held is lost, and sled started a new, empty one".to_string(),
            fix: "ingest the mirrors or crawl again to fill the store, or restore it from a backup".to_string(),
        });
    } else if audit
        .problems
        .iter()
        .any(|p| matches!(p, Problem::LostWrites { .. }))
    {
        unrecoverable.push(Unrecoverable {
            url: None,
            reason: "sled dropped writes it had saved: the pages stored last before the damage are gone, records and all".to_string(),
            fix: "ingest the mirrors again, or crawl (index pages lead it back to every page), or restore from a backup".to_string(),
        });
    }
    let mut recleaned = Vec::new();
    for url in &fixes.reclean {
        match reclean(&store, rules, url) {
            Ok(id) => recleaned.push(Recleaned {
                url: url.clone(),
                id,
            }),
            Err(reason) => unrecoverable.push(Unrecoverable {
                url: Some(url.clone()),
                reason,
                fix: "fix the rule file, then run `cablestrip check --repair` again".to_string(),
            }),
        }
    }
    for url in &fixes.refetch {
        unrecoverable.push(Unrecoverable {
            url: Some(url.clone()),
            reason: "its raw body is lost".to_string(),
            fix: "marked `body-lost`: the next `cablestrip crawl` fetches it again, or ingest its mirror again".to_string(),
        });
    }
    store.flush()?;
    let after = store.audit();
    Ok(RepairReport {
        recovery,
        repaired: fixes.repaired,
        recleaned,
        unrecoverable,
        counts: after.counts,
        problems: after.problems,
    })
}

/// Cleans the stored page `url` again with its site's rule; returns its cable's ID, or why
/// it gave none.
fn reclean(store: &Store, rules: &RuleSet, url: &PageUrl) -> Result<CableId, String> {
    let record = store
        .page(url)
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "its page record is gone".to_string())?;
    let rule = rules
        .rule(&record.site)
        .or_else(|| rules.rule_for_url(url))
        .ok_or_else(|| format!("no rule file names its site {}", record.site))?;
    let processed = process(store, rule, Arrival::Stored(record), &Options::default())
        .map_err(|e| e.to_string())?;
    match (processed.cable, processed.reject) {
        (Some(cable), _) => Ok(cable.id),
        (None, Some(reject)) => Err(format!(
            "its cable is lost, and the current rule rejects the page: {reject}"
        )),
        (None, None) => Err("its cable is lost, and the current rule gives none".to_string()),
    }
}

#[cfg(test)]
mod tests;
