//! `cablestrip clean` as a user runs it: JSON output, rejects, and the fix when the site is unknown.

use crate::support::mirror::*;

#[test]
fn clean_json_gives_the_cable_fields_and_rejects_as_objects() {
    let page = fixture(CABLEGATE, "standard.html");
    let index = fixture(CABLEGATE, "index-page.html");
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
    std::fs::copy(fixture(CABLEGATE, "standard.html"), &page).expect("copy");
    let output = cablestrip(&["clean", &page.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--url URL or --site SITE"),
        "{}",
        stderr(&output)
    );
}
