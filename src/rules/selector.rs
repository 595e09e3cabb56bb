//! CSS selector mistakes in our words: which character of the selector is wrong and why,
//! for the errors a rule file gets (the parser's own messages name no position, and one of
//! them asks the reader to report a bug to its developer).

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
