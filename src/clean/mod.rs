//! The cleaning stage: one raw page and its site's rule → a clean [`Cable`], or a typed
//! [`Reject`] that says why not. Pure and synchronous, so crawl, ingest, reclean and
//! `rules test` all clean a page the same way.
//!
//! The steps: `decode` (bytes → text), `repair` (bare `<` and `&`), `guard` (pages no
//! parser should take), `extract` (the rule's fields, as `text` renders them), `edges`
//! (the cable's grammar finds where its text starts and ends, and the site's lines around
//! it are cut), `cable` (the facts the text gives), `ids` (which ID the copy gets), and
//! `gate` (is the result sure to be the cable and only the cable, or suspect?).
//!
//! Cleaning takes time in proportion to the page, whatever the page holds: before the HTML
//! parser sees a page, one pass over its text ([`guard`]) refuses what the parser could not
//! parse in linear time (nesting deeper than any real page, a tag with more attributes than
//! any real one), and while it parses, [`budget`] stops it once its work outgrows the page.
//! Those rejects (`too-deep`, `too-many-attributes`, `too-costly`) need no fixture cases:
//! the hostile-page tests generate their pages.

pub mod budget;
pub mod cable;
pub mod complete;
pub mod decode;
pub mod edges;
mod extract;
pub mod gate;
pub mod guard;
pub mod ids;
mod names;
pub mod posts;
pub mod repair;
pub mod signatures;
pub mod text;

use scraper::Html;

use crate::model::{Cable, Page};
use crate::rules::{Rule, UrlKind};
use extract::Extractor;

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
    let extractor = Extractor::new(document, rule);

    let extracted = extractor
        .block(&rule.body)
        .ok_or_else(|| Reject::BodyNotFound {
            site: rule.name.clone(),
            selector: rule.body.selector_text.clone(),
        })?;
    let title = rule.title.as_ref().and_then(|f| extractor.inline(f));
    // The site's lines around the cable go first, so that routing lines under a headline
    // still split off.
    let trimmed = if rule.edges {
        edges::trim(&extracted, title.as_deref())
    } else {
        edges::Trimmed {
            text: extracted,
            cut: Default::default(),
            unplaced: Vec::new(),
        }
    };
    let mut body = trimmed.text;
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

    let text_ids = ids::ids_from_text(&body, header.as_deref(), created.as_deref());
    let decided = ids::decide(url_id.or(page_id).as_deref(), &text_ids)?;

    let mut cable = Cable {
        id: decided.id,
        url: page.url.clone(),
        site: rule.name.clone(),
        title,
        subject,
        tags,
        meta: Default::default(),
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
        source_id: decided.source_id,
        cut: (!trimmed.cut.is_empty()).then_some(trimmed.cut),
        suspect: Vec::new(),
    };
    cable.meta = cable::metadata(
        cable.header.as_deref(),
        &cable.body,
        Some(&cable.id),
        cable.created.as_deref(),
    );
    let evidence = gate::Evidence {
        headline: cable.title.as_deref(),
        unplaced: &trimmed.unplaced,
        malformed_id: decided.malformed.as_deref(),
        cut_short: !complete::ends_whole(&page.body) && extractor.holds_the_end(&rule.body),
    };
    cable.suspect = gate::judge(&cable, rule, &evidence);
    Ok(cable)
}
