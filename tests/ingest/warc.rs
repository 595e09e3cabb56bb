//! `cablestrip ingest` of WARC files through the binary: pages stored with their real
//! URL, status, headers and record date; revisits resolved or counted; other records
//! skipped and counted; `--host-map`; a second ingest that writes nothing; damaged input
//! reported with its file and offset, the records before it stored.

use cablestrip::store::Store;

use crate::support::mirror::*;
use crate::support::warc::*;

fn ingest(
    db: &std::path::Path,
    inputs: &[&std::path::Path],
    extra: &[&str],
) -> std::process::Output {
    let mut args = vec!["--db", path_str(db), "ingest"];
    args.extend(inputs.iter().map(|p| path_str(p)));
    args.extend_from_slice(extra);
    args.push("--json");
    cablestrip(&args)
}

fn report(output: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("no JSON report ({e}): {}{}", stdout(output), stderr(output)))
}

#[test]
fn a_warc_is_stored_page_by_page_with_its_urls_headers_and_dates_and_again_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let warc = dir.path().join("crawl.warc.gz");
    let pages = cablegate_pages();
    write_warc_with(&warc, &pages, |writer| {
        // The next night: a 304 of the first cable, and one of a page not in the file.
        write_revisit(writer, &pages[0], 100);
        let mut elsewhere = pages[1].clone();
        elsewhere.url = format!("https://{CABLEGATE}/cable/2009/05/09ROME1.html");
        write_revisit(writer, &elsewhere, 101);
    });
    let db = dir.path().join("db");
    let output = ingest(&db, &[&warc], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let first = report(&output);
    assert_eq!(first["files"], 1);
    assert_eq!(first["records"], 1 + 2 * 7 + 2);
    assert_eq!(
        first["warc_pages"], 8,
        "seven responses and the revisit resolved"
    );
    assert_eq!(first["revisits_resolved"], 1);
    assert_eq!(first["revisits_unresolved"], 1);
    assert_eq!(first["skipped_records"]["request"], 7);
    assert_eq!(first["skipped_records"]["warcinfo"], 1);
    assert_eq!(first["skipped_pages"]["http-404"], 1);
    assert_eq!(first["skipped_pages"]["not-a-page"], 1, "the article");
    assert_eq!(first["pages"], 6, "five pages, the first cable twice");
    assert_eq!(first["new_cables"], 3);
    assert_eq!(first["rejected"]["body-not-found"], 1);
    assert_eq!(first["index_pages"], 1);
    assert_eq!(first["new_bodies"], 5);
    assert_eq!(first["errors"], 0);
    assert_eq!(first["sites"].as_object().map(|o| o.len()), Some(1));

    let store = Store::open_existing(&db).expect("open");
    let url = cablestrip::model::PageUrl::parse(&pages[1].url).expect("url");
    let record = store.page(&url).expect("read").expect("the page is stored");
    assert_eq!(record.status, 200);
    assert_eq!(
        record.fetched_at, pages[1].date,
        "the record's date is the fetch time"
    );
    assert_eq!(record.etag.as_deref(), Some("\"stray-tags.html\""));
    assert_eq!(
        record.last_modified.as_deref(),
        Some("Sun, 28 Nov 2010 18:00:00 GMT")
    );
    assert_eq!(
        record.content_type.as_deref(),
        Some("text/html; charset=utf-8")
    );
    assert_eq!(record.headers, pages[1].headers, "every header is kept");
    let checksum = store.content_checksum().expect("checksum");
    drop(store);

    let again = ingest(&db, &[&warc], &[]);
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    let again = report(&again);
    assert_eq!(again["unchanged_pages"], 6);
    assert_eq!(again["recorded_pages"], 0);
    assert_eq!(again["new_bodies"], 0);
    assert_eq!(again["writes"], 0);
    let store = Store::open_existing(&db).expect("open");
    assert_eq!(store.content_checksum().expect("checksum"), checksum);
}

#[test]
fn a_folder_of_warcs_and_plain_warcs_are_read_and_a_revisit_finds_its_payload_in_another_file() {
    let dir = tempfile::tempdir().expect("temp dir");
    let folder = dir.path().join("archive");
    std::fs::create_dir_all(&folder).expect("mkdir");
    let pages = cablegate_pages();
    // Named so that the file with the revisit is read first.
    write_warc(&folder.join("b-first-night.warc"), &pages[..3]);
    write_warc_with(&folder.join("a-second-night.warc.gz"), &[], |writer| {
        write_revisit(writer, &pages[2], 100);
    });
    std::fs::write(folder.join("notes.txt"), "not a WARC").expect("write");
    let db = dir.path().join("db");
    let output = ingest(&db, &[&folder], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = report(&output);
    assert_eq!(report["files"], 2, "the .txt is not read");
    assert_eq!(report["revisits_resolved"], 1);
    assert_eq!(report["revisits_unresolved"], 0);
    assert_eq!(report["new_cables"], 3);
}

#[test]
fn host_map_takes_a_mirror_recorded_under_another_host_as_the_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    let warc = dir.path().join("local.warc.gz");
    let mut pages = cablegate_pages();
    for page in &mut pages {
        page.url = page
            .url
            .replace(&format!("https://{CABLEGATE}"), "http://127.0.0.1:8123");
    }
    write_warc(&warc, &pages);
    let db = dir.path().join("db");

    let output = ingest(&db, &[&warc], &[]);
    assert_eq!(output.status.code(), Some(1), "nothing was taken");
    assert_eq!(report(&output)["unknown_hosts"]["127.0.0.1:8123"], 7);
    assert!(
        stderr(&output).contains("--host-map 127.0.0.1:8123=SITE"),
        "{}",
        stderr(&output)
    );

    let host_map = format!("127.0.0.1:8123={CABLEGATE}");
    let output = ingest(&db, &[&warc], &["--host-map", &host_map]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(report(&output)["new_cables"], 3);
    let shown = cablestrip(&["--db", path_str(&db), "show", "09TRIPOLI218", "--json"]);
    assert!(
        stdout(&shown).contains(&format!(
            "https://{CABLEGATE}/cable/2009/03/09TRIPOLI218.html"
        )),
        "stored under the site's own URL: {}",
        stdout(&shown)
    );
}

#[test]
fn site_keeps_to_one_sites_pages() {
    let dir = tempfile::tempdir().expect("temp dir");
    let warc = dir.path().join("two-sites.warc.gz");
    let mut pages = cablegate_pages();
    pages.push(Served {
        url: "https://www.scoop.co.nz/stories/WL1108/S00594/cablegate-dfm-ryabkov-meets-codel-tauscher-iran-missile.htm".into(),
        status: 200,
        headers: vec![("Content-Type".into(), "text/html".into())],
        body: std::fs::read(fixture(SCOOP, "seed-08moscow3728.html")).expect("fixture"),
        date: at(9),
    });
    write_warc(&warc, &pages);
    let db = dir.path().join("db");
    let output = ingest(&db, &[&warc], &["--site", SCOOP]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report = report(&output);
    assert_eq!(report["new_cables"], 1);
    assert_eq!(report["skipped_pages"]["other-site"], 7);
}

#[test]
fn a_truncated_warc_stores_the_records_before_the_cut_and_names_the_file_and_offset() {
    let dir = tempfile::tempdir().expect("temp dir");
    let warc = dir.path().join("cut.warc.gz");
    let pages = cablegate_pages();
    let offsets = write_warc(&warc, &pages[..3]);
    // Cut inside the last response record (its request follows it).
    let last_response = offsets[offsets.len() - 2];
    let bytes = std::fs::read(&warc).expect("read");
    let cut = usize::try_from(last_response).expect("offset") + 100;
    std::fs::write(&warc, &bytes[..cut]).expect("cut");
    let db = dir.path().join("db");
    let output = ingest(&db, &[&warc], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("{} byte {last_response}", warc.display())),
        "{err}"
    );
    assert!(err.contains("cut short"), "{err}");
    assert_eq!(
        report(&output)["new_cables"],
        2,
        "the two cables before the cut"
    );
}

#[test]
fn a_record_whose_length_lies_is_skipped_and_the_next_record_is_found() {
    let dir = tempfile::tempdir().expect("temp dir");
    let warc = dir.path().join("lying.warc");
    let pages = cablegate_pages();
    let offsets = write_warc(&warc, &pages[..3]);
    let mut bytes = std::fs::read(&warc).expect("read");
    // The first response's Content-Length, one digit longer.
    let start = usize::try_from(offsets[1]).expect("offset");
    let header_end = start
        + bytes[start..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a header");
    let header = String::from_utf8_lossy(&bytes[start..header_end]).into_owned();
    let length_at = header.find("Content-Length: ").expect("a length") + start + 16;
    bytes.insert(length_at, b'9');
    std::fs::write(&warc, &bytes).expect("write");
    let db = dir.path().join("db");
    let output = ingest(&db, &[&warc], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("{} byte {start}", warc.display())),
        "{err}"
    );
    let report = report(&output);
    assert_eq!(report["errors"], 1, "{report}");
    assert_eq!(
        report["new_cables"], 2,
        "the two cables after the bad record"
    );
}

#[test]
fn a_file_that_is_no_warc_is_named_with_its_offset_and_the_others_are_read() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("good.warc.gz");
    write_warc(&good, &cablegate_pages()[..1]);
    let bad = dir.path().join("page.html");
    std::fs::copy(fixture(CABLEGATE, "standard.html"), &bad).expect("copy");
    let db = dir.path().join("db");
    let output = ingest(&db, &[&bad, &good], &[]);
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(
        err.contains(&format!("{} is not a WARC file: at byte 0", bad.display())),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(report(&output)["new_cables"], 1);
}

#[test]
fn a_mirror_needs_its_site_and_warcs_take_no_base_url() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mirror = dir.path().join("site");
    cablegate_mirror(&mirror);
    let warc = dir.path().join("a.warc.gz");
    write_warc(&warc, &cablegate_pages()[..1]);
    let db = dir.path().join("db");
    let output = cablestrip(&["--db", path_str(&db), "ingest", path_str(&mirror)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("add --site SITE"),
        "{}",
        stderr(&output)
    );
    let output = cablestrip(&[
        "--db",
        path_str(&db),
        "ingest",
        path_str(&warc),
        "--base-url",
        "https://example.org",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("leave --base-url out"),
        "{}",
        stderr(&output)
    );
    let output = cablestrip(&[
        "--db",
        path_str(&db),
        "ingest",
        path_str(&mirror),
        path_str(&warc),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("in two runs"),
        "{}",
        stderr(&output)
    );
}
