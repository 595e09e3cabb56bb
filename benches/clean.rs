//! Cleaning throughput on real saved pages, beside a bare `scraper::Html::parse_document`
//! of the same pages: the bar is that cleaning keeps at least 70 % of the bare parse's
//! throughput. Both run on one thread over the same bytes.
//!
//! Pages: the Cable Viewer mirror at `../shared/corpus/cablegate-2010-12/site/cable` when
//! it exists (set `CABLESTRIP_BENCH_PAGES` to use another folder), else the project's own
//! fixture pages.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cablestrip::clean::clean;
use cablestrip::mirror;
use cablestrip::model::{Page, PageUrl};
use cablestrip::rules::RuleSet;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

const SITE: &str = "cablegate.wikileaks.org";

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

fn pages() -> (String, Vec<(PageUrl, Vec<u8>)>) {
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

fn bench_clean(c: &mut Criterion) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = RuleSet::load_dir(&root.join("selectors")).expect("the rule files load");
    let rule = rules.rule(SITE).expect("the cablegate rule exists");
    let (label, pages) = pages();
    let bytes: u64 = pages.iter().map(|(_, b)| b.len() as u64).sum();
    let prepared: Vec<Page> = pages
        .iter()
        .map(|(url, b)| Page::from_bytes(url.clone(), b.clone()))
        .collect();
    let cables = prepared.iter().filter(|p| clean(p, rule).is_ok()).count();
    eprintln!(
        "{label}: {} pages, {bytes} bytes, {cables} clean to cables",
        pages.len()
    );

    let mut group = c.benchmark_group("clean");
    group.throughput(Throughput::Elements(pages.len() as u64));
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(2));
    group.measurement_time(Duration::from_secs(12));
    group.bench_function("bare_parse", |b| {
        b.iter(|| {
            let mut nodes = 0;
            for (_, bytes) in &pages {
                let text = String::from_utf8_lossy(bytes);
                nodes += scraper::Html::parse_document(&text).tree.nodes().len();
            }
            nodes
        });
    });
    group.bench_function("clean", |b| {
        b.iter(|| {
            prepared
                .iter()
                .filter(|page| clean(page, rule).is_ok())
                .count()
        });
    });
    group.finish();
}

criterion_group!(benches, bench_clean);
criterion_main!(benches);
