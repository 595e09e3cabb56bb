//! `cablestrip rules test`: every rule file's fixture cases, cleaned and compared with
//! their expected output.
//!
//! A case is files in `fixtures/<site>/`: `<case>.html` (the page), `<case>.toml` (its URL,
//! optional Content-Type, and the expected fields or reject), and for a cable
//! `<case>.body.txt` and, when the cable has a header, `<case>.header.txt`. A field the
//! case does not name is expected absent. Adding a case means adding files, not Rust.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::clean;
use crate::model::{
    Addressee, Cable, ClassifiedBy, Declassify, Metadata, Page, PageUrl, Reference,
};
use crate::rules::{RuleSet, UrlKind};

/// A fixture folder that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum FixtureError {
    /// A file could not be read.
    #[error("cannot read {}: {source}; fix: give the folder of fixture cases", path.display())]
    Read {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A sub-folder names no rule file.
    #[error("{} has no rule file selectors/{site}.toml; fix: name each fixture folder after its site's rule file", path.display())]
    UnknownSite {
        /// The folder.
        path: PathBuf,
        /// Its name.
        site: String,
    },
}

/// What a case file says.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CaseFile {
    /// Why the case exists.
    #[allow(dead_code)]
    about: Option<String>,
    url: String,
    content_type: Option<String>,
    expect: Expectation,
}

/// The expected outcome: a reject kind, or the cable's fields.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expectation {
    reject: Option<String>,
    id: Option<String>,
    title: Option<String>,
    subject: Option<String>,
    created: Option<String>,
    classification: Option<String>,
    origin: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    source_id: Option<String>,
    /// The kinds of the quality gate's reasons, in the gate's order (`marker`, …).
    #[serde(default)]
    suspect: Vec<String>,
    /// The lines the edge step cut.
    cut: Option<ExpectedCut>,
    // The metadata fields (see `model::Metadata`): a key the case names is compared, one
    // it leaves out is not, so that each case checks what its page was written to show.
    references: Option<Vec<Reference>>,
    to: Option<Vec<Addressee>>,
    info: Option<Vec<Addressee>>,
    excluded: Option<Vec<Addressee>>,
    signer: Option<String>,
    classified_by: Option<ClassifiedBy>,
    declassify: Option<Declassify>,
    summary: Option<String>,
    /// For an index page: the paths (with `?query`) of its links that the crawl follows
    /// (the rule's cable and index pages), in document order. Naming it also expects the
    /// case's URL to be one of the rule's index pages.
    follow: Option<Vec<String>>,
}

/// The lines a case expects the edge step to cut.
#[derive(Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
struct ExpectedCut {
    #[serde(default)]
    start: Vec<String>,
    #[serde(default)]
    end: Vec<String>,
}

/// The result of one case.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// `<site>/<case>`.
    pub case: String,
    /// Differences from the expectation (empty when the case passes).
    pub differences: Vec<Difference>,
}

/// One field that differs.
#[derive(Debug, Clone, Serialize)]
pub struct Difference {
    /// The field (`body`, `subject`, `reject`, `case` for a broken case file…).
    pub field: String,
    /// A unified diff (for texts) or `expected … got …`.
    pub diff: String,
}

/// All cases of all sites.
#[derive(Debug, Clone, Serialize)]
pub struct FixtureReport {
    /// Each case's result, by site then case name.
    pub cases: Vec<CaseResult>,
    /// Sites that have a rule file but no fixture cases.
    pub sites_without_cases: Vec<String>,
}

impl FixtureReport {
    /// Whether every case passed and every site has cases.
    pub fn all_passed(&self) -> bool {
        self.sites_without_cases.is_empty() && self.cases.iter().all(|c| c.differences.is_empty())
    }
}

impl fmt::Display for FixtureReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for case in &self.cases {
            if case.differences.is_empty() {
                writeln!(f, "ok      {}", case.case)?;
                continue;
            }
            writeln!(f, "FAILED  {}", case.case)?;
            for difference in &case.differences {
                writeln!(f, "  {}:", difference.field)?;
                for line in difference.diff.lines() {
                    writeln!(f, "    {line}")?;
                }
            }
        }
        for site in &self.sites_without_cases {
            writeln!(
                f,
                "FAILED  {site}: no fixture cases (add fixtures/{site}/<case>.html and its expectations)"
            )?;
        }
        let failed = self
            .cases
            .iter()
            .filter(|c| !c.differences.is_empty())
            .count();
        writeln!(
            f,
            "{} cases, {} passed, {failed} failed{}",
            self.cases.len(),
            self.cases.len() - failed,
            if self.sites_without_cases.is_empty() {
                String::new()
            } else {
                format!(", {} sites without cases", self.sites_without_cases.len())
            }
        )
    }
}

/// Runs the cases under `dir` for `sites` (every site when empty).
pub fn run_all(
    rules: &RuleSet,
    dir: &Path,
    sites: &[String],
) -> Result<FixtureReport, FixtureError> {
    let read_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| FixtureError::Read { path, source }
    };
    let mut site_dirs = BTreeMap::new();
    for entry in std::fs::read_dir(dir).map_err(read_error(dir))? {
        let entry = entry.map_err(read_error(dir))?;
        if entry
            .file_type()
            .map_err(read_error(&entry.path()))?
            .is_dir()
        {
            let site = entry.file_name().to_string_lossy().into_owned();
            if rules.rule(&site).is_none() {
                return Err(FixtureError::UnknownSite {
                    path: entry.path(),
                    site,
                });
            }
            site_dirs.insert(site, entry.path());
        }
    }
    let wanted: Vec<String> = if sites.is_empty() {
        rules.site_names()
    } else {
        sites.to_vec()
    };
    let mut report = FixtureReport {
        cases: Vec::new(),
        sites_without_cases: Vec::new(),
    };
    for site in wanted {
        let Some(site_dir) = site_dirs.get(&site) else {
            report.sites_without_cases.push(site);
            continue;
        };
        let mut pages: Vec<PathBuf> = std::fs::read_dir(site_dir)
            .map_err(read_error(site_dir))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "html"))
            .collect();
        pages.sort();
        if pages.is_empty() {
            report.sites_without_cases.push(site.clone());
        }
        for page in pages {
            report.cases.push(run_case(rules, &site, &page)?);
        }
    }
    Ok(report)
}

fn run_case(rules: &RuleSet, site: &str, html_path: &Path) -> Result<CaseResult, FixtureError> {
    let stem = html_path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let sibling = |suffix: &str| html_path.with_file_name(format!("{stem}{suffix}"));
    let mut result = CaseResult {
        case: format!("{site}/{stem}"),
        differences: Vec::new(),
    };
    let broken = |problem: String| Difference {
        field: "case".to_string(),
        diff: problem,
    };
    let case_path = sibling(".toml");
    let case_text = match std::fs::read_to_string(&case_path) {
        Ok(text) => text,
        Err(error) => {
            result.differences.push(broken(format!(
                "cannot read {}: {error}",
                case_path.display()
            )));
            return Ok(result);
        }
    };
    let case: CaseFile = match toml::from_str(&case_text) {
        Ok(case) => case,
        Err(error) => {
            result
                .differences
                .push(broken(format!("{}: {error}", case_path.display())));
            return Ok(result);
        }
    };
    let url = match PageUrl::parse(&case.url) {
        Ok(url) => url,
        Err(error) => {
            result.differences.push(broken(format!(
                "{}: url `{}`: {error}",
                case_path.display(),
                case.url
            )));
            return Ok(result);
        }
    };
    let bytes = std::fs::read(html_path).map_err(|source| FixtureError::Read {
        path: html_path.to_path_buf(),
        source,
    })?;
    let page = Page {
        content_type: case.content_type.clone(),
        ..Page::from_bytes(url, bytes)
    };
    let rule = rules.rule(site).ok_or_else(|| FixtureError::UnknownSite {
        path: html_path.to_path_buf(),
        site: site.to_string(),
    })?;
    let expect = &case.expect;
    if let Some(expected) = &expect.follow {
        result
            .differences
            .extend(compare_follow(rules, rule, &page, expected));
    }
    let outcome = clean::clean(&page, rule);
    match (&expect.reject, outcome) {
        (Some(kind), Err(reject)) => {
            if reject.kind() != kind {
                result
                    .differences
                    .push(scalar("reject", Some(kind), Some(reject.kind())));
            }
        }
        (Some(kind), Ok(cable)) => result.differences.push(Difference {
            field: "reject".to_string(),
            diff: format!("expected a `{kind}` reject, got cable {}", cable.id),
        }),
        (None, Err(reject)) => result.differences.push(Difference {
            field: "reject".to_string(),
            diff: format!(
                "expected a cable, got a `{}` reject: {reject}",
                reject.kind()
            ),
        }),
        (None, Ok(cable)) => {
            let read_text = |suffix: &str| -> Result<Option<String>, FixtureError> {
                let path = sibling(suffix);
                match std::fs::read_to_string(&path) {
                    Ok(text) => Ok(Some(text.strip_suffix('\n').unwrap_or(&text).to_string())),
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(source) => Err(FixtureError::Read { path, source }),
                }
            };
            let expected_header = read_text(".header.txt")?;
            match read_text(".body.txt")? {
                Some(body) => result.differences.extend(compare_cable(
                    expect,
                    expected_header.as_deref(),
                    &body,
                    &cable,
                )),
                None => result.differences.push(broken(format!(
                    "{} is missing: a case that expects a cable needs its expected body",
                    sibling(".body.txt").display()
                ))),
            }
        }
    }
    Ok(result)
}

fn compare_cable(
    expect: &Expectation,
    header: Option<&str>,
    body: &str,
    cable: &Cable,
) -> Vec<Difference> {
    let mut differences = Vec::new();
    let mut check = |field: &str, expected: Option<&str>, actual: Option<&str>| {
        if expected != actual {
            differences.push(scalar(field, expected, actual));
        }
    };
    check("id", expect.id.as_deref(), Some(cable.id.as_str()));
    check("title", expect.title.as_deref(), cable.title.as_deref());
    check(
        "subject",
        expect.subject.as_deref(),
        cable.subject.as_deref(),
    );
    check(
        "created",
        expect.created.as_deref(),
        cable.created.as_deref(),
    );
    check(
        "classification",
        expect.classification.as_deref(),
        cable.classification.as_deref(),
    );
    check("origin", expect.origin.as_deref(), cable.origin.as_deref());
    check(
        "source_id",
        expect.source_id.as_deref(),
        cable.source_id.as_deref(),
    );
    let mut list = |field: &str, expected: &[String], actual: &[String]| {
        if expected != actual {
            differences.push(Difference {
                field: field.to_string(),
                diff: format!("expected {expected:?}\ngot      {actual:?}"),
            });
        }
    };
    list("tags", &expect.tags, &cable.tags);
    let suspect: Vec<String> = cable
        .suspect
        .iter()
        .map(|reason| reason.kind.name().to_string())
        .collect();
    list("suspect", &expect.suspect, &suspect);
    let no_cut = ExpectedCut::default();
    let expected_cut = expect.cut.as_ref().unwrap_or(&no_cut);
    let (start, end) = cable
        .cut
        .as_ref()
        .map_or((&[][..], &[][..]), |cut| (&cut.start[..], &cut.end[..]));
    list("cut.start", &expected_cut.start, start);
    list("cut.end", &expected_cut.end, end);
    if let Some(diff) = text_diff(
        header.unwrap_or_default(),
        cable.header.as_deref().unwrap_or_default(),
    ) {
        differences.push(Difference {
            field: "header".to_string(),
            diff,
        });
    }
    if let Some(diff) = text_diff(body, &cable.body) {
        differences.push(Difference {
            field: "body".to_string(),
            diff,
        });
    }
    compare_metadata(expect, &cable.meta, &mut differences);
    differences
}

/// The metadata keys the case names that differ from the cable's.
/// An index page's case: the URL must be one of the rule's index pages, and the links the
/// crawl would follow from it must be the expected ones.
fn compare_follow(
    rules: &RuleSet,
    rule: &crate::rules::Rule,
    page: &Page,
    expected: &[String],
) -> Vec<Difference> {
    let mut differences = Vec::new();
    let kind = rule.classify(&page.url);
    if kind != UrlKind::Follow {
        differences.push(Difference {
            field: "follow".to_string(),
            diff: format!(
                "{} is not an index page of {} ({kind:?}); fix: add its path to `[urls] follow`",
                page.url, rule.name
            ),
        });
    }
    let html = String::from_utf8_lossy(&page.body);
    let found: Vec<String> = crate::pipeline::extract_links(&page.url, &html)
        .into_iter()
        .filter(|link| {
            rules
                .rule_for_url(link)
                .is_some_and(|owner| owner.name == rule.name)
                && rule.classify(link) != UrlKind::Other
        })
        .map(|link| link.path_and_query())
        .collect();
    if found != expected {
        differences.push(Difference {
            field: "follow".to_string(),
            diff: format!("expected links {expected:?}\n   found links {found:?}"),
        });
    }
    differences
}

fn compare_metadata(expect: &Expectation, meta: &Metadata, differences: &mut Vec<Difference>) {
    fn named<T: PartialEq + std::fmt::Debug>(
        field: &str,
        expected: Option<&T>,
        actual: &T,
        differences: &mut Vec<Difference>,
    ) {
        if let Some(expected) = expected
            && expected != actual
        {
            differences.push(Difference {
                field: field.to_string(),
                diff: format!("expected {expected:?}\ngot      {actual:?}"),
            });
        }
    }
    named(
        "references",
        expect.references.as_ref(),
        &meta.references,
        differences,
    );
    named("to", expect.to.as_ref(), &meta.to, differences);
    named("info", expect.info.as_ref(), &meta.info, differences);
    named(
        "excluded",
        expect.excluded.as_ref(),
        &meta.excluded,
        differences,
    );
    let signer = expect.signer.as_ref().map(|s| Some(s.clone()));
    named("signer", signer.as_ref(), &meta.signer, differences);
    let by = expect.classified_by.as_ref().map(|b| Some(b.clone()));
    named(
        "classified_by",
        by.as_ref(),
        &meta.classified_by,
        differences,
    );
    let decl = expect.declassify.as_ref().map(|d| Some(d.clone()));
    named("declassify", decl.as_ref(), &meta.declassify, differences);
    let summary = expect.summary.as_ref().map(|s| Some(s.clone()));
    named("summary", summary.as_ref(), &meta.summary, differences);
}

fn scalar(field: &str, expected: Option<&str>, actual: Option<&str>) -> Difference {
    Difference {
        field: field.to_string(),
        diff: format!("expected {expected:?}\ngot      {actual:?}"),
    }
}

/// A unified diff of two texts, or `None` when they are equal. Whitespace at line ends is
/// shown as `·` so that a trailing-space difference is visible.
fn text_diff(expected: &str, actual: &str) -> Option<String> {
    if expected == actual {
        return None;
    }
    let show = |text: &str| {
        text.split('\n')
            .map(|line| {
                let trimmed = line.trim_end_matches(' ');
                format!("{trimmed}{}", "·".repeat(line.len() - trimmed.len()))
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let (expected, actual) = (show(expected), show(actual));
    let diff = similar::TextDiff::from_lines(&expected, &actual);
    Some(
        diff.unified_diff()
            .context_radius(2)
            .header("expected", "actual")
            .to_string(),
    )
}
