//! The crawl's WARC archive (`crawl --warc DIR`): every HTTP response the crawl receives
//! for a page is written as a `response` record with the request that asked for it (each
//! redirect hop, each error page such as a 404 or a 503, each answer retried, then the
//! page), every 304 as a `revisit` of the stored copy with its request, in the order
//! received, into the folder's rotating `.warc.gz` files.
//!
//! A record is written before the page is stored, so every stored page of the run is in
//! the archive. Files are written as `NAME.open` and renamed when closed; the `.open` files
//! a crashed run left are sealed (cut back to their last whole record, renamed) when the
//! next crawl opens the folder, so a record cut short never stays at a file's end.
//! A request that got no response (a connection refused, a timeout, a body that broke off
//! or outgrew the cap before any status counted) has no `response` record, nor a `request`
//! one: the store's failure record is all there is of it. robots.txt is the host pool's
//! and is not archived.

use std::sync::{Mutex, PoisonError};

use jiff::Timestamp;
use reqwest::header::HeaderValue;
use serde::Serialize;

use super::config::ArchiveConfig;
use super::copy::Validators;
use super::fetch::{ACCEPT, ACCEPT_ENCODING};
use super::transcript::Received;
use crate::model::{Page, PageUrl};
use crate::rules::RuleSet;
use crate::warc::{self, Request, Response, Revisit, RotateOptions, RotatingWriter, WarcError};

/// A file a crashed run left `.open`, sealed when this run opened the folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SealedFile {
    /// Its name now.
    pub file: String,
    /// The whole records it holds.
    pub records: u64,
    /// Bytes cut off its end: the record a crash cut short, if any.
    pub cut_bytes: u64,
}

/// What the run archived, for its summary.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ArchiveSummary {
    /// The folder.
    pub dir: String,
    /// Pages archived as `response` records (each with its `request`).
    pub responses: u64,
    /// 304s archived as `revisit` records (each with its `request`).
    pub revisits: u64,
    /// Redirect hops (301, 302, 303, 307, 308) archived as `response` records (each with
    /// its `request`).
    pub redirects: u64,
    /// Error pages (4xx, 5xx, a 304 no validators asked for) and answers retried (a 2xx
    /// page cut short) archived as `response` records (each with its `request`).
    pub other_responses: u64,
    /// The files this run closed, in order.
    pub files: Vec<String>,
    /// The `.open` files earlier runs left, sealed at the start.
    pub sealed: Vec<SealedFile>,
}

/// The archive of one crawl: shared by its tasks, one record pair at a time.
#[derive(Debug)]
pub(super) struct Archive {
    writer: Mutex<Option<RotatingWriter>>,
    summary: Mutex<ArchiveSummary>,
    user_agent: String,
}

impl Archive {
    /// Seals what a crashed run left in the folder, then opens it for this run. No
    /// other crawl may write into the same folder.
    pub(super) fn open(
        config: &ArchiveConfig,
        rules: &RuleSet,
        user_agent: &str,
    ) -> Result<Archive, WarcError> {
        std::fs::create_dir_all(&config.dir).map_err(|source| WarcError::Write {
            file: config.dir.clone(),
            source,
        })?;
        let sealed = warc::seal_abandoned(&config.dir)?;
        for file in &sealed {
            tracing::warn!(
                file = %file.path.display(),
                records = file.records,
                cut_bytes = file.cut_bytes,
                "sealed a WARC file an earlier crawl left open"
            );
        }
        let options = RotateOptions {
            max_file_bytes: config.max_file_bytes,
            warcinfo_fields: warcinfo_fields(rules, user_agent),
            ..RotateOptions::default()
        };
        let writer = RotatingWriter::new(&config.dir, options)?;
        Ok(Archive {
            writer: Mutex::new(Some(writer)),
            summary: Mutex::new(ArchiveSummary {
                dir: config.dir.display().to_string(),
                sealed: sealed
                    .into_iter()
                    .map(|s| SealedFile {
                        file: s.path.display().to_string(),
                        records: s.records,
                        cut_bytes: s.cut_bytes,
                    })
                    .collect(),
                ..ArchiveSummary::default()
            }),
            user_agent: user_agent.to_string(),
        })
    }

    /// Archives a page fetched at `date` from `page.url` (the URL really asked for, after
    /// any redirect), with the request: conditional when `validators` were sent.
    pub(super) fn page(
        &self,
        page: &Page,
        headers: &[(String, String)],
        date: Timestamp,
        validators: Option<(&Option<String>, &Option<String>)>,
    ) -> Result<(), WarcError> {
        let url = page.url.as_url();
        let response = Response {
            url,
            date,
            status: page.status,
            reason: None,
            headers,
            body: &page.body,
            truncated: None,
        };
        let request_headers = self.request_headers(validators);
        let request = self.request(&page.url, date, &request_headers);
        self.with_writer(|writer| writer.write_exchange(&response, Some(&request)))?;
        lock(&self.summary).responses += 1;
        Ok(())
    }

    /// Archives a response the fetch received besides its page or 304 (a redirect hop,
    /// an error page, an answer retried), with the request that asked for it.
    pub(super) fn received(&self, received: &Received) -> Result<(), WarcError> {
        let response = Response {
            url: received.url.as_url(),
            date: received.date,
            status: received.status,
            reason: None,
            headers: &received.headers,
            body: &received.body,
            truncated: received.truncated,
        };
        let mut request_headers = self.request_headers(None);
        request_headers.extend(received.sent.iter().cloned());
        let request = self.request(&received.url, received.date, &request_headers);
        self.with_writer(|writer| writer.write_exchange(&response, Some(&request)))?;
        let mut summary = lock(&self.summary);
        match received.status {
            301 | 302 | 303 | 307 | 308 => summary.redirects += 1,
            _ => summary.other_responses += 1,
        }
        Ok(())
    }

    /// Archives a 304 from `url` at `date`: a revisit of the stored `copy`, whose body has
    /// the payload digest `digest`.
    pub(super) fn not_modified(
        &self,
        url: &PageUrl,
        headers: &[(String, String)],
        date: Timestamp,
        copy: &Validators,
        digest: Option<&str>,
    ) -> Result<(), WarcError> {
        let revisit = Revisit {
            url: url.as_url(),
            date,
            status: 304,
            headers,
            refers_to_url: url.as_url(),
            refers_to_date: copy.fetched_at,
            refers_to: None,
            payload_digest: digest,
        };
        let request_headers = self.request_headers(Some((&copy.etag, &copy.last_modified)));
        let request = self.request(url, date, &request_headers);
        self.with_writer(|writer| writer.write_revisit_exchange(&revisit, Some(&request)))?;
        lock(&self.summary).revisits += 1;
        Ok(())
    }

    /// Closes the file being written; gives what the run archived.
    pub(super) fn close(&self) -> Result<ArchiveSummary, WarcError> {
        let writer = lock(&self.writer).take();
        if let Some(writer) = writer {
            let closed = writer.close()?;
            lock(&self.summary)
                .files
                .extend(closed.iter().map(|p| p.display().to_string()));
        }
        Ok(lock(&self.summary).clone())
    }

    fn with_writer(
        &self,
        write: impl FnOnce(&mut RotatingWriter) -> Result<(), WarcError>,
    ) -> Result<(), WarcError> {
        match lock(&self.writer).as_mut() {
            Some(writer) => write(writer),
            // Closed: the run is over, and nothing more is stored either.
            None => Ok(()),
        }
    }

    fn request<'a>(
        &self,
        url: &'a PageUrl,
        date: Timestamp,
        headers: &'a [(String, String)],
    ) -> Request<'a> {
        Request {
            url: url.as_url(),
            date,
            method: "GET",
            headers,
        }
    }

    /// The headers the fetcher sends (reqwest adds Host and Accept-Encoding).
    fn request_headers(
        &self,
        validators: Option<(&Option<String>, &Option<String>)>,
    ) -> Vec<(String, String)> {
        let mut headers = vec![
            ("User-Agent".to_string(), self.user_agent.clone()),
            ("Accept".to_string(), ACCEPT.to_string()),
            ("Accept-Encoding".to_string(), ACCEPT_ENCODING.to_string()),
        ];
        if let Some((etag, last_modified)) = validators {
            let sent = [
                ("If-None-Match", etag),
                ("If-Modified-Since", last_modified),
            ];
            for (name, value) in sent {
                // The fetcher leaves out a stored value that is no header value.
                if let Some(value) = value.as_ref().filter(|v| HeaderValue::from_str(v).is_ok()) {
                    headers.push((name.to_string(), value.clone()));
                }
            }
        }
        headers
    }
}

/// What every file's `warcinfo` record says besides the software: who crawled, and the
/// version of every rule file, which decided what was fetched.
fn warcinfo_fields(rules: &RuleSet, user_agent: &str) -> Vec<(String, String)> {
    let mut fields = vec![
        ("http-header-user-agent".to_string(), user_agent.to_string()),
        (
            "description".to_string(),
            "pages fetched by a cablestrip crawl".to_string(),
        ),
    ];
    fields.extend(
        rules
            .rules()
            .iter()
            .map(|rule| ("rules".to_string(), rule.version.clone())),
    );
    fields
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A writer whose task panicked mid-record is left as it was; the reader and the
    // next run's seal deal with a record cut short.
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}
