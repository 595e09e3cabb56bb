//! Coverage counted from a census: per site by the best its pages say, IDs held by none and
//! by one site only, by year and by post, and the missing IDs with and without a site.

use super::*;
use crate::model::PageUrl;
use crate::rules::RuleSet;
use crate::store::test_support::{cable, page_record, rejected, store_cable, temp_db, url};
use crate::store::{ReplacePolicy, Sighting, Store};

const CABLEGATE: &str = "cablegate.wikileaks.org";
const PLUSD: &str = "search.wikileaks.org";

fn census() -> (tempfile::TempDir, Census) {
    let (dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    for (n, raw) in ["09VALLETTA123", "09VALLETTA124", "74ROME6120"]
        .iter()
        .enumerate()
    {
        let page = url(&format!("/cable/2009/03/{raw}.html"));
        let copy = cable(raw, &page, CABLEGATE, "1. (C) Text.");
        store_cable(&store, page.path(), &copy, format!("<p>{n}</p>").as_bytes());
    }
    let plusd = PageUrl::parse("https://search.wikileaks.org/plusd/cables/09VALLETTA123_a.html")
        .expect("url");
    let copy = cable("09VALLETTA123", &plusd, PLUSD, "1. (C) Text.");
    let hash = store.put_body(PLUSD, b"<p>plusd</p>").expect("body").hash();
    let mut record = page_record(
        &plusd,
        Some(hash),
        crate::store::test_support::cable_outcome(&copy),
    );
    record.site = PLUSD.to_string();
    store
        .record_page(&record, Some(&copy), ReplacePolicy::KeepPrevious)
        .expect("record");
    store
        .record_page(
            &page_record(&url("/cable/2010/01/10STATE5.html"), None, rejected()),
            None,
            ReplacePolicy::KeepPrevious,
        )
        .expect("record");
    store
        .note_known(
            &CableId::parse("09VALLETTA300").expect("id"),
            &Sighting::list("ids.txt:1"),
        )
        .expect("note");
    let rules = RuleSet::builtin().expect("rules");
    let census = Census::take(&store, &rules).expect("census");
    (dir, census)
}

#[test]
fn coverage_counts_every_site_and_the_ids_no_site_holds() {
    let (_dir, census) = census();
    let sites = vec![CABLEGATE.to_string(), PLUSD.to_string()];
    let c = Coverage::of(&census, &sites, None);
    assert_eq!((c.known, c.held, c.missing), (5, 3, 2));
    assert_eq!((c.single_site, c.several_sites), (2, 1));
    let viewer = &c.sites[CABLEGATE];
    assert_eq!(
        (
            viewer.clean,
            viewer.rejected,
            viewer.not_tried,
            viewer.only_here
        ),
        (3, 1, 1, 2)
    );
    let plusd = &c.sites[PLUSD];
    assert_eq!((plusd.clean, plusd.not_tried, plusd.only_here), (1, 4, 0));
    assert_eq!(c.by_year["2009"], Share { known: 3, held: 2 });
    assert_eq!(c.by_year["1974"], Share { known: 1, held: 1 });
    assert_eq!(c.by_origin["VALLETTA"].missing(), 1);
    assert_eq!(c.missing_by_source["list"], 1);
    assert_eq!(c.missing_by_source["page"], 1);
    let none: Vec<String> = missing(&census, None)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(none, ["09VALLETTA300", "10STATE5"]);
    let not_on_plusd: Vec<String> = missing(&census, Some(PLUSD))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        not_on_plusd,
        ["09VALLETTA124", "09VALLETTA300", "10STATE5", "74ROME6120"]
    );
}

#[test]
fn a_site_asked_for_is_counted_alone() {
    let (_dir, census) = census();
    let sites = vec![CABLEGATE.to_string(), PLUSD.to_string()];
    let c = Coverage::of(&census, &sites, Some(PLUSD));
    assert_eq!(c.sites.keys().collect::<Vec<_>>(), [PLUSD]);
    assert_eq!(c.known, 5, "the totals stay the store's");
}
