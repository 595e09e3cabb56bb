//! The citation graph through the binary: `refs`, `export --format edges` and `status`, on
//! a mirror of three cables that cite each other and two documents the store lacks.

#[path = "support/mod.rs"]
mod support;

use std::path::Path;

use support::mirror::*;

/// The WikiLeaks fixture page made into another cable of Valletta: `number` its serial,
/// `subject` the words after `MALTA: `, `refs` its REF line.
fn valletta_page(number: u32, subject: &str, refs: &str) -> String {
    let page = std::fs::read_to_string(fixture(CABLEGATE, "standard.html")).expect("fixture");
    page.replace("09VALLETTA123", &format!("09VALLETTA{number}"))
        .replace("VALLETTA 000123", &format!("VALLETTA {number:06}"))
        .replace("#0123 ", &format!("#{number:04} "))
        .replace("FOREIGN MINISTER PRESSES FOR EU BURDEN-SHARING", subject)
        .replace("REF: A. STATE 18812 B. VALLETTA 98", refs)
}

/// 09VALLETTA123 (the fixture: A. STATE 18812, B. VALLETTA 98), 09VALLETTA98 (STATE
/// 18812, unlettered) and 09VALLETTA150 (A. VALLETTA 123, B. VALLETTA 98, C. a phone call).
fn citing_mirror(root: &Path) {
    for (number, subject, refs) in [
        (
            123,
            "FOREIGN MINISTER PRESSES FOR EU BURDEN-SHARING",
            "REF: A. STATE 18812 B. VALLETTA 98",
        ),
        (98, "MIGRANT CENTERS NEAR CAPACITY", "REF: STATE 18812"),
        (
            150,
            "EU PARTNERS ANSWER ON BURDEN-SHARING",
            "REF: A. VALLETTA 123 B. VALLETTA 98 C. PHONE CALL 3/5",
        ),
    ] {
        let path = root.join(format!("cable/2009/03/09VALLETTA{number}.html"));
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        std::fs::write(path, valletta_page(number, subject, refs)).expect("write page");
    }
}

/// The output the README shows under the line `command` in a code block.
fn readme_transcript(command: &str) -> String {
    let readme = std::fs::read_to_string(project().join("README.md")).expect("README");
    let (_, after) = readme
        .split_once(&format!("{command}\n"))
        .unwrap_or_else(|| panic!("the README shows `{command}`"));
    let (block, _) = after.split_once("```").expect("the block ends");
    block.to_string()
}

fn filled_store() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().expect("temp dir");
    citing_mirror(&dir.path().join("site"));
    let db = path_str(&dir.path().join("db")).to_string();
    let ingested = json(&[
        "--db",
        &db,
        "ingest",
        path_str(&dir.path().join("site")),
        "--site",
        CABLEGATE,
        "--json",
    ]);
    assert_eq!(ingested["new_cables"], 3, "{ingested}");
    (dir, db)
}

#[test]
fn refs_lists_what_a_cable_cites_and_what_cites_it() {
    let (_dir, db) = filled_store();
    let found = json(&["--db", &db, "refs", "09valletta98", "--json"]);
    assert_eq!(found["id"], "09VALLETTA98");
    assert_eq!(
        found["subject"],
        "MALTA: MIGRANT CENTERS NEAR CAPACITY ON MIGRANT ARRIVALS"
    );
    let cites = found["cites"].as_array().expect("cites");
    assert_eq!(cites.len(), 1, "{found}");
    assert_eq!(cites[0]["id"], "09STATE18812");
    assert_eq!(cites[0]["stored"], false);
    let cited_by: Vec<(&str, Option<&str>)> = found["cited_by"]
        .as_array()
        .expect("cited_by")
        .iter()
        .map(|c| (c["id"].as_str().expect("id"), c["letter"].as_str()))
        .collect();
    assert_eq!(
        cited_by,
        [("09VALLETTA123", Some("B")), ("09VALLETTA150", Some("B"))]
    );

    // A cited cable the store holds is named with its subject; a phone call is no cable.
    let found = json(&["--db", &db, "refs", "09VALLETTA150", "--json"]);
    let cites = found["cites"].as_array().expect("cites");
    assert_eq!(cites.len(), 3, "{found}");
    assert_eq!(cites[0]["id"], "09VALLETTA123");
    assert_eq!(cites[0]["stored"], true);
    assert_eq!(
        cites[0]["subject"],
        "MALTA: FOREIGN MINISTER PRESSES FOR EU BURDEN-SHARING ON MIGRANT ARRIVALS"
    );
    assert_eq!(cites[2]["letter"], "C");
    assert!(cites[2].get("id").is_none(), "{}", cites[2]);
    assert_eq!(found["cited_by"].as_array().map(Vec::len), Some(0));

    // A cable the store lacks but two stored cables cite: cited by, and nothing cited.
    let found = json(&["--db", &db, "refs", "09STATE18812", "--json"]);
    assert_eq!(found["sites"].as_array().map(Vec::len), Some(0));
    assert_eq!(found["cited_by"].as_array().map(Vec::len), Some(2));

    // The text form names the same facts, exactly as the README shows it.
    let text = stdout(&cablestrip(&["--db", &db, "refs", "09VALLETTA150"]));
    assert_eq!(text, readme_transcript("$ cablestrip refs 09VALLETTA150"));

    // An ID neither stored nor cited: status 1 and why.
    let output = cablestrip(&["--db", &db, "refs", "01ROME1"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("no stored cable cites it"),
        "{}",
        stderr(&output)
    );
    let output = cablestrip(&["--db", &db, "refs", "not-an-id"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
}

#[test]
fn the_graph_exports_as_edges_and_status_counts_it() {
    let (dir, db) = filled_store();
    let out = dir.path().join("edges.csv");
    let output = cablestrip(&[
        "--db",
        &db,
        "export",
        "--format",
        "edges",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let edges = std::fs::read_to_string(&out).expect("edges file");
    assert_eq!(
        edges,
        "from,to,letter\r\n\
         09VALLETTA123,09STATE18812,A\r\n\
         09VALLETTA123,09VALLETTA98,B\r\n\
         09VALLETTA150,09VALLETTA123,A\r\n\
         09VALLETTA150,09VALLETTA98,B\r\n\
         09VALLETTA98,09STATE18812,\r\n"
    );
    let output = cablestrip(&["--db", &db, "export", "--format", "edges", "--all-sources"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));

    let status = json(&["--db", &db, "status", "--json"]);
    let citations = &status["citations"];
    assert_eq!(citations["references"], 5, "{citations}");
    assert_eq!(citations["resolved"], 3, "{citations}");
    assert_eq!(citations["citing_cables"], 3, "{citations}");
    assert_eq!(citations["cited_cables"], 3, "{citations}");
    assert_eq!(citations["cited_and_stored"], 2, "{citations}");
    let text = stdout(&cablestrip(&["--db", &db, "status"]));
    assert!(
        text.contains("references   5 to cables, from 3 cables; 3 (60.0 %) cite a stored cable"),
        "{text}"
    );
}
