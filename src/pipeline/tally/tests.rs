//! Unit tests of the tally of processed pages.

use super::*;
use crate::clean::Reject;
use crate::model::test_support;

fn cable(body: &str, rules: &str) -> Cable {
    test_support::cable("08MOSCOW3728", "cablegate.wikileaks.org", rules, body)
}

fn processed(change: CableChange, before: Option<CleanOutcome>, reject: bool) -> Processed {
    let rejected = CleanOutcome::Rejected {
        kind: "body-not-found".to_string(),
        message: String::new(),
        rules_version: "b".to_string(),
    };
    Processed {
        change,
        reject: reject.then(|| Reject::BodyNotFound {
            site: "x".to_string(),
            selector: "pre".to_string(),
        }),
        new_body: false,
        skipped: false,
        before,
        after: if reject {
            rejected
        } else {
            CleanOutcome::NotCleaned
        },
        cable: None,
    }
}

#[test]
fn a_new_stamp_alone_is_not_a_change_of_content() {
    let old = cable("1. Text.", "site@aaaaaaaaaaaa");
    assert!(same_content(&old, &cable("1. Text.", "site@bbbbbbbbbbbb")));
    assert!(!same_content(&old, &cable("1. Text!", "site@aaaaaaaaaaaa")));
    let mut tally = Tally::default();
    let mut restamp = processed(
        CableChange::Changed {
            previous: old.clone(),
        },
        None,
        false,
    );
    restamp.cable = Some(cable("1. Text.", "site@bbbbbbbbbbbb"));
    tally.add(&restamp);
    let mut change = processed(CableChange::Changed { previous: old }, None, false);
    change.cable = Some(cable("1. Text!", "site@bbbbbbbbbbbb"));
    tally.add(&change);
    assert_eq!((tally.restamped, tally.changed, tally.processed), (1, 1, 2));
}

#[test]
fn rejects_are_counted_by_kind_and_against_what_the_page_was() {
    let was_rejected = Some(CleanOutcome::Rejected {
        kind: "not-a-cable".to_string(),
        message: String::new(),
        rules_version: "a".to_string(),
    });
    let mut tally = Tally::default();
    tally.add(&processed(CableChange::KeptPrevious, None, true));
    tally.add(&processed(CableChange::Rejected, was_rejected, true));
    tally.add(&processed(CableChange::NotCleaned, None, false));
    let mut skipped = processed(CableChange::Unchanged, None, false);
    skipped.skipped = true;
    tally.add(&skipped);
    assert_eq!(tally.rejected.get("body-not-found"), Some(&2));
    assert_eq!(tally.rejected_pages(), 2);
    assert_eq!((tally.newly_rejected, tally.still_rejected), (1, 1));
    assert_eq!((tally.kept_previous, tally.not_cleaned), (1, 1));
    assert_eq!(
        (tally.processed, tally.skipped, tally.skipped_cables),
        (3, 1, 0)
    );
}
