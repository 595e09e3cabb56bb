//! Reading what sled can still read of a damaged tree.
//!
//! sled reads a tree node by node. A node that fails its checksum makes every read that
//! passes through it fail, and sled's iterator returns the same error for ever instead of
//! stepping past it; a node whose bounds are damaged can end a scan early, without an
//! error, while its keys still read one by one. So a tree is read forwards until the first
//! error, backwards from its end until an error, and then by key from every key that other
//! trees name (the URLs of page records for the cables, the hashes that pages name for the
//! bodies) that the scans did not reach: a key that reads starts a forward scan again. Only
//! the entries that nothing else names, in nodes that cannot be read, are lost.
//!
//! A database with damaged nodes cannot be mended in place (sled would meet the same nodes
//! again on every write), so `check --repair` copies what reads into a new database (see
//! the rebuild module) and puts it in the old one's place.

use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::Path;

use super::{StoreError, guard, printable_key};

/// A part of a tree that sled could not read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Unreadable {
    /// The tree.
    pub tree: &'static str,
    /// The last key read before the part that could not be read, printable; `None` when
    /// the tree could not be read from its start.
    pub after: Option<String>,
    /// What sled said.
    pub error: String,
}

/// Reads every entry of `tree` (named `name`) that sled can still read, calling `visit`
/// with each once: forward until the first error, backward from the end until an error,
/// then from each of `candidates` (keys other trees name) that neither reached, by key
/// (and on from each one found, until an error or a key already read). Returns what could
/// not be read: sled's error, or entries that sled reads by key but its scan skipped (a
/// damaged node can end a scan early without an error). A panic of sled's counts as a read
/// error.
pub(crate) fn read_all(
    path: &Path,
    name: &'static str,
    tree: &sled::Tree,
    candidates: &BTreeSet<Vec<u8>>,
    visit: &mut dyn FnMut(&[u8], &[u8]),
) -> Option<Unreadable> {
    let mut seen: BTreeSet<Vec<u8>> = BTreeSet::new();
    let mut last: Option<Vec<u8>> = None;
    let forward_error = walk(path, name, tree.iter(), &mut |key, value| {
        visit(key, value);
        seen.insert(key.to_vec());
        last = Some(key.to_vec());
    });
    if forward_error.is_some() {
        let from = last.clone().map_or(Bound::Unbounded, Bound::Excluded);
        let mut backwards = tree.range::<Vec<u8>, _>((from, Bound::Unbounded)).rev();
        loop {
            let next = guard::contain(path, String::new, || Ok(backwards.next()));
            match next {
                Ok(Some(Ok((key, value)))) if !seen.contains(key.as_ref()) => {
                    visit(&key, &value);
                    seen.insert(key.to_vec());
                }
                _ => break,
            }
        }
    }
    let mut skipped = 0;
    let mut probe_error = None;
    for candidate in candidates {
        if seen.contains(candidate) {
            continue;
        }
        let got = guard::contain(path, String::new, || {
            tree.get(candidate)
                .map_err(|e| StoreError::sled(path, "", e))
        });
        let value = match got {
            Ok(Some(value)) => value,
            Ok(None) => continue,
            Err(error) => {
                probe_error.get_or_insert(error);
                continue;
            }
        };
        visit(candidate, &value);
        seen.insert(candidate.clone());
        skipped += 1;
        let from = Bound::Excluded(candidate.clone());
        let mut on = tree.range::<Vec<u8>, _>((from, Bound::Unbounded));
        loop {
            let next = guard::contain(path, String::new, || Ok(on.next()));
            match next {
                Ok(Some(Ok((key, value)))) if !seen.contains(key.as_ref()) => {
                    visit(&key, &value);
                    seen.insert(key.to_vec());
                    skipped += 1;
                }
                _ => break,
            }
        }
    }
    let error = forward_error.or(probe_error);
    if error.is_none() && skipped == 0 {
        return None;
    }
    Some(Unreadable {
        tree: name,
        after: last.as_deref().map(|key| printable_key(name, key)),
        error: match &error {
            Some(error) => error_text(error),
            None => format!(
                "sled's scan of the tree ends early: it skips {skipped} entries that it reads by key (the tree's structure is damaged)"
            ),
        },
    })
}

/// Reads `entries` in order until the end or the first error, which it returns.
fn walk(
    path: &Path,
    name: &'static str,
    mut entries: sled::Iter,
    visit: &mut dyn FnMut(&[u8], &[u8]),
) -> Option<StoreError> {
    loop {
        let next = guard::contain(
            path,
            || format!("reading the {name} tree"),
            || Ok(entries.next()),
        );
        match next {
            Ok(None) => return None,
            Ok(Some(Ok((key, value)))) => visit(&key, &value),
            Ok(Some(Err(e))) => {
                return Some(StoreError::sled(
                    path,
                    format!("reading the {name} tree"),
                    e,
                ));
            }
            Err(e) => return Some(e),
        }
    }
}

/// What sled said, without the store's advice around it.
pub(crate) fn error_text(error: &StoreError) -> String {
    match error {
        StoreError::Damaged { detail, .. } => detail.clone(),
        StoreError::Sled { source, .. } => super::error::sled_detail(source),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests;
