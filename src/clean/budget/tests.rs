//! Unit tests of parsing within a budget of parser steps.

use super::*;

fn serialised(html: &Html) -> String {
    html.root_element().html()
}

#[test]
fn parsing_in_slices_gives_the_tree_of_parsing_whole() {
    let mut page = String::new();
    for i in 0..4_000 {
        page.push_str(&format!(
            "<p class=c{i}>é line {i} &amp; R&D &#x000A;<b>bold<i>both</b> after</i>\r\n<!-- c -->"
        ));
    }
    assert!(page.len() > 4 * SLICE_BYTES);
    let sliced = parse(&page).expect("within the budget");
    assert_eq!(
        serialised(&sliced),
        serialised(&Html::parse_document(&page))
    );
}

#[test]
fn a_slice_never_splits_a_character() {
    let page = format!("<pre>{}</pre>", "é".repeat(SLICE_BYTES));
    let sliced = parse(&page).expect("within the budget");
    assert_eq!(
        serialised(&sliced),
        serialised(&Html::parse_document(&page))
    );
}

#[test]
fn work_that_outgrows_the_page_is_stopped_early() {
    // Each `</x>` walks down the whole stack of `<span>`s looking for an `x`.
    let page = "<span></x>".repeat(100_000);
    match parse(&page) {
        Err(Reject::TooCostly {
            steps,
            bytes,
            per_byte,
        }) => {
            assert_eq!(per_byte, STEPS_PER_BYTE);
            assert!(steps > bytes as u64 * per_byte);
            assert!(bytes < page.len() / 10, "stopped after {bytes} bytes");
        }
        other => panic!("expected too costly, got {:?}", other.map(|_| ())),
    }
}

#[test]
fn the_budget_counts_what_a_small_limit_shows() {
    let page = "<div>x</div>".repeat(1_000);
    assert!(parse_within(&page, 16, 0).is_ok());
    assert!(matches!(
        parse_within(&page, 0, 10),
        Err(Reject::TooCostly { .. })
    ));
}
