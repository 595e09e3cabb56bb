//! ID lists: one a line or CSV, and the errors a bad list gets (file, line, value, fix).

use super::*;

fn list(name: &str, text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join(name);
    std::fs::write(&path, text).expect("write");
    (dir, path)
}

fn ids(text: &str) -> Vec<(String, u64)> {
    let (_dir, path) = list("ids.txt", text);
    read_id_list(&path)
        .expect("a good list")
        .into_iter()
        .map(|listed| (listed.id.to_string(), listed.line))
        .collect()
}

fn error(name: &str, text: &str) -> String {
    let (_dir, path) = list(name, text);
    read_id_list(&path).expect_err("a bad list").to_string()
}

#[test]
fn one_id_a_line_with_blanks_comments_and_a_header() {
    assert_eq!(
        ids(
            "id\n08MOSCOW3728\n\n# from the 2011 listings\n  1974ATHENS02959_b \n\"09STATE18812\"\n"
        ),
        [
            ("08MOSCOW3728".to_string(), 2),
            ("74ATHENS2959".to_string(), 5),
            ("09STATE18812".to_string(), 6),
        ]
    );
}

#[test]
fn a_csv_file_gives_its_id_column_whatever_its_place_or_quoting() {
    let text = "created,Cable ID,subject\n2008-12-01,08MOSCOW3728,\"IRAN, MISSILES\"\n2009-03-11,,\"no ID, skipped\"\n\"2009-03-12\",\"09SANJOSE412_a\",\"multi\nline\"\n";
    assert_eq!(
        ids(text),
        [
            ("08MOSCOW3728".to_string(), 2),
            ("09SANJOSE412".to_string(), 4),
        ]
    );
}

#[test]
fn a_csv_file_without_an_id_column_is_refused_with_the_fix() {
    let message = error("cables.csv", "created,subject\n2008-12-01,IRAN\n");
    assert!(message.contains("cables.csv"), "{message}");
    assert!(message.contains("`created,subject`"), "{message}");
    assert!(
        message.contains("fix: name the column of cable IDs `id`"),
        "{message}"
    );
    // A file with no header row: its first row holds an ID, and the error says where.
    let message = error(
        "cables.csv",
        "\"1\",\"12/28/1966 18:48\",\"66BUENOSAIRES2481\",\"Embassy Buenos Aires\"\n",
    );
    assert!(
        message.contains("column 3 holds the cable ID 66BUENOSAIRES2481"),
        "{message}"
    );
    assert!(
        message.contains("fix: add a first row naming that column `id`"),
        "{message}"
    );
}

#[test]
fn a_malformed_id_names_its_line_and_value_and_nothing_is_read() {
    let message = error(
        "ids.txt",
        "08MOSCOW3728\nMOSCOW3728\n09STATE1\n../etc/passwd\n",
    );
    assert!(message.contains("ids.txt:2"), "{message}");
    assert!(
        message.contains("`MOSCOW3728` is not a cable ID"),
        "{message}"
    );
    assert!(
        message.contains("fix: correct or remove that line"),
        "{message}"
    );
    assert!(message.contains("and 1 more lines"), "{message}");
}

#[test]
fn an_empty_or_unreadable_list_is_refused() {
    let message = error("ids.txt", "\n# nothing yet\n");
    assert!(message.contains("holds no cable ID"), "{message}");
    let message = read_id_list(Path::new("/nonexistent/ids.txt"))
        .expect_err("missing")
        .to_string();
    assert!(
        message.contains("cannot read the ID list /nonexistent/ids.txt")
            && message.contains("fix:"),
        "{message}"
    );
    let (_dir, path) = list("ids.bin", "");
    std::fs::write(&path, [0xff, 0xfe, 0x00, 0x41]).expect("write");
    let message = read_id_list(&path).expect_err("not text").to_string();
    assert!(message.contains("cannot read the ID list"), "{message}");
}
