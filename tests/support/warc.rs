//! WARC files for the tests, written with cablestrip's own writer from the fixture pages:
//! the responses of a small WikiLeaks site at their real URLs, with what a crawler
//! records beside them (requests, a warcinfo, a revisit), and ways to damage a file.
//!
//! Shared by several test binaries; not every one uses every helper.

#![allow(dead_code)]

use std::path::Path;

use cablestrip::warc::{Compression, Request, Response, Revisit, WarcWriter};
use jiff::Timestamp;
use url::Url;

use super::mirror::{CABLEGATE, fixture};

/// One page to write as a response record.
#[derive(Debug, Clone)]
pub struct Served {
    pub url: String,
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub date: Timestamp,
}

impl Served {
    /// A page of the WikiLeaks site at `path`, from its fixture file, fetched at `second`.
    pub fn cablegate(path: &str, fixture_name: &str, second: i64) -> Served {
        Served {
            url: format!("https://{CABLEGATE}{path}"),
            status: 200,
            headers: vec![
                ("Content-Type".into(), "text/html; charset=utf-8".into()),
                ("ETag".into(), format!("\"{fixture_name}\"")),
                (
                    "Last-Modified".into(),
                    "Sun, 28 Nov 2010 18:00:00 GMT".into(),
                ),
            ],
            body: std::fs::read(fixture(CABLEGATE, fixture_name)).expect("fixture"),
            date: at(second),
        }
    }

    pub fn url(&self) -> Url {
        Url::parse(&self.url).expect("a URL")
    }
}

pub fn at(second: i64) -> Timestamp {
    Timestamp::from_second(1_291_000_000 + second).expect("a time")
}

/// The WikiLeaks fixture site as a crawl would have fetched it: three cables, one page
/// the rule rejects (no body), an index page, an article (no page of the rule) and a 404.
pub fn cablegate_pages() -> Vec<Served> {
    let mut gone = Served::cablegate("/cable/2010/01/10GONE1.html", "standard.html", 6);
    gone.status = 404;
    gone.body = b"not found".to_vec();
    vec![
        Served::cablegate("/cable/2009/03/09VALLETTA123.html", "standard.html", 0),
        Served::cablegate("/cable/2009/03/09TRIPOLI218.html", "stray-tags.html", 1),
        Served::cablegate("/cable/2008/12/08MOSCOW3728.html", "page-breaks.html", 2),
        Served::cablegate("/cable/2009/04/09VALLETTA188.html", "body-missing.html", 3),
        Served::cablegate("/reldate/2010-12-01_0.html", "index-page.html", 4),
        Served::cablegate(
            "/articles/2010/Reading-the-cables-a-short-guide.html",
            "article-page.html",
            5,
        ),
        gone,
    ]
}

/// Writes `pages` into `path` (`.warc.gz` compressed, else plain): a warcinfo record, then
/// for each page its response and request records. Gives each record's offset.
pub fn write_warc(path: &Path, pages: &[Served]) -> Vec<u64> {
    write_warc_with(path, pages, |_| {})
}

/// As [`write_warc`], then `more` may add records at the end.
pub fn write_warc_with(
    path: &Path,
    pages: &[Served],
    more: impl FnOnce(&mut WarcWriter<std::fs::File>),
) -> Vec<u64> {
    let compression = if path.to_string_lossy().ends_with(".gz") {
        Compression::default()
    } else {
        Compression::None
    };
    let file = std::fs::File::create(path).expect("create the WARC");
    let mut writer = WarcWriter::new(file, path, compression);
    let mut offsets = Vec::new();
    let info = writer
        .write_warcinfo(at(0), None, &[("note".into(), "test".into())])
        .expect("warcinfo");
    offsets.push(info.offset);
    for page in pages {
        let url = page.url();
        let response = Response {
            url: &url,
            date: page.date,
            status: page.status,
            reason: None,
            headers: &page.headers,
            body: &page.body,
            truncated: None,
        };
        let written = writer.write_response(&response).expect("response");
        offsets.push(written.offset);
        let request = Request {
            url: &url,
            date: page.date,
            method: "GET",
            headers: &[("User-Agent".into(), "test".into())],
        };
        let written = writer
            .write_request(&request, Some(&written.record_id))
            .expect("request");
        offsets.push(written.offset);
    }
    more(&mut writer);
    writer.flush().expect("flush");
    offsets
}

/// A 304 of `page`'s URL at `second`, referring to the copy `page` is.
pub fn write_revisit(writer: &mut WarcWriter<std::fs::File>, page: &Served, second: i64) {
    let url = page.url();
    let revisit = Revisit {
        url: &url,
        date: at(second),
        status: 304,
        headers: &[("ETag".into(), "\"x\"".into())],
        refers_to_url: &url,
        refers_to_date: page.date,
        refers_to: None,
        payload_digest: None,
    };
    writer.write_revisit(&revisit).expect("revisit");
}
