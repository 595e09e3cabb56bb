//! Unit tests of choosing copies and dates.

use super::*;
use crate::model::test_support;

/// Cable `id` as `site` holds it, created at `created`.
pub(super) fn cable(id: &str, site: &str, created: Option<&str>) -> Cable {
    let mut cable = test_support::cable(id, site, &format!("{site}@000000000000"), "1. Text.");
    cable.created = created.map(str::to_string);
    cable
}

#[test]
fn the_highest_priority_then_the_first_site_name_wins() {
    let mut priorities = Priorities::default();
    priorities.0.insert("b.org".to_string(), 10);
    priorities.0.insert("c.org".to_string(), 10);
    let copies = [
        cable("08MOSCOW1", "a.org", None),
        cable("08MOSCOW1", "c.org", None),
        cable("08MOSCOW1", "b.org", None),
    ];
    assert_eq!(
        priorities.choose(&copies).map(|c| c.site.as_str()),
        Some("b.org")
    );
    assert_eq!(priorities.get("gone.org"), 0);
    assert_eq!(Priorities::default().choose(&[]), None);
}

#[test]
fn since_takes_days_and_times_and_refuses_the_rest() {
    let day = Since::parse("2009-03-04").expect("a day");
    assert_eq!(
        day.0,
        "2009-03-04T00:00:00Z".parse::<Timestamp>().expect("time")
    );
    assert!(Since::parse("2009-03-04T10:10:00Z").is_ok());
    for bad in ["yesterday", "2009-13-01", "04/03/2009", ""] {
        let error = Since::parse(bad).expect_err(bad).to_string();
        assert!(error.contains("fix:"), "{error}");
    }
    assert!(parse_instant("2009-03-04T10:10:00Z") > parse_instant("2009-03-04"));
}
