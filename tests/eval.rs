//! The eval job: a mirror cleaned and scored against its truth, and the store's cables scored
//! as export writes them.

#[path = "support/mod.rs"]
mod support;

use std::path::Path;

use cablestrip::model::PageUrl;
use support::mirror::*;

/// A mirror made of the fixture cable pages, with a truth file written from their expected
/// texts: eval must score it exact, and must notice a truth that differs.
#[test]
fn eval_scores_a_mirror_against_its_truth() {
    let dir = tempfile::tempdir().expect("temp dir");
    let site_dir = dir.path().join("site");
    let mut truth = String::new();
    let mut cases = 0;
    for entry in std::fs::read_dir(fixture(CABLEGATE, "")).expect("fixtures") {
        let path = entry.expect("entry").path();
        let Some(name) = path.file_name().map(|n| n.to_string_lossy().into_owned()) else {
            continue;
        };
        let Some(stem) = name.strip_suffix(".body.txt") else {
            continue;
        };
        let case: toml::Value = toml::from_str(
            &std::fs::read_to_string(fixture(CABLEGATE, &format!("{stem}.toml"))).expect("case"),
        )
        .expect("toml");
        if case.get("content_type").is_some() {
            continue; // a mirror on disk has no Content-Type header
        }
        if case["expect"].get("suspect").is_some() {
            continue; // the gate holds it back: no clean cable to score
        }
        let url = PageUrl::parse(case["url"].as_str().expect("url")).expect("url");
        let id = case["expect"]["id"].as_str().expect("id").to_string();
        let target = site_dir.join(url.path().trim_start_matches('/'));
        if target.exists() {
            continue; // two cases of one cable (a redesigned page): one is enough
        }
        std::fs::create_dir_all(target.parent().expect("parent")).expect("mkdir");
        std::fs::copy(fixture(CABLEGATE, &format!("{stem}.html")), &target).expect("copy");
        let read = |suffix: &str| {
            std::fs::read_to_string(fixture(CABLEGATE, &format!("{stem}{suffix}")))
                .unwrap_or_default()
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

#[test]
fn eval_from_db_scores_what_export_writes() {
    let (dir, db) = ingested_cablegate_mirror();
    let mirror = dir.path().join("site");
    let mut truth = String::new();
    for (id, stem) in [
        ("09VALLETTA123", "standard"),
        ("09TRIPOLI218", "stray-tags"),
    ] {
        let read = |suffix: &str| {
            std::fs::read_to_string(fixture(CABLEGATE, &format!("{stem}{suffix}"))).expect("text")
        };
        truth.push_str(
            &serde_json::json!({"id": id, "header": read(".header.txt"), "body": read(".body.txt")})
                .to_string(),
        );
        truth.push('\n');
    }
    let truth_path = dir.path().join("truth.jsonl");
    std::fs::write(&truth_path, truth).expect("truth");
    let report = json(&[
        "--db",
        path_str(&db),
        "eval",
        "--from-db",
        "--site",
        CABLEGATE,
        "--json",
        "--min-exact",
        "1",
        path_str(&mirror),
        path_str(&truth_path),
    ]);
    assert_eq!(report["exact"], 2);
    assert_eq!(report["cables"], 3);
    assert_eq!(report["rejects"]["body-not-found"], 1);
    assert_eq!(report["cables_from_non_cable_pages"], 0);
}
