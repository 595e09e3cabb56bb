//! The saved pages the cleaning benchmarks read: the Cable Viewer mirror at
//! `../shared/corpus/cablegate-2010-12/site/cable` when it exists (set
//! `CABLESTRIP_BENCH_PAGES` to use another folder), else the project's own fixture pages.

use std::path::{Path, PathBuf};

use cablestrip::mirror;
use cablestrip::model::PageUrl;
use cablestrip::rules::RuleSet;

/// The site whose pages are read.
pub const SITE: &str = "cablegate.wikileaks.org";

/// The fixture pages of the site laid out as a saved mirror, each at its case's URL path.
fn fixture_mirror(root: &Path) -> tempfile::TempDir {
    let mirror = tempfile::tempdir().expect("a temporary folder");
    for entry in std::fs::read_dir(root.join("fixtures").join(SITE)).expect("fixtures") {
        let page = entry.expect("a fixture file").path();
        let Ok(case) = std::fs::read_to_string(page.with_extension("toml")) else {
            continue;
        };
        if page.extension().is_none_or(|e| e != "html") {
            continue;
        }
        let case: toml::Table = toml::from_str(&case).expect("a case file is TOML");
        let url = case["url"].as_str().expect("a case has a url");
        let path = PageUrl::parse(url)
            .expect("a case's url is a page URL")
            .path()
            .to_string();
        let target = mirror.path().join(path.trim_start_matches('/'));
        std::fs::create_dir_all(target.parent().expect("a page's folder")).expect("mkdir");
        std::fs::copy(&page, &target).expect("copy a fixture page");
    }
    mirror
}

/// Where the pages came from (for the report), and each page's URL and bytes.
pub fn pages() -> (String, Vec<(PageUrl, Vec<u8>)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = RuleSet::load_dir(&root.join("selectors")).expect("the rule files load");
    let rule = rules.rule(SITE).expect("the cablegate rule exists");
    let corpus = root.join("../shared/corpus/cablegate-2010-12/site");
    let mut _fixtures = None;
    let (label, dir, mirror_root): (String, PathBuf, PathBuf) =
        match std::env::var_os("CABLESTRIP_BENCH_PAGES") {
            Some(dir) => (
                "CABLESTRIP_BENCH_PAGES".into(),
                PathBuf::from(&dir),
                PathBuf::from(dir),
            ),
            None if corpus.is_dir() => ("corpus".into(), corpus.join("cable"), corpus),
            None => {
                let mirror = fixture_mirror(root);
                let dir = mirror.path().to_path_buf();
                _fixtures = Some(mirror);
                ("fixtures".into(), dir.clone(), dir)
            }
        };
    let mut loaded = Vec::new();
    let base = mirror::base_url(rule, None).expect("the rule's host makes a URL");
    let plan = mirror::plan(&mirror_root, rule, &base).expect("the page folder is readable");
    for file in plan.files {
        if file.path.starts_with(&dir) {
            loaded.push((
                file.url,
                std::fs::read(&file.path).expect("a page is readable"),
            ));
        }
    }
    assert!(!loaded.is_empty(), "no pages under {}", dir.display());
    (label, loaded)
}
