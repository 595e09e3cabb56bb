//! `export --format warc`: the stored raw pages as WARC/1.1 `response` records, one gzip
//! member each, after a `warcinfo` record naming cablestrip and its rule files' versions.
//!
//! A record is the page as it was fetched: the stored status, the response headers when
//! the store kept them (pages fetched or ingested from WARC files since it does), else the
//! headers the store always kept (Content-Type, ETag, Last-Modified) and nothing invented;
//! the raw body byte for byte; the fetch time as `WARC-Date`. Pages come in URL order and
//! the `warcinfo` record is dated with the newest fetch, so two exports of one store are
//! the same bytes. The file is written beside its name and moved into place at the end.

use std::io::BufWriter;
use std::path::Path;

use jiff::Timestamp;
use serde::Serialize;

use super::{ExportError, PendingFile, Since};
use crate::rules::RuleSet;
use crate::store::{PageRecord, Store};
use crate::warc::{Compression, Response, WarcError, WarcWriter};

/// Which stored pages to export.
#[derive(Debug, Clone, Default)]
pub struct PageSelection {
    /// Only this site's pages.
    pub site: Option<String>,
    /// Only pages fetched at or after this.
    pub since: Option<Since>,
}

/// What a WARC export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WarcExportReport {
    /// Pages written as `response` records.
    pub pages: usize,
    /// Of those, pages whose record carries only the headers every page keeps, since the
    /// store has not their full headers (a mirror's files; pages stored before
    /// cablestrip kept headers).
    pub minimal_headers: usize,
    /// Page records without a raw body (failed fetches): nothing to write.
    pub without_body: usize,
    /// Pages fetched before `--since`, left out.
    pub before_since: usize,
    /// Pages whose raw body the store lacks (damage): left out.
    pub missing_bodies: usize,
    /// Bytes of the file.
    pub bytes: u64,
}

/// Writes the pages `selection` keeps into the WARC file `out` (`.warc.gz`: gzip, one
/// member per record; `.warc`: plain), with `rules`' versions in its `warcinfo` record.
pub fn export_warc(
    store: &Store,
    rules: &RuleSet,
    selection: &PageSelection,
    out: &Path,
) -> Result<WarcExportReport, ExportError> {
    let compression = compression_for(out)?;
    let mut report = WarcExportReport::default();
    // A first pass over the page records (small: no bodies) dates the warcinfo record.
    let mut newest: Option<Timestamp> = None;
    for record in store.pages(selection.site.as_deref()) {
        let record = record?;
        if record.body.is_some() && is_since(&record, selection) {
            newest = newest.max(Some(record.fetched_at));
        }
    }
    let pending = PendingFile::create(out)?;
    let written = pending.file().and_then(|file| {
        let mut writer =
            WarcWriter::new(BufWriter::with_capacity(256 * 1024, file), out, compression);
        let run = Run {
            store,
            rules,
            selection,
            out,
            newest,
        };
        run.write_pages(&mut writer, &mut report)?;
        writer.flush().map_err(|e| write_error(out, e))?;
        report.bytes = writer.bytes_written();
        writer
            .into_inner()
            .into_inner()
            .map(drop)
            .map_err(|e| ExportError::Write {
                path: out.to_path_buf(),
                source: e.into_error(),
            })
    });
    match written {
        Ok(()) => pending.commit()?,
        Err(error) => {
            pending.discard();
            return Err(error);
        }
    }
    Ok(report)
}

fn write_error(out: &Path, error: WarcError) -> ExportError {
    ExportError::Write {
        path: out.to_path_buf(),
        source: match error {
            WarcError::Write { source, .. } => source,
            other => std::io::Error::other(other.to_string()),
        },
    }
}

/// What one export writes, and where.
struct Run<'a> {
    store: &'a Store,
    rules: &'a RuleSet,
    selection: &'a PageSelection,
    out: &'a Path,
    /// The newest fetch time of the pages kept: the warcinfo record's date.
    newest: Option<Timestamp>,
}

impl Run<'_> {
    /// The warcinfo record, then a response record for each page kept.
    fn write_pages<W: std::io::Write>(
        &self,
        writer: &mut WarcWriter<W>,
        report: &mut WarcExportReport,
    ) -> Result<(), ExportError> {
        let Run {
            store,
            rules,
            selection,
            out,
            newest,
        } = *self;
        let name = out.file_name().map(|n| n.to_string_lossy().into_owned());
        writer
            .write_warcinfo(
                newest.unwrap_or(Timestamp::UNIX_EPOCH),
                name.as_deref(),
                &warcinfo_fields(rules),
            )
            .map_err(|e| write_error(out, e))?;
        for record in store.pages(selection.site.as_deref()) {
            let record = record?;
            let Some(hash) = record.body else {
                report.without_body += 1;
                continue;
            };
            if !is_since(&record, selection) {
                report.before_since += 1;
                continue;
            }
            let Some(body) = store.body(&hash)? else {
                tracing::warn!(url = %record.url, %hash, "raw body missing from the store; page left out of the WARC");
                report.missing_bodies += 1;
                continue;
            };
            let headers = if record.headers.is_empty() {
                report.minimal_headers += 1;
                minimal_headers(&record)
            } else {
                record.headers.clone()
            };
            let response = Response {
                url: record.url.as_url(),
                date: record.fetched_at,
                status: record.status,
                reason: None,
                headers: &headers,
                body: &body,
                truncated: None,
            };
            writer
                .write_response(&response)
                .map_err(|e| write_error(out, e))?;
            report.pages += 1;
        }
        Ok(())
    }
}

/// Gzip for `.warc.gz`, plain for `.warc`; any other name is refused, since archive tools
/// go by it.
fn compression_for(out: &Path) -> Result<Compression, ExportError> {
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if name.ends_with(".warc.gz") {
        Ok(Compression::default())
    } else if name.ends_with(".warc") {
        Ok(Compression::None)
    } else {
        Err(ExportError::BadWarcName {
            path: out.to_path_buf(),
        })
    }
}

fn is_since(record: &PageRecord, selection: &PageSelection) -> bool {
    selection
        .since
        .is_none_or(|Since(since)| record.fetched_at >= since)
}

/// The headers of a page whose full headers the store has not: those it always kept.
fn minimal_headers(record: &PageRecord) -> Vec<(String, String)> {
    [
        ("Content-Type", &record.content_type),
        ("ETag", &record.etag),
        ("Last-Modified", &record.last_modified),
    ]
    .into_iter()
    .filter_map(|(name, value)| Some((name.to_string(), value.clone()?)))
    .collect()
}

/// The `warcinfo` fields besides the software and format: what the file is, and the
/// version of every rule file (the rules that chose and cleaned these pages).
fn warcinfo_fields(rules: &RuleSet) -> Vec<(String, String)> {
    let mut fields = vec![(
        "description".to_string(),
        "raw pages of a cablestrip store, as fetched".to_string(),
    )];
    fields.extend(
        rules
            .rules()
            .iter()
            .map(|rule| ("rules".to_string(), rule.version.clone())),
    );
    fields
}

#[cfg(test)]
mod tests;
