//! Export through the library against a real sled database: the choice of one copy per
//! cable, the date filter and its undated cables, and hostile names for text files.

use cablestrip::export::{self, ExportError, Priorities, Selection, Since, Sink, TxtSink};
use cablestrip::model::{Cable, CableId, PageUrl};
use cablestrip::rules::RuleSet;
use cablestrip::store::{CleanOutcome, PageRecord, ReplacePolicy, Store};

fn cable(id: &str, site: &str, path: &str, created: Option<&str>) -> Cable {
    let mut cable = Cable::new(
        CableId::parse(id).expect("id"),
        PageUrl::parse(&format!("https://{site}{path}")).expect("url"),
        site,
        &format!("{site}@000000000000"),
        &format!("1. (C) The text of {id} from {site}."),
    );
    cable.subject = Some("TEST".to_string());
    cable.header = Some("R 011200Z DEC 08".to_string());
    cable.created = created.map(str::to_string);
    cable.tags = vec!["PREL".to_string()];
    cable
}

fn store_all(store: &Store, cables: &[Cable]) {
    for cable in cables {
        let body = format!("<html><pre>{}</pre></html>", cable.body);
        let hash = store
            .put_body(&cable.site, body.as_bytes())
            .expect("body")
            .hash();
        let page = PageRecord {
            url: cable.url.clone(),
            site: cable.site.clone(),
            status: 200,
            content_type: None,
            etag: None,
            last_modified: None,
            headers: Vec::new(),
            fetched_at: "2026-01-01T00:00:00Z".parse().expect("time"),
            body: Some(hash),
            outcome: CleanOutcome::Cable {
                id: cable.id.clone(),
                rules_version: cable.rules.clone(),
                suspect: cable.is_suspect(),
            },
        };
        store
            .record_page(&page, Some(cable), ReplacePolicy::KeepPrevious)
            .expect("record");
    }
}

/// A sink that keeps `id@site` of each record.
#[derive(Default)]
struct Keep(Vec<String>);

impl Sink for Keep {
    fn write(&mut self, cable: &Cable) -> Result<(), ExportError> {
        self.0.push(format!("{}@{}", cable.id, cable.site));
        Ok(())
    }

    fn finish(self: Box<Self>) -> Result<(), ExportError> {
        Ok(())
    }
}

fn run(store: &Store, selection: &Selection) -> (Vec<String>, export::ExportReport) {
    let rules = RuleSet::builtin().expect("rules");
    let mut keep = Keep::default();
    let report =
        export::export(store, selection, &Priorities::of(&rules), &mut keep).expect("export");
    (keep.0, report)
}

#[test]
fn one_copy_per_cable_by_priority_and_undated_cables_are_counted_out_of_since() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(&dir.path().join("db")).expect("open");
    store_all(
        &store,
        &[
            // Scoop (priority 10) and a site without a rule (0) hold 08MOSCOW3728 dated;
            // WikiLeaks (100) holds it undated.
            cable(
                "08MOSCOW3728",
                "www.scoop.co.nz",
                "/a.htm",
                Some("2008-12-23T12:07:00Z"),
            ),
            cable("08MOSCOW3728", "gone.example", "/x", Some("2008-12-23")),
            cable("08MOSCOW3728", "cablegate.wikileaks.org", "/c/1.html", None),
            cable("09ROME1", "gone.example", "/y", None),
            cable("09ROME2", "gone.example", "/z", Some("2009-01-02")),
        ],
    );
    let (all, report) = run(&store, &Selection::default());
    assert_eq!(
        all,
        [
            "08MOSCOW3728@cablegate.wikileaks.org",
            "09ROME1@gone.example",
            "09ROME2@gone.example"
        ]
    );
    assert_eq!(report.written, 3);

    let since = Selection {
        since: Some(Since::parse("2008-12-01").expect("date")),
        ..Selection::default()
    };
    let (dated, report) = run(&store, &since);
    assert_eq!(
        dated,
        ["08MOSCOW3728@www.scoop.co.nz", "09ROME2@gone.example"],
        "the best dated copy stands in for an undated one"
    );
    assert_eq!(report.undated, 1, "09ROME1 has no date at all");

    let every = Selection {
        all_sources: true,
        ..since
    };
    let (copies, report) = run(&store, &every);
    assert_eq!(copies.len(), 3);
    assert_eq!(
        report.undated, 2,
        "with every source, undated copies are counted"
    );
}

#[test]
fn a_hostile_cable_id_or_site_never_writes_outside_the_folder() {
    // IDs are checked whenever they are made or read back, so a path cannot be one.
    for hostile in [
        "../../etc/passwd",
        "08MOSCOW3728/../../x",
        "..",
        "/tmp/08X1",
        "08X1\\..\\y",
    ] {
        assert!(CableId::parse(hostile).is_err(), "{hostile:?}");
        let record = serde_json::json!({
            "id": hostile, "url": "u", "site": "s", "title": null, "subject": null,
            "header": null, "body": "b", "created": null, "classification": null,
            "origin": null, "tags": [], "rules": "r", "source_id": null
        });
        assert!(
            serde_json::from_value::<Cable>(record).is_err(),
            "{hostile:?}"
        );
    }

    // A site name is part of a file name with every source: a hostile one is refused.
    let root = tempfile::tempdir().expect("temp dir");
    let out = root.path().join("out");
    let mut sink = TxtSink::new(&out, true).expect("sink");
    let mut evil = cable("08MOSCOW3728", "x", "/1", None);
    for site in ["../../escaped", "/tmp/escaped", "a/../../b"] {
        evil.site = site.to_string();
        let error = sink.write(&evil).expect_err(site);
        assert!(matches!(error, ExportError::UnsafeName { .. }), "{error}");
    }
    evil.site = "www.scoop.co.nz".to_string();
    sink.write(&evil).expect("a plain name is written");
    let names: Vec<String> = std::fs::read_dir(&out)
        .expect("folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["08MOSCOW3728.www.scoop.co.nz.txt"]);
    let outside: Vec<_> = std::fs::read_dir(root.path())
        .expect("root")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(outside, ["out"], "nothing beside the output folder");
}
