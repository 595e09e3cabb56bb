//! Unit tests of mapping a saved mirror's files to URLs.

use super::*;
use crate::rules::RuleSet;

fn rules() -> RuleSet {
    RuleSet::builtin().expect("built-in rules")
}

fn map(rules: &RuleSet, site: &str, path: &str) -> Option<String> {
    let rule = rules.rule(site).expect("site");
    let base = base_url(rule, None).expect("base");
    let parts: Vec<&str> = path.split('/').collect();
    url_for_parts(&parts, rule, &base).map(String::from)
}

#[test]
fn a_file_maps_to_the_shortest_tail_the_site_knows() {
    let rules = rules();
    let site = "cablegate.wikileaks.org";
    let cable = "https://cablegate.wikileaks.org/cable/2010/02/10MOSCOW228.html";
    assert_eq!(
        map(&rules, site, "cable/2010/02/10MOSCOW228.html").as_deref(),
        Some(cable)
    );
    // wget's host folder, a torrent's top folder: the site's own path still wins.
    assert_eq!(
        map(
            &rules,
            site,
            "cablegate-201012/cablegate.wikileaks.org/cable/2010/02/10MOSCOW228.html"
        )
        .as_deref(),
        Some(cable)
    );
    assert_eq!(
        map(&rules, site, "index.html").as_deref(),
        Some("https://cablegate.wikileaks.org/index.html")
    );
    assert_eq!(
        map(&rules, site, "reldate/2010-12-01_0.html").as_deref(),
        Some("https://cablegate.wikileaks.org/reldate/2010-12-01_0.html")
    );
    for other in [
        "static/css/main.css",
        "img/logo.png",
        "articles/2010/Reading-the-cables.html",
        "magnet.txt",
    ] {
        assert_eq!(map(&rules, site, other), None, "{other}");
    }
}

#[test]
fn wget_names_of_query_pages_are_read_as_queries() {
    let rules = rules();
    let site = "www.cablegatesearch.net";
    let want = Some("https://www.cablegatesearch.net/cable.php?id=09BRASILIA1187");
    for saved in [
        "cable.php?id=09BRASILIA1187",
        "cable.php@id=09BRASILIA1187",
        "cable.php?id=09BRASILIA1187.html",
        "www.cablegatesearch.net/cable.php@id=09BRASILIA1187.html",
    ] {
        assert_eq!(map(&rules, site, saved).as_deref(), want, "{saved}");
    }
}

#[test]
fn text_of_a_file_name_never_becomes_url_structure() {
    let rules = rules();
    let site = "cablegate.wikileaks.org";
    // A `#` or `%2F` in a name must not cut the path or climb out of it.
    assert_eq!(map(&rules, site, "cable/2010/02/10MOSCOW228.html#x"), None);
    assert_eq!(
        map(&rules, site, "cable%2F2010%2F02%2F10MOSCOW228.html"),
        None
    );
}

fn planned(files: &[&str], site: &str) -> Plan {
    let dir = tempfile::tempdir().expect("temp dir");
    for file in files {
        let path = dir.path().join(file);
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(&path, "<html></html>").expect("write");
    }
    let rules = rules();
    let rule = rules.rule(site).expect("site");
    plan(dir.path(), rule, &base_url(rule, None).expect("base")).expect("plan")
}

fn paths(plan: &Plan) -> Vec<String> {
    plan.files
        .iter()
        .map(|f| f.url.path().to_string())
        .collect()
}

#[test]
fn the_mirror_root_is_where_most_paths_are_the_sites() {
    let site = "cablegate.wikileaks.org";
    let files = [
        "articles/2010/index.html",
        "cable/2010/02/10MOSCOW228.html",
        "cable/2010/02/10MOSCOW229.html",
        "index.html",
        "reldate/2010-12-01_0.html",
        "static/css/main.css",
    ];
    let plan = planned(&files, site);
    assert_eq!(
        paths(&plan),
        [
            "/cable/2010/02/10MOSCOW228.html",
            "/cable/2010/02/10MOSCOW229.html",
            "/index.html",
            "/reldate/2010-12-01_0.html"
        ],
        "an article folder's index.html is not the site's /index.html"
    );
    assert_eq!((plan.seen, plan.skipped.len()), (6, 2));
    assert!(plan.duplicates.is_empty());

    // The same mirror in wget's host folder, beside HTTrack's own index page.
    let hosted: Vec<String> = files.iter().map(|f| format!("{site}/{f}")).collect();
    let mut with_index: Vec<&str> = hosted.iter().map(String::as_str).collect();
    with_index.push("index.html");
    let plan = planned(&with_index, site);
    assert_eq!(plan.files.len(), 4);
    assert!(
        plan.files
            .iter()
            .all(|f| f.path.to_string_lossy().contains(&format!("/{site}/"))),
        "{:?}",
        plan.files
    );
    assert_eq!(
        plan.duplicates.len(),
        1,
        "the top index.html is also /index.html"
    );
}

#[test]
fn a_base_url_must_be_scheme_and_host_only() {
    let rules = rules();
    let rule = rules.rule("cablegate.wikileaks.org").expect("site");
    assert_eq!(
        base_url(rule, Some("http://127.0.0.1:8080"))
            .expect("host and port")
            .as_str(),
        "http://127.0.0.1:8080/"
    );
    for bad in [
        "ftp://x.org/",
        "https://x.org/mirror/",
        "not a url",
        "https://x.org/?q",
    ] {
        let error = base_url(rule, Some(bad)).expect_err(bad).to_string();
        assert!(error.contains(bad) && error.contains("fix:"), "{error}");
    }
    let parts = ["cable", "2010", "02", "10MOSCOW228.html"];
    let base = base_url(rule, Some("http://127.0.0.1:8080/")).expect("base");
    assert_eq!(
        url_for_parts(&parts, rule, &base)
            .map(String::from)
            .as_deref(),
        Some("http://127.0.0.1:8080/cable/2010/02/10MOSCOW228.html")
    );
}

#[test]
fn a_saved_page_declares_its_address_in_a_comment_a_canonical_link_or_og_url() {
    let cases: [(&str, &str); 5] = [
        (
            "<link rel=\"alternate canonical\" href=https://example.org/unquoted/path>",
            "https://example.org/unquoted/path",
        ),
        (
            "<!-- saved from url=(0066)https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html -->\n<html>",
            "https://cablegate.wikileaks.org/cable/2009/03/09VALLETTA123.html",
        ),
        (
            "<html><head><LINK href='https://www.cablegatesearch.net/cable.php?id=09BRASILIA1187&amp;x=1' REL=Canonical>",
            "https://www.cablegatesearch.net/cable.php?id=09BRASILIA1187&x=1",
        ),
        (
            r#"<head><link rel="stylesheet" href="/a.css"><meta property="og:url" content="http://www.scoop.co.nz/stories/WL1108/S00594/x.htm" />"#,
            "http://www.scoop.co.nz/stories/WL1108/S00594/x.htm",
        ),
        (
            "<!-- saved from url=(0030)https://example.org/first -->\n<link rel=canonical href=https://example.org/second>",
            "https://example.org/first",
        ),
    ];
    for (page, want) in cases {
        let found = declared_url(page.as_bytes()).map(|u| u.to_string());
        assert_eq!(found.as_deref(), Some(want), "{page}");
    }
    for page in [
        "<html><head><link rel=\"stylesheet\" href=\"/x.css\"></head>",
        "<link rel=canonical href=\"/relative/path\">",
        "<link rel=canonical href=\"javascript:alert(1)\">",
        "",
    ] {
        assert_eq!(declared_url(page.as_bytes()), None, "{page}");
    }
}
