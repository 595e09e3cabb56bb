//! Unit tests of the store's crawl bookkeeping: the frontier queue and the run log, against
//! real sled databases in temporary folders.

use crate::store::test_support::{temp_db, url};
use crate::store::*;

fn entry(path: &str, kind: LinkKind) -> FrontierEntry {
    FrontierEntry {
        url: url(path),
        kind,
        depth: 1,
        attempts: 0,
    }
}

#[test]
fn frontier_is_a_fifo_that_holds_each_url_once() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let frontier = store.frontier();
    assert!(frontier.is_empty());
    assert!(frontier.push(&entry("/a", LinkKind::Follow)).expect("push"));
    assert!(frontier.push(&entry("/b", LinkKind::Cable)).expect("push"));
    assert!(frontier.push(&entry("/c", LinkKind::Cable)).expect("push"));
    assert!(
        !frontier
            .push(&entry("/a", LinkKind::Cable))
            .expect("push again")
    );
    assert_eq!(frontier.len(), 3);

    let peeked = frontier.peek(2).expect("peek");
    let paths: Vec<&str> = peeked.iter().map(|q| q.entry.url.path()).collect();
    assert_eq!(paths, ["/a", "/b"]);
    assert_eq!(
        peeked[0].entry.kind,
        LinkKind::Follow,
        "the first push wins"
    );
    assert_eq!(frontier.len(), 3, "peek leaves entries queued");

    assert!(frontier.remove(&url("/b")).expect("remove"));
    assert!(!frontier.remove(&url("/b")).expect("remove again"));
    assert!(!frontier.contains(&url("/b")).expect("contains"));
    assert!(
        frontier
            .push(&entry("/b", LinkKind::Cable))
            .expect("push after done")
    );

    // A retry goes to the back.
    let mut retry = entry("/a", LinkKind::Follow);
    retry.attempts = 1;
    frontier.requeue(&retry).expect("requeue");
    assert_eq!(frontier.len(), 3);
    let popped = frontier.pop(10).expect("pop");
    let order: Vec<(&str, u32)> = popped
        .iter()
        .map(|q| (q.entry.url.path(), q.entry.attempts))
        .collect();
    assert_eq!(order, [("/c", 0), ("/b", 0), ("/a", 1)]);
    assert!(frontier.is_empty());
    assert!(frontier.pop(10).expect("pop empty").is_empty());
}

#[test]
fn peek_from_reads_on_from_a_queue_position() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let frontier = store.frontier();
    for p in ["/a", "/b", "/c"] {
        frontier.push(&entry(p, LinkKind::Cable)).expect("push");
    }
    let first = frontier.peek_from(0, 2).expect("peek");
    let paths: Vec<&str> = first.iter().map(|q| q.entry.url.path()).collect();
    assert_eq!(paths, ["/a", "/b"]);
    let rest = frontier.peek_from(first[1].seq + 1, 10).expect("peek on");
    let paths: Vec<&str> = rest.iter().map(|q| q.entry.url.path()).collect();
    assert_eq!(paths, ["/c"]);
    // A requeued entry moves behind everything read so far.
    frontier
        .requeue(&entry("/a", LinkKind::Cable))
        .expect("requeue");
    let after = frontier.peek_from(rest[0].seq + 1, 10).expect("peek on");
    let paths: Vec<&str> = after.iter().map(|q| q.entry.url.path()).collect();
    assert_eq!(paths, ["/a"]);
    assert!(frontier.peek_from(u64::MAX, 10).expect("peek").is_empty());
}

#[test]
fn frontier_survives_reopen_with_order_and_dedupe() {
    let (_dir, path) = temp_db();
    {
        let store = Store::open(&path).expect("open");
        let frontier = store.frontier();
        for p in ["/z", "/y", "/x"] {
            frontier.push(&entry(p, LinkKind::Cable)).expect("push");
        }
        frontier.remove(&url("/y")).expect("remove");
        store.flush().expect("flush");
    }
    let store = Store::open(&path).expect("reopen");
    let frontier = store.frontier();
    assert_eq!(frontier.len(), 2);
    assert!(
        !frontier
            .push(&entry("/z", LinkKind::Cable))
            .expect("dedupe after reopen")
    );
    assert!(frontier.push(&entry("/w", LinkKind::Cable)).expect("push"));
    let order: Vec<String> = frontier
        .peek(10)
        .expect("peek")
        .into_iter()
        .map(|q| q.entry.url.path().to_string())
        .collect();
    assert_eq!(order, ["/z", "/x", "/w"]);
}

#[test]
fn concurrent_pops_take_each_entry_once() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    let frontier = store.frontier();
    for i in 0..200 {
        frontier
            .push(&entry(&format!("/{i}"), LinkKind::Cable))
            .expect("push");
    }
    let mut taken: Vec<u64> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let frontier = frontier.clone();
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let batch = frontier.pop(7).expect("pop");
                        if batch.is_empty() && frontier.is_empty() {
                            return mine;
                        }
                        mine.extend(batch.into_iter().map(|q| q.seq));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    taken.sort_unstable();
    taken.dedup();
    assert_eq!(taken.len(), 200);
    assert_eq!(frontier.len(), 0);
}

#[test]
fn runs_are_logged_and_the_last_one_found() {
    let (_dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    assert_eq!(store.last_run().expect("none yet"), None);
    let crawl = store.begin_run("crawl").expect("begin");
    let reclean = store.begin_run("reclean").expect("begin");
    assert!(reclean.id > crawl.id);
    let finished = store
        .finish_run(crawl.id, r#"{"fetched":3}"#)
        .expect("finish");
    assert!(finished.finished.is_some());
    assert_eq!(finished.summary.as_deref(), Some(r#"{"fetched":3}"#));
    assert_eq!(
        store.last_run().expect("last").map(|r| r.id),
        Some(reclean.id)
    );
    assert_eq!(
        store.last_run_of("crawl").expect("last crawl"),
        Some(finished)
    );
    assert_eq!(store.last_run_of("export").expect("none"), None);
    let error = store.finish_run(12345, "{}").expect_err("unknown run");
    assert!(
        matches!(error, StoreError::UnknownRun { id: 12345, .. }),
        "{error}"
    );
}
