//! A small HTTP/1.1 server on 127.0.0.1 for the crawl tests: serves canned replies from a
//! map of path → reply (or a folder of fixture pages), misbehaves on request (slow, 429,
//! 5xx, redirects, gzip, huge bodies), and records every request with its arrival time
//! and headers so that tests can measure politeness where it matters: at the server.
//!
//! Shared by every integration test that needs a web site; not every test binary uses
//! every helper.

#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use cablestrip::model::PageUrl;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;
use tokio::time::Instant;

use cablestrip::rules::{Rule, RuleOrigin, RuleSet};

pub mod kill;
pub mod mirror;
pub mod plusd;
pub mod python;
pub mod site;
pub mod warc;

/// The rule of the test site: cable pages under `/cable/`, index pages at `/`, under
/// `/list/` and under `/t/` (where the tests put their pages). `/about` and anything else
/// is out of scope.
pub const TEST_RULE: &str = r#"
[site]
name = "test.site"
hosts = ["test.site"]

[urls]
cable = ['^/cable/(?<id>[0-9]{2}[A-Z]+[0-9]+)\.html$']
follow = ['^/$', '^/list/', '^/t/']

[extract]
body = { select = "pre" }
"#;

/// A rule set with [`TEST_RULE`], whose site `server` serves.
pub fn rules_for(server: &TestServer) -> Arc<RuleSet> {
    rules_for_host(&server.host())
}

/// A rule set with [`TEST_RULE`], whose site is served by `host` (`HOST:PORT`).
pub fn rules_for_host(host: &str) -> Arc<RuleSet> {
    let rule = Rule::compile(
        RuleOrigin::Builtin("test.site.toml"),
        "test.site",
        TEST_RULE,
    )
    .expect("the test rule compiles");
    let mut rules = RuleSet::from_rules(vec![rule]).expect("one rule makes a set");
    rules
        .map_host(host, "test.site")
        .expect("the host maps to the test site");
    Arc::new(rules)
}

/// A canned response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before sending anything.
    pub delay: Duration,
    /// Send the body with chunked transfer encoding, without Content-Length.
    pub chunked: bool,
    /// Send only this many bytes of the body (its whole length declared), then close the
    /// connection: a transfer cut short.
    pub cut_after: Option<usize>,
}

impl Reply {
    /// A reply with this status, no headers and no body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            delay: Duration::ZERO,
            chunked: false,
            cut_after: None,
        }
    }

    /// 200 with a UTF-8 HTML body.
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(body)
    }

    /// 200 with a plain-text body.
    pub fn text(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200)
            .header("Content-Type", "text/plain")
            .body(body)
    }

    /// A redirect with this status to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("Location", location)
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    pub fn chunked(mut self) -> Reply {
        self.chunked = true;
        self
    }

    /// Declares the whole body but sends only its first `bytes`, then closes the
    /// connection (a lying Content-Length, or a chunked body without its last chunk).
    pub fn cut_short(mut self, bytes: usize) -> Reply {
        self.cut_after = Some(bytes);
        self
    }

    /// Compresses the body with gzip and says so in Content-Encoding.
    pub fn gzip(mut self) -> Reply {
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder
            .write_all(&self.body)
            .expect("gzip into memory cannot fail");
        self.body = encoder.finish().expect("gzip into memory cannot fail");
        self.header("Content-Encoding", "gzip")
    }
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Request {
    /// When its head had fully arrived.
    pub at: Instant,
    pub method: String,
    /// Path and query, as sent.
    pub target: String,
    /// Header names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
}

impl Request {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Computes a reply from the request and how many times its target was requested before.
pub type Handler = Arc<dyn Fn(&Request, usize) -> Reply + Send + Sync>;

enum Route {
    Fixed(Reply),
    /// The n-th request gets the n-th reply; the last one repeats.
    Sequence(Vec<Reply>),
    Handler(Handler),
}

#[derive(Default)]
struct State {
    routes: Mutex<HashMap<String, Route>>,
    hits: Mutex<HashMap<String, usize>>,
    log: Mutex<Vec<Request>>,
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl State {
    fn reply_for(&self, request: &Request) -> Reply {
        let hit = {
            let mut hits = lock(&self.hits);
            let count = hits.entry(request.target.clone()).or_insert(0);
            *count += 1;
            *count - 1
        };
        let routes = lock(&self.routes);
        match routes.get(&request.target) {
            Some(Route::Fixed(reply)) => reply.clone(),
            Some(Route::Sequence(replies)) => replies[hit.min(replies.len() - 1)].clone(),
            Some(Route::Handler(handler)) => handler(request, hit),
            None => Reply::status(404).body("no such page"),
        }
    }
}

/// The server; it stops when dropped.
pub struct TestServer {
    addr: SocketAddr,
    state: Arc<State>,
    task: JoinHandle<()>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl TestServer {
    /// Starts a server on a free port of 127.0.0.1 with no routes: every path is a 404
    /// (so robots.txt is absent until a test adds one).
    pub async fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind a port on 127.0.0.1");
        let addr = listener.local_addr().expect("bound address");
        let state = Arc::new(State::default());
        let task = tokio::spawn(accept_loop(listener, Arc::clone(&state)));
        TestServer { addr, state, task }
    }

    /// Starts a server that serves `routes` (path with query → reply).
    pub async fn with_routes(routes: HashMap<String, Reply>) -> TestServer {
        let server = TestServer::start().await;
        for (path, reply) in routes {
            server.route(&path, reply);
        }
        server
    }

    /// Starts a server that serves every file under `dir` at its relative path
    /// (`dir/cable/1.html` → `/cable/1.html`; `index.html` also answers for its folder).
    pub async fn from_dir(dir: &Path) -> TestServer {
        let mut routes = HashMap::new();
        for entry in walkdir::WalkDir::new(dir) {
            let entry = entry.expect("fixture folder is readable");
            if !entry.file_type().is_file() {
                continue;
            }
            let relative = entry
                .path()
                .strip_prefix(dir)
                .expect("walkdir stays under its root");
            let path = format!(
                "/{}",
                relative
                    .to_string_lossy()
                    .replace(std::path::MAIN_SEPARATOR, "/")
            );
            let body = std::fs::read(entry.path()).expect("fixture file is readable");
            let content_type = match entry.path().extension().and_then(|e| e.to_str()) {
                Some("html" | "htm") => "text/html",
                Some("txt") => "text/plain",
                _ => "application/octet-stream",
            };
            let reply = Reply::status(200)
                .header("Content-Type", content_type)
                .body(body);
            if let Some(folder) = path.strip_suffix("index.html") {
                routes.insert(folder.to_string(), reply.clone());
            }
            routes.insert(path, reply);
        }
        TestServer::with_routes(routes).await
    }

    /// Serves `reply` at `path` (with query, if any).
    pub fn route(&self, path: &str, reply: Reply) {
        lock(&self.state.routes).insert(path.to_string(), Route::Fixed(reply));
    }

    /// Serves `replies` at `path` in turn, repeating the last.
    pub fn sequence(&self, path: &str, replies: Vec<Reply>) {
        assert!(!replies.is_empty(), "a sequence needs at least one reply");
        lock(&self.state.routes).insert(path.to_string(), Route::Sequence(replies));
    }

    /// Serves `path` with a function of the request and the number of earlier hits.
    pub fn handler(
        &self,
        path: &str,
        handler: impl Fn(&Request, usize) -> Reply + Send + Sync + 'static,
    ) {
        lock(&self.state.routes).insert(path.to_string(), Route::Handler(Arc::new(handler)));
    }

    /// `127.0.0.1:PORT`, as a host key and for `RuleSet::map_host`.
    pub fn host(&self) -> String {
        self.addr.to_string()
    }

    /// The absolute URL of `path` on this server.
    /// The test site's own URL of `path`: where a page the server serves as the test site
    /// is stored.
    pub fn site_url(&self, path: &str) -> PageUrl {
        PageUrl::parse(&format!("https://test.site{path}")).expect("a site URL parses")
    }

    pub fn url(&self, path: &str) -> PageUrl {
        PageUrl::parse(&format!("http://{}{path}", self.addr)).expect("server URL parses")
    }

    /// Every request so far, in arrival order.
    pub fn requests(&self) -> Vec<Request> {
        lock(&self.state.log).clone()
    }

    /// Every request so far for `target`.
    pub fn requests_to(&self, target: &str) -> Vec<Request> {
        self.requests()
            .into_iter()
            .filter(|r| r.target == target)
            .collect()
    }

    /// The most requests that were ever being answered at once.
    pub fn max_in_flight(&self) -> usize {
        self.state.max_in_flight.load(Ordering::SeqCst)
    }

    /// Requests being answered now: 0 once every reply so far is written out.
    pub fn in_flight(&self) -> usize {
        self.state.in_flight.load(Ordering::SeqCst)
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        tokio::spawn(serve_connection(stream, Arc::clone(&state)));
    }
}

/// Answers requests on one keep-alive connection until the client closes it.
async fn serve_connection(stream: TcpStream, state: Arc<State>) {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let Some(request) = read_head(&mut reader).await else {
            return;
        };
        let close = request
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("close"));
        lock(&state.log).push(request.clone());
        let now = state.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        state.max_in_flight.fetch_max(now, Ordering::SeqCst);
        let reply = state.reply_for(&request);
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        let sent = write_reply(&mut write, &request, &reply).await;
        state.in_flight.fetch_sub(1, Ordering::SeqCst);
        if sent.is_err() || close {
            return;
        }
    }
}

async fn read_head(reader: &mut BufReader<tokio::net::tcp::OwnedReadHalf>) -> Option<Request> {
    let mut line = String::new();
    if reader.read_line(&mut line).await.ok()? == 0 {
        return None;
    }
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':')?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    Some(Request {
        at: Instant::now(),
        method,
        target,
        headers,
    })
}

async fn write_reply(
    write: &mut tokio::net::tcp::OwnedWriteHalf,
    request: &Request,
    reply: &Reply,
) -> std::io::Result<()> {
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let no_body = request.method == "HEAD" || reply.status == 304 || reply.status == 204;
    if reply.status == 304 || reply.status == 204 {
        head.push_str("\r\n");
    } else if reply.chunked {
        head.push_str("Transfer-Encoding: chunked\r\n\r\n");
    } else {
        head.push_str(&format!("Content-Length: {}\r\n\r\n", reply.body.len()));
    }
    write.write_all(head.as_bytes()).await?;
    if let Some(cut) = reply.cut_after.filter(|_| !no_body) {
        let sent = &reply.body[..cut.min(reply.body.len())];
        if reply.chunked {
            write
                .write_all(format!("{:x}\r\n", reply.body.len()).as_bytes())
                .await?;
        }
        write.write_all(sent).await?;
        write.flush().await?;
        // Closing the connection here ends the transfer early.
        return Err(std::io::Error::other("cut short on purpose"));
    }
    if !no_body {
        if reply.chunked {
            for chunk in reply.body.chunks(16 * 1024) {
                write
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                write.write_all(chunk).await?;
                write.write_all(b"\r\n").await?;
            }
            write.write_all(b"0\r\n\r\n").await?;
        } else {
            write.write_all(&reply.body).await?;
        }
    }
    write.flush().await
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        404 => "Not Found",
        410 => "Gone",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        _ => "Status",
    }
}

/// Opens the store at `path`, waiting (up to 10 s) while it is still locked.
///
/// sled releases a database's file lock only when the last of its in-memory references
/// goes, and some of those are dropped lazily, by its epoch-based collector, a moment after
/// the database handle itself: a test that reopens a store right after a crawl can find it
/// still locked by its own process.
pub fn open_store(path: &Path) -> cablestrip::store::Store {
    use cablestrip::store::{Store, StoreError};
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        match Store::open(path) {
            Ok(store) => return store,
            Err(StoreError::Locked { .. }) if std::time::Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(error) => panic!("cannot open the store at {}: {error}", path.display()),
        }
    }
}

/// A copy of the store folder at `path`, to look inside without taking its lock (a
/// cablestrip process started next may need it).
pub fn copy_store(path: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("temp dir");
    for entry in walkdir::WalkDir::new(path) {
        let entry = entry.expect("store folder is readable");
        let relative = entry.path().strip_prefix(path).expect("under the store");
        let target = copy.path().join(relative);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&target).expect("mkdir");
        } else {
            std::fs::copy(entry.path(), &target).expect("copy");
        }
    }
    copy
}
