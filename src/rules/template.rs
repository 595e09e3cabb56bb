//! A rule's `cable_url`: the address of the site's page for a cable ID
//! (`https://search.wikileaks.org/plusd/cables/{id}_a.html`), so that a crawl can ask a
//! site for the cables the store knows of but no link has led to. `{id}` is the canonical
//! cable ID; `{year}` and `{month}` (four and two digits) are the cable's date, for a site
//! that files its pages by date. Checked when the rule is compiled: the URL it makes must
//! be a cable page of the rule's own hosts whose `id` group gives the ID back.

use regex::Regex;

use crate::model::{CableId, PageUrl};

/// A cable's year and month, as a template fills them in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YearMonth {
    /// Four digits.
    pub year: u16,
    /// 1 to 12.
    pub month: u8,
}

impl YearMonth {
    /// The year and month an ISO 8601 date or time begins with (`2009-03-11T16:38:00Z`).
    pub fn of_date(date: &str) -> Option<YearMonth> {
        let year: u16 = date.get(..4)?.parse().ok()?;
        let month: u8 = date.get(5..7)?.parse().ok()?;
        (date.as_bytes().get(4) == Some(&b'-') && (1..=12).contains(&month))
            .then_some(YearMonth { year, month })
    }
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Part {
    Text(String),
    Id,
    Year,
    Month,
}

/// A compiled `cable_url` template.
#[derive(Debug, Clone)]
pub struct CableUrl {
    /// As written in the rule file.
    text: String,
    parts: Vec<Part>,
    /// Matches the path (with `?query`) of every URL the template makes.
    path: Regex,
}

/// The ID and date a rule's `cable_url` is checked with when the rule is compiled.
pub(super) const SAMPLE_ID: &str = "09VALLETTA123";
pub(super) const SAMPLE_DATE: YearMonth = YearMonth {
    year: 2009,
    month: 3,
};

impl CableUrl {
    /// Reads a template; the error is the problem and its fix, for the rule's error.
    pub(super) fn parse(text: &str) -> Result<CableUrl, (String, &'static str)> {
        let mut parts = Vec::new();
        let mut rest = text;
        while !rest.is_empty() {
            let open = rest.find('{');
            let close = rest.find('}');
            match (open, close) {
                (None, None) => {
                    parts.push(Part::Text(rest.to_string()));
                    break;
                }
                (Some(open), Some(close)) if open < close => {
                    if open > 0 {
                        parts.push(Part::Text(rest[..open].to_string()));
                    }
                    parts.push(match &rest[open + 1..close] {
                        "id" => Part::Id,
                        "year" => Part::Year,
                        "month" => Part::Month,
                        other => {
                            return Err((
                                format!("`{{{other}}}` is not a placeholder"),
                                "use `{id}` for the cable ID, and `{year}` and `{month}` for its date where the site's path needs them",
                            ));
                        }
                    });
                    rest = &rest[close + 1..];
                }
                _ => {
                    return Err((
                        "a `{` or `}` stands alone".to_string(),
                        "write each placeholder whole, `{id}`, `{year}` or `{month}`",
                    ));
                }
            }
        }
        if !parts.contains(&Part::Id) {
            return Err((
                "it has no `{id}`".to_string(),
                "put `{id}` where the cable ID goes, such as `https://example.org/cable/{id}.html`",
            ));
        }
        // Placeholders belong in the path: the host is the site's.
        let Some(Part::Text(first)) = parts.first() else {
            return Err((
                "it does not begin with the site's address".to_string(),
                "begin with the scheme and host, such as `https://example.org/cable/{id}.html`",
            ));
        };
        let host_end = first
            .find("://")
            .and_then(|at| first[at + 3..].find('/').map(|slash| at + 3 + slash));
        let Some(host_end) = host_end else {
            return Err((
                "a placeholder comes before the path begins".to_string(),
                "begin with the scheme, host and `/`, such as `https://example.org/cable/{id}.html`",
            ));
        };
        let mut pattern = format!("^{}", regex::escape(&first[host_end..]));
        for part in &parts[1..] {
            pattern.push_str(&match part {
                Part::Text(text) => regex::escape(text),
                Part::Id => "[A-Za-z0-9]+".to_string(),
                Part::Year => r"\d{4}".to_string(),
                Part::Month => r"\d{2}".to_string(),
            });
        }
        pattern.push('$');
        let path = Regex::new(&pattern).map_err(|_| {
            (
                "it cannot be matched against URLs".to_string(),
                "write a plain URL with placeholders",
            )
        })?;
        Ok(CableUrl {
            text: text.to_string(),
            parts,
            path,
        })
    }

    /// The template as the rule file writes it.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the template needs the cable's date (`{year}` or `{month}`).
    pub fn needs_date(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, Part::Year | Part::Month))
    }

    /// The URL of `id`'s page; `None` when the template needs a date and `date` is none,
    /// or the text made is no URL.
    pub fn url(&self, id: &CableId, date: Option<YearMonth>) -> Option<PageUrl> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Id => out.push_str(id.as_str()),
                Part::Year => out.push_str(&format!("{:04}", date?.year)),
                Part::Month => out.push_str(&format!("{:02}", date?.month)),
            }
        }
        PageUrl::parse(&out).ok()
    }

    /// Whether `url`'s path is one the template makes (its host is the caller's to check).
    pub fn made(&self, url: &PageUrl) -> bool {
        self.path.is_match(&url.path_and_query())
    }
}
