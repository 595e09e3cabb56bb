//! Unit tests of raw bodies: write-once storage, hashes, compression dictionaries.

use crate::store::test_support::*;
use crate::store::*;

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
    assert_eq!(store.body_count().expect("count"), 1);
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
