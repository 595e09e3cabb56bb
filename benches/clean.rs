//! Cleaning throughput on real saved pages, beside a bare `scraper::Html::parse_document`
//! of the same pages: the bar is that cleaning keeps at least 70 % of the bare parse's
//! throughput. Both run on one thread over the same bytes.
//!
//! Pages: the Cable Viewer mirror at `../shared/corpus/cablegate-2010-12/site/cable` when
//! it exists (set `CABLESTRIP_BENCH_PAGES` to use another folder), else the project's own
//! fixture pages.

use std::path::{Path, PathBuf};
use std::time::Duration;

use cablestrip::clean::clean_with;
use cablestrip::eval::mirror_pages;
use cablestrip::model::Page;
use cablestrip::rules::RuleSet;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use url::Url;

const SITE: &str = "cablegate.wikileaks.org";

fn pages() -> (String, Vec<(Url, Vec<u8>)>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = RuleSet::load_dir(&root.join("selectors")).expect("the rule files load");
    let rule = rules.rule(SITE).expect("the cablegate rule exists");
    let corpus = root.join("../shared/corpus/cablegate-2010-12/site");
    let (label, dir, mirror_root): (String, PathBuf, PathBuf) =
        match std::env::var_os("CABLESTRIP_BENCH_PAGES") {
            Some(dir) => (
                "CABLESTRIP_BENCH_PAGES".into(),
                PathBuf::from(&dir),
                PathBuf::from(dir),
            ),
            None if corpus.is_dir() => ("corpus".into(), corpus.join("cable"), corpus),
            None => (
                "fixtures".into(),
                root.join("fixtures").join(SITE),
                root.join("fixtures").join(SITE),
            ),
        };
    let mut loaded = Vec::new();
    for (path, url) in mirror_pages(&mirror_root, rule).expect("the page folder is readable") {
        if path.starts_with(&dir) {
            loaded.push((url, std::fs::read(&path).expect("a page is readable")));
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
    let cables = prepared
        .iter()
        .filter(|p| clean_with(p, rule).is_ok())
        .count();
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
                .filter(|page| clean_with(page, rule).is_ok())
                .count()
        });
    });
    group.finish();
}

criterion_group!(benches, bench_clean);
criterion_main!(benches);
