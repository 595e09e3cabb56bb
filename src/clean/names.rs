//! Element names as numbers: a table of names searched without comparing strings, for the
//! passes that look at every tag of a page that may hold a million.

/// An element name as a number that orders as its lower-cased bytes do (big-endian, zero
/// padded), so that a table of names is searched without comparing strings; `None` past
/// 16 bytes, which no element name in the tables reaches.
const fn name_key(name: &[u8]) -> Option<u128> {
    if name.len() > 16 {
        return None;
    }
    let mut key = 0u128;
    let mut at = 0;
    while at < 16 {
        let byte = if at < name.len() {
            name[at].to_ascii_lowercase()
        } else {
            0
        };
        key = key << 8 | byte as u128;
        at += 1;
    }
    Some(key)
}

/// The keys of `names` (lower case, in byte order), for [`is_one_of`].
pub const fn name_keys<const N: usize>(names: [&str; N]) -> [u128; N] {
    let mut keys = [0u128; N];
    let mut at = 0;
    while at < N {
        keys[at] = match name_key(names[at].as_bytes()) {
            Some(key) => key,
            None => panic!("an element name in a table is longer than 16 bytes"),
        };
        if at > 0 && keys[at] <= keys[at - 1] {
            panic!("the element names of a table are not in byte order, or repeat one");
        }
        at += 1;
    }
    keys
}

/// Whether `name`, in any case, is one of the names whose [`name_keys`] are `keys`: a
/// binary search of numbers, since a page may hold a million tags.
pub fn is_one_of(name: &[u8], keys: &[u128]) -> bool {
    if name.len() > 16 || keys.is_empty() {
        return false;
    }
    // `name_key`, built a byte at a time (no call to copy a slice of unknown length).
    let mut key = 0u128;
    for (at, byte) in name.iter().enumerate() {
        key |= u128::from(byte.to_ascii_lowercase()) << (8 * (15 - at));
    }
    // A binary search without branches on the comparisons, which a page's varied tag
    // names would mispredict.
    let mut base = 0;
    let mut size = keys.len();
    while size > 1 {
        let half = size / 2;
        base = if keys[base + half] <= key {
            base + half
        } else {
            base
        };
        size -= half;
    }
    keys[base] == key
}

#[cfg(test)]
mod tests;
