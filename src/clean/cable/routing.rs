//! The routing block's addressees → `TO`, `INFO` and `XMT` (not transmitted to) lists,
//! each line split into routing indicator, name, precedence and serial number.

use std::sync::LazyLock;

use regex::Regex;

use super::{collapse_spaces, is_banner_line, is_page_furniture, lines_of, regex};
use crate::model::Addressee;

/// How far into a text the `FM` line may be: routing blocks sit at the top.
const MAX_LINES_BEFORE_FM: usize = 120;

/// The addressee lists of one routing block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Addressees {
    /// Action addressees (`TO`).
    pub to: Vec<Addressee>,
    /// Information addressees (`INFO`).
    pub info: Vec<Addressee>,
    /// Addressees the cable was not transmitted to (`XMT`).
    pub excluded: Vec<Addressee>,
}

/// Whether a line is the sender line that opens the address part: `FM AMEMBASSY MOSCOW`.
fn is_fm_line(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("FM")
        .and_then(|rest| rest.strip_prefix([' ', '\t']))
        .is_some_and(|rest| {
            rest.trim_start()
                .starts_with(|c: char| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

/// A keyword that opens an addressee list (`TO`, `INFO`, `XMT`) and the rest of its line.
fn list_keyword(line: &str) -> Option<(&'static str, &str)> {
    let trimmed = line.trim_start();
    ["TO", "INFO", "XMT"].into_iter().find_map(|keyword| {
        let rest = trimmed.strip_prefix(keyword)?;
        (rest.is_empty() || rest.starts_with([' ', '\t'])).then_some((keyword, rest.trim()))
    })
}

/// A page heading inside the block: `PAGE 02 RUEHFRA2440 C O N F I D E N T I A L`.
fn is_page_heading(line: &str) -> bool {
    line.trim_start().strip_prefix("PAGE").is_some_and(|rest| {
        let digits = rest.trim_start();
        rest.starts_with([' ', '\t']) && digits.bytes().take_while(u8::is_ascii_digit).count() >= 2
    })
}

/// The routing indicator before the name (`RUEHC/`, `RHEHNSC/`, `ZEN/`) and the rest.
fn split_route(line: &str) -> (Option<&str>, &str) {
    if let Some(slash) = line.find('/') {
        let (route, rest) = (&line[..slash], &line[slash + 1..]);
        let indicator = (3..=8).contains(&route.len())
            && route.starts_with(|c: char| c.is_ascii_uppercase())
            && route
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if indicator && !rest.starts_with('/') && !rest.trim().is_empty() {
            return (Some(route), rest);
        }
    }
    (None, line)
}

/// The end of a routing block's address part.
static BLOCK_END: LazyLock<Regex> = LazyLock::new(|| {
    regex(
        r"^\s*(?:(?:BT|NNNN?)\s*$|FM\s|E\.\s?O\.|SUBJECT\b|TAGS\b|SIPDIS\b|(?:[ZOPRM]\s+){1,2}\d{6}\s?Z\b)",
    )
});

/// The addressees of the routing block in `text` (a header, or a body that opens with its
/// routing lines): the lists after the `FM` line, with continuation lines, page-break
/// lines and blank lines inside the block handled.
pub fn addressees(text: &str) -> Addressees {
    let mut found = Addressees::default();
    let mut lines = lines_of(text);
    if lines
        .by_ref()
        .take(MAX_LINES_BEFORE_FM)
        .find(|line| is_fm_line(line))
        .is_none()
    {
        return found;
    }
    let mut list: Option<&mut Vec<Addressee>> = None;
    let mut pending_blank = false;
    for line in lines {
        if line.trim().is_empty() {
            pending_blank = true;
            continue;
        }
        if is_page_heading(line) || is_page_furniture(line) {
            continue;
        }
        if BLOCK_END.is_match(line) || is_banner_line(line) {
            break;
        }
        let (keyword, rest) = match list_keyword(line) {
            Some((keyword, rest)) => (Some(keyword), rest),
            None => (None, line.trim()),
        };
        match keyword {
            Some("TO") => list = Some(&mut found.to),
            Some("INFO") => list = Some(&mut found.info),
            Some(_) => list = Some(&mut found.excluded),
            // After a blank line, only a new list or a routed line carries the block on.
            None if pending_blank && split_route(rest).0.is_none() => break,
            None => {}
        }
        pending_blank = false;
        let Some(current) = list.as_deref_mut() else {
            break;
        };
        if rest.is_empty() || is_page_heading(rest) {
            continue;
        }
        if !looks_like_addressee(rest) {
            break;
        }
        push_addressee(current, rest);
    }
    found
}

/// An addressee line: capitals, digits and the punctuation of office names, not prose.
fn looks_like_addressee(line: &str) -> bool {
    line.len() <= 120
        && line.bytes().any(|b| b.is_ascii_uppercase())
        && !line.bytes().any(|b| b.is_ascii_lowercase())
}

/// Splits one addressee line and adds it; a line holding only a precedence or serial
/// completes the addressee before it.
fn push_addressee(list: &mut Vec<Addressee>, line: &str) {
    let (route, rest) = split_route(line);
    let route = route.map(str::to_string);
    let mut name = rest.trim();
    let serial = match name.rsplit_once(char::is_whitespace) {
        Some((head, last)) if is_serial(last) => {
            name = head.trim_end();
            Some(last.to_string())
        }
        _ => None,
    };
    let precedence = [
        "NIACT IMMEDIATE",
        "FLASH",
        "IMMEDIATE",
        "PRIORITY",
        "ROUTINE",
        "NIACT",
    ]
    .into_iter()
    .find_map(|precedence| {
        let head = name.strip_suffix(precedence)?;
        let whole_word = head.is_empty() || head.ends_with(char::is_whitespace);
        whole_word.then(|| (head.trim_end(), precedence))
    })
    .map(|(head, precedence)| {
        name = head;
        precedence.to_string()
    });
    let name = if name.contains("  ") || name.contains('\t') {
        collapse_spaces(name)
    } else {
        name.to_string()
    };
    if name.is_empty() && route.is_none() {
        if let Some(previous) = list.last_mut() {
            previous.precedence = previous.precedence.take().or(precedence);
            previous.serial = previous.serial.take().or(serial);
        }
        return;
    }
    list.push(Addressee {
        route,
        name,
        precedence,
        serial,
    });
}

/// A serial number: `4696`, `0000`, `2276-2279`.
fn is_serial(word: &str) -> bool {
    let mut parts = word.split('-');
    let is_number =
        |part: &str| (1..=6).contains(&part.len()) && part.bytes().all(|b| b.is_ascii_digit());
    match (parts.next(), parts.next(), parts.next()) {
        (Some(first), None, None) => first.len() == 4 && is_number(first),
        (Some(first), Some(last), None) => is_number(first) && is_number(last),
        _ => false,
    }
}

#[cfg(test)]
mod tests;
