//! Malformed and hostile pages never panic the cleaner: they clean to a cable or to a
//! typed reject, whatever the bytes, and in time linear in their size.

use std::collections::HashMap;
use std::path::Path;
use std::time::Instant;

use super::shapes::{Expect, Frame, SHAPES, Shape, Site};

use cablestrip::clean::clean;
use cablestrip::model::Page;
use cablestrip::model::PageUrl;
use cablestrip::rules::{RuleSet, UrlKind};

/// Pieces that real and broken pages are made of, mixed at random.
const PIECES: &[&str] = &[
    "<div class='pane big'>",
    "</div>",
    "<code><pre>",
    "</pre></code>",
    "<pre>",
    "&#x000A;",
    "&#x0;",
    "&#xFFFFFFFF;",
    "&amp",
    "&",
    "<",
    ">",
    "<<Israel>>",
    "<_x>",
    "</table>",
    "<br>",
    "<br/>",
    "<p>",
    "<h3>Viewing cable 09X1, ",
    "</h3>",
    "<table class='cable'><tr><td>",
    "</td></tr></table>",
    "SUBJECT: ",
    "TAGS: ",
    "C O N F I D E N T I A L VALLETTA 000123\n",
    "O 231207Z DEC 08\n",
    "DE RUEHMO #3728/01 3581207\n",
    "PAGE 02 ATHENS 02959 171944Z\n",
    "<script>",
    "</script>",
    "<!--",
    "-->",
    "<?xml encoding='utf-16'?>",
    "<meta charset=x-unknown>",
    "\u{0}",
    "\u{feff}",
    "\u{fffd}",
    "¶",
    "<a href='#par1'>",
    "</a>",
    "<div id='article'>",
    "<div id=\"tagged-text\">",
    "<div class=\"cable-body\">",
    "© Scoop Media",
    "\n",
    " ",
    "\t",
    "é",
    "\u{202e}",
];

/// A small deterministic generator, so a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

#[test]
fn random_pages_clean_or_reject_without_panicking() {
    let rules = RuleSet::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors"))
        .expect("rules load");
    let cable_urls = [
        "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html",
        "https://search.wikileaks.org/plusd/cables/1974ATHENS02959_b.html",
        "https://www.scoop.co.nz/stories/WL0812/S00917.htm",
        "https://www.cablegatesearch.net/cable.php?id=08MOSCOW3728",
    ];
    let mut random = Lcg(0x5eed);
    let mut outcomes = [0usize; 2];
    for round in 0..600 {
        let url = PageUrl::parse(cable_urls[round % cable_urls.len()]).expect("url");
        let rule = rules.rule_for_url(&url).expect("rule");
        assert!(matches!(rule.classify(&url), UrlKind::Cable { .. }));
        let mut bytes = Vec::new();
        for _ in 0..random.next() % 300 {
            if random.next() % 7 == 0 {
                bytes.push((random.next() % 256) as u8);
            } else {
                bytes.extend_from_slice(PIECES[random.next() % PIECES.len()].as_bytes());
            }
        }
        let content_type = [
            "text/html; charset=utf-8",
            "text/html; charset=windows-1252",
            "text/html; charset=bogus",
            "",
        ][random.next() % 4];
        let page = Page {
            content_type: Some(content_type.to_string()),
            ..Page::from_bytes(url, bytes)
        };
        outcomes[usize::from(clean(&page, rule).is_ok())] += 1;
    }
    assert_eq!(outcomes.iter().sum::<usize>(), 600);
}

#[test]
fn a_huge_flat_page_and_a_deep_one_are_handled() {
    let rules = RuleSet::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors"))
        .expect("rules load");
    let url = PageUrl::parse("https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html")
        .expect("url");
    let rule = rules.rule_for_url(&url).expect("rule");
    let deep = format!(
        "<div class='pane big'><code>{}</code></div>",
        "<div>".repeat(200_000)
    );
    let flat = format!(
        "<div class='pane big'><code><pre>x</pre></code><code><pre>{}</pre></code></div>",
        "<<x>> &amp R&D; ".repeat(20_000)
    );
    for (body, expected) in [(deep, "too-deep"), (flat, "not-a-cable")] {
        let reject = clean(&Page::from_bytes(url.clone(), body.into_bytes()), rule)
            .expect_err("no cable here");
        assert_eq!(reject.kind(), expected, "{reject}");
    }
}

/// How many times a normal page's clean time a hostile page of the same size may take.
/// The shapes measured before they were dealt with took 20 to 10,000 times as long at the
/// sizes used here, and more the larger the page.
const MULTIPLE: f64 = 5.0;

/// The same for a page that is little but tags ([`Shape::dense`]): such a page holds some
/// 30 times the nodes of a cable page of its size, and the HTML parser alone spends 10 to
/// 15 times as long on it per byte; still linear.
const DENSE_MULTIPLE: f64 = 25.0;

/// How many times its clean time at a quarter of the size a page may take: 4 for time
/// linear in the page, 16 for time growing with its square.
const GROWTH: f64 = 10.0;

/// Rounds of measuring a shape beside its normal page before a bound counts as missed:
/// a busy machine (other tests run beside this one) only ever makes a clean slower, so the
/// quickest time of each page over the rounds is the one compared.
const ROUNDS: usize = 6;

/// A page to clean, with its rule, and its quickest clean so far.
struct Cleaning<'a> {
    page: Page,
    rule: &'a cablestrip::rules::Rule,
    quickest: f64,
}

impl Cleaning<'_> {
    /// Cleans the page once more: what cleaning gave, and the quickest time so far.
    fn time(&mut self) -> (Result<(), &'static str>, f64) {
        let started = Instant::now();
        let outcome = clean(&self.page, self.rule)
            .map(|_| ())
            .map_err(|r| r.kind());
        self.quickest = self.quickest.min(started.elapsed().as_secs_f64());
        (outcome, self.quickest)
    }
}

/// Every shape of `tests/clean/shapes.rs`, cleaned at its test size and at a quarter of
/// it, beside a normal page of the same site and size, all in this run: each gives what
/// it should, within [`MULTIPLE`] (or [`DENSE_MULTIPLE`]) times the normal page's time,
/// and within [`GROWTH`] times its own time at a quarter of the size.
#[test]
fn every_hostile_shape_cleans_or_is_refused_in_time_linear_in_its_size() {
    let project = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rules = RuleSet::load_dir(&project.join("selectors")).expect("rules load");
    let cleaning = |site: Site, html: String| {
        let frame = Frame::of(site, project);
        let url = PageUrl::parse(frame.url).expect("a fixture URL");
        Cleaning {
            page: Page::from_bytes(url, html.into_bytes()),
            rule: rules.rule(frame.site).expect("the site's rule"),
            quickest: f64::MAX,
        }
    };
    let mut normals = HashMap::new();
    let mut report = Vec::new();
    let mut failed = false;
    for shape in SHAPES {
        let Shape { site, test_kb, .. } = *shape;
        let frame = Frame::of(site, project);
        let bytes = test_kb * 1024;
        let normal = normals.entry((site, test_kb)).or_insert_with(|| {
            let mut normal = cleaning(site, frame.normal(bytes));
            for _ in 0..2 {
                assert_eq!(
                    normal.time().0,
                    Ok(()),
                    "a normal page of {test_kb} KB cleans"
                );
            }
            normal
        });
        let bound = if shape.dense {
            DENSE_MULTIPLE
        } else {
            MULTIPLE
        };
        let mut small = cleaning(site, frame.with(&(shape.payload)(bytes / 4)));
        let mut large = cleaning(site, frame.with(&(shape.payload)(bytes)));
        let expected = match shape.expect {
            Expect::Cable => Ok(()),
            Expect::Reject(kind) => Err(kind),
        };
        let mut line = String::new();
        let mut ok = false;
        for _ in 0..ROUNDS {
            let (_, normal_time) = normal.time();
            let (_, small_time) = small.time();
            let (outcome, took) = large.time();
            let (ratio, growth) = (took / normal_time, took / small_time);
            ok = ratio <= bound && growth <= GROWTH && outcome == expected;
            line = format!(
                "{:36} {test_kb:4} KB {:7.1} ms = {ratio:4.1} × normal (≤ {bound}), {growth:4.1} × at a quarter (≤ {GROWTH}); {outcome:?}{}",
                shape.name,
                took * 1e3,
                if outcome == expected {
                    String::new()
                } else {
                    format!(", expected {expected:?}")
                },
            );
            if ok || outcome != expected {
                break;
            }
        }
        failed |= !ok;
        report.push(format!("{}{line}", if ok { "   " } else { "✗  " }));
    }
    // Shown with `--nocapture`, and on failure.
    eprintln!("{}", report.join("\n"));
    assert!(!failed, "\n{}", report.join("\n"));
}
