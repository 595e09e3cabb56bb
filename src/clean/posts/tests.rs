//! Unit tests of the routing indicator table.

use super::*;

#[test]
fn indicators_are_sorted_and_found() {
    assert!(ROUTING_INDICATORS.windows(2).all(|w| w[0].0 < w[1].0));
    assert_eq!(post_of("RUEHMO"), Some("MOSCOW"));
    assert_eq!(post_of("RUEHXX"), None);
}
