//! Unit tests of WARC digests and record IDs.

use super::*;

#[test]
fn sha1_of_nothing_in_base32() {
    assert_eq!(sha1_label(b""), "sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ");
}

#[test]
fn a_running_digest_equals_the_one_of_the_whole() {
    let mut running = Sha1Digest::new();
    running.update(b"HTTP/1.1 200 OK\r\n\r\n");
    running.update(b"<html>");
    assert_eq!(
        running.finish(),
        sha1_label(b"HTTP/1.1 200 OK\r\n\r\n<html>")
    );
}

#[test]
fn base32_pads_partial_blocks() {
    assert_eq!(base32_encode(b"f"), "MY======");
    assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI======");
    assert_eq!(base32_encode(b""), "");
}

#[test]
fn digests_are_checked_in_base32_hex_and_base64() {
    let body = b"hello";
    assert_eq!(digest_matches(&sha1_label(body), body), Some(true));
    assert_eq!(digest_matches(&sha1_label(body), b"hellO"), Some(false));
    assert_eq!(
        digest_matches("sha1:aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d", body),
        Some(true)
    );
    assert_eq!(
        digest_matches("SHA1:qvTGHdzF6KLavt4PO0gs2a6pQ00=", body),
        Some(true)
    );
    assert_eq!(digest_matches("sha256:abcd", body), None);
    assert_eq!(digest_matches("sha1:not-a-digest", body), None);
    assert_eq!(digest_matches("no colon", body), None);
}

#[test]
fn record_ids_are_version_5_uuids_fixed_by_their_name() {
    let id = record_id_from(b"response\nhttps://example.org/\n2026-12-01T12:30:00Z");
    assert_eq!(
        id,
        record_id_from(b"response\nhttps://example.org/\n2026-12-01T12:30:00Z")
    );
    assert_ne!(
        id,
        record_id_from(b"request\nhttps://example.org/\n2026-12-01T12:30:00Z")
    );
    assert!(id.starts_with("<urn:uuid:") && id.ends_with('>'));
    let uuid = &id[10..id.len() - 1];
    let groups: Vec<&str> = uuid.split('-').collect();
    assert_eq!(
        groups.iter().map(|g| g.len()).collect::<Vec<_>>(),
        [8, 4, 4, 4, 12]
    );
    assert!(groups[2].starts_with('5'), "version 5: {uuid}");
    assert!(
        matches!(groups[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'),
        "variant: {uuid}"
    );
}

#[test]
fn record_ids_match_the_standard_uuid5() {
    // Python: uuid.uuid5(uuid.NAMESPACE_URL, "https://example.org/")
    assert_eq!(
        record_id_from(b"https://example.org/"),
        "<urn:uuid:527dda32-a0de-5105-a042-cb475b5f7d11>"
    );
}
