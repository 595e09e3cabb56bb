//! Unit tests of the pass that refuses what the parser could not parse in linear time.

use super::*;

#[test]
fn ordinary_markup_is_shallow() {
    let page =
        "<html><body><div><p>one<p>two<ul><li>a<li>b</ul><br><img src=x><svg/></div></body></html>";
    assert_eq!(nesting_estimate(page, MAX_NESTING), 2);
}

#[test]
fn a_tower_of_divs_is_deep_and_counting_stops_past_the_limit() {
    let page = "<div>".repeat(10_000);
    assert_eq!(nesting_estimate(&page, 100), 101);
    assert_eq!(nesting_estimate(&page, usize::MAX), 10_000);
}

#[test]
fn a_self_closing_slash_is_looked_for_before_the_next_tag_only() {
    // Looking past the next `<` made a page of `<a ` without `>` cost time quadratic in its
    // size; such a tag is taken as opening.
    assert_eq!(nesting_estimate("<x/><y a='<'/>", MAX_NESTING), 1);
    let page = "<br ".repeat(200_000);
    assert_eq!(nesting_estimate(&page, MAX_NESTING), 0);
}

#[test]
fn a_tag_with_too_many_attributes_is_refused_with_its_name_and_count() {
    let attributes: String = (0..1_500).map(|i| format!(" a{i}=1")).collect();
    let page = format!("<p>ok</p><SPAN{attributes}>x</span>");
    match check(&page) {
        Err(Reject::TooManyAttributes {
            element,
            found,
            limit,
        }) => {
            assert_eq!((element.as_str(), found, limit), ("<span>", 1_500, 1_000));
        }
        other => panic!("expected too many attributes, got {other:?}"),
    }
    let below: String = (0..1_000).map(|i| format!(" a{i}")).collect();
    assert_eq!(check(&format!("<span{below}>")), Ok(()));
}

#[test]
fn repeated_body_tags_are_refused_when_their_attributes_add_up() {
    let page: String = (0..30)
        .map(|i| {
            let attributes: String = (0..40).map(|j| format!(" b{i}x{j}")).collect();
            format!("<body{attributes}>")
        })
        .collect();
    assert_eq!(
        check(&page),
        Err(Reject::TooManyMergedAttributes {
            found: 1_200,
            limit: 1_000
        })
    );
}

#[test]
fn too_deep_is_refused_after_attributes_are_checked() {
    let page = "<div>".repeat(3_000);
    assert_eq!(check(&page), Err(Reject::TooDeep { limit: MAX_NESTING }));
}

#[test]
fn the_not_nesting_table_is_in_byte_order_for_its_binary_search() {
    assert!(NOT_NESTING.windows(2).all(|pair| pair[0] < pair[1]));
}
