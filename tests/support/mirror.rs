//! Helpers for the tests of the store commands: mirrors built from the fixture pages, the
//! binary run against a database in a temporary folder, and a consistency check of a
//! database through the library.
//!
//! Shared by several test binaries; not every one uses every helper.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cablestrip::store::{CleanOutcome, Store};

pub const CABLEGATE: &str = "cablegate.wikileaks.org";
pub const SCOOP: &str = "www.scoop.co.nz";
pub const CABLEGATESEARCH: &str = "www.cablegatesearch.net";

pub fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(site: &str, name: &str) -> PathBuf {
    project().join("fixtures").join(site).join(name)
}

/// Runs the binary from the project's root (so `./selectors` is the rule folder).
pub fn cablestrip(args: &[&str]) -> Output {
    command(args).output().expect("the binary runs")
}

pub fn command(args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_cablestrip"));
    command
        .args(args)
        .current_dir(project())
        .env_remove("CABLESTRIP_DB")
        .env_remove("CABLESTRIP_SELECTORS")
        .env_remove("RUST_LOG");
    command
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs the binary and parses its stdout as one JSON document; the exit status must be 0.
pub fn json(args: &[&str]) -> serde_json::Value {
    let output = cablestrip(args);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{args:?} failed: {}",
        stderr(&output)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{args:?} printed no JSON ({e}): {}", stdout(&output)))
}

pub fn path_str(path: &Path) -> &str {
    path.to_str().expect("temp paths are UTF-8")
}

/// Copies a fixture page to `root/relative`.
pub fn place(root: &Path, relative: &str, site: &str, fixture_name: &str) {
    let target = root.join(relative);
    std::fs::create_dir_all(target.parent().expect("a parent")).expect("mkdir");
    std::fs::copy(fixture(site, fixture_name), &target).expect("copy fixture");
}

/// A small WikiLeaks mirror: three cables (one, 08MOSCOW3728, also held by Scoop), a page
/// the rule rejects, an index page, and files of no page (a style sheet, an article).
pub fn cablegate_mirror(root: &Path) {
    place(
        root,
        "cable/2009/03/09VALLETTA123.html",
        CABLEGATE,
        "standard.html",
    );
    place(
        root,
        "cable/2009/03/09TRIPOLI218.html",
        CABLEGATE,
        "stray-tags.html",
    );
    place(
        root,
        "cable/2008/12/08MOSCOW3728.html",
        CABLEGATE,
        "page-breaks.html",
    );
    place(
        root,
        "cable/2009/04/09VALLETTA188.html",
        CABLEGATE,
        "body-missing.html",
    );
    place(
        root,
        "reldate/2010-12-01_0.html",
        CABLEGATE,
        "index-page.html",
    );
    place(
        root,
        "articles/2010/Reading-the-cables-a-short-guide.html",
        CABLEGATE,
        "article-page.html",
    );
    let css = root.join("static/css/main.css");
    std::fs::create_dir_all(css.parent().expect("parent")).expect("mkdir");
    std::fs::write(css, "body { color: black }\n").expect("write css");
}

/// A Scoop mirror as wget leaves it, under its host folder: 08MOSCOW3728 and one more.
pub fn scoop_mirror(root: &Path) {
    place(
        root,
        "www.scoop.co.nz/stories/WL1108/S00594/cablegate-dfm-ryabkov-meets-codel-tauscher-iran-missile.htm",
        SCOOP,
        "seed-08moscow3728.html",
    );
    place(
        root,
        "www.scoop.co.nz/stories/WL1108/S00155/cablegate-fiji-sugar-mill-repairs-slip.htm",
        SCOOP,
        "teasers-inside-article.html",
    );
}

/// A cablegatesearch.net mirror as wget saves query pages: `cable.php?id=…`.
pub fn cablegatesearch_mirror(root: &Path) {
    place(
        root,
        "cable.php?id=09BRASILIA1187",
        CABLEGATESEARCH,
        "standard.html",
    );
    place(
        root,
        "cable.php@id=10REYKJAVIK77",
        CABLEGATESEARCH,
        "paragraphs-and-annotations.html",
    );
}

/// `count` distinct cables made from the standard fixture page, each under its own path
/// and with its own ID in the text, so each is a body and a cable of its own.
pub fn big_mirror(root: &Path, count: usize) {
    let page = std::fs::read_to_string(fixture(CABLEGATE, "standard.html")).expect("fixture");
    assert!(
        page.contains("09VALLETTA123"),
        "the fixture names its cable"
    );
    for n in 0..count {
        let id = format!("09VALLETTA{}", 1000 + n);
        let target = root.join(format!("cable/2009/03/{id}.html"));
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::write(&target, page.replace("09VALLETTA123", &id)).expect("write page");
    }
}

/// What a consistency check found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Consistent {
    pub pages: usize,
    pub cables: usize,
    /// Cables per rule version.
    pub versions: std::collections::BTreeMap<String, usize>,
}

/// Opens the database and checks that it is whole: every page record reads and its body
/// decompresses (checked against its hash); every cable outcome has its cable, under the
/// right ID, in the ID index; every indexed cable reads and has its page record.
pub fn check_consistent(db: &Path) -> Consistent {
    let store = Store::open_existing(db).expect("the database opens");
    let mut found = Consistent::default();
    for page in store.pages(None) {
        let page = page.expect("every page record reads");
        found.pages += 1;
        if let Some(hash) = &page.body {
            let body = store.body(hash).expect("every body decompresses");
            assert!(body.is_some(), "{} names a body that is missing", page.url);
        }
        if let CleanOutcome::Cable { id, .. } = &page.outcome {
            let cable = store
                .cable(&page.url)
                .expect("the cable reads")
                .unwrap_or_else(|| panic!("{} has a cable outcome but no cable", page.url));
            assert_eq!(&cable.id, id);
            let copies = store.cables_for_id(id).expect("the index reads");
            assert!(
                copies.iter().any(|c| c.url == page.url),
                "{} is missing from the ID index",
                page.url
            );
        }
    }
    for cable in store.cables(None) {
        let cable = cable.expect("every indexed cable reads");
        let url = cable.url.clone();
        assert!(
            store.page(&url).expect("page reads").is_some(),
            "cable {} has no page record",
            cable.id
        );
        found.cables += 1;
        *found.versions.entry(cable.rules.clone()).or_insert(0) += 1;
    }
    found
}

/// Copies the rule folder to `dir` and edits `site`'s rule file with `edit`.
pub fn edited_selectors(dir: &Path, site: &str, edit: impl Fn(&str) -> String) {
    std::fs::create_dir_all(dir).expect("mkdir");
    for entry in std::fs::read_dir(project().join("selectors")).expect("selectors") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            let name = path.file_name().expect("name");
            let text = std::fs::read_to_string(&path).expect("rule file");
            let text = if name.to_string_lossy() == format!("{site}.toml") {
                let edited = edit(&text);
                assert_ne!(edited, text, "the edit must change the rule file");
                edited
            } else {
                text
            };
            std::fs::write(dir.join(name), text).expect("write rule file");
        }
    }
}

/// An edit of the WikiLeaks rule that changes cables: links are dropped, so the TAGS line
/// (written as links) loses its tags and the metadata table its origin link.
pub fn drop_links(text: &str) -> String {
    text.replace(
        "drop = [\"a[href*='#par']\", \"a[id^='par']\", \"a[name^='par']\"]",
        "drop = [\"a[href*='#par']\", \"a[id^='par']\", \"a[name^='par']\", \"a\"]",
    )
}

/// An edit that changes the rule's version and nothing it does.
pub fn comment_only(text: &str) -> String {
    format!("{text}\n# edited: a comment changes the version, not the cables\n")
}

/// The cablegate fixture mirror ingested into a fresh store: (temp folder, database).
/// The mirror itself is `<temp folder>/site`.
pub fn ingested_cablegate_mirror() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mirror = dir.path().join("site");
    cablegate_mirror(&mirror);
    let db = dir.path().join("db");
    json(&[
        "--db",
        path_str(&db),
        "ingest",
        path_str(&mirror),
        "--site",
        CABLEGATE,
        "--json",
    ]);
    (dir, db)
}

/// A database holding the WikiLeaks, Scoop and cablegatesearch.net mirrors.
pub struct Filled {
    _dir: tempfile::TempDir,
    pub root: std::path::PathBuf,
    pub db: String,
}

pub fn filled() -> Filled {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path().to_path_buf();
    cablegate_mirror(&root.join("cablegate"));
    scoop_mirror(&root.join("scoop"));
    cablegatesearch_mirror(&root.join("cgs"));
    let db = path_str(&root.join("db")).to_string();
    for (folder, site) in [
        ("cablegate", CABLEGATE),
        ("scoop", SCOOP),
        ("cgs", CABLEGATESEARCH),
    ] {
        let mirror = root.join(folder);
        json(&[
            "--db",
            &db,
            "ingest",
            path_str(&mirror),
            "--site",
            site,
            "--json",
        ]);
    }
    Filled {
        _dir: dir,
        root,
        db,
    }
}
