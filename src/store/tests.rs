//! Tests of the store against real sled databases in temporary folders.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use jiff::Timestamp;
use url::Url;

use super::*;
use crate::model::{Cable, CableId};

const SITE: &str = "cablegate.wikileaks.org";
const RULES: &str = "cablegate.wikileaks.org@0123456789ab";

pub(super) fn temp_db() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("db");
    (dir, path)
}

pub(super) fn url(path: &str) -> Url {
    Url::parse(&format!("https://{SITE}{path}")).expect("test URL")
}

pub(super) fn when() -> Timestamp {
    "2026-01-02T03:04:05Z".parse().expect("timestamp")
}

/// A page shaped like a real one: lots of shared chrome around a little text of its own.
fn html(n: usize) -> Vec<u8> {
    let mut page = String::from("<html><head><title>Cable viewer</title></head><body>");
    for i in 0..60 {
        page.push_str(&format!(
            "<div class=\"sidebar\"><a href=\"/origin/{i}_0.html\">Embassy number {i}</a> \
             <span>Browse by origin, by tag, by classification</span></div>\n"
        ));
    }
    page.push_str(&format!(
        "<pre>SUBJECT: TEST CABLE NUMBER {n}\n1. (C) Paragraph {n} about {}.</pre></body></html>",
        n * 7919 % 1000
    ));
    page.into_bytes()
}

/// A page whose sidebar lists 40 of 160 headlines, picked by `n`: no one page holds all the
/// chrome, as on a site whose sidebar changes over time.
fn varied_html(n: usize) -> Vec<u8> {
    let mut page = String::from("<html><body><ul class=\"headlines\">");
    for slot in 0..40 {
        let k = (n * 37 + slot * 4) % 160;
        let words = blake3::hash(&k.to_le_bytes()).to_hex();
        page.push_str(&format!(
            "<li><a href=\"/article/{k}.html\">Headline {k}: {}</a></li>\n",
            &words[..48]
        ));
    }
    page.push_str(&format!(
        "</ul><pre>SUBJECT: TEST CABLE {n}</pre></body></html>"
    ));
    page.into_bytes()
}

fn cable(id: &str, page: &Url, site: &str, text: &str) -> Cable {
    Cable {
        id: CableId::parse(id).expect("test id"),
        url: page.to_string(),
        site: site.to_string(),
        title: Some(format!("Viewing cable {id}")),
        subject: Some("TEST".to_string()),
        header: None,
        body: text.to_string(),
        created: Some("2008-01-01".to_string()),
        classification: Some("CONFIDENTIAL".to_string()),
        origin: Some("Embassy Moscow".to_string()),
        tags: vec!["PREL".to_string()],
        rules: format!("{site}@0123456789ab"),
        source_id: None,
    }
}

fn page_record(page: &Url, body: Option<BodyHash>, outcome: CleanOutcome) -> PageRecord {
    PageRecord {
        url: page.clone(),
        site: SITE.to_string(),
        status: 200,
        content_type: Some("text/html".to_string()),
        etag: Some("\"abc\"".to_string()),
        last_modified: None,
        fetched_at: when(),
        body,
        outcome,
    }
}

fn cable_outcome(cable: &Cable) -> CleanOutcome {
    CleanOutcome::Cable {
        id: cable.id.clone(),
        rules_version: cable.rules.clone(),
    }
}

fn rejected() -> CleanOutcome {
    CleanOutcome::Rejected {
        kind: "body-not-found".to_string(),
        message: "the body selector matched nothing".to_string(),
        rules_version: RULES.to_string(),
    }
}

/// Stores a body and a cable for `path`; returns the page record used.
fn store_cable(store: &Store, path: &str, cable: &Cable, body: &[u8]) -> PageRecord {
    let hash = store.put_body(&cable.site, body).expect("put body").hash();
    let mut page = page_record(&url(path), Some(hash), cable_outcome(cable));
    page.site = cable.site.clone();
    let change = store
        .record_page(&page, Some(cable), ReplacePolicy::KeepPrevious)
        .expect("record page");
    assert_eq!(change, CableChange::New);
    page
}

/// Whether `tree` reports any write within a short wait.
fn wrote(subscriber: &mut sled::Subscriber) -> bool {
    subscriber.next_timeout(Duration::from_millis(100)).is_ok()
}

#[test]
fn store_is_clone_send_and_sync() {
    fn check<T: Clone + Send + Sync + 'static>() {}
    check::<Store>();
    check::<Frontier>();
}

#[test]
fn body_round_trips_and_is_written_once() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let body = html(1);
    let first = store.put_body(SITE, &body).expect("put");
    assert!(first.is_new());
    assert_eq!(first.hash(), BodyHash::of(&body));

    let mut writes = store.inner.bodies.watch_prefix(b"");
    let second = store.put_body(SITE, &body).expect("put again");
    assert_eq!(second, BodyPut::AlreadyStored { hash: first.hash() });
    assert!(
        !wrote(&mut writes),
        "putting a stored body wrote to the bodies tree"
    );

    assert_eq!(store.body(&first.hash()).expect("read"), Some(body));
    assert_eq!(
        store.body(&BodyHash::of(b"never stored")).expect("read"),
        None
    );
    assert_eq!(store.body_count(), 1);
}

#[test]
fn body_hash_prints_and_parses_as_hex() {
    let hash = BodyHash::of(b"x");
    let text = hash.to_string();
    assert_eq!(text.len(), 64);
    assert_eq!(BodyHash::from_hex(&text), Ok(hash));
    assert!(BodyHash::from_hex("xyz").is_err());
}

#[test]
fn same_body_from_many_threads_is_stored_once() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let body = html(3);
    let stored: usize = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let store = store.clone();
                let body = body.clone();
                scope.spawn(move || store.put_body(SITE, &body).expect("put").is_new())
            })
            .collect();
        handles
            .into_iter()
            .map(|h| usize::from(h.join().expect("thread")))
            .sum()
    });
    assert_eq!(stored, 1);
}

#[test]
fn dictionaries_shrink_bodies_and_survive_reopen() {
    let (_dir, path) = temp_db();
    let options = StoreOptions {
        dictionary_samples: 12,
        dictionary_size: 8 * 1024,
        ..StoreOptions::default()
    };
    let bodies: Vec<Vec<u8>> = (0..40).map(varied_html).collect();
    let mut sizes = Vec::new();
    {
        let store = Store::open_with(&path, &options).expect("open");
        for body in &bodies {
            match store.put_body(SITE, body).expect("put") {
                BodyPut::Stored { stored_len, .. } => sizes.push(stored_len),
                other => panic!("expected a new body, got {other:?}"),
            }
        }
        let codecs: Vec<u8> = bodies
            .iter()
            .map(|b| {
                store
                    .inner
                    .bodies
                    .get(BodyHash::of(b).as_bytes())
                    .expect("get")
                    .expect("value")[0]
            })
            .collect();
        assert_eq!(codecs[0], 1, "the first body has no dictionary to use");
        assert!(
            codecs[1..].iter().all(|&c| c == 2),
            "later bodies use one: {codecs:?}"
        );
        let dictionaries = store.inner.meta.scan_prefix("dict/").count();
        assert_eq!(dictionaries, 2, "a raw dictionary, then a trained one");
        assert!(
            store.inner.dict_samples.is_empty(),
            "samples are cleared after training"
        );
        store.flush().expect("flush");
    }
    // Where no one page holds all the chrome, the trained dictionary beats the first page.
    assert!(sizes[39] * 2 < sizes[1], "sizes: {sizes:?}");

    let store = Store::open_with(&path, &options).expect("reopen");
    for body in &bodies {
        assert_eq!(
            store.body(&BodyHash::of(body)).expect("read").as_ref(),
            Some(body)
        );
    }
}

#[test]
fn a_trained_dictionary_that_does_worse_than_the_first_page_is_not_used() {
    let (_dir, path) = temp_db();
    let options = StoreOptions {
        dictionary_samples: 12,
        dictionary_size: 1024,
        ..StoreOptions::default()
    };
    let store = Store::open_with(&path, &options).expect("open");
    // Pages that differ in one line: the first page is the best dictionary there is.
    let sizes: Vec<usize> = (0..20)
        .map(|n| match store.put_body(SITE, &html(n)).expect("put") {
            BodyPut::Stored { stored_len, .. } => stored_len,
            other => panic!("expected a new body, got {other:?}"),
        })
        .collect();
    assert!(
        sizes[1] * 4 < sizes[0],
        "the first page as dictionary: {sizes:?}"
    );
    assert_eq!(store.inner.meta.scan_prefix("dict/").count(), 1);
    assert!(
        store.inner.dict_samples.len() < 12,
        "samples are cleared after a try"
    );
    for n in 0..20 {
        assert_eq!(
            store.body(&BodyHash::of(&html(n))).expect("read"),
            Some(html(n))
        );
    }
}

#[test]
fn small_first_page_does_not_become_the_dictionary() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    store.put_body(SITE, b"<html>moved</html>").expect("put");
    assert_eq!(store.inner.meta.scan_prefix("dict/").count(), 0);
    store.put_body(SITE, &html(1)).expect("put");
    assert_eq!(store.inner.meta.scan_prefix("dict/").count(), 1);
}

#[test]
fn page_and_cable_round_trip() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let cable = cable("08MOSCOW3728", &page_url, SITE, "1. (C) Summary.");
    let page = store_cable(&store, page_url.path(), &cable, &html(1));

    assert_eq!(store.page(&page_url).expect("page"), Some(page));
    assert_eq!(store.cable(&page_url).expect("cable"), Some(cable.clone()));
    assert_eq!(store.page(&url("/other.html")).expect("page"), None);
    // The fragment never reaches the server: it names the same page.
    let mut with_fragment = page_url;
    with_fragment.set_fragment(Some("par3"));
    assert_eq!(store.cable(&with_fragment).expect("cable"), Some(cable));
}

#[test]
fn recording_an_unchanged_page_writes_nothing() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let cable = cable("08MOSCOW3728", &page_url, SITE, "1. (C) Summary.");
    let page = store_cable(&store, page_url.path(), &cable, &html(1));

    let mut page_writes = store.inner.pages.watch_prefix(b"");
    let mut cable_writes = store.inner.cables.watch_prefix(b"");
    let mut index_writes = store.inner.cable_ids.watch_prefix(b"");
    let change = store
        .record_page(&page, Some(&cable), ReplacePolicy::KeepPrevious)
        .expect("record again");
    assert_eq!(change, CableChange::Unchanged);
    assert!(!wrote(&mut page_writes));
    assert!(!wrote(&mut cable_writes));
    assert!(!wrote(&mut index_writes));

    // A newer fetch of the same page rewrites the page record, not the cable.
    let mut refetched = page;
    refetched.fetched_at = "2026-02-01T00:00:00Z".parse().expect("timestamp");
    let change = store
        .record_page(&refetched, Some(&cable), ReplacePolicy::KeepPrevious)
        .expect("record refetch");
    assert_eq!(change, CableChange::Unchanged);
    assert!(wrote(&mut page_writes), "the page record should change");
    assert!(!wrote(&mut cable_writes));
    assert!(!wrote(&mut index_writes));
}

#[test]
fn cable_changes_are_reported_and_rejects_keep_or_drop_the_previous_cable() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let first = cable("08MOSCOW3728", &page_url, SITE, "1. (C) Summary.");
    let page = store_cable(&store, page_url.path(), &first, &html(1));

    let mut second = first.clone();
    second.body.push_str("\n2. (C) More.");
    let change = store
        .record_page(&page, Some(&second), ReplacePolicy::KeepPrevious)
        .expect("record changed");
    assert_eq!(change, CableChange::Changed { previous: first });
    assert_eq!(store.cable(&page_url).expect("cable"), Some(second.clone()));

    let rejected_page = page_record(&page_url, page.body, rejected());
    let change = store
        .record_page(&rejected_page, None, ReplacePolicy::KeepPrevious)
        .expect("record reject");
    assert_eq!(change, CableChange::KeptPrevious);
    assert_eq!(store.cable(&page_url).expect("cable"), Some(second.clone()));
    assert_eq!(
        store.page(&page_url).expect("page"),
        Some(rejected_page.clone())
    );

    let change = store
        .record_page(&rejected_page, None, ReplacePolicy::DropRejected)
        .expect("record reject, dropping");
    assert_eq!(change, CableChange::Dropped { previous: second });
    assert_eq!(store.cable(&page_url).expect("cable"), None);
    assert!(
        store.inner.cable_ids.is_empty(),
        "the index entry went with the cable"
    );

    let change = store
        .record_page(&rejected_page, None, ReplacePolicy::DropRejected)
        .expect("record reject again");
    assert_eq!(change, CableChange::Rejected);

    let index_url = url("/index.html");
    let hash = store.put_body(SITE, &html(2)).expect("put").hash();
    let change = store
        .record_page(
            &page_record(&index_url, Some(hash), CleanOutcome::NotCleaned),
            None,
            ReplacePolicy::KeepPrevious,
        )
        .expect("record index page");
    assert_eq!(change, CableChange::NotCleaned);
}

#[test]
fn a_cable_whose_id_changes_moves_in_the_index() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let wrong = cable("08MOSCOW3728", &page_url, SITE, "text");
    let page = store_cable(&store, page_url.path(), &wrong, &html(1));
    let right = cable("08MOSCOW3729", &page_url, SITE, "text");
    let mut page = page;
    page.outcome = cable_outcome(&right);
    let change = store
        .record_page(&page, Some(&right), ReplacePolicy::KeepPrevious)
        .expect("record");
    assert_eq!(
        change,
        CableChange::Changed {
            previous: wrong.clone()
        }
    );
    assert!(store.cables_for_id(&wrong.id).expect("old id").is_empty());
    assert_eq!(store.cables_for_id(&right.id).expect("new id"), vec![right]);
}

#[test]
fn record_page_refuses_contradictions_and_missing_bodies() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/cable/2008/01/08MOSCOW3728.html");
    let good = cable("08MOSCOW3728", &page_url, SITE, "text");
    let hash = store.put_body(SITE, &html(1)).expect("put").hash();

    let other = cable("08MOSCOW9999", &page_url, SITE, "text");
    let page = page_record(&page_url, Some(hash), cable_outcome(&good));
    let error = store
        .record_page(&page, Some(&other), ReplacePolicy::KeepPrevious)
        .expect_err("mismatched id");
    assert!(matches!(error, StoreError::Inconsistent { .. }), "{error}");
    assert!(error.to_string().contains("08MOSCOW9999"), "{error}");

    let error = store
        .record_page(&page, None, ReplacePolicy::KeepPrevious)
        .expect_err("missing cable");
    assert!(matches!(error, StoreError::Inconsistent { .. }), "{error}");

    let missing = BodyHash::of(b"not stored");
    let page = page_record(&page_url, Some(missing), cable_outcome(&good));
    let error = store
        .record_page(&page, Some(&good), ReplacePolicy::KeepPrevious)
        .expect_err("missing body");
    assert!(matches!(error, StoreError::MissingBody { .. }), "{error}");
    assert!(error.to_string().contains(&missing.to_string()), "{error}");
    assert!(error.to_string().contains("put_body"), "{error}");
    assert!(store.inner.pages.is_empty(), "nothing was recorded");
}

#[test]
fn cables_come_out_in_id_order_with_every_site_copy() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let other_site = "cablegatesearch.net";
    let mut n = 0;
    for (id, site) in [
        ("09STATE100", SITE),
        ("08MOSCOW3728", other_site),
        ("1974ATHENS02959", SITE),
        ("08MOSCOW3728", SITE),
        ("08MOSCOW372", SITE),
    ] {
        n += 1;
        let path = format!("/{site}/{id}.html");
        let copy = cable(id, &url(&path), site, &format!("text {n}"));
        store_cable(&store, &path, &copy, &html(n));
    }
    let order: Vec<(String, String)> = store
        .cables(None)
        .map(|c| c.map(|c| (c.id.to_string(), c.site)))
        .collect::<Result<_, _>>()
        .expect("iterate");
    let expected: Vec<(String, String)> = [
        ("08MOSCOW372", SITE),
        // One ID: by URL, and `/cablegate.` sorts before `/cablegatesearch`.
        ("08MOSCOW3728", SITE),
        ("08MOSCOW3728", other_site),
        ("09STATE100", SITE),
        // Canonical IDs write the year with two digits and no leading zeros.
        ("74ATHENS2959", SITE),
    ]
    .iter()
    .map(|(id, site)| (id.to_string(), site.to_string()))
    .collect();
    assert_eq!(order, expected);

    let only_other: Vec<Cable> = store
        .cables(Some(other_site))
        .collect::<Result<_, _>>()
        .expect("iterate");
    assert_eq!(only_other.len(), 1);
    assert_eq!(only_other[0].site, other_site);

    let copies = store
        .cables_for_id(&CableId::parse("08MOSCOW3728").expect("id"))
        .expect("copies");
    assert_eq!(copies.len(), 2, "both sites' copies, and not 08MOSCOW372");
}

#[test]
fn pages_iterate_by_site_and_stats_count_per_site() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let fresh = cable("08MOSCOW3728", &url("/a.html"), SITE, "text");
    store_cable(&store, "/a.html", &fresh, &html(1));
    let mut stale = cable("08MOSCOW3729", &url("/b.html"), SITE, "text");
    stale.rules = format!("{SITE}@oldoldoldold");
    store_cable(&store, "/b.html", &stale, &html(2));
    let hash = store.put_body(SITE, &html(3)).expect("put").hash();
    store
        .record_page(
            &page_record(&url("/c.html"), Some(hash), rejected()),
            None,
            ReplacePolicy::KeepPrevious,
        )
        .expect("reject");
    let failed = CleanOutcome::Failed {
        kind: "timeout".to_string(),
        message: "no answer in 30 s".to_string(),
    };
    let mut other = page_record(&url("/d.html"), None, failed);
    other.site = "other.example".to_string();
    store
        .record_page(&other, None, ReplacePolicy::KeepPrevious)
        .expect("failed fetch");

    let pages: Vec<PageRecord> = store
        .pages(Some(SITE))
        .collect::<Result<_, _>>()
        .expect("pages");
    assert_eq!(pages.len(), 3);
    assert!(pages.iter().all(|p| p.site == SITE));

    let current = HashMap::from([(SITE.to_string(), RULES.to_string())]);
    let stats = store.site_stats(&current).expect("stats");
    assert_eq!(
        stats.get(SITE),
        Some(&SiteStats {
            pages: 3,
            cables: 2,
            rejected: 1,
            not_cleaned: 0,
            failed: 0,
            stale_cables: 1,
        })
    );
    assert_eq!(
        stats.get("other.example").map(|s| (s.pages, s.failed)),
        Some((1, 1))
    );
}

#[test]
fn a_new_database_gets_the_schema_version_and_reopens() {
    let (_dir, path) = temp_db();
    drop(Store::open(&path).expect("create"));
    let store = Store::open(&path).expect("reopen");
    let version = store
        .inner
        .meta
        .get(SCHEMA_KEY)
        .expect("read")
        .expect("present");
    assert_eq!(&*version, SCHEMA_VERSION.to_string().as_bytes());
}

#[test]
fn a_newer_schema_is_refused_naming_both_versions() {
    let (_dir, path) = temp_db();
    {
        let store = Store::open(&path).expect("create");
        let newer = (SCHEMA_VERSION + 1).to_string();
        store
            .inner
            .meta
            .insert(SCHEMA_KEY, newer.as_bytes())
            .expect("write");
        store.flush().expect("flush");
    }
    let error = Store::open(&path).expect_err("newer schema");
    assert!(
        matches!(error, StoreError::NewerSchema { found, supported, .. }
        if found == SCHEMA_VERSION + 1 && supported == SCHEMA_VERSION)
    );
    let message = error.to_string();
    assert!(
        message.contains(&format!("schema version {}", SCHEMA_VERSION + 1)),
        "{message}"
    );
    assert!(
        message.contains(&format!("up to version {SCHEMA_VERSION}")),
        "{message}"
    );
    assert!(message.contains("upgrade cablestrip"), "{message}");
    assert!(message.contains(&path.display().to_string()), "{message}");
}

#[test]
fn data_without_a_schema_version_is_refused_and_left_alone() {
    let (_dir, path) = temp_db();
    let sled_config = sled::Config::new().path(&path).segment_size(SEGMENT_SIZE);
    {
        let db = sled_config.open().expect("plain sled");
        let tree = db.open_tree("someone_else").expect("tree");
        tree.insert("k", "v").expect("insert");
        db.flush().expect("flush");
    }
    let error = Store::open(&path).expect_err("foreign data");
    assert!(matches!(error, StoreError::MissingSchema { .. }), "{error}");
    let db = sled_config.open().expect("plain sled");
    assert!(
        !db.tree_names().iter().any(|n| n == trees::PAGES.as_bytes()),
        "the refused database gained no trees"
    );
}

#[test]
fn a_sled_database_with_other_settings_is_incompatible() {
    let (_dir, path) = temp_db();
    drop(sled::open(&path).expect("sled with its default settings"));
    let error = Store::open(&path).expect_err("other segment size");
    assert!(
        matches!(error, StoreError::Incompatible { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().contains("not made by cablestrip"),
        "{error}"
    );
}

#[test]
fn a_garbled_schema_version_is_a_typed_error() {
    let (_dir, path) = temp_db();
    {
        let store = Store::open(&path).expect("create");
        store
            .inner
            .meta
            .insert(SCHEMA_KEY, &b"one"[..])
            .expect("write");
        store.flush().expect("flush");
    }
    let error = Store::open(&path).expect_err("garbled");
    assert!(
        matches!(error, StoreError::Corrupt { ref key, .. } if key == "schema_version"),
        "{error}"
    );
}

#[test]
fn a_second_open_in_one_process_is_locked() {
    let (_dir, path) = temp_db();
    let _first = Store::open(&path).expect("open");
    let error = Store::open(&path).expect_err("second open");
    assert!(matches!(error, StoreError::Locked { .. }), "{error:?}");
}

/// Set in the child process of `a_second_process_is_locked_out` to the database path.
const LOCK_CHILD_ENV: &str = "CABLESTRIP_STORE_LOCK_TEST_DB";

#[test]
fn a_second_process_is_locked_out() {
    if let Some(path) = std::env::var_os(LOCK_CHILD_ENV) {
        // The child: the parent holds the database open.
        match Store::open(Path::new(&path)) {
            Err(error @ StoreError::Locked { .. }) => println!("CHILD-ERROR: {error}"),
            other => panic!("expected Locked, got {other:?}"),
        }
        return;
    }
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    store.put_body(SITE, &html(1)).expect("put");
    store.flush().expect("flush");
    let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "store::tests::a_second_process_is_locked_out",
            "--exact",
            "--nocapture",
        ])
        .env(LOCK_CHILD_ENV, &path)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let expected = format!(
        "CHILD-ERROR: another cablestrip is using the database at {}; wait for it to finish, or pass a different --db",
        path.display()
    );
    assert!(stdout.contains(&expected), "child said: {stdout}");
    // And the parent's database is intact.
    assert_eq!(
        store.body(&BodyHash::of(&html(1))).expect("read"),
        Some(html(1))
    );
}

#[test]
fn corrupt_records_are_typed_errors_naming_the_key() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/broken.html");
    store
        .inner
        .pages
        .insert(page_url.as_str(), &b"{not json"[..])
        .expect("write");
    let error = store.page(&page_url).expect_err("corrupt page");
    assert!(
        matches!(&error, StoreError::Corrupt { tree: "pages", key, .. } if key == page_url.as_str()),
        "{error}"
    );
    assert!(
        error.to_string().contains("restore the database"),
        "{error}"
    );

    let bad_pages: Vec<_> = store.pages(None).collect();
    assert!(matches!(
        bad_pages.as_slice(),
        [Err(StoreError::Corrupt { .. })]
    ));

    let hash = store.put_body(SITE, &html(1)).expect("put").hash();
    let mut value = store
        .inner
        .bodies
        .get(hash.as_bytes())
        .expect("get")
        .expect("value")
        .to_vec();
    let last = value.len() - 1;
    value[last] ^= 0xFF;
    store
        .inner
        .bodies
        .insert(hash.as_bytes(), value)
        .expect("write");
    let error = store.body(&hash).expect_err("corrupt body");
    assert!(
        matches!(&error, StoreError::Corrupt { tree: "bodies", key, .. } if *key == hash.to_string()),
        "{error}"
    );

    let index_url = url("/newer.html");
    store
        .inner
        .pages
        .insert(index_url.as_str(), &br#"{"v":99,"r":{"url":"x"}}"#[..])
        .expect("write");
    let error = store.page(&index_url).expect_err("newer record");
    assert!(
        matches!(error, StoreError::NewerRecord { found: 99, .. }),
        "{error}"
    );
    assert!(error.to_string().contains("upgrade cablestrip"), "{error}");
}

#[test]
fn a_cable_index_entry_without_its_cable_is_reported() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let page_url = url("/a.html");
    store_cable(
        &store,
        "/a.html",
        &cable("08MOSCOW3728", &page_url, SITE, "t"),
        &html(1),
    );
    store
        .inner
        .cables
        .remove(page_url.as_str())
        .expect("remove");
    let results: Vec<_> = store.cables(None).collect();
    assert!(
        matches!(
            results.as_slice(),
            [Err(StoreError::Corrupt {
                tree: "cable_ids",
                ..
            })]
        ),
        "{results:?}"
    );
}

#[test]
fn size_on_disk_grows_with_bodies() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let before = store.size_on_disk().expect("size");
    for n in 0..50 {
        store.put_body(SITE, &html(n)).expect("put");
    }
    store.flush().expect("flush");
    assert!(store.size_on_disk().expect("size") > before);
}
