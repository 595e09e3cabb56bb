//! Until when a cable stays classified: the `DECL:` value, as a date where it is one.

use std::sync::LazyLock;

use regex::Regex;

use super::{collapse_spaces, floor_char_boundary, four_digit_year, month_number, regex};
use crate::model::Declassify;

/// How far into a text the `DECL:` value is looked for: it sits in the opening.
const SEARCH_WINDOW: usize = 8_000;

/// The `DECL:` value (`DECL: 01/15/2029`, `Declassify on: 2029/01/15`, a stray letter in
/// `DECLl: 05/12/2018`).
static DECL: LazyLock<Regex> = LazyLock::new(|| {
    regex(r"(?i)\b(?:DECL(?:ASSIFY|[a-z])?(?:\s+ON)?\s*:|Declassify\s+on\b)[ \t]*(?P<value>[^\n]*)")
});

/// Where another field runs on after the `DECL:` value on its line.
static AFTER_DECL: LazyLock<Regex> =
    LazyLock::new(|| regex(r"(?i)\s+(?:tags?\b|subj(?:ect)?\b|classified\s+by\b)"));

/// The declassification date of `text`: a date where the `DECL:` value is one
/// (`01/15/2029`, `1/15/29`, `2029/01/15`, `15 JAN 2029`), else the value as written (`X1`,
/// `AFTER KOREAN UNIFICATION`).
pub fn declassify(text: &str) -> Option<Declassify> {
    let window = &text[..floor_char_boundary(text, SEARCH_WINDOW)];
    let found = DECL.captures(window)?;
    let value = found.name("value")?.as_str();
    let value = AFTER_DECL
        .find(value)
        .map_or(value, |m| &value[..m.start()]);
    let value =
        collapse_spaces(value.trim_end_matches(|c: char| c.is_whitespace() || ".,;".contains(c)));
    if value.is_empty() {
        return None;
    }
    Some(date_of(&value).map_or(Declassify::Text(value), Declassify::Date))
}

/// A declassification date as cables write it: month/day/year (a day over 12 first is
/// read as day/month), year/month/day, `15 JAN 2029`, `JAN 15, 2029`.
fn date_of(value: &str) -> Option<jiff::civil::Date> {
    let numbers: Vec<&str> = value.split(['/', '-', '.']).map(str::trim).collect();
    let number = |text: &str| -> Option<i16> {
        (text.bytes().all(|b| b.is_ascii_digit()) && (1..=4).contains(&text.len()))
            .then(|| text.parse().ok())
            .flatten()
    };
    let date = |year: i16, month: i16, day: i16| {
        jiff::civil::Date::new(year, i8::try_from(month).ok()?, i8::try_from(day).ok()?).ok()
    };
    if let [first, second, third] = numbers.as_slice() {
        let (a, b, c) = (number(first)?, number(second)?, number(third)?);
        if first.len() == 4 {
            return date(a, b, c);
        }
        let year = match third.len() {
            2 => four_digit_year(third)?,
            4 => c,
            _ => return None,
        };
        return date(year, a, b).or_else(|| date(year, b, a));
    }
    let words: Vec<&str> = value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let (day, month, year) = match words.as_slice() {
        [day, month, year] if day.bytes().all(|b| b.is_ascii_digit()) => (*day, *month, *year),
        [month, day, year] => (*day, *month, *year),
        _ => return None,
    };
    let month = month_number(month.get(..3)?)?;
    let year = match year.len() {
        4 => year.parse().ok()?,
        2 => four_digit_year(year)?,
        _ => return None,
    };
    date(year, i16::from(month), day.parse().ok()?)
}

#[cfg(test)]
mod tests;
