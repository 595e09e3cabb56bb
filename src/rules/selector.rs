//! CSS selectors of rule files: their mistakes in our words (which character is wrong and
//! why: the parser's own messages name no position, and one of them asks the reader to
//! report a bug to its developer), and the element names a selector can select, so that
//! finding its elements need not match every element of a page.

use scraper::Selector;
use scraper::error::SelectorErrorKind;

/// Compiles `text`, or says what is wrong with it and where.
pub(super) fn parse(text: &str) -> Result<Selector, String> {
    let error = match Selector::parse(text) {
        Ok(selector) => return Ok(selector),
        Err(error) => error,
    };
    // The mistake is at the first character from which on every longer prefix fails too,
    // for a reason that more text could not mend (not merely ending too soon).
    let prefixes: Vec<(usize, char, Option<SelectorErrorKind>)> = text
        .char_indices()
        .map(|(at, c)| (at, c, Selector::parse(&text[..at + c.len_utf8()]).err()))
        .collect();
    for (index, (at, c, failure)) in prefixes.iter().enumerate() {
        let Some(kind) = failure else { continue };
        let all_later_fail = prefixes[index..].iter().all(|(_, _, f)| f.is_some());
        if all_later_fail && !ends_too_soon(kind) {
            let column = text[..*at].chars().count() + 1;
            return Err(format!(
                "at column {column}, `{c}` after `{}`: {}",
                &text[..*at],
                why(kind)
            ));
        }
    }
    Err(format!("it ends too soon: {}", why(&error)))
}

/// The element names that whatever `text` selects must have: the type of the last compound
/// of each selector in the list (`pre` for `div.pane > code:nth-of-type(2) > pre`), lower
/// case. `None` when one of them may select an element of any name (`div > .body`, `*`,
/// `[id]`), or the text is written in a way this reading does not follow (escapes,
/// namespaces): then every element is a candidate.
pub(super) fn subject_names(text: &str) -> Option<Vec<String>> {
    if text.contains(['\\', '|']) {
        return None;
    }
    let mut names = Vec::new();
    for selector in split_top_level(text, |c| c == ',') {
        let last = split_top_level(selector, |c| {
            matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0c' | '>' | '+' | '~')
        })
        .into_iter()
        .rfind(|compound| !compound.is_empty())?;
        let name: String = last
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let name = name.to_ascii_lowercase();
        if !names.contains(&name) {
            names.push(name);
        }
    }
    (!names.is_empty()).then_some(names)
}

/// `text` cut at every character `at` accepts that stands outside brackets, parentheses
/// and quotes.
fn split_top_level(text: &str, at: impl Fn(char) -> bool) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut quote, mut from) = (0usize, None, 0);
    for (index, c) in text.char_indices() {
        match (quote, c) {
            (Some(open), _) if c == open => quote = None,
            (Some(_), _) => {}
            (None, '\'' | '"') => quote = Some(c),
            (None, '(' | '[') => depth += 1,
            (None, ')' | ']') => depth = depth.saturating_sub(1),
            (None, _) if depth == 0 && at(c) => {
                parts.push(&text[from..index]);
                from = index + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&text[from..]);
    parts
}

/// Whether a prefix fails only because it stops where more would follow.
fn ends_too_soon(kind: &SelectorErrorKind) -> bool {
    match kind {
        SelectorErrorKind::EndOfLine => true,
        SelectorErrorKind::UnexpectedSelectorParseError(kind) => {
            matches!(
                format!("{kind:?}").as_str(),
                "DanglingCombinator" | "EmptySelector"
            )
        }
        _ => false,
    }
}

/// What a kind of selector error means, in words a rule's writer can act on.
fn why(kind: &SelectorErrorKind) -> String {
    match kind {
        SelectorErrorKind::UnexpectedToken => "that character cannot stand there".to_string(),
        SelectorErrorKind::EndOfLine => {
            "something is missing at the end (a name after `.`, `#` or `:`, a closing `]` or `)`, or what follows a `>`)".to_string()
        }
        SelectorErrorKind::InvalidAtRule
        | SelectorErrorKind::InvalidAtRuleBody
        | SelectorErrorKind::QualRuleInvalid => {
            "that is style-sheet syntax, not a selector (no `@` rules or `{ }` blocks)".to_string()
        }
        SelectorErrorKind::TooManyNestedBlocks => "brackets nest too deep".to_string(),
        SelectorErrorKind::ExpectedColonOnPseudoElement => {
            "a pseudo-element is written with `::`".to_string()
        }
        SelectorErrorKind::ExpectedIdentityOnPseudoElement => {
            "a name must follow `::`".to_string()
        }
        SelectorErrorKind::UnexpectedSelectorParseError(kind) => {
            let name = format!("{kind:?}");
            match name.as_str() {
                "EmptySelector" => "a selector is empty (two commas in a row, or one at the end)",
                "DanglingCombinator" => "a combinator (`>`, `+`, `~`) has nothing after it",
                "ClassNeedsIdent" => "a class name must follow `.`",
                "UnsupportedPseudoClassOrElement" => {
                    "that pseudo-class is not supported (use :nth-of-type, :first-child, :not(…) and such)"
                }
                "NoIdentForPseudo" => "a name must follow `:`",
                "NoQualifiedNameInAttributeSelector"
                | "InvalidQualNameInAttr"
                | "UnexpectedTokenInAttributeSelector"
                | "BadValueInAttr"
                | "ExpectedBarInAttr" => {
                    "an attribute selector is written `[name]`, `[name=value]`, `[name^='value']` and such"
                }
                "ExpectedNamespace" | "ExplicitNamespaceUnexpectedToken" => {
                    "namespaces (`|`) are not supported"
                }
                _ => "that is not a selector scraper accepts",
            }
            .to_string()
        }
    }
}

#[cfg(test)]
mod tests;
