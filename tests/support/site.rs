//! A small fixture web site written for the crawl tests, in the test site's layout (see
//! [`super::TEST_RULE`]): a front page `/`, listing pages under `/list/`, and cable pages
//! `/cable/<ID>.html` whose `<pre>` holds a short cable. Served with an ETag and a
//! Last-Modified on every page, answering conditional requests with 304 as a real server
//! does, so that incremental crawls can be tested.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use super::{Reply, Request, TestServer};

/// The Last-Modified every fixture page carries.
pub const LAST_MODIFIED: &str = "Fri, 10 Dec 2010 12:00:00 GMT";

/// The cable IDs `10TEST1` … `10TEST<n>`.
pub fn cable_ids(n: usize) -> Vec<String> {
    (1..=n).map(|i| format!("10TEST{i}")).collect()
}

/// The path of cable `id`'s page.
pub fn cable_path(id: &str) -> String {
    format!("/cable/{id}.html")
}

/// The text of cable `id`, as the page's `<pre>` holds it.
pub fn cable_text(id: &str) -> String {
    format!(
        "UNCLASSIFIED\n\nSUBJECT: TEST CABLE {id} FOR THE CRAWLER\n\n1. This is the text of cable {id}, written for the crawl tests.\n"
    )
}

/// A cable page with links (a PlusD-style "see also", and the site's own chrome).
pub fn cable_page(id: &str, links: &[String]) -> String {
    let links: String = links
        .iter()
        .map(|href| format!("<li><a href=\"{href}\">{href}</a></li>\n"))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Cable {id}</title></head>\n<body>\n<div class=\"nav\"><a href=\"/\">Home</a> <a href=\"/about\">About</a></div>\n<h1>Cable {id}</h1>\n<pre>{}</pre>\n<ul>\n{links}</ul>\n</body></html>\n",
        cable_text(id)
    )
}

/// An index page linking to `links`.
pub fn index_page(title: &str, links: &[String]) -> String {
    let links: String = links
        .iter()
        .map(|href| format!("<li><a href=\"{href}\">{href}</a></li>\n"))
        .collect();
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title></head>\n<body><h1>{title}</h1>\n<ul>\n{links}</ul>\n</body></html>\n"
    )
}

/// The pages of a fixture site, which can change between crawls.
#[derive(Clone, Default)]
pub struct FixtureSite {
    pages: Arc<Mutex<BTreeMap<String, Reply>>>,
}

impl FixtureSite {
    /// The usual site: `/` links to `/list/1.html` and `/list/2.html`, which list `n`
    /// cables between them, overlapping in the middle; every cable links to the next one
    /// (with a fragment) and to `/`; `/` also links to things out of scope.
    pub fn standard(n: usize) -> FixtureSite {
        let site = FixtureSite::default();
        let ids = cable_ids(n);
        let half = n / 2;
        let first: Vec<String> = ids[..(half + 1).min(n)]
            .iter()
            .map(|id| cable_path(id))
            .collect();
        let second: Vec<String> = ids[half.saturating_sub(1)..]
            .iter()
            .map(|id| format!("{}#par1", cable_path(id)))
            .collect();
        site.put(
            "/",
            &index_page(
                "Front page",
                &[
                    "/list/1.html".to_string(),
                    "list/2.html#top".to_string(),
                    "/about".to_string(),
                    "mailto:editor@example.org".to_string(),
                    "javascript:void(0)".to_string(),
                    "/static/site.css".to_string(),
                ],
            ),
        );
        site.put("/list/1.html", &index_page("List 1", &first));
        site.put("/list/2.html", &index_page("List 2", &second));
        for (i, id) in ids.iter().enumerate() {
            let next = &ids[(i + 1) % n];
            site.put(
                &cable_path(id),
                &cable_page(id, &[format!("{}#par2", cable_path(next)), "/".to_string()]),
            );
        }
        site
    }

    /// Sets (or changes) the HTML page at `path`.
    pub fn put(&self, path: &str, html: &str) {
        self.put_reply(path, Reply::html(html.as_bytes().to_vec()));
    }

    /// Sets a page with its own reply (headers, encoding, delay); the ETag and
    /// Last-Modified are added when it is served.
    pub fn put_reply(&self, path: &str, reply: Reply) {
        self.lock().insert(path.to_string(), reply);
    }

    /// Every path the site serves.
    pub fn paths(&self) -> Vec<String> {
        self.lock().keys().cloned().collect()
    }

    /// Serves the site from `server`, every page through a handler that honours
    /// If-None-Match and If-Modified-Since.
    pub fn serve(&self, server: &TestServer) {
        for path in self.paths() {
            self.serve_path(server, &path);
        }
    }

    /// Serves one path (after `put` of a new page on a running server).
    pub fn serve_path(&self, server: &TestServer, path: &str) {
        let site = self.clone();
        let key = path.to_string();
        server.handler(path, move |request, _| site.reply(&key, request));
    }

    fn reply(&self, path: &str, request: &Request) -> Reply {
        let Some(reply) = self.lock().get(path).cloned() else {
            return Reply::status(404);
        };
        if reply.status != 200 {
            return reply;
        }
        let etag = format!("\"{}\"", &blake3::hash(&reply.body).to_hex()[..16]);
        let fresh = match request.header("if-none-match") {
            Some(sent) => sent == etag,
            None => request.header("if-modified-since") == Some(LAST_MODIFIED),
        };
        if fresh {
            return Reply::status(304).header("ETag", &etag);
        }
        reply
            .header("ETag", &etag)
            .header("Last-Modified", LAST_MODIFIED)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Reply>> {
        self.pages.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
