//! Cleaning throughput on real saved pages, beside a bare `scraper::Html::parse_document`
//! of the same pages: the bar is that cleaning keeps at least 70 % of the bare parse's
//! throughput. Both run on one thread over the same bytes.
//!
//! Pages: the Cable Viewer mirror at `../shared/corpus/cablegate-2010-12/site/cable` when
//! it exists (set `CABLESTRIP_BENCH_PAGES` to use another folder), else the project's own
//! fixture pages.

mod pages;

use std::path::Path;
use std::time::Duration;

use cablestrip::clean::clean;
use cablestrip::model::Page;
use cablestrip::rules::RuleSet;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use pages::{SITE, pages};

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
