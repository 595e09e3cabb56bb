//! `cablestrip show ID|URL [--raw]`: every stored copy of a cable, or one page's record and
//! cable, or the raw page itself.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::anyhow;

use cablestrip::export::Priorities;
use cablestrip::model::{Cable, CableId, PageUrl};
use cablestrip::rules::RuleSet;
use cablestrip::store::{BodyHash, CleanOutcome, PageRecord, Store};

use super::clean::write_cable;
use super::out::{self, note};
use super::{Failure, open_store_to_read};
use crate::cli::ShowArgs;

/// What `show` was asked for.
enum Target {
    Page(PageUrl),
    Cable(CableId),
}

pub fn run(rules: &RuleSet, db: &Path, args: &ShowArgs) -> Result<ExitCode, Failure> {
    let text = args.target.trim();
    let target = match (PageUrl::parse(text), CableId::parse(text)) {
        (Ok(url), _) => Target::Page(url),
        (Err(_), Ok(id)) => Target::Cable(id),
        (Err(_), Err(_)) => {
            return Err(Failure::input(anyhow!(
                "`{text}` is neither a cable ID nor a page URL; fix: give an ID such as 08MOSCOW3728, or a full http(s) URL of a stored page"
            )));
        }
    };
    let store = open_store_to_read(db)?;
    match target {
        Target::Page(url) => show_url(rules, &store, &url, args),
        Target::Cable(id) => show_id(rules, &store, &id, args),
    }
}

fn show_id(
    rules: &RuleSet,
    store: &Store,
    id: &CableId,
    args: &ShowArgs,
) -> Result<ExitCode, Failure> {
    let copies = store.cables_for_id(id).map_err(Failure::store)?;
    let Some(preferred) = Priorities::of(rules).choose(&copies) else {
        note!("show: the store holds no cable {id}");
        return Ok(ExitCode::from(1));
    };
    if args.raw {
        return write_raw(store, &preferred.url);
    }
    let mut out = std::io::stdout().lock();
    let result = if args.json {
        // One document: the ID, which copy `export` writes, and every copy.
        let document = serde_json::json!({
            "id": id,
            "preferred": preferred.url,
            "copies": copies,
        });
        writeln!(out, "{document}")
    } else {
        write_copies(&mut out, rules, &copies, preferred)
    };
    finish(result)
}

fn write_copies(
    out: &mut impl Write,
    rules: &RuleSet,
    copies: &[Cable],
    preferred: &Cable,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{}: {} stored {}",
        preferred.id,
        copies.len(),
        if copies.len() == 1 { "copy" } else { "copies" }
    )?;
    for cable in copies {
        writeln!(
            out,
            "\n== {}  {}\nrules: {} ({}){}",
            cable.site,
            cable.url,
            cable.rules,
            freshness(rules, &cable.site, &cable.rules),
            if std::ptr::eq(cable, preferred) && copies.len() > 1 {
                "\nthe copy `export` writes (highest site priority)"
            } else {
                ""
            }
        )?;
        write_cable(out, cable)?;
    }
    Ok(())
}

fn freshness(rules: &RuleSet, site: &str, version: &str) -> &'static str {
    match rules.rule(site) {
        None => "no rule file names this site any more",
        Some(rule) if rule.version == version => "current",
        Some(_) => "stale: made by another version of the rule",
    }
}

fn show_url(
    rules: &RuleSet,
    store: &Store,
    url: &PageUrl,
    args: &ShowArgs,
) -> Result<ExitCode, Failure> {
    if args.raw {
        return write_raw(store, url);
    }
    let Some(page) = store.page(url).map_err(Failure::store)? else {
        note!("show: the store holds no page {url}");
        return Ok(ExitCode::from(1));
    };
    let cable = store.cable(url).map_err(Failure::store)?;
    let mut out = std::io::stdout().lock();
    let result = if args.json {
        let record = serde_json::json!({"page": page, "cable": cable});
        writeln!(out, "{record}")
    } else {
        write_page(&mut out, rules, &page, cable.as_ref())
    };
    finish(result)
}

fn write_page(
    out: &mut impl Write,
    rules: &RuleSet,
    page: &PageRecord,
    cable: Option<&Cable>,
) -> std::io::Result<()> {
    writeln!(out, "page            {}", page.url)?;
    writeln!(out, "site            {}", page.site)?;
    writeln!(out, "status          {}", page.status)?;
    if let Some(content_type) = &page.content_type {
        writeln!(out, "content type    {content_type}")?;
    }
    for (label, value) in [("etag", &page.etag), ("last modified", &page.last_modified)] {
        if let Some(value) = value {
            writeln!(out, "{label:<16}{value}")?;
        }
    }
    writeln!(out, "fetched at      {}", page.fetched_at)?;
    writeln!(
        out,
        "raw body        {}",
        page.body
            .as_ref()
            .map_or_else(|| "none".to_string(), BodyHash::to_string)
    )?;
    let outcome = match &page.outcome {
        CleanOutcome::Cable {
            id,
            rules_version,
            suspect,
        } => format!(
            "{} {id}, by {rules_version} ({})",
            if *suspect { "suspect cable" } else { "cable" },
            freshness(rules, &page.site, rules_version)
        ),
        CleanOutcome::Rejected {
            kind,
            message,
            rules_version,
        } => format!("rejected ({kind}) by {rules_version}: {message}"),
        CleanOutcome::NotCleaned => "not cleaned (an index page)".to_string(),
        CleanOutcome::Failed { kind, message } => format!("fetch failed ({kind}): {message}"),
    };
    writeln!(out, "outcome         {outcome}")?;
    match cable {
        Some(cable) => {
            writeln!(out, "\n== {} ({})", cable.id, cable.rules)?;
            write_cable(out, cable)
        }
        None => writeln!(out, "\n(no cable stored for this page)"),
    }
}

/// Writes the raw body of the page at `url`, byte for byte.
fn write_raw(store: &Store, url: &PageUrl) -> Result<ExitCode, Failure> {
    let Some(page) = store.page(url).map_err(Failure::store)? else {
        note!("show: the store holds no page {url}");
        return Ok(ExitCode::from(1));
    };
    let Some(hash) = page.body else {
        note!("show: the page {url} has no stored body (its fetch gave none)");
        return Ok(ExitCode::from(1));
    };
    let Some(body) = store.body(&hash).map_err(Failure::store)? else {
        note!("show: the raw body {hash} of {url} is missing from the store");
        return Ok(ExitCode::from(1));
    };
    let mut out = std::io::stdout().lock();
    finish(out.write_all(&body).and_then(|()| out.flush()))
}

/// Success, or a quiet stop when the reader of stdout went away.
fn finish(result: std::io::Result<()>) -> Result<ExitCode, Failure> {
    result.map_err(|error| out::written(&error))?;
    Ok(ExitCode::SUCCESS)
}
