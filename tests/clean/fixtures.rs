//! Every rule file's fixture cases must pass: the data-driven test that walks `fixtures/`.

use std::path::Path;

use cablestrip::fixtures::run_all;
use cablestrip::rules::RuleSet;

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_fixture_case_of_every_site_passes() {
    let rules = RuleSet::load_dir(&project().join("selectors")).expect("rule files load");
    let report = run_all(&rules, &project().join("fixtures"), &[]).expect("fixtures readable");
    assert!(
        report.cases.len() >= rules.rules().len(),
        "each site needs cases:\n{report}"
    );
    assert!(report.all_passed(), "\n{report}");
}

#[test]
fn a_wrong_expectation_fails_with_a_diff() {
    let rules = RuleSet::load_dir(&project().join("selectors")).expect("rule files load");
    let site = "cablegate.wikileaks.org";
    let source = project().join("fixtures").join(site);
    let temp = tempfile::tempdir().expect("temp dir");
    let target = temp.path().join(site);
    std::fs::create_dir(&target).expect("mkdir");
    let case = std::fs::read_dir(&source)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(".body.txt"))
        .min()
        .expect("a cable case exists");
    let stem = case
        .file_name()
        .expect("name")
        .to_string_lossy()
        .trim_end_matches(".body.txt")
        .to_string();
    for suffix in [".html", ".toml", ".header.txt"] {
        let from = source.join(format!("{stem}{suffix}"));
        if from.exists() {
            std::fs::copy(&from, target.join(format!("{stem}{suffix}"))).expect("copy");
        }
    }
    let body = std::fs::read_to_string(&case).expect("body");
    std::fs::write(
        target.join(format!("{stem}.body.txt")),
        body.replacen('E', "F", 1),
    )
    .expect("write");

    let report = run_all(&rules, temp.path(), &[site.to_string()]).expect("runs");
    assert!(!report.all_passed());
    let text = report.to_string();
    assert!(
        text.contains("FAILED") && text.contains("body:") && text.contains("@@"),
        "{text}"
    );
}
