//! WARC speed, as figures printed (no criterion: each step runs once over hundreds of MB):
//! writing a `.warc.gz` of HTML pages, reading its records back, and reading it as pages
//! (HTTP heads parsed, bodies decoded), each on one thread.
//!
//! Pages: the Cable Viewer mirror's cable pages at `../shared/corpus/cablegate-2010-12/site`
//! when it exists, else the project's fixture pages, repeated under distinct URLs until the
//! bodies reach `CABLESTRIP_WARC_BENCH_MB` (default 300) MB; `CABLESTRIP_WARC_BENCH_LEVEL`
//! sets the gzip level (default the writer's). Run with `cargo bench --bench warc`.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};
use std::time::Instant;

use cablestrip::warc::{self, Compression, Limits, PageReader, Response, WarcWriter};
use jiff::Timestamp;
use url::Url;

const MB: f64 = 1_000_000.0;

fn html_pages() -> (String, Vec<Vec<u8>>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = root.join("../shared/corpus/cablegate-2010-12/site/cable");
    let (label, dir) = if corpus.is_dir() {
        ("the cablegate mirror's cable pages", corpus)
    } else {
        ("the fixture pages", root.join("fixtures"))
    };
    let pages: Vec<Vec<u8>> = walkdir::WalkDir::new(&dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file() && e.path().extension().is_some_and(|x| x == "html"))
        .filter_map(|e| std::fs::read(e.path()).ok())
        .collect();
    (label.to_string(), pages)
}

fn main() {
    // `cargo bench` passes `--bench`; a filter argument would mean another bench was meant.
    if std::env::args().skip(1).any(|a| !a.starts_with('-')) {
        return;
    }
    let target_mb: u64 = std::env::var("CABLESTRIP_WARC_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let level: u32 = std::env::var("CABLESTRIP_WARC_BENCH_LEVEL")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(warc::DEFAULT_GZIP_LEVEL);
    let (label, pages) = html_pages();
    if pages.is_empty() {
        eprintln!("no HTML pages found to write");
        std::process::exit(1);
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("a temporary folder: {e}"));
    let path: PathBuf = dir.path().join("bench.warc.gz");
    let headers = vec![
        (
            "Content-Type".to_string(),
            "text/html; charset=utf-8".to_string(),
        ),
        ("ETag".to_string(), "\"0123456789\"".to_string()),
    ];
    let date = Timestamp::from_second(1_291_975_200).unwrap_or_else(|e| panic!("{e}"));

    let started = Instant::now();
    let file = File::create(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut writer = WarcWriter::new(
        BufWriter::with_capacity(1 << 20, file),
        &path,
        Compression::Gzip { level },
    );
    let (mut body_bytes, mut count) = (0u64, 0u64);
    while body_bytes < target_mb * 1_000_000 {
        let page = &pages[usize::try_from(count).unwrap_or(0) % pages.len()];
        let url = Url::parse(&format!(
            "https://cablegate.wikileaks.org/cable/{count}.html"
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        let response = Response {
            url: &url,
            date,
            status: 200,
            reason: None,
            headers: &headers,
            body: page,
            truncated: None,
        };
        writer
            .write_response(&response)
            .unwrap_or_else(|e| panic!("{e}"));
        body_bytes += page.len() as u64;
        count += 1;
    }
    writer.flush().unwrap_or_else(|e| panic!("{e}"));
    let file_bytes = writer.bytes_written();
    drop(writer);
    let write_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let (mut records, mut block_bytes) = (0u64, 0u64);
    for record in warc::open(&path).unwrap_or_else(|e| panic!("{e}")) {
        let record = record.unwrap_or_else(|e| panic!("{e}"));
        records += 1;
        block_bytes += record.block.len() as u64;
    }
    let read_secs = started.elapsed().as_secs_f64();

    let started = Instant::now();
    let mut reader = PageReader::new(vec![path], Limits::default());
    let (mut page_count, mut page_bytes) = (0u64, 0u64);
    for page in reader.by_ref() {
        let page = page.unwrap_or_else(|e| panic!("{e}"));
        page_count += 1;
        page_bytes += page.body.len() as u64;
    }
    let page_secs = started.elapsed().as_secs_f64();

    assert_eq!((records, page_count), (count, count));
    println!(
        "pages: {} distinct pages from {label}, written {count} times",
        pages.len()
    );
    println!(
        "HTML: {:.1} MB; .warc.gz: {:.1} MB ({:.1} % of the HTML); records' blocks {:.1} MB",
        body_bytes as f64 / MB,
        file_bytes as f64 / MB,
        100.0 * file_bytes as f64 / body_bytes as f64,
        block_bytes as f64 / MB
    );
    println!(
        "write (gzip level {level}, digests): {:.2} s, {:.1} MB/s of HTML",
        write_secs,
        body_bytes as f64 / MB / write_secs
    );
    println!(
        "read records: {:.2} s, {:.1} MB/s decoded ({:.1} MB/s of .warc.gz), {:.0} records/s",
        read_secs,
        block_bytes as f64 / MB / read_secs,
        file_bytes as f64 / MB / read_secs,
        records as f64 / read_secs
    );
    println!(
        "read pages (heads parsed, bodies decoded): {:.2} s, {:.1} MB/s of HTML, {:.0} pages/s",
        page_secs,
        page_bytes as f64 / MB / page_secs,
        page_count as f64 / page_secs
    );
}
