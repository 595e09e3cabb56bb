//! Where cleaning's time goes, stage by stage, beside a bare `scraper::Html::parse_document`
//! of the same pages: decoding, the bare-markup repair, the hostile-page guard's pass, the
//! parse fed in slices under its budget, and the work on the parsed page (selectors, text,
//! edges, metadata, gate). Every stage runs over all pages once a round, the rounds
//! interleaved, and the quickest round of each is reported: a busy machine only ever makes
//! a round slower, and hits every stage alike.
//!
//! `cargo bench --bench stages` (`CABLESTRIP_BENCH_ROUNDS`, default 6, sets the rounds).
//! Pages as for the `clean` bench.

mod pages;

use std::path::Path;
use std::time::Instant;

use cablestrip::clean::{budget, clean, clean_parsed, decode, guard, parse, repair};
use cablestrip::model::Page;
use cablestrip::rules::RuleSet;
use pages::{SITE, pages};

/// One stage: its name, and one pass of it over every page (returning something the
/// compiler cannot drop).
type Stage<'a> = (&'static str, Box<dyn Fn() -> usize + 'a>);

fn main() {
    // `cargo bench` passes `--bench`; any other argument asks for nothing here.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = RuleSet::load_dir(&root.join("selectors")).expect("the rule files load");
    let rule = rules.rule(SITE).expect("the cablegate rule exists");
    let (label, loaded) = pages();
    let pages: Vec<Page> = loaded
        .into_iter()
        .map(|(url, bytes)| Page::from_bytes(url, bytes))
        .collect();
    let texts: Vec<String> = pages
        .iter()
        .map(|page| {
            decode::decode(&page.body, page.content_type.as_deref())
                .text
                .into_owned()
        })
        .collect();
    let parsed: Vec<_> = pages
        .iter()
        .map(|page| parse(page, rule).expect("a mirror page parses"))
        .collect();
    let rounds: usize = std::env::var("CABLESTRIP_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(6);
    let bytes: usize = pages.iter().map(|p| p.body.len()).sum();
    println!(
        "{label}: {} pages, {bytes} bytes; quickest of {rounds} rounds",
        pages.len()
    );

    let stages: Vec<Stage<'_>> = vec![
        (
            "bare scraper parse",
            Box::new(|| {
                pages
                    .iter()
                    .map(|p| {
                        let text = String::from_utf8_lossy(&p.body);
                        scraper::Html::parse_document(&text).tree.nodes().len()
                    })
                    .sum()
            }),
        ),
        (
            "decode",
            Box::new(|| {
                pages
                    .iter()
                    .map(|p| {
                        decode::decode(&p.body, p.content_type.as_deref())
                            .text
                            .len()
                    })
                    .sum()
            }),
        ),
        (
            "repair bare markup",
            Box::new(|| {
                texts
                    .iter()
                    .map(|t| repair::repair_bare_markup(t).len())
                    .sum()
            }),
        ),
        (
            "guard's pass",
            Box::new(|| texts.iter().filter(|t| guard::check(t).is_ok()).count()),
        ),
        (
            "parse in slices, budgeted",
            Box::new(|| {
                texts
                    .iter()
                    .map(|t| budget::parse(t).map_or(0, |html| html.tree.nodes().len()))
                    .sum()
            }),
        ),
        (
            "the parsed page's work",
            Box::new(|| {
                pages
                    .iter()
                    .zip(&parsed)
                    .filter(|(page, html)| clean_parsed(page, rule, html).is_ok())
                    .count()
            }),
        ),
        (
            "clean (all of it)",
            Box::new(|| pages.iter().filter(|p| clean(p, rule).is_ok()).count()),
        ),
    ];
    let mut quickest = vec![f64::MAX; stages.len()];
    for _ in 0..rounds {
        for ((_, pass), best) in stages.iter().zip(&mut quickest) {
            let started = Instant::now();
            std::hint::black_box(pass());
            *best = best.min(started.elapsed().as_secs_f64());
        }
    }
    let bare = quickest[0];
    for ((name, _), seconds) in stages.iter().zip(&quickest) {
        println!(
            "{name:28} {:8.1} ms a pass  {:5.1} % of the bare parse's time",
            seconds * 1e3,
            seconds / bare * 100.0
        );
    }
    let clean_time = quickest[quickest.len() - 1];
    println!(
        "clean keeps {:.0} % of the bare parse's throughput",
        bare / clean_time * 100.0
    );
}
