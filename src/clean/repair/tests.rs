//! Unit tests of repairing bare markup.

use super::*;

#[test]
fn bare_angle_brackets_in_text_are_escaped() {
    assert_eq!(
        repair_bare_markup("<pre>talk of <<Israel>> and <_protect></pre>"),
        "<pre>talk of &lt;&lt;Israel>> and &lt;_protect></pre>"
    );
    assert_eq!(repair_bare_markup("a < b, x<5"), "a &lt; b, x&lt;5");
}

#[test]
fn doubled_brackets_around_element_names_stay_text() {
    assert_eq!(
        repair_bare_markup("<pre>the <<Data>> and <<Script>> and <<Summary>> files</pre>"),
        "<pre>the &lt;&lt;Data>> and &lt;&lt;Script>> and &lt;&lt;Summary>> files</pre>"
    );
}

#[test]
fn real_markup_is_untouched_and_borrowed() {
    let html = "<!DOCTYPE html><?xml x?><a href='#p'>¶</a><BR/><br>\n</td></TABLE><!-- c -->&amp;&#x000A;&#10;";
    assert!(matches!(repair_bare_markup(html), Cow::Borrowed(_)));
}

#[test]
fn unterminated_ampersands_are_escaped() {
    assert_eq!(
        repair_bare_markup("R&D; &nothing &notit; & more"),
        "R&amp;D; &amp;nothing &amp;notit; &amp; more"
    );
    assert!(matches!(
        repair_bare_markup("&para;&amp;&#233;&#xE9;"),
        Cow::Borrowed(_)
    ));
}

#[test]
fn the_element_table_is_in_byte_order_for_its_binary_search() {
    assert!(HTML_ELEMENTS.windows(2).all(|pair| pair[0] < pair[1]));
    assert!(is_element_name(b"TD") && is_element_name(b"h6") && !is_element_name(b"h7"));
}
