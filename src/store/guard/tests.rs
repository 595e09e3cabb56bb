//! Unit tests of the store's guard module: a panic inside a store call becomes a typed
//! error naming the database, what the store was doing and what sled said.

use std::path::Path;

use crate::store::StoreError;
use crate::store::guard::{contain, install_panic_hook};

#[test]
fn a_panic_inside_a_store_call_is_a_damaged_error() {
    install_panic_hook();
    let path = Path::new("/data/cablestrip.db");
    let result: Result<(), StoreError> = contain(
        path,
        || "reading the pages tree".to_string(),
        || panic!("tried to serialize Uninitialized"),
    );
    let error = result.expect_err("the panic is an error");
    assert!(error.is_damage());
    let message = error.to_string();
    for part in [
        "/data/cablestrip.db",
        "reading the pages tree",
        "sled panicked: tried to serialize Uninitialized",
        "guard/tests.rs",
        "cablestrip check --repair",
    ] {
        assert!(message.contains(part), "{part}: {message}");
    }
}

#[test]
fn a_store_call_that_does_not_panic_passes_its_result_through() {
    let path = Path::new("/data/cablestrip.db");
    let ok: Result<u32, StoreError> = contain(path, String::new, || Ok(7));
    assert_eq!(ok.expect("ok"), 7);
    let err: Result<u32, StoreError> = contain(path, String::new, || {
        Err(StoreError::NotFound {
            path: path.to_path_buf(),
        })
    });
    assert!(matches!(err, Err(StoreError::NotFound { .. })));
}

#[test]
fn contained_panics_nest_and_leave_the_thread_as_it_was() {
    install_panic_hook();
    let path = Path::new("/data/cablestrip.db");
    let outer: Result<String, StoreError> = contain(
        path,
        || "outer".to_string(),
        || {
            let inner: Result<(), StoreError> =
                contain(path, || "inner".to_string(), || panic!("first"));
            let inner = inner.expect_err("inner panic");
            assert!(inner.to_string().contains("inner"), "{inner}");
            Ok(inner.to_string())
        },
    );
    assert!(outer.expect("the outer call goes on").contains("first"));
    // Outside any store call, a panic that is not sled's still unwinds as usual.
    let plain = std::panic::catch_unwind(|| panic!("not the store's"));
    assert!(plain.is_err());
}
