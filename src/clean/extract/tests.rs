//! Unit tests of pulling a rule's fields out of a page.

use super::*;
use crate::rules::RuleSet;

fn holds_the_end(html: &str) -> bool {
    let rules = RuleSet::builtin().expect("built-in rules");
    let rule = rules.rule("cablegate.wikileaks.org").expect("rule");
    let document = Html::parse_document(html);
    Extractor::new(&document, rule).holds_the_end(&rule.body)
}

#[test]
fn a_page_cut_inside_the_body_ends_in_it_and_one_cut_after_it_does_not() {
    let pane = "<html><body><div class='pane big'><code><pre>R 1</pre></code><code><pre>";
    assert!(holds_the_end(&format!(
        "{pane}UNCLAS ROME 000001\n\n1. The talks"
    )));
    assert!(holds_the_end(&format!(
        "{pane}UNCLAS ROME 000001\n\n1. <a href='#par1'>x</a>"
    )));
    assert!(!holds_the_end(&format!(
        "{pane}UNCLAS ROME 000001\n\n1. Done.</pre></code>\n</div>"
    )));
    assert!(!holds_the_end(&format!(
        "{pane}UNCLAS ROME 000001</pre></code></div><script>x"
    )));
}
