//! Unit tests of the nesting guard.

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
