//! The rules stage as a user meets it: a bad rule file stops every command with status 2
//! and names the file, the line, the key and the fix.

#[path = "support/mod.rs"]
mod support;

use support::mirror::*;

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
