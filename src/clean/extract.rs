//! Pulling a rule's fields out of a parsed page: the first of a field's selectors that
//! finds something, its elements rendered as text without the chrome the rule drops, then
//! the rule's text patterns (`strip`, `cut_from`, `drop_lines`) and the field's own
//! `pattern`.

use std::collections::HashSet;

use ego_tree::NodeId;
use html5ever::{LocalName, ns};
use scraper::{ElementRef, Html, Node};

use super::text;
use crate::rules::{FieldRule, FieldSelector, Rule};

/// The most elements of a selector's names matched one by one. Past it, the selector is
/// run over the whole page instead, where its matches share what they learn of each
/// element's siblings: alone, `td:nth-of-type(2)` counts a cell's siblings again for every
/// cell, and a row of a hundred thousand cells would take minutes.
const MAX_CANDIDATES: usize = 512;

/// Pulls a rule's fields out of one parsed page.
pub(super) struct Extractor<'a> {
    document: &'a Html,
    rule: &'a Rule,
    /// The element names the rule's selectors can select, and the page's elements of
    /// each, in the order [`Html::select`] visits them (the tree's own), found in one walk:
    /// a selector is then matched against a few elements, not each of the page's thousands.
    by_name: Vec<(LocalName, Vec<NodeId>)>,
}

impl<'a> Extractor<'a> {
    pub(super) fn new(document: &'a Html, rule: &'a Rule) -> Extractor<'a> {
        let mut by_name: Vec<(LocalName, Vec<NodeId>)> = Vec::new();
        let names = rule.fields().flat_map(|field| &field.selectors);
        for name in names.filter_map(|s| s.names.as_ref()).flatten() {
            let name = LocalName::from(name.as_str());
            if !by_name.iter().any(|(known, _)| *known == name) {
                by_name.push((name, Vec::new()));
            }
        }
        if !by_name.is_empty() {
            // The elements `Html::select` looks at: those with a parent.
            let elements = document
                .tree
                .nodes()
                .filter_map(ElementRef::wrap)
                .filter(|element| element.parent().is_some());
            for element in elements {
                let name = &element.value().name;
                // HTML elements' names are lower case, as the table's are; the names of
                // SVG and MathML elements keep their case, and a selector's does not.
                let bucket = if name.ns == ns!(html) {
                    by_name.iter_mut().find(|(known, _)| *known == name.local)
                } else {
                    by_name
                        .iter_mut()
                        .find(|(known, _)| known.eq_ignore_ascii_case(&name.local))
                };
                if let Some((_, ids)) = bucket {
                    ids.push(element.id());
                }
            }
        }
        Extractor {
            document,
            rule,
            by_name,
        }
    }

    /// What `field_selector` selects, as [`Html::select`] finds it, in the same order, found
    /// as it is asked for (a field that wants the first stops there).
    fn select<'s>(
        &'s self,
        field_selector: &'s FieldSelector,
    ) -> Box<dyn Iterator<Item = ElementRef<'a>> + 's> {
        let everywhere = || Box::new(self.document.select(&field_selector.selector));
        let Some(names) = &field_selector.names else {
            return everywhere();
        };
        let mut candidates: Vec<NodeId> = Vec::new();
        for name in names {
            match self.by_name.iter().find(|(known, _)| &**known == name) {
                Some((_, ids)) => candidates.extend(ids),
                // A selector of a field that is not the rule's: matched the long way.
                None => return everywhere(),
            }
        }
        if candidates.len() > MAX_CANDIDATES {
            return everywhere();
        }
        if names.len() > 1 {
            candidates.sort_unstable();
            candidates.dedup();
        }
        Box::new(
            candidates
                .into_iter()
                .filter_map(|id| self.document.tree.get(id).and_then(ElementRef::wrap))
                .filter(|element| field_selector.selector.matches(element)),
        )
    }

    /// Every element the field's first matching selector selects, rendered with chrome
    /// removed, joined by blank lines; `None` when no selector finds anything that is left.
    ///
    /// An element inside one already rendered is not rendered again: its text is in that
    /// one's, and a page nesting the selected element in itself hundreds of times would
    /// otherwise be rendered hundreds of times over.
    pub(super) fn block(&self, field: &FieldRule) -> Option<String> {
        field.selectors.iter().find_map(|selector| {
            let mut parts = Vec::new();
            let mut last: Option<ElementRef<'_>> = None;
            for element in self.select(selector) {
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
        })
    }

    /// The first element the field's first matching selector selects, on one line.
    pub(super) fn inline(&self, field: &FieldRule) -> Option<String> {
        field.selectors.iter().find_map(|selector| {
            let element = self.select(selector).next()?;
            let rendered = text::render_inline(element, &self.dropped_within(element));
            let value = apply_pattern(field, &self.remove_text_chrome(&rendered))?;
            let value = value.trim();
            (!value.is_empty()).then(|| value.to_string())
        })
    }

    /// Whether the document's last node (in document order: an element, a comment, text
    /// or white space) lies inside an element that one of the field's selectors selects:
    /// on a page cut short, whether it stopped inside the field rather than after it.
    pub(super) fn holds_the_end(&self, field: &FieldRule) -> bool {
        let Some(last) = self
            .document
            .tree
            .root()
            .descendants()
            .filter(|node| {
                matches!(
                    node.value(),
                    Node::Text(_) | Node::Element(_) | Node::Comment(_)
                )
            })
            .last()
        else {
            return false;
        };
        let holders: HashSet<NodeId> = field
            .selectors
            .iter()
            .flat_map(|selector| self.select(selector))
            .map(|element| element.id())
            .collect();
        std::iter::once(last)
            .chain(last.ancestors())
            .any(|node| holders.contains(&node.id()))
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
