//! Unit tests of the WARC ingest: which paths are WARC input rather than a mirror.

use super::*;

#[test]
fn a_file_or_a_folder_holding_warcs_is_warc_input_and_other_folders_are_mirrors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mirror = dir.path().join("mirror");
    std::fs::create_dir_all(mirror.join("cable")).expect("mkdir");
    std::fs::write(mirror.join("cable/a.html"), "<html>").expect("write");
    assert!(!is_warc_input(&mirror));
    let archive = dir.path().join("archive/2010");
    std::fs::create_dir_all(&archive).expect("mkdir");
    std::fs::write(archive.join("crawl-1.warc.gz.open"), "").expect("write");
    assert!(
        !is_warc_input(&dir.path().join("archive")),
        "a file still being written is no WARC of a folder"
    );
    std::fs::write(archive.join("crawl-0.WARC.GZ"), "").expect("write");
    assert!(is_warc_input(&dir.path().join("archive")));
    // A file given is read as a WARC whatever its name; the reader says if it is none.
    assert!(is_warc_input(&mirror.join("cable/a.html")));
}
