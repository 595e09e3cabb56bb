//! The census of known IDs: every way an ID becomes known (a stored copy of any site, a
//! reference in a copy's metadata, a listing, an ID list, a page's URL), and what each
//! site's pages say of it, the best of several pages winning.

use super::*;
use crate::model::{PageUrl, Reference};
use crate::store::test_support::{cable, page_record, store_cable, temp_db};
use crate::store::{ReplacePolicy, Sighting};

const CABLEGATE: &str = "cablegate.wikileaks.org";
const PLUSD: &str = "search.wikileaks.org";

fn id(raw: &str) -> CableId {
    CableId::parse(raw).expect("id")
}

fn plusd_url(name: &str) -> PageUrl {
    PageUrl::parse(&format!("https://{PLUSD}/plusd/cables/{name}.html")).expect("url")
}

fn failed(kind: &str) -> CleanOutcome {
    CleanOutcome::Failed {
        kind: kind.to_string(),
        message: format!("the test's {kind}"),
    }
}

/// Records a page of `site` at `url` that gave no cable.
fn record(store: &Store, site: &str, url: &PageUrl, outcome: CleanOutcome) {
    let mut page = page_record(url, None, outcome);
    page.site = site.to_string();
    store
        .record_page(&page, None, ReplacePolicy::KeepPrevious)
        .expect("record");
}

/// A store that knows IDs every way there is.
fn store() -> (tempfile::TempDir, Store) {
    let (dir, path) = temp_db();
    let store = Store::open(&path).expect("open");
    // A clean copy on the Cable Viewer, citing a cable no site holds.
    let viewer = crate::store::test_support::url("/cable/2009/03/09VALLETTA123.html");
    let mut held = cable("09VALLETTA123", &viewer, CABLEGATE, "1. (C) Text.");
    held.meta.references = vec![Reference {
        letter: Some("A".to_string()),
        id: Some(id("09STATE18812")),
        text: "STATE 18812".to_string(),
    }];
    store_cable(&store, viewer.path(), &held, b"<html>one</html>");
    // A suspect copy of the same cable on PlusD.
    let mut suspect = cable(
        "09VALLETTA123",
        &plusd_url("09VALLETTA123_a"),
        PLUSD,
        "1. (C) Text.",
    );
    suspect.suspect = vec![crate::model::Suspect {
        kind: crate::model::SuspectKind::Marker,
        detail: "Browse by".to_string(),
    }];
    let hash = store
        .put_body(PLUSD, b"<html>two</html>")
        .expect("body")
        .hash();
    let mut page = page_record(
        &suspect.url,
        Some(hash),
        crate::store::test_support::cable_outcome(&suspect),
    );
    page.site = PLUSD.to_string();
    store
        .record_page(&page, Some(&suspect), ReplacePolicy::KeepPrevious)
        .expect("record");
    // Pages that gave no cable: rejected, gone, not on the site, failed.
    record(
        &store,
        CABLEGATE,
        &crate::store::test_support::url("/cable/2009/04/09VALLETTA188.html"),
        crate::store::test_support::rejected(),
    );
    record(
        &store,
        PLUSD,
        &plusd_url("09VALLETTA188_a"),
        failed(NOT_ON_SITE),
    );
    record(
        &store,
        PLUSD,
        &plusd_url("09TRIPOLI218_a"),
        failed("timeout"),
    );
    record(&store, PLUSD, &plusd_url("09TRIPOLI219_a"), failed("gone"));
    // A listing's link and a line of an ID list.
    store
        .note_known(
            &id("09TELAVIV512"),
            &Sighting::listing(CABLEGATE, "https://cablegate.wikileaks.org/cablegate.html"),
        )
        .expect("note");
    store
        .note_known(&id("08MOSCOW3728"), &Sighting::list("ids.txt:1"))
        .expect("note");
    (dir, store)
}

#[test]
fn every_way_an_id_is_known_is_counted_once() {
    let (_dir, store) = store();
    let rules = RuleSet::builtin().expect("rules");
    let census = Census::take(&store, &rules).expect("census");
    let seen: Vec<(&str, Option<&str>)> = census
        .ids()
        .map(|(id, known)| (id.as_str(), known.seen().map(Seen::name)))
        .collect();
    assert_eq!(
        seen,
        [
            ("08MOSCOW3728", Some("list")),
            ("09STATE18812", Some("reference")),
            ("09TELAVIV512", Some("listing")),
            ("09TRIPOLI218", Some("page")),
            ("09TRIPOLI219", Some("page")),
            ("09VALLETTA123", None),
            ("09VALLETTA188", Some("page")),
        ]
    );
    assert_eq!(census.len(), 7);
}

#[test]
fn each_site_is_counted_by_the_best_its_pages_say() {
    let (_dir, store) = store();
    let rules = RuleSet::builtin().expect("rules");
    let census = Census::take(&store, &rules).expect("census");
    let state = |raw: &str, site: &str| {
        let known = census
            .ids()
            .find(|(known, _)| known.as_str() == raw)
            .map(|(_, k)| k)
            .expect("known");
        census.state(known, site)
    };
    assert_eq!(state("09VALLETTA123", CABLEGATE), Some(State::Clean));
    assert_eq!(state("09VALLETTA123", PLUSD), Some(State::Suspect));
    assert_eq!(state("09VALLETTA188", CABLEGATE), Some(State::Rejected));
    assert_eq!(state("09VALLETTA188", PLUSD), Some(State::NotOnSite));
    assert_eq!(state("09TRIPOLI218", PLUSD), Some(State::Failed));
    assert_eq!(state("09TRIPOLI219", PLUSD), Some(State::NotOnSite));
    assert_eq!(state("09TELAVIV512", PLUSD), None);
    let (_, held) = census
        .ids()
        .find(|(id, _)| id.as_str() == "09VALLETTA123")
        .expect("held");
    assert_eq!(held.holders(), 2);
    let mut holders: Vec<&str> = census.holders(held).collect();
    holders.sort_unstable();
    assert_eq!(holders, [CABLEGATE, PLUSD]);
    // Untried on PlusD: no page of PlusD's at all.
    let untried: Vec<&str> = census.untried_on(PLUSD).map(CableId::as_str).collect();
    assert_eq!(untried, ["08MOSCOW3728", "09STATE18812", "09TELAVIV512"]);
}

#[test]
fn a_rejected_page_that_kept_its_cable_still_holds_it() {
    let (_dir, store) = store();
    // The Cable Viewer's page of 09VALLETTA123 is now rejected; its cable is kept.
    record(
        &store,
        CABLEGATE,
        &crate::store::test_support::url("/cable/2009/03/09VALLETTA123.html"),
        crate::store::test_support::rejected(),
    );
    let rules = RuleSet::builtin().expect("rules");
    let census = Census::take(&store, &rules).expect("census");
    let (_, known) = census
        .ids()
        .find(|(id, _)| id.as_str() == "09VALLETTA123")
        .expect("known");
    assert_eq!(census.state(known, CABLEGATE), Some(State::Clean));
}

#[test]
fn an_id_a_url_spells_wrong_is_no_cable_once_its_page_gave_the_true_one() {
    let (_dir, store) = store();
    let misspelt = crate::store::test_support::url("/cable/2008/06/08SCTION02OF02SAOPAULO335.html");
    let cable = cable("08SAOPAULO335", &misspelt, CABLEGATE, "1. (C) Text.");
    store_cable(&store, misspelt.path(), &cable, b"<html>three</html>");
    store
        .note_known(
            &id("08SCTION02OF02SAOPAULO335"),
            &Sighting::listing(
                CABLEGATE,
                "https://cablegate.wikileaks.org/date/2008-06_0.html",
            ),
        )
        .expect("note");
    let rules = RuleSet::builtin().expect("rules");
    let census = Census::take(&store, &rules).expect("census");
    let ids: Vec<&str> = census.ids().map(|(id, _)| id.as_str()).collect();
    assert!(ids.contains(&"08SAOPAULO335"), "{ids:?}");
    assert!(!ids.contains(&"08SCTION02OF02SAOPAULO335"), "{ids:?}");
}
