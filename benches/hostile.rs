//! Cleaning time of every hostile page shape, each beside a normal page of the same size
//! and site, so that the ratio can be read in one run: criterion reports each as time and
//! throughput (MiB/s), and the end of the run prints a table of milliseconds per megabyte
//! and the ratio to the normal page, read from criterion's own estimates. A bare `scraper`
//! parse of each page that cleans to a cable is measured beside it: how much of its time is
//! the parser's own (a bare parse of the refused pages takes minutes: that is the point).
//!
//! The shapes are those of the hostile-page tests (`tests/clean/shapes.rs`), here at
//! `CABLESTRIP_HOSTILE_KB` kilobytes each (default 1024): pages that made cleaning take
//! time growing faster than the page, most of them minutes for a few megabytes.

#[path = "../tests/clean/shapes.rs"]
mod shapes;

use std::path::Path;
use std::time::Duration;

use cablestrip::clean::clean;
use cablestrip::model::{Page, PageUrl};
use cablestrip::rules::RuleSet;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use shapes::{Expect, Frame, SHAPES, Site};

/// The page size, in bytes.
fn bytes() -> usize {
    std::env::var("CABLESTRIP_HOSTILE_KB")
        .ok()
        .and_then(|kb| kb.parse::<usize>().ok())
        .unwrap_or(1024)
        * 1024
}

fn site_name(site: Site) -> &'static str {
    match site {
        Site::Cablegate => "cablegate",
        Site::Scoop => "scoop",
    }
}

fn bench_hostile(c: &mut Criterion) {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = RuleSet::load_dir(&project.join("selectors")).expect("the rule files load");
    let bytes = bytes();
    let mut group = c.benchmark_group("hostile");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(500));
    group.measurement_time(Duration::from_secs(2));
    let mut rows = Vec::new();
    for site in [Site::Cablegate, Site::Scoop] {
        let frame = Frame::of(site, project);
        let rule = rules.rule(frame.site).expect("the site's rule");
        let url = PageUrl::parse(frame.url).expect("a fixture URL");
        let pages = std::iter::once(("normal", true, frame.normal(bytes))).chain(
            SHAPES
                .iter()
                .filter(|shape| shape.site == site)
                .map(|shape| {
                    let cleans = shape.expect == Expect::Cable;
                    (shape.name, cleans, frame.with(&(shape.payload)(bytes)))
                }),
        );
        for (name, cleans, html) in pages {
            let page = Page::from_bytes(url.clone(), html.into_bytes());
            let id = format!("{}/{name}", site_name(site));
            group.throughput(Throughput::Bytes(page.body.len() as u64));
            group.bench_function(&id, |b| b.iter(|| clean(&page, rule).is_ok()));
            if cleans {
                group.bench_function(format!("{id}/bare"), |b| {
                    b.iter(|| {
                        let text = String::from_utf8_lossy(&page.body);
                        scraper::Html::parse_document(&text).tree.nodes().len()
                    });
                });
            }
            rows.push((site, id, page.body.len(), cleans));
        }
    }
    group.finish();
    print_table(project, &rows);
}

/// Milliseconds per megabyte of each page, cleaned and parsed bare, and their ratios to
/// the normal page of its site, from the estimates criterion saved in this run.
fn print_table(project: &Path, rows: &[(Site, String, usize, bool)]) {
    let dir = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| project.join("target"), Into::into)
        .join("criterion")
        .join("hostile");
    // Criterion names a benchmark's folder after its ID, with `/` made `_`.
    let per_mb = |id: &str, bytes: usize| -> Option<f64> {
        let path = dir.join(id.replace('/', "_")).join("new/estimates.json");
        let estimates: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
        let nanoseconds = estimates["mean"]["point_estimate"].as_f64()?;
        Some(nanoseconds / 1e6 / (bytes as f64 / 1e6))
    };
    println!(
        "\n{:46} {:>10} {:>8} {:>10} {:>8}",
        "page", "clean ms/MB", "× normal", "bare ms/MB", "× normal"
    );
    for site in [Site::Cablegate, Site::Scoop] {
        let mut normal = None;
        for (_, id, bytes, cleans) in rows.iter().filter(|row| row.0 == site) {
            let Some(clean) = per_mb(id, *bytes) else {
                println!("{id:46} (no estimate under {})", dir.display());
                continue;
            };
            let bare = cleans
                .then(|| per_mb(&format!("{id}/bare"), *bytes))
                .flatten();
            let (normal_clean, normal_bare) = *normal.get_or_insert((clean, bare));
            let bare = match (bare, normal_bare) {
                (Some(bare), Some(normal)) => format!("{bare:10.1} {:7.1}x", bare / normal),
                _ => format!("{:>10} {:>8}", "-", "-"),
            };
            println!("{id:46} {clean:10.1} {:7.1}x {bare}", clean / normal_clean);
        }
    }
}

criterion_group!(benches, bench_hostile);
criterion_main!(benches);
