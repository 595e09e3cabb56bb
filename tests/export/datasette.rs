//! The SQLite export served by Datasette on 127.0.0.1, with no set-up: its search box works
//! over HTTP. Needs `python3`; the `datasette` package is installed on first use where it is
//! missing.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::support::mirror::*;

/// A Python that runs Datasette (`python -m datasette`), installed on first use if need be
/// (see the support module `python`).
fn datasette() -> PathBuf {
    crate::support::python::python_with("datasette", "datasette>=0.64,<2")
}

/// A child process killed when the test ends, pass or fail.
struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port()
}

/// GET `url` and its body as JSON, or why not.
fn get_json(runtime: &tokio::runtime::Runtime, url: &str) -> Result<serde_json::Value, String> {
    runtime.block_on(async {
        let response = reqwest::get(url).await.map_err(|e| e.to_string())?;
        let status = response.status();
        let text = response.text().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!("{status}: {text}"));
        }
        serde_json::from_str(&text).map_err(|e| format!("{e}: {text}"))
    })
}

#[test]
fn datasette_serves_the_sqlite_export_with_a_working_search() {
    let datasette = datasette();
    let filled = filled();
    let out = filled.root.join("cables.db");
    let output = cablestrip(&[
        "--db",
        &filled.db,
        "export",
        "--format",
        "sqlite",
        "--out",
        path_str(&out),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let port = free_port();
    let log = filled.root.join("datasette.log");
    let child = Command::new(&datasette)
        .args([
            "-m",
            "datasette",
            "serve",
            path_str(&out),
            "--host",
            "127.0.0.1",
            "--port",
        ])
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).expect("log"))
        .stderr(std::fs::File::create(&log).expect("log"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", datasette.display()));
    let mut server = Server(child);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let base = format!("http://127.0.0.1:{port}");

    let started = Instant::now();
    loop {
        if get_json(&runtime, &format!("{base}/-/versions.json")).is_ok() {
            break;
        }
        let exited = server.0.try_wait().expect("wait");
        if exited.is_some() || started.elapsed() > Duration::from_secs(60) {
            panic!(
                "datasette did not answer on {base} ({exited:?}): {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(200));
    }

    // The database is named after the file; Datasette found `cables_fts` for `cables`
    // and offers a search box on the table's page.
    let page = runtime
        .block_on(async {
            reqwest::get(format!("{base}/cables/cables"))
                .await?
                .text()
                .await
        })
        .expect("the table's page");
    assert!(page.contains(r#"name="_search""#), "no search box: {page}");
    let found = get_json(
        &runtime,
        &format!("{base}/cables/cables.json?_search=ethanol&_shape=array&_col=subject"),
    )
    .expect("a search");
    let ids: Vec<&str> = found
        .as_array()
        .expect("an array")
        .iter()
        .filter_map(|row| row["id"].as_str())
        .collect();
    assert_eq!(ids, ["09BRASILIA1187"], "{found}");
    let phrase = get_json(
        &runtime,
        &format!("{base}/cables/cables.json?_search=%22sugar%20mill%22&_shape=array"),
    )
    .expect("a phrase search");
    assert_eq!(phrase[0]["id"], "09SUVA155", "{phrase}");
    assert_eq!(phrase.as_array().map(Vec::len), Some(1));
}
