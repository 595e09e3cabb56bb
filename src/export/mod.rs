//! Export: store → JSON Lines, one text file per cable, CSV or SQLite, streamed in cable-ID
//! order (then URL), so two exports of one store are byte-identical; or the raw pages as a
//! WARC file (the [`warc`] module here).
//!
//! By default one copy per cable ID is written: the copy of the site whose rule file has the
//! highest `priority`, then the site whose name sorts first, then the first URL; a site
//! without a rule file any more has priority 0. `--all-sources` writes every copy.

mod sinks;
mod sqlite;
pub mod warc;

use std::collections::HashMap;
use std::path::PathBuf;

use jiff::Timestamp;
use serde::Serialize;

use crate::model::{Cable, CableId};
use crate::rules::RuleSet;
use crate::store::{Store, StoreError};
pub use sinks::{
    CSV_COLUMNS, CSV_TAG_SEPARATOR, CsvSink, CsvTable, EDGE_COLUMNS, JsonlSink, PendingFile,
    TxtSink, cable_file_text, is_plain_file_name, write_file_in,
};
pub use sqlite::{SQLITE_COLUMNS, SqliteSink};

/// What can stop an export.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// A lower bound on dates that is not a date.
    #[error(
        "`{value}` is not a date; fix: give a day as YYYY-MM-DD (such as 2009-03-01) or a UTC time as 2009-03-01T12:00:00Z"
    )]
    BadSince {
        /// The value given.
        value: String,
    },
    /// A text file's name would not be a plain file name inside the output folder.
    #[error(
        "refusing to write `{name}`: a cable's file name must be a plain name inside the output folder; the store may hold a damaged record, check it with `cablestrip show`"
    )]
    UnsafeName {
        /// The name refused.
        name: String,
    },
    /// A WARC export's file name does not say WARC.
    #[error(
        "{} is no WARC file name; fix: name it FILE.warc.gz (gzip, one member per record, as archives keep them) or FILE.warc (plain)",
        path.display()
    )]
    BadWarcName {
        /// The name given.
        path: PathBuf,
    },
    /// Writing the output failed.
    #[error("cannot write {}: {source}; fix: check the path, free space and permissions", path.display())]
    Write {
        /// What was being written (`-` for stdout).
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ExportError {
    /// Whether the reader of stdout went away (`| head`): not a failure of the export.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, ExportError::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
    }
}

/// A lower bound on `created`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Since(Timestamp);

impl Since {
    /// Parses `YYYY-MM-DD` (the start of that day, UTC) or an RFC 3339 time.
    pub fn parse(text: &str) -> Result<Since, ExportError> {
        parse_instant(text.trim())
            .map(Since)
            .ok_or_else(|| ExportError::BadSince {
                value: text.to_string(),
            })
    }
}

/// A cable's `created` (a day, or a day and time in UTC) as an instant.
fn parse_instant(text: &str) -> Option<Timestamp> {
    if let Ok(time) = text.parse::<Timestamp>() {
        return Some(time);
    }
    let date: jiff::civil::Date = text.parse().ok()?;
    date.to_zoned(jiff::tz::TimeZone::UTC)
        .ok()
        .map(|zoned| zoned.timestamp())
}

/// Which cables to export.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only this site's copies.
    pub site: Option<String>,
    /// Only cables created at or after this; cables without a `created` are left out.
    pub since: Option<Since>,
    /// Only these cables (any order, repeats allowed); empty for all.
    pub ids: Vec<CableId>,
    /// Every copy, not one per ID.
    pub all_sources: bool,
    /// Write suspect copies too (by default they are left out, and counted).
    pub include_suspect: bool,
}

/// Each site's `priority`, from its rule file.
#[derive(Debug, Clone, Default)]
pub struct Priorities(HashMap<String, i32>);

impl Priorities {
    /// The priorities of `rules`.
    pub fn of(rules: &RuleSet) -> Priorities {
        Priorities(
            rules
                .rules()
                .iter()
                .map(|rule| (rule.name.clone(), rule.priority))
                .collect(),
        )
    }

    /// `site`'s priority; 0 for a site without a rule file.
    pub fn get(&self, site: &str) -> i32 {
        self.0.get(site).copied().unwrap_or(0)
    }

    /// The preferred copy: highest priority, then the site name that sorts first, then the
    /// first in the order given.
    pub fn choose<'c>(&self, copies: &'c [Cable]) -> Option<&'c Cable> {
        let mut best: Option<&Cable> = None;
        for copy in copies {
            best = match best {
                Some(b)
                    if (self.get(&b.site), std::cmp::Reverse(&b.site))
                        >= (self.get(&copy.site), std::cmp::Reverse(&copy.site)) =>
                {
                    Some(b)
                }
                _ => Some(copy),
            };
        }
        best
    }
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ExportReport {
    /// Records written.
    pub written: usize,
    /// Cables (or, with all sources, copies) left out of a `since` filter for having no
    /// `created` date.
    pub undated: usize,
    /// IDs asked for that the store does not hold (after the site filter).
    pub missing_ids: Vec<String>,
    /// Cables (or, with all sources, copies) left out for being suspect, with no clean copy
    /// to write in their place.
    pub suspect: usize,
}

/// Where exported cables go (the sinks for each format are in the sinks module).
pub trait Sink {
    /// Writes one cable.
    fn write(&mut self, cable: &Cable) -> Result<(), ExportError>;
    /// Finishes the output (flushes, moves a finished file into place).
    fn finish(self: Box<Self>) -> Result<(), ExportError>;
    /// Writes the copy chosen for one cable, told every copy the store holds of it (under
    /// `--site`; suspect and undated ones too), as the SQLite export's `sources` table
    /// records them; other sinks just [`Sink::write`] the chosen one.
    fn write_chosen(&mut self, chosen: &Cable, _stored: &[Cable]) -> Result<(), ExportError> {
        self.write(chosen)
    }
}

/// Streams the selected cables into `sink`, one ID's copies in memory at a time.
pub fn export(
    store: &Store,
    selection: &Selection,
    priorities: &Priorities,
    sink: &mut dyn Sink,
) -> Result<ExportReport, ExportError> {
    let mut report = ExportReport::default();
    let site = selection.site.as_deref();
    if selection.ids.is_empty() {
        let mut group: Vec<Cable> = Vec::new();
        for cable in store.cables(site) {
            let cable = cable?;
            if group.first().is_some_and(|first| first.id != cable.id) {
                write_group(&group, selection, priorities, sink, &mut report)?;
                group.clear();
            }
            group.push(cable);
        }
        write_group(&group, selection, priorities, sink, &mut report)?;
    } else {
        let mut ids = selection.ids.clone();
        ids.sort();
        ids.dedup();
        for id in ids {
            let group: Vec<Cable> = store
                .cables_for_id(&id)?
                .into_iter()
                .filter(|cable| site.is_none_or(|site| cable.site == site))
                .collect();
            if group.is_empty() {
                report.missing_ids.push(id.to_string());
            }
            write_group(&group, selection, priorities, sink, &mut report)?;
        }
    }
    Ok(report)
}

/// Writes the copies of one cable that the selection keeps.
fn write_group(
    group: &[Cable],
    selection: &Selection,
    priorities: &Priorities,
    sink: &mut dyn Sink,
    report: &mut ExportReport,
) -> Result<(), ExportError> {
    if group.is_empty() {
        return Ok(());
    }
    let stored = group;
    let clean: Vec<Cable>;
    let group = if selection.include_suspect {
        group
    } else {
        clean = group.iter().filter(|c| !c.is_suspect()).cloned().collect();
        report.suspect += if selection.all_sources {
            group.len() - clean.len()
        } else {
            usize::from(clean.is_empty())
        };
        if clean.is_empty() {
            return Ok(());
        }
        &clean[..]
    };
    let kept: Vec<Cable> = match selection.since {
        None => group.to_vec(),
        Some(Since(since)) => {
            let dated: Vec<(&Cable, Timestamp)> = group
                .iter()
                .filter_map(|c| Some((c, parse_instant(c.created.as_deref()?)?)))
                .collect();
            report.undated += if selection.all_sources {
                group.len() - dated.len()
            } else {
                usize::from(dated.is_empty())
            };
            dated
                .into_iter()
                .filter(|(_, created)| *created >= since)
                .map(|(cable, _)| cable.clone())
                .collect()
        }
    };
    if selection.all_sources {
        for cable in &kept {
            sink.write(cable)?;
            report.written += 1;
        }
    } else if let Some(cable) = priorities.choose(&kept) {
        sink.write_chosen(cable, stored)?;
        report.written += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests;
