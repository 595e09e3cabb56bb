//! Unit tests of reading and checking seeds.

use super::*;

fn rules() -> RuleSet {
    let mut rules = RuleSet::builtin().expect("built-in rules load");
    rules
        .map_host("127.0.0.1:8080", "cablegate.wikileaks.org")
        .expect("map");
    rules
}

#[test]
fn seed_lists_name_the_file_and_line_of_a_bad_seed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let list = dir.path().join("a.txt");
    std::fs::write(
        &list,
        "# comment\n\nhttp://127.0.0.1:8080/index.html # the front page\nnot a url\n",
    )
    .expect("write");
    let error = resolve(&[], GIVEN, dir.path(), &rules(), None).expect_err("bad line");
    let message = error.to_string();
    assert!(
        message.contains(&format!("{}:4", list.display())) && message.contains("not a url"),
        "{message}"
    );
}

#[test]
fn seeds_are_canonical_scoped_and_filtered_by_site() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("b.txt"),
        "HTTP://127.0.0.1:8080/index.html#top\nhttp://127.0.0.1:8080/index.html\nhttps://www.scoop.co.nz/stories/WL1108/\n",
    )
    .expect("write");
    let rules = rules();
    let all = resolve(&[], GIVEN, dir.path(), &rules, None).expect("seeds");
    let urls: Vec<&str> = all.iter().map(|s| s.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://cablegate.wikileaks.org/index.html",
            "https://www.scoop.co.nz/stories/WL1108/"
        ],
        "a seed on a mapped host stands for the site's own page"
    );
    assert_eq!(all[0].site, "cablegate.wikileaks.org");
    assert_eq!(all[0].kind, LinkKind::Follow);
    let one = resolve(&[], GIVEN, dir.path(), &rules, Some("www.scoop.co.nz")).expect("seeds");
    assert_eq!(one.len(), 1);
    let none = resolve(&[], GIVEN, dir.path(), &rules, Some("search.wikileaks.org"));
    assert!(matches!(none, Err(SeedError::Empty { .. })), "{none:?}");
}

#[test]
fn a_seed_outside_the_rules_says_how_to_bring_it_in() {
    let dir = tempfile::tempdir().expect("temp dir");
    let rules = rules();
    let error = resolve(
        &["http://127.0.0.1:9999/index.html".to_string()],
        GIVEN,
        dir.path(),
        &rules,
        None,
    )
    .expect_err("unmapped host");
    assert!(
        matches!(&error, SeedError::UnknownHost { host, .. } if host == "127.0.0.1:9999"),
        "{error}"
    );
    let error = resolve(
        &["http://127.0.0.1:8080/about.html".to_string()],
        GIVEN,
        dir.path(),
        &rules,
        None,
    )
    .expect_err("not a crawlable path");
    assert!(error.to_string().contains("/about.html"), "{error}");
    let error = resolve(
        &["http://127.0.0.1:8080/index.html".to_string()],
        GIVEN,
        dir.path(),
        &rules,
        Some("www.scoop.co.nz"),
    )
    .expect_err("other site");
    assert!(
        matches!(&error, SeedError::OtherSite { site, .. } if site == "www.scoop.co.nz"),
        "{error}"
    );
    let error = resolve(
        &["no-such-file".to_string()],
        GIVEN,
        dir.path(),
        &rules,
        None,
    )
    .expect_err("neither");
    assert!(matches!(error, SeedError::NotUrlOrFile { .. }), "{error}");
    let error = resolve(&[], GIVEN, &dir.path().join("missing"), &rules, None).expect_err("no dir");
    assert!(matches!(error, SeedError::NoSeedLists { .. }), "{error}");
}
