//! WARC digests and record IDs: `sha1:BASE32` as the standard and the usual tools write
//! them, checking a digest written in any of their encodings, and content-derived record
//! IDs (name-based UUIDs) so that the same input always writes the same WARC.

use sha1::{Digest, Sha1};

/// The RFC 4648 base 32 alphabet, the one WARC digests use.
const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// The namespace of cablestrip's record IDs (RFC 9562 UUID version 5 names are hashed
/// inside one): the standard URL namespace, since every name hashed holds a target URI.
const RECORD_ID_NAMESPACE: [u8; 16] = [
    0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad, 0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0, 0x4f, 0xd4, 0x30, 0xc8,
];

/// A running SHA-1 over the pieces of a block, so a record's digest needs no copy of it.
#[derive(Debug, Clone, Default)]
pub struct Sha1Digest(Sha1);

impl Sha1Digest {
    /// A digest of nothing yet.
    pub fn new() -> Sha1Digest {
        Sha1Digest(Sha1::new())
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest as WARC writes it: `sha1:` and 32 base 32 letters.
    pub fn finish(self) -> String {
        let hash = self.0.finalize();
        format!("sha1:{}", base32_encode(&hash))
    }
}

/// `sha1:BASE32` of `bytes`.
pub fn sha1_label(bytes: &[u8]) -> String {
    let mut digest = Sha1Digest::new();
    digest.update(bytes);
    digest.finish()
}

/// Whether `bytes` have the digest `label` (`algorithm:value`). `None` when it cannot be
/// told: an algorithm other than SHA-1, or a value in no known encoding. Tools write the
/// SHA-1 value in base 32 (the standard's example, Heritrix, wget, warcio), in hex or in
/// base 64, so all three are read.
pub fn digest_matches(label: &str, bytes: &[u8]) -> Option<bool> {
    let (algorithm, value) = label.trim().split_once(':')?;
    if !algorithm.eq_ignore_ascii_case("sha1") && !algorithm.eq_ignore_ascii_case("sha-1") {
        return None;
    }
    let expected = decode_sha1_value(value.trim())?;
    let actual: [u8; 20] = Sha1::digest(bytes).into();
    Some(expected == actual)
}

/// A WARC-Record-ID made from `name` alone: `<urn:uuid:…>` holding an RFC 9562 version 5
/// (SHA-1, name-based) UUID, so that one record of the same content always gets one ID.
pub fn record_id_from(name: &[u8]) -> String {
    let mut hasher = Sha1::new();
    hasher.update(RECORD_ID_NAMESPACE);
    hasher.update(name);
    let hash = hasher.finalize();
    let mut uuid = [0u8; 16];
    uuid.copy_from_slice(&hash[..16]);
    uuid[6] = (uuid[6] & 0x0f) | 0x50;
    uuid[8] = (uuid[8] & 0x3f) | 0x80;
    let hex: String = uuid.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "<urn:uuid:{}-{}-{}-{}-{}>",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// RFC 4648 base 32, upper case, with `=` padding (none for a 20-byte SHA-1).
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut block = [0u8; 5];
        block[..chunk.len()].copy_from_slice(chunk);
        let bits = block.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b));
        let letters = (chunk.len() * 8).div_ceil(5);
        for i in 0..8 {
            if i < letters {
                let index = ((bits >> (35 - 5 * i)) & 0x1f) as usize;
                out.push(char::from(BASE32[index]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn decode_sha1_value(value: &str) -> Option<[u8; 20]> {
    let bytes = match value.len() {
        32 => base32_decode(value)?,
        40 => hex_decode(value)?,
        27 | 28 => base64_decode(value.trim_end_matches('='))?,
        _ => return None,
    };
    bytes.try_into().ok()
}

fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let value = BASE32
            .iter()
            .position(|&l| l == c.to_ascii_uppercase())
            .and_then(|p| u32::try_from(p).ok())?;
        acc = ((acc << 5) | value) & 0xffff;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

fn hex_decode(text: &str) -> Option<Vec<u8>> {
    let digits = text.as_bytes();
    digits
        .chunks(2)
        .map(|pair| {
            let high = char::from(pair[0]).to_digit(16)?;
            let low = char::from(*pair.get(1)?).to_digit(16)?;
            u8::try_from(high * 16 + low).ok()
        })
        .collect()
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in text.bytes() {
        let value = ALPHABET
            .iter()
            .position(|&l| l == c)
            .and_then(|p| u32::try_from(p).ok())?;
        acc = ((acc << 6) | value) & 0xffff;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((acc >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests;
