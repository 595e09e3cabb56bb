//! Scores the cables in a store against a truth file, the way `cablestrip eval` scores a
//! mirror: header and body equal after trimming trailing spaces and folding blank lines.
//! CI uses it to check the crawl bar (a crawled store is exact for ≥ 99.5 % of the truth).
//!
//! `cargo run --release --example score_store -- DB TRUTH.jsonl [SITE] [--min-exact SHARE]`
//!
//! Prints `{"truth", "cables", "missing", "exact", "exact_share"}` as JSON; exits 1 when
//! the exact share is under `--min-exact`, 2 on bad arguments or files.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use cablestrip::eval::{normalise, read_truth};
use cablestrip::store::Store;

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let mut positional = Vec::new();
    let mut min_exact = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--min-exact" {
            let value = args
                .next()
                .ok_or("--min-exact needs a share, such as 0.995")?;
            min_exact = Some(
                value
                    .parse::<f64>()
                    .map_err(|_| format!("--min-exact {value} is not a number"))?,
            );
        } else {
            positional.push(arg);
        }
    }
    let [db, truth, rest @ ..] = positional.as_slice() else {
        return Err("usage: score_store DB TRUTH.jsonl [SITE] [--min-exact SHARE]".to_string());
    };
    let site = rest.first().map(String::as_str);
    let truth = read_truth(&PathBuf::from(truth)).map_err(|e| e.to_string())?;
    let store = Store::open(&PathBuf::from(db)).map_err(|e| e.to_string())?;
    let mut cables = HashMap::new();
    for cable in store.cables(site) {
        let cable = cable.map_err(|e| e.to_string())?;
        cables.insert(cable.id.to_string(), cable);
    }
    let mut exact = 0usize;
    let mut missing = 0usize;
    let mut differing = Vec::new();
    for record in &truth {
        let Some(cable) = cables.get(&record.id) else {
            missing += 1;
            continue;
        };
        let header = cable.header.as_deref().unwrap_or_default();
        if normalise(header) == normalise(&record.header)
            && normalise(&cable.body) == normalise(&record.body)
        {
            exact += 1;
        } else {
            differing.push(record.id.clone());
        }
    }
    let share = exact as f64 / truth.len().max(1) as f64;
    differing.truncate(10);
    println!(
        "{}",
        serde_json::json!({
            "truth": truth.len(),
            "cables": cables.len(),
            "missing": missing,
            "exact": exact,
            "exact_share": share,
            "first_differing": differing,
        })
    );
    Ok(match min_exact {
        Some(min) if share < min => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    })
}
