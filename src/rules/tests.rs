//! Tests of rule files: compiling, versions, and the errors a bad file gets.

use super::*;
use crate::model::{HostKey, PageUrl};

const MINIMAL: &str = r#"
[site]
name = "example.org"
hosts = ["www.example.org", "Example.ORG:8080"]

[urls]
cable = ['^/cable/(?<id>\w+)\.html$']
follow = ['^/list/']

[extract]
body = { select = "div.cable > pre" }
"#;

fn compile(text: &str) -> Result<Rule, RuleError> {
    Rule::compile(
        RuleOrigin::File("selectors/example.org.toml".into()),
        "example.org",
        text,
    )
}

#[test]
fn a_minimal_rule_compiles_with_defaults() {
    let rule = compile(MINIMAL).expect("valid rule");
    let hosts: Vec<&str> = rule.hosts.iter().map(HostKey::as_str).collect();
    assert_eq!(hosts, ["www.example.org", "example.org:8080"]);
    assert_eq!(rule.rate, DEFAULT_RATE);
    assert!(
        rule.version.starts_with("example.org@") && rule.version.len() == "example.org@".len() + 12
    );
    let url = |s: &str| PageUrl::parse(s).expect("url");
    assert_eq!(
        rule.classify(&url("https://www.example.org/cable/08X1.html")),
        UrlKind::Cable {
            id: Some("08X1".into())
        }
    );
    assert_eq!(
        rule.classify(&url("https://www.example.org/list/2")),
        UrlKind::Follow
    );
    assert_eq!(
        rule.classify(&url("https://www.example.org/about")),
        UrlKind::Other
    );
}

#[test]
fn the_version_follows_the_content() {
    let a = compile(MINIMAL).expect("valid");
    let b = compile(&format!("{MINIMAL}\n# a comment\n")).expect("valid");
    assert_ne!(a.version, b.version);
}

fn error_text(text: &str) -> String {
    compile(text).expect_err("should be refused").to_string()
}

#[test]
fn an_unknown_key_names_the_file_line_and_key() {
    let message = error_text(&MINIMAL.replace("[extract]", "[extract]\nbdoy = 1"));
    assert!(message.contains("selectors/example.org.toml"), "{message}");
    assert!(
        message.contains("bdoy") && message.contains("line 11"),
        "{message}"
    );
    assert!(message.contains("fix:"), "{message}");
}

#[test]
fn a_bad_selector_names_its_line_and_the_fix() {
    let message = error_text(&MINIMAL.replace("div.cable > pre", "div..cable >"));
    assert!(
        message.starts_with("selectors/example.org.toml:11: `extract.body.select`"),
        "{message}"
    );
    assert!(
        message.contains("not a valid CSS selector") && message.contains("fix:"),
        "{message}"
    );
}

#[test]
fn a_bad_regex_names_its_line_and_the_fix() {
    let message = error_text(&MINIMAL.replace("'^/list/'", "'^/list/(unclosed'"));
    assert!(
        message.starts_with("selectors/example.org.toml:8: `urls.follow`"),
        "{message}"
    );
    assert!(message.contains("not a valid regex"), "{message}");
}

#[test]
fn a_bad_whitespace_mode_is_refused() {
    let message = error_text(&MINIMAL.replace(
        "div.cable > pre\" }",
        "div.cable > pre\", whitespace = \"pre-wrap\" }",
    ));
    assert!(
        message.contains("extract.body.whitespace") && message.contains("pre-line"),
        "{message}"
    );
}

#[test]
fn a_name_that_differs_from_the_file_is_refused() {
    let message = error_text(&MINIMAL.replace("name = \"example.org\"", "name = \"other.org\""));
    assert!(
        message.contains(":3:") && message.contains("other.org"),
        "{message}"
    );
}

#[test]
fn bad_hosts_and_rates_are_refused() {
    assert!(
        error_text(&MINIMAL.replace("\"www.example.org\", ", "\"https://www.example.org/\", "))
            .contains("not a host")
    );
    assert!(error_text(&format!("{MINIMAL}\n[crawl]\nrate = -1.0\n")).contains("crawl.rate"));
    assert!(
        error_text(&format!("{MINIMAL}\n[crawl]\nconcurrency = 0\n")).contains("crawl.concurrency")
    );
}

#[test]
fn two_files_claiming_one_host_are_refused() {
    let a = compile(MINIMAL).expect("valid");
    let other = MINIMAL.replace("name = \"example.org\"", "name = \"other.org\"");
    let b = Rule::compile(
        RuleOrigin::File("selectors/other.org.toml".into()),
        "other.org",
        &other,
    )
    .expect("valid");
    let message = RuleSet::from_rules(vec![a, b])
        .expect_err("duplicate host")
        .to_string();
    assert!(
        message.contains("www.example.org") && message.contains("other.org.toml"),
        "{message}"
    );
}

#[test]
fn host_map_sends_a_mirror_to_a_site() {
    let mut set = RuleSet::from_rules(vec![compile(MINIMAL).expect("valid")]).expect("set");
    let local = PageUrl::parse("http://127.0.0.1:8000/cable/08X1.html").expect("url");
    assert!(set.rule_for_url(&local).is_none());
    set.map_host("127.0.0.1:8000", "example.org").expect("map");
    assert_eq!(
        set.rule_for_url(&local).map(|r| r.name.as_str()),
        Some("example.org")
    );
    assert!(
        set.map_host("127.0.0.1:8000", "nowhere.org")
            .expect_err("unknown site")
            .to_string()
            .contains("known sites: example.org")
    );
}

#[test]
fn the_builtin_list_matches_the_selectors_folder() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("selectors");
    let mut on_disk: Vec<String> = std::fs::read_dir(&folder)
        .expect("selectors/ exists")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".toml"))
        .collect();
    on_disk.sort();
    let mut built_in: Vec<String> = BUILTIN_RULE_FILES
        .iter()
        .map(|(name, _)| name.to_string())
        .collect();
    built_in.sort();
    assert_eq!(
        on_disk, built_in,
        "add every selectors/*.toml to src/rules/builtin.rs"
    );
    for (name, text) in BUILTIN_RULE_FILES {
        assert_eq!(
            std::fs::read_to_string(folder.join(name)).expect("readable"),
            *text
        );
    }
    RuleSet::builtin().expect("the built-in rules compile");
}

fn with_cable_url(template: &str) -> String {
    MINIMAL.replace(
        "follow = ['^/list/']",
        &format!("follow = ['^/list/']\ncable_url = '{template}'"),
    )
}

#[test]
fn a_cable_url_template_makes_the_page_of_an_id() {
    let rule = compile(&with_cable_url("https://www.example.org/cable/{id}.html")).expect("valid");
    let id = crate::model::CableId::parse("1974ATHENS02959_b").expect("id");
    let url = rule.cable_url_for(&id, None).expect("a URL");
    assert_eq!(
        url.as_str(),
        "https://www.example.org/cable/74ATHENS2959.html"
    );
    assert!(rule.is_cable_url(&url));
    let other = PageUrl::parse("https://www.example.org/list/74ATHENS2959.html").expect("url");
    assert!(!rule.is_cable_url(&other));
    assert!(
        compile(MINIMAL)
            .expect("valid")
            .cable_url_for(&id, None)
            .is_none()
    );
}

#[test]
fn a_dated_template_takes_the_cables_year_and_month() {
    let text = MINIMAL
        .replace("(?<id>\\w+)", "\\d{4}/\\d{2}/(?<id>\\w+)")
        .replace(
            "follow = ['^/list/']",
            "follow = ['^/list/']\ncable_url = 'https://www.example.org/cable/{year}/{month}/{id}.html'",
        );
    let rule = compile(&text).expect("valid");
    let template = rule.cable_url.as_ref().expect("template");
    assert!(template.needs_date());
    let id = crate::model::CableId::parse("09VALLETTA123").expect("id");
    assert!(rule.cable_url_for(&id, None).is_none(), "no date, no URL");
    let date = YearMonth::of_date("2009-03-11T16:38:00Z");
    assert_eq!(
        date,
        Some(YearMonth {
            year: 2009,
            month: 3
        })
    );
    assert_eq!(
        rule.cable_url_for(&id, date).map(|u| u.to_string()),
        Some("https://www.example.org/cable/2009/03/09VALLETTA123.html".to_string())
    );
    assert_eq!(YearMonth::of_date("2009-13-01"), None);
    assert_eq!(YearMonth::of_date("11 March 2009"), None);
}

#[test]
fn a_bad_cable_url_template_names_its_line_problem_and_fix() {
    for (template, says) in [
        (
            "https://www.example.org/cable/{ID}.html",
            "`{ID}` is not a placeholder",
        ),
        ("https://www.example.org/cable/{id.html", "stands alone"),
        ("https://www.example.org/cable/latest.html", "has no `{id}`"),
        ("{id}", "does not begin with the site's address"),
        ("https://{id}.example.org/", "before the path begins"),
        (
            "https://other.example/cable/{id}.html",
            "`other.example`, which `site.hosts` does not list",
        ),
        (
            "https://www.example.org/cables/{id}.html",
            "no `urls.cable` pattern takes",
        ),
        (
            "https://www.example.org/cable/{id}x.html",
            "no `urls.cable` pattern takes",
        ),
    ] {
        let message = error_text(&with_cable_url(template));
        assert!(
            message.starts_with("selectors/example.org.toml:9: `urls.cable_url`"),
            "{template}: {message}"
        );
        assert!(message.contains(says), "{template}: {message}");
        assert!(message.contains("fix:"), "{template}: {message}");
    }
}
