//! What a run did to the pages and cables it processed, counted in one place for the
//! crawl, ingest and reclean summaries (each shows these counts under its own names).

use std::collections::BTreeMap;

use super::Processed;
use crate::model::Cable;
use crate::store::{CableChange, CleanOutcome};

/// Counts of [`Processed`] outcomes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    /// Pages taken through cleaning and recording (not skipped).
    pub processed: u64,
    /// Pages stored exactly so already: nothing was done.
    pub skipped: u64,
    /// Of those, pages whose cable is stored: that cable is unchanged too.
    pub skipped_cables: u64,
    /// Raw bodies new to the store.
    pub new_bodies: u64,
    /// Cables stored for the first time.
    pub new: u64,
    /// Cables whose content changed.
    pub changed: u64,
    /// Cables whose content is the same and whose only change is the rule version stamp.
    pub restamped: u64,
    /// Cables cleaned again and found identical, stamp and all.
    pub unchanged: u64,
    /// Pages that are not cleaned (index pages) and had no cable.
    pub not_cleaned: u64,
    /// Pages that are not cleaned any more but had a cable, which is kept.
    pub not_cleaned_kept: u64,
    /// Pages that cleaning rejected, by reject kind.
    pub rejected: BTreeMap<String, u64>,
    /// Rejected pages that were not rejected before.
    pub newly_rejected: u64,
    /// Rejected pages that were rejected before too.
    pub still_rejected: u64,
    /// Rejected pages whose earlier cable was kept.
    pub kept_previous: u64,
    /// Rejected pages whose earlier cable was deleted, as asked.
    pub dropped: u64,
    /// Cables the quality gate found suspect, of those processed.
    pub suspect: u64,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, processed: &Processed) {
        self.new_bodies += u64::from(processed.new_body);
        if processed.skipped {
            self.skipped += 1;
            self.skipped_cables += u64::from(matches!(processed.after, CleanOutcome::Cable { .. }));
            return;
        }
        self.processed += 1;
        self.suspect += u64::from(matches!(
            processed.after,
            CleanOutcome::Cable { suspect: true, .. }
        ));
        if let Some(reject) = &processed.reject {
            *self.rejected.entry(reject.kind().to_string()).or_insert(0) += 1;
            let was_rejected = matches!(processed.before, Some(CleanOutcome::Rejected { .. }));
            if was_rejected {
                self.still_rejected += 1;
            } else {
                self.newly_rejected += 1;
            }
        }
        match &processed.change {
            CableChange::New => self.new += 1,
            CableChange::Changed { previous } => match &processed.cable {
                Some(cable) if same_content(previous, cable) => self.restamped += 1,
                _ => self.changed += 1,
            },
            CableChange::Unchanged => self.unchanged += 1,
            CableChange::NotCleaned => self.not_cleaned += 1,
            CableChange::KeptPrevious if processed.reject.is_some() => self.kept_previous += 1,
            CableChange::KeptPrevious => self.not_cleaned_kept += 1,
            CableChange::Dropped { .. } => self.dropped += 1,
            CableChange::Rejected => {}
        }
    }

    /// Every page rejected this run, whatever its kind.
    pub fn rejected_pages(&self) -> u64 {
        self.rejected.values().sum()
    }
}

/// Whether two cables differ in nothing but their `rules` stamp.
pub fn same_content(a: &Cable, b: &Cable) -> bool {
    Cable {
        rules: String::new(),
        ..a.clone()
    } == Cable {
        rules: String::new(),
        ..b.clone()
    }
}

#[cfg(test)]
mod tests;
