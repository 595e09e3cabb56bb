//! Cross-checking: a store holding one cable from two sites agrees when both rules are
//! sound, and names exactly the leaking site and lines when one rule lets chrome through.

use std::path::Path;

use cablestrip::model::Page;
use cablestrip::model::PageUrl;
use cablestrip::pipeline::{self, Arrival, Fetched};
use cablestrip::rules::RuleSet;
use cablestrip::store::{ReplacePolicy, Store};
use cablestrip::verify::{Position, verify_store};

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The cablegate fixture's cable as cablegatesearch.net shows it (the layout of August
/// 2011): header and text with literal newlines in div#cable-header and div.cable-body,
/// the "Hide header" toggle glued to the first line, `¶N. ` permalinks, and, since the
/// cable was dropped from a later release, the webmaster's note above the text.
fn cablegatesearch_page(header: &str, body: &str) -> String {
    let paragraphs: Vec<String> = body
        .lines()
        .map(|line| {
            let escaped = escape(line);
            match escaped.split_once(". ") {
                Some((number, rest))
                    if !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit()) =>
                {
                    let anchor = format!("para-225071-{number}");
                    format!(
                        "<a id=\"{anchor}\" href=\"cable.php?id=09VALLETTA123#{anchor}\">&para;{number}. </a>{rest}"
                    )
                }
                _ => escaped,
            }
        })
        .collect();
    format!(
        "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1252\">\
         <title>Cable reference id: #09VALLETTA123</title></head><body>\n<h1>Cable reference id: #09VALLETTA123</h1>\n\
         <div id=\"main\"><div id=\"cable\"><div id=\"cableid-225071\"></div><div class=\"cable-content\">\
         <div id=\"cable-header\">{}</div><div class=\"cable-body\"><span class=\"toggleHeader\">Hide header</span>\
         <span class=\"webmaster-comment\">[Removed from an earlier Cablegate release]</span>\n\n{}\n</div></div></div>\n\
         <div id=\"disqus_section\"><p>Reader comment: a fine cable.</p></div></div></body></html>",
        escape(header),
        paragraphs.join("\n")
    )
}

fn store_both(selectors: &Path, db: &Path) -> Store {
    let rules = RuleSet::load_dir(selectors).expect("rules load");
    let store = Store::open(db).expect("store opens");
    let fixtures = project().join("fixtures/cablegate.wikileaks.org");
    let read = |name: &str| std::fs::read_to_string(fixtures.join(name)).expect("fixture");
    let pages = [
        (
            "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html",
            std::fs::read(fixtures.join("standard.html")).expect("fixture"),
        ),
        (
            "https://www.cablegatesearch.net/cable.php?id=09VALLETTA123",
            cablegatesearch_page(&read("standard.header.txt"), &read("standard.body.txt"))
                .into_bytes(),
        ),
    ];
    for (url, bytes) in pages {
        let url = PageUrl::parse(url).expect("url");
        let rule = rules.rule_for_url(&url).expect("a rule covers the host");
        let arrival = Arrival::Fetched(Fetched {
            page: Page::from_bytes(url, bytes),
            etag: None,
            last_modified: None,
            headers: Vec::new(),
            fetched_at: jiff::Timestamp::UNIX_EPOCH,
            document: None,
        });
        let options = pipeline::Options {
            policy: ReplacePolicy::KeepPrevious,
            dry_run: false,
        };
        let stored = pipeline::process(&store, rule, arrival, &options).expect("stored");
        assert!(stored.reject.is_none(), "{:?}", stored.reject);
    }
    store
}

#[test]
fn two_sound_sites_agree_on_a_cable() {
    let temp = tempfile::tempdir().expect("temp dir");
    let store = store_both(&project().join("selectors"), &temp.path().join("db"));
    let report = verify_store(&store).expect("verify");
    assert_eq!(report.cables_compared, 1);
    assert_eq!(report.cables_agreeing, 1, "{:#?}", report.findings);
}

#[test]
fn a_leaking_rule_is_named_with_exactly_its_lines() {
    let temp = tempfile::tempdir().expect("temp dir");
    let selectors = temp.path().join("selectors");
    std::fs::create_dir(&selectors).expect("mkdir");
    for entry in std::fs::read_dir(project().join("selectors")).expect("selectors") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "toml") {
            std::fs::copy(&path, selectors.join(path.file_name().expect("name"))).expect("copy");
        }
    }
    let leaking = selectors.join("www.cablegatesearch.net.toml");
    let text = std::fs::read_to_string(&leaking).expect("rule");
    let without_notes = text.replace("\".webmaster-comment\", ", "");
    assert_ne!(text, without_notes, "the rule drops .webmaster-comment");
    std::fs::write(&leaking, without_notes).expect("write");

    let store = store_both(&selectors, &temp.path().join("db"));
    let report = verify_store(&store).expect("verify");
    assert_eq!(report.cables_compared, 1);
    assert_eq!(report.findings.len(), 1);
    let runs = &report.findings[0].only_in;
    assert_eq!(runs.len(), 1, "{runs:#?}");
    assert_eq!(runs[0].site, "www.cablegatesearch.net");
    assert_eq!(runs[0].position, Position::Start);
    assert_eq!(
        runs[0].lines,
        ["[Removed from an earlier Cablegate release]"]
    );
    assert_eq!(
        report.sites["cablegate.wikileaks.org"].cables_with_own_text,
        0
    );
}
