//! Every example in the README, run as written: each line of its `sh` and `cron` blocks,
//! its inline `cargo run --release -- …` commands, and its concrete inline `cablestrip …`
//! commands. They run in a sandbox laid out like a checkout beside `../shared`: the
//! project's `fixtures/` and `selectors/`, stand-in seed lists, a small stand-in mirror
//! with its truth file, and the four sites served from fixture pages on 127.0.0.1
//! (`CABLESTRIP_HOST_MAP`), so nothing reaches a real site. The sandbox's rule files are
//! the project's with every rate 0: the servers are local, and the README's crawls would
//! otherwise wait minutes at the real sites' rates. `cargo run --release --` is the binary
//! under test; `cargo test` is this suite itself and is not run again.

#[path = "support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output};
use std::time::{Duration, Instant};

use support::{Reply, TestServer};

/// A README example: its text, and where it came from.
#[derive(Debug)]
struct Example {
    line: usize,
    text: String,
}

/// The lines of the README's `sh` and `cron` blocks, and its runnable inline commands.
fn examples(readme: &str) -> Vec<Example> {
    let mut found = Vec::new();
    let mut fence: Option<String> = None;
    for (index, line) in readme.lines().enumerate() {
        let number = index + 1;
        if let Some(lang) = line.strip_prefix("```") {
            fence = match fence {
                Some(_) => None,
                None => Some(lang.trim().to_string()),
            };
            continue;
        }
        match fence.as_deref() {
            Some(lang @ ("sh" | "cron")) => {
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                // A cron line is its five schedule fields, then the command.
                let text = if lang == "cron" {
                    cron_command(line)
                } else {
                    line.to_string()
                };
                found.push(Example { line: number, text });
            }
            Some(_) => {}
            None => {
                for span in line.split('`').skip(1).step_by(2) {
                    if is_runnable_inline(span) {
                        found.push(Example {
                            line: number,
                            text: span.to_string(),
                        });
                    }
                }
            }
        }
    }
    found
}

/// The command of a crontab line: what follows its five schedule fields.
fn cron_command(line: &str) -> String {
    let mut rest = line.trim_start();
    for _ in 0..5 {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        rest = rest[end..].trim_start();
    }
    rest.to_string()
}

/// An inline command with nothing left for the reader to fill in: no `[options]`, no `…`
/// and no placeholder in capitals (SITE, ID, DIR…).
fn is_runnable_inline(span: &str) -> bool {
    let command = span.starts_with("cargo run --release -- ") || span.starts_with("cablestrip ");
    let placeholder = span.contains('[')
        || span.contains('…')
        || span
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|word| {
                word.len() >= 2 && word.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            });
    command && !placeholder
}

/// The sites' fixture pages: site → (path with query → fixture file), from each case's
/// `url`.
fn fixture_pages(project: &Path) -> BTreeMap<String, BTreeMap<String, PathBuf>> {
    let mut sites: BTreeMap<String, BTreeMap<String, PathBuf>> = BTreeMap::new();
    let mut cases: Vec<PathBuf> = walkdir::WalkDir::new(project.join("fixtures"))
        .into_iter()
        .map(|e| e.expect("fixtures are readable").into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    cases.sort();
    for case in cases {
        let text = std::fs::read_to_string(&case).expect("case reads");
        let value: toml::Value = toml::from_str(&text).expect("case parses");
        let Some(url) = value.get("url").and_then(|u| u.as_str()) else {
            continue;
        };
        let url = url::Url::parse(url).expect("a case URL parses");
        let page = case.with_extension("html");
        if !page.exists() {
            continue;
        }
        let site = case
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .expect("a site folder");
        let mut target = url.path().to_string();
        if let Some(query) = url.query() {
            target = format!("{target}?{query}");
        }
        sites.entry(site).or_default().entry(target).or_insert(page);
    }
    sites
}

/// robots.txt that allows exactly the pages served: links to pages the fixtures do not
/// have are denied (a policy, not an error) instead of answering 404. PlusD's also allows
/// its cable pages by ID (`…_a.html`, which no fixture links to): the README crawls it by
/// ID, and a cable it lacks answers 404 there, as on the real site.
fn robots_for<'a>(site: &str, paths: impl Iterator<Item = &'a String>) -> String {
    let mut robots = String::from("User-agent: *\n");
    for path in paths {
        robots.push_str(&format!("Allow: {path}$\n"));
    }
    if site == "search.wikileaks.org" {
        robots.push_str("Allow: /plusd/cables/*_a.html$\n");
    }
    robots.push_str("Disallow: /\n");
    robots
}

/// The sandbox: a working folder beside a stand-in `../shared`, a `bin/` with `cargo` and
/// `cablestrip`, and a local server per site.
struct Sandbox {
    _dir: tempfile::TempDir,
    root: PathBuf,
    repo: PathBuf,
    host_map: String,
    _servers: Vec<TestServer>,
    background: Vec<Child>,
}

impl Sandbox {
    async fn new(project: &Path) -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().to_path_buf();
        let repo = root.join("repo");
        let bin = root.join("bin");
        for folder in [&repo, &bin, &root.join("home"), &root.join("log")] {
            std::fs::create_dir_all(folder).expect("mkdir");
        }
        let binary = PathBuf::from(env!("CARGO_BIN_EXE_cablestrip"));
        std::os::unix::fs::symlink(&binary, bin.join("cablestrip")).expect("link");
        std::fs::write(
            bin.join("cargo"),
            "#!/bin/sh\n\
             if [ \"$1 $2 $3\" = \"run --release --\" ]; then shift 3; exec cablestrip \"$@\"; fi\n\
             if [ \"$1\" = test ]; then echo 'cargo test: the suite running this check' >&2; exit 0; fi\n\
             echo \"the README check knows no cargo $*\" >&2; exit 97\n",
        )
        .expect("write cargo");
        std::process::Command::new("chmod")
            .args(["+x", bin.join("cargo").to_str().expect("utf-8")])
            .status()
            .expect("chmod");

        let pages = fixture_pages(project);
        let rules = cablestrip::rules::RuleSet::load_dir(&project.join("selectors"))
            .expect("the project's rules load");
        let mut servers = Vec::new();
        let mut host_map = Vec::new();
        let seeds = repo.join("seeds");
        std::fs::create_dir_all(&seeds).expect("mkdir");
        for (site, paths) in &pages {
            let server = TestServer::start().await;
            for (target, file) in paths {
                let body = std::fs::read(file).expect("fixture");
                server.route(
                    target,
                    Reply::status(200)
                        .header("Content-Type", "text/html; charset=utf-8")
                        .body(body),
                );
            }
            server.route("/robots.txt", Reply::text(robots_for(site, paths.keys())));
            // Seeds are the pages the crawl would take: cable and index pages.
            let rule = rules.require(site).expect("a fixture folder is a site");
            let list: String = paths
                .keys()
                .map(|target| format!("https://{site}{target}"))
                .filter(|url| {
                    let url = cablestrip::model::PageUrl::parse(url).expect("a URL");
                    !matches!(rule.classify(&url), cablestrip::rules::UrlKind::Other)
                })
                .map(|url| url + "\n")
                .collect();
            std::fs::write(seeds.join(format!("{site}.txt")), list).expect("seeds");
            host_map.push(format!("{}={site}", server.host()));
            servers.push(server);
        }
        std::os::unix::fs::symlink(project.join("fixtures"), repo.join("fixtures")).expect("link");
        unhurried_selectors(project, &repo.join("selectors"));
        // The cron example's folder, with the same seeds and rules.
        let srv = root.join("srv");
        std::fs::create_dir_all(&srv).expect("mkdir");
        std::os::unix::fs::symlink(&binary, srv.join("cablestrip")).expect("link");
        std::os::unix::fs::symlink(&seeds, srv.join("seeds")).expect("link");
        std::os::unix::fs::symlink(repo.join("selectors"), srv.join("selectors")).expect("link");

        stand_in_mirror(&root, &pages["cablegate.wikileaks.org"]);
        Sandbox {
            _dir: dir,
            root,
            repo,
            host_map: host_map.join(","),
            _servers: servers,
            background: Vec::new(),
        }
    }

    /// The example with the README's absolute folders moved into the sandbox.
    fn localised(&self, text: &str) -> String {
        let root = self.root.to_str().expect("utf-8");
        text.replace("/srv/cablestrip", &format!("{root}/srv"))
            .replace("/var/log/cablestrip", &format!("{root}/log"))
    }

    fn shell(&self, text: &str) -> Command {
        let mut command = Command::new("bash");
        command
            .args(["-o", "pipefail", "-c", &self.localised(text)])
            .current_dir(&self.repo)
            .env(
                "PATH",
                format!(
                    "{}:{}",
                    self.root.join("bin").display(),
                    std::env::var("PATH").unwrap_or_default()
                ),
            )
            .env("HOME", self.root.join("home"))
            .env("CABLESTRIP_HOST_MAP", &self.host_map)
            .env_remove("CABLESTRIP_DB")
            .env_remove("CABLESTRIP_SELECTORS")
            .env_remove("RUST_LOG");
        command
    }

    fn run(&self, example: &Example) -> Output {
        let output = self.shell(&example.text).output().expect("bash runs");
        assert!(
            output.status.success(),
            "README line {} failed ({}): {}\nstdout: {}\nstderr: {}",
            example.line,
            output.status,
            example.text,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    /// Starts a `… &` example, and waits until the port it names is listening.
    fn start_background(&mut self, example: &Example) {
        let text = example.text.trim_end().trim_end_matches('&');
        let port: u16 = text
            .rsplit(|c: char| !c.is_ascii_digit())
            .find(|digits| !digits.is_empty())
            .and_then(|digits| digits.parse().ok())
            .unwrap_or_else(|| panic!("README line {} names no port", example.line));
        let child = self
            .shell(text)
            .process_group(0)
            .spawn()
            .expect("the background example starts");
        self.background.push(child);
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "README line {}: nothing listens on port {port}",
                example.line
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        for child in &mut self.background {
            // The whole group: the subshell and the server it started.
            let _ = Command::new("kill")
                .args(["--", &format!("-{}", child.id())])
                .status();
            let _ = child.wait();
        }
    }
}

/// The project's rule files in `dir`, each with `rate = 0.0`: the sandbox's servers are
/// local.
fn unhurried_selectors(project: &Path, dir: &Path) {
    std::fs::create_dir_all(dir).expect("mkdir");
    let rate = regex::Regex::new(r"(?m)^rate = .*$").expect("pattern");
    for entry in std::fs::read_dir(project.join("selectors")).expect("selectors") {
        let path = entry.expect("entry").path();
        let name = path.file_name().expect("a name");
        let text = std::fs::read_to_string(&path).expect("readable");
        let text = if path.extension().is_some_and(|e| e == "toml") {
            rate.replace_all(&text, "rate = 0.0").into_owned()
        } else {
            text
        };
        std::fs::write(dir.join(name), text).expect("write");
    }
}

/// `../shared/corpus/cablegate-2010-12/{site,truth.jsonl}` in small: the cablegate fixture
/// pages at their paths, an `index.html` listing the cable pages, a robots.txt that allows
/// only what is there, and the truth of every case that has one.
fn stand_in_mirror(root: &Path, pages: &BTreeMap<String, PathBuf>) {
    let corpus = root.join("shared/corpus/cablegate-2010-12");
    let site = corpus.join("site");
    let mut links = String::new();
    let mut truth = String::new();
    for (target, file) in pages {
        let place = site.join(target.trim_start_matches('/'));
        std::fs::create_dir_all(place.parent().expect("parent")).expect("mkdir");
        std::fs::copy(file, &place).expect("copy");
        if target.starts_with("/cable/") {
            links.push_str(&format!("<li><a href=\"{target}\">{target}</a></li>\n"));
        }
        let case = file.with_extension("toml");
        let header = file.with_extension("header.txt");
        let body = file.with_extension("body.txt");
        let value: toml::Value =
            toml::from_str(&std::fs::read_to_string(&case).expect("case")).expect("toml");
        let id = value
            .get("expect")
            .and_then(|e| e.get("id"))
            .and_then(|i| i.as_str());
        if let (Some(id), true, true) = (id, header.exists(), body.exists()) {
            let record = serde_json::json!({
                "id": id,
                "header": std::fs::read_to_string(&header).expect("header"),
                "body": std::fs::read_to_string(&body).expect("body"),
            });
            truth.push_str(&format!("{record}\n"));
        }
    }
    std::fs::write(
        site.join("index.html"),
        format!("<html><body><h1>Cable Viewer</h1><ul>\n{links}</ul></body></html>\n"),
    )
    .expect("index");
    let mut served: Vec<String> = pages.keys().cloned().collect();
    served.push("/index.html".to_string());
    std::fs::write(
        site.join("robots.txt"),
        robots_for("cablegate.wikileaks.org", served.iter()),
    )
    .expect("robots");
    std::fs::write(corpus.join("truth.jsonl"), truth).expect("truth");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_readme_example_runs_as_written() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(project.join("README.md")).expect("README");
    let examples = examples(&readme);
    assert!(
        examples.len() >= 8,
        "the README's examples were found: {examples:#?}"
    );
    let mut sandbox = Sandbox::new(project).await;
    let mut ran = Vec::new();
    for example in &examples {
        let text = example.text.trim_end();
        if text.ends_with('&') {
            sandbox.start_background(example);
            ran.push(example.line);
            continue;
        }
        eprintln!("README line {}: {text}", example.line);
        // The servers answer on the runtime's other worker meanwhile.
        let output = tokio::task::block_in_place(|| sandbox.run(example));
        ran.push(example.line);
        check_what_it_did(&sandbox, example, &output);
    }
    assert_eq!(ran.len(), examples.len());
    // The quick start's crawl, status and export left a corpus behind.
    let exported = std::fs::read_to_string(sandbox.repo.join("cables.jsonl"))
        .expect("the quick start's export wrote cables.jsonl");
    assert!(exported.lines().count() >= 5, "{exported}");
}

/// What particular examples must have done, beyond exiting 0.
fn check_what_it_did(sandbox: &Sandbox, example: &Example, output: &Output) {
    let text = &example.text;
    let stdout = String::from_utf8_lossy(&output.stdout);
    if text.contains("clean --url") {
        assert!(stdout.contains("09VALLETTA123"), "{stdout}");
    }
    if text.contains(" eval ") {
        assert!(stdout.contains("exact"), "{stdout}");
    }
    if text.contains("crawl.log") {
        let log = std::fs::read(sandbox.root.join("log/crawl.log")).expect("the cron log");
        assert!(!log.is_empty());
        assert!(
            !log.contains(&0x1b),
            "no colour codes in a log file: {}",
            String::from_utf8_lossy(&log)
        );
    }
    if text.contains("--known-ids") {
        // The night's PlusD share ran and asked for the IDs PlusD has not given.
        let log = std::fs::read_to_string(sandbox.root.join("log/crawl.log")).expect("the log");
        assert!(log.contains("known IDs"), "{log}");
        assert!(log.contains("not on site"), "{log}");
    }
    if text.contains("completions bash >") {
        let script = sandbox
            .root
            .join("home/.local/share/bash-completion/completions/cablestrip");
        let script = std::fs::read_to_string(script).expect("the completion script");
        assert!(script.contains("cablestrip"));
    }
    if text.contains("man >") {
        let page = sandbox.root.join("home/.local/share/man/man1/cablestrip.1");
        let page = std::fs::read_to_string(page).expect("the man page");
        assert!(page.contains(".TH"), "{page}");
    }
}
