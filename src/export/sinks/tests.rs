//! Unit tests of the export files: plain names, links replaced, text layout.

use super::*;
use crate::export::tests::cable;

#[test]
fn only_plain_names_are_file_names() {
    for good in ["08MOSCOW3728.txt", "08MOSCOW3728.www.scoop.co.nz.2.txt"] {
        assert!(is_plain_file_name(good), "{good}");
    }
    for bad in [
        "",
        ".",
        "..",
        "../x.txt",
        "/etc/passwd",
        "a/b.txt",
        "a\\b.txt",
        ".hidden",
        "C:x.txt",
        "x\0.txt",
        "nul\n.txt",
    ] {
        assert!(!is_plain_file_name(bad), "{bad:?}");
    }
}

#[test]
fn a_hostile_name_writes_nothing_anywhere() {
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    for hostile in [
        "../escaped.txt",
        "../../escaped.txt",
        "/tmp/escaped.txt",
        "..",
    ] {
        let error = write_file_in(&out, hostile, b"x").expect_err(hostile);
        assert!(matches!(error, ExportError::UnsafeName { .. }), "{error}");
    }
    assert!(!root.path().join("escaped.txt").exists());
    assert_eq!(std::fs::read_dir(&out).expect("list").count(), 0);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_in_the_folder_is_replaced_not_followed() {
    let root = tempfile::tempdir().expect("temp dir");
    let target = root.path().join("precious");
    std::fs::write(&target, b"keep me").expect("write");
    let out = root.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    std::os::unix::fs::symlink(&target, out.join("08MOSCOW1.txt")).expect("symlink");
    write_file_in(&out, "08MOSCOW1.txt", b"cable").expect("write");
    assert_eq!(std::fs::read(&target).expect("read"), b"keep me");
    assert_eq!(
        std::fs::read(out.join("08MOSCOW1.txt")).expect("read"),
        b"cable"
    );
}

#[test]
fn a_text_file_is_header_blank_line_body() {
    let mut with_header = cable("08MOSCOW1", "a.org", None);
    with_header.header = Some("R 011200Z DEC 08".to_string());
    assert_eq!(
        cable_file_text(&with_header),
        "R 011200Z DEC 08\n\n1. Text.\n"
    );
    assert_eq!(
        cable_file_text(&cable("08MOSCOW1", "a.org", None)),
        "1. Text.\n"
    );
}
