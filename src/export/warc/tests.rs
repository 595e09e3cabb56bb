//! Unit tests of the WARC export: the file name decides the compression, and a page whose
//! full headers were not stored gets only those the store keeps for every page.

use super::*;

#[test]
fn the_name_decides_gzip_or_plain_and_other_names_are_refused() {
    assert_eq!(
        compression_for(Path::new("out/pages.warc.gz")).ok(),
        Some(Compression::default())
    );
    assert_eq!(
        compression_for(Path::new("PAGES.WARC")).ok(),
        Some(Compression::None)
    );
    for bad in ["pages.gz", "pages.warc.zst", "pages"] {
        let error = compression_for(Path::new(bad)).expect_err(bad);
        assert!(error.to_string().contains("FILE.warc.gz"), "{error}");
    }
}

#[test]
fn a_page_without_stored_headers_gets_only_the_kept_ones() {
    use crate::store::test_support::{page_record, url};
    let record = page_record(
        &url("/cable/2009/03/09VALLETTA123.html"),
        None,
        crate::store::CleanOutcome::NotCleaned,
    );
    assert_eq!(
        minimal_headers(&record),
        vec![
            ("Content-Type".to_string(), "text/html".to_string()),
            ("ETag".to_string(), "\"abc\"".to_string()),
        ]
    );
}
