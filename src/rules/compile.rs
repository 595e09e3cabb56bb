//! Compiling a rule file's text into a [`Rule`]: every value checked, every mistake
//! reported with the file, line, key and fix.

use regex::Regex;
use scraper::Selector;

use super::file::{FieldSpec, RuleFile};
use super::template::{CableUrl, SAMPLE_DATE, SAMPLE_ID};
use super::{
    ChromeRule, DEFAULT_CONCURRENCY, DEFAULT_RATE, FieldRule, FieldSelector, Rule, RuleError,
    RuleOrigin, Whitespace, content_version,
};
use crate::model::{CableId, HostKey};

impl Rule {
    /// Compiles a rule file's text, naming `origin` in every error.
    pub fn compile(origin: RuleOrigin, stem: &str, text: &str) -> Result<Rule, RuleError> {
        let file: RuleFile = toml::from_str(text).map_err(|error| RuleError::Syntax {
            origin: origin.to_string(),
            message: error.to_string().trim_end().to_string(),
        })?;
        let at = Locator {
            origin: &origin,
            text,
        };

        let name = file.site.name.get_ref().trim().to_string();
        if name != stem {
            return Err(RuleError::NameMismatch {
                origin: origin.to_string(),
                line: at.line(file.site.name.span()),
                name,
                stem: stem.to_string(),
            });
        }
        if file.site.hosts.get_ref().is_empty() {
            return Err(at.invalid(
                file.site.hosts.span(),
                "site.hosts",
                "the list is empty",
                "name at least one host, such as `hosts = [\"www.example.org\"]`",
            ));
        }
        let mut hosts = Vec::new();
        for host in file.site.hosts.get_ref() {
            hosts.push(HostKey::parse(host.get_ref()).ok_or_else(|| {
                at.invalid(
                    host.span(),
                    "site.hosts",
                    &format!("`{}` is not a host name", host.get_ref()),
                    "write the bare host, optionally with a port: `www.example.org` or `127.0.0.1:8080`, no scheme or path",
                )
            })?);
        }
        if file.urls.cable.get_ref().is_empty() {
            return Err(at.invalid(
                file.urls.cable.span(),
                "urls.cable",
                "the list is empty",
                "give at least one regex of cable page paths, such as `'^/cable/(?<id>\\w+)\\.html$'`",
            ));
        }
        let cable_paths = at.regexes("urls.cable", file.urls.cable.get_ref())?;
        let follow_paths = at.regexes("urls.follow", &file.urls.follow)?;
        let cable_url = file
            .urls
            .cable_url
            .as_ref()
            .map(|text| at.cable_url(text, &hosts, &cable_paths))
            .transpose()?;

        let extract = &file.extract;
        let field = |key: &str, spec: &Option<FieldSpec>| -> Result<Option<FieldRule>, RuleError> {
            spec.as_ref().map(|spec| at.field(key, spec)).transpose()
        };
        let rate = match &file.crawl.rate {
            Some(rate) if !(rate.get_ref().is_finite() && *rate.get_ref() >= 0.0) => {
                return Err(at.invalid(
                    rate.span(),
                    "crawl.rate",
                    &format!("{} is not a rate", rate.get_ref()),
                    "give requests per second as a number ≥ 0, such as `rate = 1.0` (0 turns limiting off)",
                ));
            }
            Some(rate) => *rate.get_ref(),
            None => DEFAULT_RATE,
        };
        let concurrency = match &file.crawl.concurrency {
            Some(c) if *c.get_ref() == 0 => {
                return Err(at.invalid(
                    c.span(),
                    "crawl.concurrency",
                    "0 requests in flight would fetch nothing",
                    "give a count ≥ 1, such as `concurrency = 2`",
                ));
            }
            Some(c) => *c.get_ref(),
            None => DEFAULT_CONCURRENCY,
        };

        Ok(Rule {
            version: format!("{name}@{}", content_version(text.as_bytes())),
            name,
            hosts,
            priority: file.site.priority,
            cable_paths,
            follow_paths,
            cable_url,
            repair_bare_markup: file.parse.repair_bare_markup,
            split_routing: extract.split_routing,
            edges: extract.edges,
            body: at.field("extract.body", &extract.body)?,
            title: field("extract.title", &extract.title)?,
            header: field("extract.header", &extract.header)?,
            id: field("extract.id", &extract.id)?,
            created: field("extract.created", &extract.created)?,
            classification: field("extract.classification", &extract.classification)?,
            origin: field("extract.origin", &extract.origin)?,
            chrome: ChromeRule {
                drop: at.selector_list("chrome.drop", &file.chrome.drop)?,
                strip: at.regexes("chrome.strip", &file.chrome.strip)?,
                drop_lines: at.regexes("chrome.drop_lines", &file.chrome.drop_lines)?,
                cut_from: at.regexes("chrome.cut_from", &file.chrome.cut_from)?,
                markers: file.chrome.markers.clone(),
            },
            rate,
            concurrency,
            // Last, so that it can move: every field above borrows `origin` for messages.
            source: origin,
        })
    }
}

/// Turns spans into line numbers and builds the errors that name them.
struct Locator<'a> {
    origin: &'a RuleOrigin,
    text: &'a str,
}

impl Locator<'_> {
    fn line(&self, span: std::ops::Range<usize>) -> usize {
        let end = span.start.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }

    fn invalid(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        problem: &str,
        fix: &str,
    ) -> RuleError {
        RuleError::Invalid {
            origin: self.origin.to_string(),
            line: self.line(span),
            key: key.to_string(),
            problem: problem.to_string(),
            fix: fix.to_string(),
        }
    }

    fn selector(&self, key: &str, text: &toml::Spanned<String>) -> Result<Selector, RuleError> {
        super::selector::parse(text.get_ref()).map_err(|why| {
            self.invalid(
                text.span(),
                key,
                &format!("`{}` is not a valid CSS selector: {why}", text.get_ref()),
                "write a CSS selector that scraper accepts, such as `div.pane > pre` or `a[href*='#par']`",
            )
        })
    }

    fn selectors(
        &self,
        key: &str,
        texts: &[toml::Spanned<String>],
    ) -> Result<Vec<Selector>, RuleError> {
        texts.iter().map(|t| self.selector(key, t)).collect()
    }

    /// `texts` as one selector list, each checked first so that a bad one is named;
    /// `None` when there are none.
    fn selector_list(
        &self,
        key: &str,
        texts: &[toml::Spanned<String>],
    ) -> Result<Option<Selector>, RuleError> {
        self.selectors(key, texts)?;
        let Some(first) = texts.first() else {
            return Ok(None);
        };
        let joined: Vec<&str> = texts.iter().map(|t| t.get_ref().as_str()).collect();
        let list = toml::Spanned::new(first.span(), joined.join(", "));
        self.selector(key, &list).map(Some)
    }

    fn regex(&self, key: &str, text: &toml::Spanned<String>) -> Result<Regex, RuleError> {
        Regex::new(text.get_ref()).map_err(|error| {
            let detail = error.to_string().lines().last().unwrap_or_default().trim().to_string();
            self.invalid(
                text.span(),
                key,
                &format!("`{}` is not a valid regex ({detail})", text.get_ref()),
                "write the pattern in Rust regex syntax, in a single-quoted TOML string so backslashes stay as written",
            )
        })
    }

    fn regexes(&self, key: &str, texts: &[toml::Spanned<String>]) -> Result<Vec<Regex>, RuleError> {
        texts.iter().map(|t| self.regex(key, t)).collect()
    }

    /// `urls.cable_url`: a template that makes, for a cable ID, a URL of one of `hosts`
    /// that the `cable` patterns take as that cable's page (tried with a sample ID and date).
    fn cable_url(
        &self,
        text: &toml::Spanned<String>,
        hosts: &[HostKey],
        cable_paths: &[Regex],
    ) -> Result<CableUrl, RuleError> {
        const KEY: &str = "urls.cable_url";
        let written = text.get_ref();
        let template = CableUrl::parse(written).map_err(|(problem, fix)| {
            self.invalid(text.span(), KEY, &format!("`{written}`: {problem}"), fix)
        })?;
        let sample = CableId::parse(SAMPLE_ID).map_err(|_| {
            self.invalid(
                text.span(),
                KEY,
                "the sample ID does not parse",
                "report this",
            )
        })?;
        let made = template.url(&sample, Some(SAMPLE_DATE));
        let Some(url) = made.filter(|url| url.as_url().scheme().starts_with("http")) else {
            return Err(self.invalid(
                text.span(),
                KEY,
                &format!("`{written}` does not make an http(s) URL"),
                "write the whole address, such as `https://example.org/cable/{id}.html`",
            ));
        };
        if !hosts.contains(&url.host()) {
            return Err(self.invalid(
                text.span(),
                KEY,
                &format!(
                    "`{written}` names the host `{}`, which `site.hosts` does not list",
                    url.host()
                ),
                "use one of the rule's own hosts, so that the pages it makes are this site's",
            ));
        }
        let target = url.path_and_query();
        let gives_back = cable_paths.iter().any(|pattern| {
            pattern
                .captures(&target)
                .and_then(|c| c.name("id"))
                .and_then(|id| CableId::parse(id.as_str()).ok())
                .is_some_and(|id| id == sample)
        });
        if !gives_back {
            return Err(self.invalid(
                text.span(),
                KEY,
                &format!(
                    "`{written}` makes `{url}` for the cable {SAMPLE_ID}, which no `urls.cable` pattern takes as that cable's page (its `id` group must give the ID back)"
                ),
                "make the template's path one that a `urls.cable` pattern matches, with `{id}` where its `id` group is",
            ));
        }
        Ok(template)
    }

    /// A field's `select`: one selector, or a non-empty list of them.
    fn select_texts(
        &self,
        key: &str,
        select: &toml::Spanned<toml::Value>,
    ) -> Result<Vec<String>, RuleError> {
        let wrong = || {
            self.invalid(
                select.span(),
                key,
                "it is neither a selector nor a list of selectors",
                "write a CSS selector, such as `select = \"div.cable-body\"`, or a list tried in order, such as `select = [\"div.cable-body\", \"div#cable-body\"]`",
            )
        };
        match select.get_ref() {
            toml::Value::String(text) => Ok(vec![text.clone()]),
            toml::Value::Array(items) if !items.is_empty() => items
                .iter()
                .map(|item| item.as_str().map(str::to_string).ok_or_else(wrong))
                .collect(),
            _ => Err(wrong()),
        }
    }

    fn field(&self, key: &str, spec: &FieldSpec) -> Result<FieldRule, RuleError> {
        let whitespace = match &spec.whitespace {
            None => Whitespace::Normal,
            Some(value) => Whitespace::parse(value.get_ref()).ok_or_else(|| {
                self.invalid(
                    value.span(),
                    &format!("{key}.whitespace"),
                    &format!("`{}` is not a white-space mode", value.get_ref()),
                    "write `normal`, `pre` (keep everything, as in <pre>) or `pre-line` (keep line breaks, collapse spaces)",
                )
            })?,
        };
        let select_key = format!("{key}.select");
        let texts = self.select_texts(&select_key, &spec.select)?;
        let selectors = texts
            .iter()
            .map(|text| {
                let spanned = toml::Spanned::new(spec.select.span(), text.clone());
                Ok(FieldSelector {
                    selector: self.selector(&select_key, &spanned)?,
                    names: super::selector::subject_names(text),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(FieldRule {
            selector_text: texts.join(" | "),
            selectors,
            pattern: spec
                .pattern
                .as_ref()
                .map(|p| self.regex(&format!("{key}.pattern"), p))
                .transpose()?,
            whitespace,
        })
    }
}
