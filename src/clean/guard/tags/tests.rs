//! Unit tests of counting the attributes the tokenizer would give each tag.

use super::super::scan;

fn most(html: &str) -> usize {
    scan(html, usize::MAX).attributes
}

#[test]
fn attributes_are_counted_as_the_tokenizer_splits_them() {
    assert_eq!(most("<a href='/x' class=\"k\" title=t hidden>x</a>"), 4);
    assert_eq!(most("<a href = '/x'class='y'>"), 2);
    assert_eq!(most("<div a b/c d='1'/e>"), 5);
    assert_eq!(most("<p>no attributes</p><br/>"), 0);
    // `=` may start a name, quotes in a name are part of it, and a `>` in quotes ends nothing.
    assert_eq!(most("<i =x \"q' title='a > b' z>"), 4);
}

#[test]
fn end_tags_count_too() {
    assert_eq!(most("</div a b c>"), 3);
}

#[test]
fn a_tag_inside_a_quoted_value_is_followed_as_well() {
    // Whether the inner `<b` starts a tag depends on what comes before (a comment, a
    // script); both readings are counted.
    let page = format!("<i title='<b {}>'>", "x ".repeat(50));
    assert_eq!(most(&page), 50);
    let page = format!("<!-- <i x=' --><b {}>", "y ".repeat(30));
    assert_eq!(most(&page), 30);
}

#[test]
fn overlapping_tags_are_followed_once_per_state() {
    // Every `<` starts a possible tag; the first reads the rest as its attributes, as the
    // tokenizer would: `x`, then values `<b x=` between quotes 1 and 2, 3 and 4, …, with
    // `<b` and `x` between quotes 2 and 3, 4 and 5, …: 1 + 2 × 9,999.
    let page = "<b x='".repeat(20_000);
    assert_eq!(most(&page), 19_999);
    // A value that never ends holds every later `<`, each the start of a name that never
    // ends either: all those possible tags are one state's, followed as one.
    let page = format!("<b x='{}", "<a".repeat(200_000));
    assert_eq!(most(&page), 1);
}

#[test]
fn html_and_body_attributes_add_up() {
    let found = scan(
        "<html lang=en><body a b><div c></div><body d e f></body></html>",
        usize::MAX,
    );
    assert_eq!(found.merged_attributes, 6);
    assert_eq!(found.attributes, 3);
}
