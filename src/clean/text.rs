//! DOM → faithful text: `<pre>` exactly as written, other text with HTML's whitespace
//! rules, `<br>` and block elements as line breaks, chrome elements left out.

use std::collections::HashSet;

use ego_tree::NodeId;
use ego_tree::iter::Edge;
use scraper::{ElementRef, Node};

use crate::rules::Whitespace;

/// Elements whose content is never text a reader sees.
const SKIPPED: &[&str] = &[
    "script", "style", "noscript", "template", "head", "iframe", "object", "embed", "svg", "math",
    "select", "button", "input", "textarea", "canvas", "audio", "video", "map",
];

/// Elements that stand as paragraphs: a blank line before and after.
const PARAGRAPHS: &[&str] = &[
    "p",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "pre",
    "blockquote",
    "table",
    "ul",
    "ol",
    "dl",
    "hr",
    "listing",
    "xmp",
    "plaintext",
];

/// Elements that stand on lines of their own.
const LINES: &[&str] = &[
    "div",
    "li",
    "tr",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "main",
    "form",
    "address",
    "figure",
    "figcaption",
    "caption",
    "fieldset",
    "legend",
    "details",
    "summary",
    "center",
    "tbody",
    "thead",
    "tfoot",
    "body",
    "html",
];

/// Elements that keep their text's whitespace exactly.
const PREFORMATTED: &[&str] = &["pre", "listing", "xmp", "plaintext", "textarea"];

/// Renders the text of `root`, leaving out every node in `dropped` with all it contains.
pub fn render(root: ElementRef<'_>, dropped: &HashSet<NodeId>) -> String {
    render_with(root, dropped, Whitespace::Normal)
}

/// Renders the text of `root` with `whitespace` as the root's own white-space handling:
/// for pages that lay cable text out in a `<div>` styled `white-space: pre` or `pre-line`.
pub fn render_with(
    root: ElementRef<'_>,
    dropped: &HashSet<NodeId>,
    whitespace: Whitespace,
) -> String {
    let mut text = TextBuilder {
        pre_depth: usize::from(whitespace == Whitespace::Pre),
        pre_line: whitespace == Whitespace::PreLine,
        ..TextBuilder::default()
    };
    let mut skipping: Option<NodeId> = None;
    for edge in root.traverse() {
        match edge {
            Edge::Open(node) => {
                if skipping.is_some() {
                    continue;
                }
                match node.value() {
                    Node::Text(t) => text.push_text(t),
                    Node::Element(element) => {
                        let name = element.name();
                        if dropped.contains(&node.id()) || SKIPPED.contains(&name) {
                            skipping = Some(node.id());
                            continue;
                        }
                        text.open(name);
                    }
                    _ => {}
                }
            }
            Edge::Close(node) => {
                if skipping == Some(node.id()) {
                    skipping = None;
                    continue;
                }
                if skipping.is_none()
                    && let Node::Element(element) = node.value()
                {
                    text.close(element.name());
                }
            }
        }
    }
    text.finish()
}

/// Renders the text of `root` on one line, whitespace collapsed: for titles and metadata.
pub fn render_inline(root: ElementRef<'_>, dropped: &HashSet<NodeId>) -> String {
    collapse_whitespace(&render(root, dropped))
}

/// Joins runs of whitespace into single spaces and trims the ends.
pub fn collapse_whitespace(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

#[derive(Default)]
struct TextBuilder {
    out: String,
    /// Depth of open preformatted elements.
    pre_depth: usize,
    /// Outside `<pre>`, keep line breaks of the text (CSS `pre-line`).
    pre_line: bool,
    /// Whitespace seen outside `<pre>` that will become one space before the next word.
    pending_space: bool,
    /// Line breaks wanted before the next text: 1 for a new line, 2 for a blank line.
    pending_breaks: usize,
    /// A `<br>` inside `<pre>`, dropped when the text goes on with its own newline.
    pending_pre_br: bool,
}

impl TextBuilder {
    fn open(&mut self, name: &str) {
        if name == "br" {
            if self.pre_depth > 0 {
                self.resolve_pre_br(false);
                self.pending_pre_br = true;
            } else {
                self.flush_breaks();
                self.out.push('\n');
                self.pending_space = false;
            }
            return;
        }
        self.block_edge(name);
        if PREFORMATTED.contains(&name) {
            self.pre_depth += 1;
        } else if matches!(name, "td" | "th") {
            self.pending_space = true;
        }
    }

    fn close(&mut self, name: &str) {
        if PREFORMATTED.contains(&name) {
            self.resolve_pre_br(false);
            self.pre_depth = self.pre_depth.saturating_sub(1);
        } else if matches!(name, "td" | "th") {
            self.pending_space = true;
        }
        self.block_edge(name);
    }

    fn block_edge(&mut self, name: &str) {
        let breaks = if PARAGRAPHS.contains(&name) {
            2
        } else if LINES.contains(&name) {
            1
        } else {
            return;
        };
        self.pending_breaks = self.pending_breaks.max(breaks);
        self.pending_space = false;
    }

    fn resolve_pre_br(&mut self, next_starts_with_newline: bool) {
        if std::mem::take(&mut self.pending_pre_br) && !next_starts_with_newline {
            self.out.push('\n');
        }
    }

    fn flush_breaks(&mut self) {
        let wanted = std::mem::take(&mut self.pending_breaks);
        if self.out.is_empty() || wanted == 0 {
            return;
        }
        // Only whether there are `wanted` already matters: counting every trailing newline
        // made a page of `<p><br></p>` take time quadratic in its size.
        let have = self
            .out
            .bytes()
            .rev()
            .take(wanted)
            .take_while(|&b| b == b'\n')
            .count();
        for _ in have..wanted {
            self.out.push('\n');
        }
    }

    fn at_line_start(&self) -> bool {
        self.out.is_empty() || self.out.ends_with('\n')
    }

    fn push_text(&mut self, text: &str) {
        if self.pre_depth > 0 {
            if text.is_empty() {
                return;
            }
            self.resolve_pre_br(text.starts_with('\n'));
            self.flush_breaks();
            self.out.push_str(text);
            return;
        }
        if self.pre_line {
            for (index, line) in text.split('\n').enumerate() {
                if index > 0 {
                    self.flush_breaks();
                    self.out.push('\n');
                    self.pending_space = false;
                }
                let line = if index > 0 {
                    line.trim_start_matches(is_html_space_or_tab)
                } else {
                    line
                };
                self.push_collapsed(line);
            }
            return;
        }
        self.push_collapsed(text);
    }

    /// Appends text with runs of whitespace collapsed to one space.
    fn push_collapsed(&mut self, text: &str) {
        if text.starts_with(is_html_space) {
            self.pending_space = true;
        }
        for (index, word) in text
            .split(is_html_space)
            .filter(|w| !w.is_empty())
            .enumerate()
        {
            if index > 0 {
                self.pending_space = true;
            }
            if self.pending_breaks > 0 {
                self.flush_breaks();
                self.pending_space = false;
            }
            if self.pending_space && !self.at_line_start() {
                self.out.push(' ');
            }
            self.pending_space = false;
            self.out.push_str(word);
        }
        if text.ends_with(is_html_space) {
            self.pending_space = true;
        }
    }

    fn finish(mut self) -> String {
        self.resolve_pre_br(false);
        let trimmed_end = self.out.trim_end().len();
        self.out.truncate(trimmed_end);
        let mut start = 0;
        for line in self.out.split_inclusive('\n') {
            if line.trim().is_empty() && line.ends_with('\n') {
                start += line.len();
            } else {
                break;
            }
        }
        self.out.split_off(start)
    }
}

fn is_html_space_or_tab(c: char) -> bool {
    matches!(c, ' ' | '\t')
}

/// HTML's inter-element whitespace (not U+00A0, which stays a visible space).
fn is_html_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c')
}

#[cfg(test)]
mod tests;
