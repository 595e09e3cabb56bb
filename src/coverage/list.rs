//! ID lists a user gives (`coverage --ids FILE`): one cable ID a line, or a CSV file with a
//! column of cable IDs, read whole and checked before anything is recorded, so a bad line
//! stops the command with its file, line, value and fix and nothing half-written.

use std::path::{Path, PathBuf};

use crate::model::CableId;

/// The column names a CSV file's ID column may have (any case, spaces or underscores):
/// cablestrip's own CSV export says `id`, other tools `cable_id`, `reference_id` or
/// `canonical_id`.
const ID_COLUMNS: [&str; 4] = ["id", "cable_id", "reference_id", "canonical_id"];

/// An ID of a list, with the line it stands on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedId {
    /// The ID, canonical.
    pub id: CableId,
    /// Its line in the file (1-based).
    pub line: u64,
}

/// Why an ID list cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum IdListError {
    /// The file cannot be read, or is no text.
    #[error(
        "cannot read the ID list {}: {source}; fix: give a text file of cable IDs, one a line, or a CSV file with an `id` column",
        path.display()
    )]
    Unreadable {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A CSV file whose header names no ID column.
    #[error(
        "the ID list {} is a CSV file whose first row `{header}` names no ID column{}; fix: {}",
        path.display(),
        hint.as_ref().map_or_else(String::new, |(column, id)| format!(" (its column {column} holds the cable ID {id}: the file seems to have no header row)")),
        if hint.is_some() { "add a first row naming that column `id`" } else { "name the column of cable IDs `id` (or `cable_id`, `reference_id`, `canonical_id`)" }
    )]
    NoIdColumn {
        /// The file.
        path: PathBuf,
        /// Its first row.
        header: String,
        /// A column of the first row that holds a cable ID, 1-based, with the ID.
        hint: Option<(usize, String)>,
    },
    /// A CSV file the CSV reader cannot read.
    #[error("the ID list {}:{line} is not valid CSV ({message}); fix: quote fields that hold commas or quotes, or give one ID a line", path.display())]
    BadCsv {
        /// The file.
        path: PathBuf,
        /// Where the reader stopped.
        line: u64,
        /// The reader's words.
        message: String,
    },
    /// A value that is no cable ID.
    #[error(
        "the ID list {}:{line}: {source}; fix: correct or remove that line{}",
        path.display(),
        if *more > 0 { format!(" (and {more} more lines that hold no cable ID)") } else { String::new() }
    )]
    BadId {
        /// The file.
        path: PathBuf,
        /// The first bad line.
        line: u64,
        /// What is wrong with it.
        source: crate::model::BadCableId,
        /// Further bad lines.
        more: usize,
    },
    /// A list that names no ID at all.
    #[error("the ID list {} holds no cable ID; fix: give a file of cable IDs, one a line (such as 08MOSCOW3728), or a CSV file with an `id` column", path.display())]
    Empty {
        /// The file.
        path: PathBuf,
    },
}

/// Reads the ID list at `path`: a CSV file when its first line holds a comma (its first
/// row is the header), else one ID a line. Blank lines and `#` comments are skipped, and
/// so is a first line that says `id`; an empty CSV cell is skipped too.
pub fn read_id_list(path: &Path) -> Result<Vec<ListedId>, IdListError> {
    let text = std::fs::read_to_string(path).map_err(|source| IdListError::Unreadable {
        path: path.to_path_buf(),
        source,
    })?;
    let first = text.lines().find(|line| !line.trim().is_empty());
    let values = match first {
        Some(line) if line.contains(',') => csv_values(path, &text)?,
        _ => line_values(&text),
    };
    let mut ids = Vec::new();
    let mut bad: Option<(u64, crate::model::BadCableId)> = None;
    let mut more = 0;
    for (line, value) in values {
        match CableId::parse(&value) {
            Ok(id) => ids.push(ListedId { id, line }),
            Err(error) if bad.is_none() => bad = Some((line, error)),
            Err(_) => more += 1,
        }
    }
    if let Some((line, source)) = bad {
        return Err(IdListError::BadId {
            path: path.to_path_buf(),
            line,
            source,
            more,
        });
    }
    if ids.is_empty() {
        return Err(IdListError::Empty {
            path: path.to_path_buf(),
        });
    }
    Ok(ids)
}

/// One value a line, with its line number.
fn line_values(text: &str) -> Vec<(u64, String)> {
    let mut values = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let value = line.trim().trim_matches('"').trim();
        if value.is_empty() || value.starts_with('#') {
            continue;
        }
        if values.is_empty() && is_id_column(value) {
            continue;
        }
        values.push((index as u64 + 1, value.to_string()));
    }
    values
}

/// The ID column's values of a CSV file, with their line numbers.
fn csv_values(path: &Path, text: &str) -> Result<Vec<(u64, String)>, IdListError> {
    let bad_csv = |error: &csv::Error| IdListError::BadCsv {
        path: path.to_path_buf(),
        line: error.position().map_or(0, csv::Position::line),
        message: error.to_string(),
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let header = reader.headers().map_err(|e| bad_csv(&e))?.clone();
    let Some(column) = header.iter().position(is_id_column) else {
        let hint = header
            .iter()
            .position(|cell| CableId::parse(cell).is_ok())
            .map(|at| (at + 1, header[at].to_string()));
        return Err(IdListError::NoIdColumn {
            path: path.to_path_buf(),
            header: header.iter().collect::<Vec<_>>().join(","),
            hint,
        });
    };
    let mut values = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad_csv(&e))?;
        let line = record.position().map_or(0, csv::Position::line);
        if let Some(value) = record.get(column).filter(|v| !v.is_empty()) {
            values.push((line, value.to_string()));
        }
    }
    Ok(values)
}

fn is_id_column(name: &str) -> bool {
    let name = name.trim().to_ascii_lowercase().replace([' ', '-'], "_");
    ID_COLUMNS.contains(&name.as_str())
}

#[cfg(test)]
mod tests;
