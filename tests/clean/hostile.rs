//! Malformed and hostile pages never panic the cleaner: they clean to a cable or to a
//! typed reject, whatever the bytes.

use std::path::Path;

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
        "<<x>> &amp R&D; ".repeat(60_000)
    );
    for (body, expected) in [(deep, "too-deep"), (flat, "not-a-cable")] {
        let reject = clean(&Page::from_bytes(url.clone(), body.into_bytes()), rule)
            .expect_err("no cable here");
        assert_eq!(reject.kind(), expected, "{reject}");
    }
}
