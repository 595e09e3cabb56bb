//! Whether a page came whole. Every cable page of every site, in every saved mirror the
//! project has seen, opens with `<html` and ends with `</html>` (give or take white space
//! and a comment), so a page that opens its `<html>` and has no `</html>` near its end was
//! cut short: a Content-Length that lied, a server or a download that stopped early. The
//! crawl fetches such a page again; a copy that stays cut short is stored as suspect, never
//! as clean. A fragment without an `<html>` of its own is not judged.

/// How far from the start `<html` is looked for.
const HEAD: usize = 4096;
/// How far from the end `</html>` is looked for.
const TAIL: usize = 2048;

/// Whether `body`, a page's raw bytes, ends as a whole HTML page does. A page in UTF-16
/// (the only encoding in which the ASCII tags do not appear as bytes) is taken as whole,
/// for want of a check.
pub fn ends_whole(body: &[u8]) -> bool {
    let head = &body[..body.len().min(HEAD)];
    let opens = head.windows(5).any(|w| w.eq_ignore_ascii_case(b"<html"));
    if !opens {
        return true;
    }
    let tail = &body[body.len().saturating_sub(TAIL)..];
    tail.windows(7).any(|window| {
        window.eq_ignore_ascii_case(b"</html>") || window.eq_ignore_ascii_case(b"</html ")
    })
}

#[cfg(test)]
mod tests;
