//! The binary as a user meets it: exit statuses, messages that name the problem, and the
//! shape of its output.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn cablestrip(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cablestrip"))
        .args(args)
        .current_dir(project())
        .output()
        .expect("the binary runs")
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn fixture(name: &str) -> PathBuf {
    project()
        .join("fixtures/cablegate.wikileaks.org")
        .join(name)
}

#[test]
fn a_bad_rule_file_stops_everything_with_status_2_and_names_file_line_and_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(project().join("selectors/cablegate.wikileaks.org.toml"))
        .expect("rule");
    let broken = text.replace("body = { select = \"", "body = { select = \"div..broken ");
    let path = dir.path().join("cablegate.wikileaks.org.toml");
    std::fs::write(&path, &broken).expect("write");
    let output = cablestrip(&[
        "--selectors",
        &dir.path().to_string_lossy(),
        "rules",
        "check",
    ]);
    assert_eq!(output.status.code(), Some(2));
    let message = stderr(&output);
    let line = broken
        .lines()
        .position(|l| l.contains("div..broken"))
        .expect("line")
        + 1;
    assert!(
        message.contains(&format!("cablegate.wikileaks.org.toml:{line}:")),
        "{message}"
    );
    assert!(
        message.contains("extract.body.select") && message.contains("fix:"),
        "{message}"
    );
}

#[test]
fn an_unknown_key_is_refused_with_status_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = std::fs::read_to_string(project().join("selectors/cablegate.wikileaks.org.toml"))
        .expect("rule");
    std::fs::write(
        dir.path().join("cablegate.wikileaks.org.toml"),
        text.replace("[chrome]", "[chrome]\ndorp = []"),
    )
    .expect("write");
    let output = cablestrip(&[
        "--selectors",
        &dir.path().to_string_lossy(),
        "rules",
        "check",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("dorp"), "{}", stderr(&output));
}

#[test]
fn clean_json_gives_the_cable_fields_and_rejects_as_objects() {
    let page = fixture("standard.html");
    let index = fixture("index-page.html");
    let output = cablestrip(&[
        "clean",
        "--json",
        "--url",
        "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html",
        &page.to_string_lossy(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let cable: serde_json::Value = serde_json::from_slice(&output.stdout).expect("one JSON object");
    for field in [
        "id",
        "url",
        "site",
        "title",
        "subject",
        "header",
        "body",
        "created",
        "classification",
        "origin",
        "tags",
        "rules",
    ] {
        assert!(cable.get(field).is_some(), "missing {field}: {cable}");
    }
    assert_eq!(cable["site"], "cablegate.wikileaks.org");
    assert!(
        cable["rules"]
            .as_str()
            .expect("rules")
            .starts_with("cablegate.wikileaks.org@")
    );

    let output = cablestrip(&[
        "clean",
        "--json",
        "--site",
        "cablegate.wikileaks.org",
        &index.to_string_lossy(),
    ]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a reject is reported with status 1"
    );
    let reject: serde_json::Value =
        serde_json::from_slice(&output.stdout).expect("one JSON object");
    assert!(
        reject["url"].is_string() && reject["reject"].is_string(),
        "{reject}"
    );
}

#[test]
fn clean_without_url_or_site_names_the_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("page.html");
    std::fs::copy(fixture("standard.html"), &page).expect("copy");
    let output = cablestrip(&["clean", &page.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--url URL or --site SITE"),
        "{}",
        stderr(&output)
    );
}

/// A mirror made of the fixture cable pages, with a truth file written from their expected
/// texts: eval must score it exact, and must notice a truth that differs.
#[test]
fn eval_scores_a_mirror_against_its_truth() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site_dir = dir.path().join("site");
    let mut truth = String::new();
    let mut cases = 0;
    for entry in std::fs::read_dir(fixture("")).expect("fixtures") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".body.txt") else {
            continue;
        };
        let case: toml::Value = toml::from_str(
            &std::fs::read_to_string(fixture(&format!("{stem}.toml"))).expect("case"),
        )
        .expect("toml");
        if case.get("content_type").is_some() {
            continue; // a mirror on disk has no Content-Type header
        }
        let url = url::Url::parse(case["url"].as_str().expect("url")).expect("url");
        let id = case["expect"]["id"].as_str().expect("id").to_string();
        let target = site_dir.join(url.path().trim_start_matches('/'));
        if target.exists() {
            continue; // two cases of one cable (a redesigned page): one is enough
        }
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(fixture(&format!("{stem}.html")), &target).expect("copy");
        let read = |suffix: &str| {
            std::fs::read_to_string(fixture(&format!("{stem}{suffix}"))).unwrap_or_default()
        };
        truth.push_str(&serde_json::json!({"id": id, "header": read(".header.txt"), "body": read(".body.txt")}).to_string());
        truth.push('\n');
        cases += 1;
    }
    assert!(cases >= 3, "need several fixture cables, found {cases}");
    let truth_path = dir.path().join("truth.jsonl");
    std::fs::write(&truth_path, &truth).expect("write truth");
    let args = [
        "eval",
        "--site",
        "cablegate.wikileaks.org",
        "--json",
        "--min-exact",
        "1",
    ];
    let run = |truth: &Path| {
        let mut all: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        all.push(site_dir.to_string_lossy().into_owned());
        all.push(truth.to_string_lossy().into_owned());
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        cablestrip(&refs)
    };
    let output = run(&truth_path);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json report");
    assert_eq!(report["exact"], cases);
    assert_eq!(report["with_chrome"].as_array().map(Vec::len), Some(0));

    let altered = truth.replacen("SIPDIS", "SIPDIS EXTRA", 1);
    assert_ne!(altered, truth, "the fixtures hold SIPDIS");
    std::fs::write(&truth_path, altered).expect("write truth");
    let output = run(&truth_path);
    assert_eq!(
        output.status.code(),
        Some(1),
        "one cable now differs from its truth"
    );
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json report");
    assert_eq!(report["exact"], cases - 1);
}
