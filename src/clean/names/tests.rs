//! Unit tests of the element-name tables.

use super::*;

#[test]
fn name_tables_are_searched_in_any_case() {
    const KEYS: [u128; 3] = name_keys(["b", "td", "tfoot"]);
    for name in ["b", "B", "td", "TD", "tFoot"] {
        assert!(is_one_of(name.as_bytes(), &KEYS), "{name}");
    }
    for name in [
        "",
        "a",
        "t",
        "tdd",
        "tfoo",
        "tfoots",
        "a-very-long-element-name",
    ] {
        assert!(!is_one_of(name.as_bytes(), &KEYS), "{name}");
    }
    // The runtime key is the compile-time one.
    assert_eq!(name_key(b"TFoot"), name_key(b"tfoot"));
    assert_eq!(name_key(&[b'x'; 17]), None);
}
