//! The cleaning stage: one raw page and its site's rule → a clean [`Cable`], or a typed
//! [`Reject`] that says why not. Pure and synchronous, so crawl, ingest, reclean and
//! `rules test` all clean a page the same way.
//!
//! Cleaning takes time in proportion to the page, whatever the page holds: before the HTML
//! parser sees a page, one pass over its text ([`guard`]) refuses what the parser could not
//! parse in linear time (nesting deeper than any real page, a tag with more attributes than
//! any real one), and while it parses, [`budget`] stops it once its work outgrows the page.
//! Those rejects (`too-deep`, `too-many-attributes`, `too-costly`) need no fixture cases:
//! the hostile-page tests generate their pages.

pub mod budget;
pub mod cable;
pub mod decode;
pub mod guard;
pub mod posts;
pub mod repair;
pub mod text;

use std::collections::HashSet;

use ego_tree::NodeId;
use scraper::{ElementRef, Html};

use crate::model::{Cable, CableId, Page};
use crate::rules::{FieldRule, Rule, UrlKind};

/// Why a page gave no cable. Each is an expected outcome, not a failure of the program.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Reject {
    /// The URL is not one of the site's cable pages (an index or article page).
    #[error("`{path}` is not a cable page of {site} (see [urls] cable in its rule file)")]
    NotACablePage {
        /// The site.
        site: String,
        /// The path (and query) of the page.
        path: String,
    },
    /// The body selector found nothing: the layout changed, or this is not a cable page.
    #[error("the body selector `{selector}` of {site} matched nothing on the page")]
    BodyNotFound {
        /// The site.
        site: String,
        /// The selector that missed.
        selector: String,
    },
    /// Something was found, but it is not a cable.
    #[error("the text does not look like a cable: {reason}")]
    NotACable {
        /// What is missing.
        reason: String,
    },
    /// The page nests deeper than any real page: parsing it would take minutes.
    #[error(
        "the page nests elements more than {limit} deep (a hostile or broken page); it is not parsed"
    )]
    TooDeep {
        /// The nesting allowed.
        limit: usize,
    },
    /// A tag carries more attributes than any real page's: the parser checks each new
    /// attribute against all earlier ones, so parsing it would take minutes.
    #[error(
        "the page has a tag `{element}` with {found} attributes, more than the {limit} accepted (a hostile or broken page); it is not parsed"
    )]
    TooManyAttributes {
        /// The tag, as `<name>` or `</name>`.
        element: String,
        /// Its attributes.
        found: usize,
        /// The most accepted.
        limit: usize,
    },
    /// The page's `<html>` and `<body>` tags carry more attributes than any real page's:
    /// the parser merges them into one element, checking each against those it has.
    #[error(
        "the page's <html> and <body> tags carry {found} attributes in all, more than the {limit} accepted (a hostile or broken page: the parser merges them into one element); it is not parsed"
    )]
    TooManyMergedAttributes {
        /// Their attributes, all together.
        found: usize,
        /// The most accepted.
        limit: usize,
    },
    /// The parser's work outgrew the page: its markup is built to make parsing take
    /// minutes.
    #[error(
        "parsing the page's first {bytes} bytes took {steps} parser steps, more than {per_byte} a byte (real pages need under 1; a hostile or broken page, such as end tags that close nothing or tags that cannot close); it is not parsed further"
    )]
    TooCostly {
        /// The parser's steps when it was stopped.
        steps: u64,
        /// The bytes of the page read by then.
        bytes: usize,
        /// The steps allowed per byte.
        per_byte: u64,
    },
    /// Neither the URL, the page nor the text gives a cable ID.
    #[error("no cable ID in the URL, the page or the text{}", found.as_ref().map(|f| format!(" (found `{f}`, which is not an ID)")).unwrap_or_default())]
    NoCableId {
        /// A candidate that did not parse, if any.
        found: Option<String>,
    },
}

impl Reject {
    /// A short stable name for counting and JSON: `not-a-cable-page`, `body-not-found`,
    /// `not-a-cable`, `too-deep`, `too-many-attributes`, `too-costly`, `no-cable-id`.
    pub fn kind(&self) -> &'static str {
        match self {
            Reject::NotACablePage { .. } => "not-a-cable-page",
            Reject::BodyNotFound { .. } => "body-not-found",
            Reject::NotACable { .. } => "not-a-cable",
            Reject::TooDeep { .. } => "too-deep",
            Reject::TooManyAttributes { .. } | Reject::TooManyMergedAttributes { .. } => {
                "too-many-attributes"
            }
            Reject::TooCostly { .. } => "too-costly",
            Reject::NoCableId { .. } => "no-cable-id",
        }
    }
}

/// Cleans `page` with `rule`: the one way to clean a page.
pub fn clean(page: &Page, rule: &Rule) -> Result<Cable, Reject> {
    let url_id = cable_url_id(page, rule)?;
    let document = parse(page, rule)?;
    clean_document(page, rule, url_id, &document)
}

/// [`clean`] from a document already made by [`parse`], for a caller that also needs the
/// page's links (the crawler), so that the page is parsed once.
pub fn clean_parsed(page: &Page, rule: &Rule, document: &Html) -> Result<Cable, Reject> {
    let url_id = cable_url_id(page, rule)?;
    clean_document(page, rule, url_id, document)
}

/// Decodes the page, repairs its bare markup when the rule says so, and parses it with
/// [`parse_text`].
pub fn parse(page: &Page, rule: &Rule) -> Result<Html, Reject> {
    let decoded = decode::decode(&page.body, page.content_type.as_deref());
    let html = if rule.repair_bare_markup {
        repair::repair_bare_markup(&decoded.text)
    } else {
        std::borrow::Cow::Borrowed(decoded.text.as_ref())
    };
    parse_text(&html)
}

/// Parses a page's text as [`Html::parse_document`] does, in time linear in the text: a
/// page the parser could not parse in linear time is refused unparsed ([`guard`]) or
/// partly parsed ([`budget`]).
pub fn parse_text(html: &str) -> Result<Html, Reject> {
    guard::check(html)?;
    budget::parse(html)
}

/// The `id` group of the rule's cable path pattern, or a reject when the URL is not one
/// of the site's cable pages.
fn cable_url_id(page: &Page, rule: &Rule) -> Result<Option<String>, Reject> {
    match rule.classify(&page.url) {
        UrlKind::Cable { id } => Ok(id),
        _ => Err(Reject::NotACablePage {
            site: rule.name.clone(),
            path: page.url.path_and_query(),
        }),
    }
}

fn clean_document(
    page: &Page,
    rule: &Rule,
    url_id: Option<String>,
    document: &Html,
) -> Result<Cable, Reject> {
    let extractor = Extractor { document, rule };

    let mut body = extractor
        .block(&rule.body)
        .ok_or_else(|| Reject::BodyNotFound {
            site: rule.name.clone(),
            selector: rule.body.selector_text.clone(),
        })?;
    let mut header = rule.header.as_ref().and_then(|f| extractor.block(f));
    if header.is_none()
        && rule.split_routing
        && let Some((routing, rest)) = cable::split_routing(&body)
    {
        header = Some(routing);
        body = rest;
    }
    cable::check_looks_like_cable(&body, header.as_deref())
        .map_err(|reason| Reject::NotACable { reason })?;

    let title = rule.title.as_ref().and_then(|f| extractor.inline(f));
    let page_id = rule.id.as_ref().and_then(|f| extractor.inline(f));
    // The routing block's date-time group is the cable's own time, to the minute; the
    // Cable Viewer's "Created" column repeats the hour in place of the minutes. So the
    // page's date is only the fallback.
    let created = header
        .as_deref()
        .and_then(cable::created_from_dtg)
        .or_else(|| {
            rule.created
                .as_ref()
                .and_then(|f| extractor.inline(f))
                .and_then(|raw| cable::normalise_date(&raw))
        })
        .or_else(|| cable::created_from_dtg(&body));
    // Facts the text gives: the body's own opening first, then the header (PlusD shows
    // the SUBJECT and TAGS lines in its header block).
    let banner = cable::banner(&body).or_else(|| header.as_deref().and_then(cable::banner));
    let subject = cable::subject(&body).or_else(|| header.as_deref().and_then(cable::subject));
    let mut tags = cable::tags(&body);
    if tags.is_empty()
        && let Some(header) = header.as_deref()
    {
        tags = cable::tags(header);
    }

    let candidate = url_id.or(page_id);
    let (id, source_id) = match &candidate {
        Some(raw) => match CableId::parse_with_suffix(raw) {
            Ok((id, suffix)) => (id, suffix.map(|_| raw.trim().to_string())),
            Err(_) => return Err(Reject::NoCableId { found: candidate }),
        },
        None => {
            let text = format!("{}\n{body}", header.as_deref().unwrap_or_default());
            let id = cable::id_from_text(&text, created.as_deref())
                .ok_or(Reject::NoCableId { found: None })?;
            (id, None)
        }
    };

    Ok(Cable {
        id,
        url: page.url.clone(),
        site: rule.name.clone(),
        title,
        subject,
        tags,
        classification: rule
            .classification
            .as_ref()
            .and_then(|f| extractor.inline(f))
            .or_else(|| banner.as_ref().map(|b| b.classification.clone())),
        origin: rule.origin.as_ref().and_then(|f| extractor.inline(f)),
        created,
        header,
        body,
        rules: rule.version.clone(),
        source_id,
    })
}

/// Pulls a rule's fields out of one parsed page.
struct Extractor<'a> {
    document: &'a Html,
    rule: &'a Rule,
}

impl Extractor<'_> {
    /// Every element the field selects, rendered with chrome removed, joined by blank lines;
    /// `None` when nothing is selected or nothing is left.
    ///
    /// An element inside one already rendered is not rendered again: its text is in that
    /// one's, and a page nesting the selected element in itself hundreds of times would
    /// otherwise be rendered hundreds of times over.
    fn block(&self, field: &FieldRule) -> Option<String> {
        let mut parts = Vec::new();
        let mut last: Option<ElementRef<'_>> = None;
        for element in self.document.select(&field.selector) {
            if last.is_some_and(|last| element.ancestors().any(|a| a.id() == last.id())) {
                continue;
            }
            last = Some(element);
            let rendered =
                text::render_with(element, &self.dropped_within(element), field.whitespace);
            if !rendered.trim().is_empty() {
                parts.push(rendered);
            }
        }
        if parts.is_empty() {
            return None;
        }
        let text = self.remove_text_chrome(&parts.join("\n\n"));
        let text = apply_pattern(field, &text)?;
        (!text.trim().is_empty()).then_some(text)
    }

    /// The first element the field selects, on one line.
    fn inline(&self, field: &FieldRule) -> Option<String> {
        let element = self.document.select(&field.selector).next()?;
        let rendered = text::render_inline(element, &self.dropped_within(element));
        let value = apply_pattern(field, &self.remove_text_chrome(&rendered))?;
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_string())
    }

    /// The chrome elements inside `element`, found in one walk of it.
    fn dropped_within(&self, element: ElementRef<'_>) -> HashSet<NodeId> {
        match &self.rule.chrome.drop {
            Some(any) => element.select(any).map(|e| e.id()).collect(),
            None => HashSet::new(),
        }
    }

    /// Applies the rule's text patterns: `strip` matches deleted, the tail from a
    /// `cut_from` match removed, chrome lines dropped.
    fn remove_text_chrome(&self, text: &str) -> String {
        let chrome = &self.rule.chrome;
        let mut text = text.to_string();
        for pattern in &chrome.strip {
            if let std::borrow::Cow::Owned(stripped) = pattern.replace_all(&text, "") {
                text = stripped;
            }
        }
        if let Some(cut) = chrome
            .cut_from
            .iter()
            .filter_map(|pattern| pattern.find(&text).map(|m| m.start()))
            .min()
        {
            let line_start = text[..cut].rfind('\n').map_or(0, |i| i + 1);
            let cut = if text[line_start..cut].trim().is_empty() {
                line_start
            } else {
                cut
            };
            text.truncate(cut);
            let end = text.trim_end().len();
            text.truncate(end);
        }
        if !chrome.drop_lines.is_empty() {
            text = text
                .split('\n')
                .filter(|line| !chrome.drop_lines.iter().any(|p| p.is_match(line)))
                .collect::<Vec<_>>()
                .join("\n");
        }
        let end = text.trim_end().len();
        text.truncate(end);
        text
    }
}

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
const fn name_keys<const N: usize>(names: [&str; N]) -> [u128; N] {
    let mut keys = [0u128; N];
    let mut at = 0;
    while at < N {
        keys[at] = match name_key(names[at].as_bytes()) {
            Some(key) => key,
            None => panic!("an element name in a table is longer than 16 bytes"),
        };
        at += 1;
    }
    keys
}

/// Whether `name`, in any case, is one of the names whose [`name_keys`] are `keys`: a
/// binary search of numbers, since a page may hold a million tags.
fn is_one_of(name: &[u8], keys: &[u128]) -> bool {
    // `name_key`, in a form the compiler turns into a few instructions.
    let mut bytes = [0u8; 16];
    let Some(to) = bytes.get_mut(..name.len()) else {
        return false;
    };
    to.copy_from_slice(name);
    bytes.make_ascii_lowercase();
    keys.binary_search(&u128::from_be_bytes(bytes)).is_ok()
}

/// The field's pattern applied to `text`: its `value` group, or the whole match; the text
/// itself when there is no pattern; `None` when the pattern does not match.
fn apply_pattern(field: &FieldRule, text: &str) -> Option<String> {
    let Some(pattern) = &field.pattern else {
        return Some(text.to_string());
    };
    let found = pattern.captures(text)?;
    let value = found.name("value").or_else(|| found.get(0))?;
    Some(value.as_str().to_string())
}

#[cfg(test)]
mod tests;
