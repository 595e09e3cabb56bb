//! `cablestrip clean`: saved pages → cables, without a store.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, anyhow};

use cablestrip::clean;
use cablestrip::mirror;
use cablestrip::model::{Cable, Declassify, Metadata, Page, PageUrl};
use cablestrip::rules::{Rule, RuleSet};

use super::{Failure, out};
use crate::cli::CleanArgs;

pub fn run(rules: &RuleSet, args: &CleanArgs) -> Result<ExitCode, Failure> {
    let explicit_url = args
        .url
        .as_deref()
        .map(|u| PageUrl::parse(u).with_context(|| format!("--url `{u}` is not a page URL; fix: give the full address, such as https://cablegate.wikileaks.org/cable/2008/12/08BEIJING4687.html")))
        .transpose()
        .map_err(Failure::input)?;
    let site_rule = args
        .site
        .as_deref()
        .map(|s| rules.require(s))
        .transpose()
        .map_err(Failure::input)?;
    // Every file's URL and rule first: a file that fits no site stops the command before
    // anything is printed.
    let targets = args
        .files
        .iter()
        .map(|file| target(rules, file, explicit_url.as_ref(), site_rule))
        .collect::<Result<Vec<_>, _>>()?;
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut rejected = 0;
    for (file, (url, rule)) in args.files.iter().zip(targets) {
        let bytes = std::fs::read(file)
            .with_context(|| format!("cannot read {}", file.display()))
            .map_err(Failure::input)?;
        let page = Page {
            content_type: args.content_type.clone(),
            ..Page::from_bytes(url.clone(), bytes)
        };
        let outcome = clean::clean(&page, rule);
        if outcome.is_err() {
            rejected += 1;
        }
        print_clean_outcome(&mut out, file, &url, &outcome, args.json)
            .map_err(|error| out::written(&error))?;
    }
    Ok(if rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The URL and rule `file` is cleaned with: `--url` and `--site` as given, else what the
/// file's path says.
fn target<'r>(
    rules: &'r RuleSet,
    file: &Path,
    explicit_url: Option<&PageUrl>,
    site_rule: Option<&'r Rule>,
) -> Result<(PageUrl, &'r Rule), Failure> {
    match (explicit_url, site_rule) {
        (Some(url), Some(rule)) => Ok((url.clone(), rule)),
        (Some(url), None) => {
            let rule = rules.rule_for_url(url).ok_or_else(|| {
                Failure::input(anyhow!(
                    "no rule file covers the host of --url {url}; fix: pass --site SITE as well (sites: {})",
                    rules.site_names().join(", ")
                ))
            })?;
            Ok((url.clone(), rule))
        }
        (None, Some(rule)) => url_from_path(file, rule)
            .or_else(|| url_declared_in(file, rule))
            .or_else(|| fallback_url(file, rule))
            .map(|url| (url, rule))
            .ok_or_else(|| {
                Failure::input(anyhow!(
                    "cannot make a URL of {} on site {}; fix: pass --url URL",
                    file.display(),
                    rule.name
                ))
            }),
        (None, None) => guess_site(file, rules).ok_or_else(|| {
            Failure::input(anyhow!(
                "cannot tell which site {} was saved from; fix: pass --url URL or --site SITE (sites: {})",
                file.display(),
                rules.site_names().join(", ")
            ))
        }),
    }
}

fn print_clean_outcome(
    out: &mut impl Write,
    file: &Path,
    url: &PageUrl,
    outcome: &Result<Cable, clean::Reject>,
    json: bool,
) -> std::io::Result<()> {
    match (outcome, json) {
        (Ok(cable), true) => writeln!(out, "{}", serde_json::to_string(cable)?)?,
        (Err(reject), true) => writeln!(
            out,
            "{}",
            serde_json::json!({"url": url.as_str(), "reject": reject.kind(), "reason": reject.to_string()})
        )?,
        (Ok(cable), false) => {
            writeln!(
                out,
                "== {} → {} ({})",
                file.display(),
                cable.id,
                cable.rules
            )?;
            write_cable(out, cable)?;
        }
        (Err(reject), false) => writeln!(
            out,
            "== {} rejected ({}): {reject}",
            file.display(),
            reject.kind()
        )?,
    }
    Ok(())
}

/// A cable's metadata lines, then its header and body, as `clean` and `show` print them.
pub fn write_cable(out: &mut impl Write, cable: &Cable) -> std::io::Result<()> {
    for (label, value) in [
        ("title", &cable.title),
        ("subject", &cable.subject),
        ("created", &cable.created),
        ("classification", &cable.classification),
        ("origin", &cable.origin),
        ("source_id", &cable.source_id),
    ] {
        if let Some(value) = value {
            writeln!(out, "{label}: {value}")?;
        }
    }
    if !cable.tags.is_empty() {
        writeln!(out, "tags: {}", cable.tags.join(", "))?;
    }
    write_metadata(out, &cable.meta)?;
    for reason in &cable.suspect {
        writeln!(out, "suspect: {reason}")?;
    }
    if let Some(cut) = &cable.cut {
        for line in &cut.start {
            writeln!(out, "cut before the cable: {line}")?;
        }
        for line in &cut.end {
            writeln!(out, "cut after the cable: {line}")?;
        }
    }
    if let Some(header) = &cable.header {
        writeln!(out, "\n{header}")?;
    }
    writeln!(out, "\n{}\n", cable.body)
}

/// The metadata fields the text gives, one line each (addressees one a line).
fn write_metadata(out: &mut impl Write, meta: &Metadata) -> std::io::Result<()> {
    if !meta.references.is_empty() {
        let references: Vec<String> = meta
            .references
            .iter()
            .map(|r| {
                let letter = r
                    .letter
                    .as_deref()
                    .map(|l| format!("{l}. "))
                    .unwrap_or_default();
                match &r.id {
                    Some(id) => format!("{letter}{} ({id})", r.text),
                    None => format!("{letter}{}", r.text),
                }
            })
            .collect();
        writeln!(out, "references: {}", references.join("; "))?;
    }
    for (label, addressees) in [
        ("to", &meta.to),
        ("info", &meta.info),
        ("excluded", &meta.excluded),
    ] {
        for addressee in addressees {
            let parts: Vec<&str> = [
                addressee.route.as_deref(),
                Some(addressee.name.as_str()),
                addressee.precedence.as_deref(),
                addressee.serial.as_deref(),
            ]
            .into_iter()
            .flatten()
            .collect();
            writeln!(out, "{label}: {}", parts.join(" "))?;
        }
    }
    if let Some(by) = &meta.classified_by {
        let who: Vec<&str> = [by.title.as_deref(), by.name.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        let reasons = if by.reasons.is_empty() {
            String::new()
        } else {
            format!(", reasons {}", by.reasons.join(", "))
        };
        writeln!(out, "classified by: {}{reasons}", who.join(" "))?;
    }
    match &meta.declassify {
        Some(Declassify::Date(date)) => writeln!(out, "declassify: {date}")?,
        Some(Declassify::Text(text)) => writeln!(out, "declassify: {text}")?,
        None => {}
    }
    if let Some(signer) = &meta.signer {
        writeln!(out, "signer: {signer}")?;
    }
    if let Some(summary) = &meta.summary {
        writeln!(out, "summary: {summary}")?;
    }
    Ok(())
}

/// The URL a saved file had on `rule`'s site, as `ingest` maps it.
fn url_from_path(file: &Path, rule: &Rule) -> Option<PageUrl> {
    let base = mirror::base_url(rule, None).ok()?;
    mirror::url_for_file(file, rule, &base)
}

/// The address the saved page declares for itself, when it is one of `rule`'s site's
/// pages (see [`mirror::declared_url`]).
fn url_declared_in(file: &Path, rule: &Rule) -> Option<PageUrl> {
    let bytes = std::fs::read(file).ok()?;
    let url = mirror::declared_url(&bytes)?;
    let on_site = rule.hosts.contains(&url.host());
    let known = !matches!(rule.classify(&url), cablestrip::rules::UrlKind::Other);
    (on_site && known).then_some(url)
}

/// The file's name under the site's root: a URL the rule knows as no cable page, so that
/// cleaning says why it is not one.
fn fallback_url(file: &Path, rule: &Rule) -> Option<PageUrl> {
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = PageUrl::parse(&format!("https://{}/", rule.primary_host())).ok()?;
    base.join(&name).or(Some(base))
}

fn guess_site<'r>(file: &Path, rules: &'r RuleSet) -> Option<(PageUrl, &'r Rule)> {
    let mut found = rules
        .rules()
        .iter()
        .filter_map(|rule| url_from_path(file, rule).map(|url| (url, rule)));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}
