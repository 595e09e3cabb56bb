//! Measures the cable-text metadata parsers on a truth file (`{"id","header","body"}` per
//! line, such as ../shared/corpus/cablegate-2010-12/truth.jsonl): how many cables each
//! field is found for, whether every ID parses to itself, the cost per cable, and a
//! random sample of the values to check by hand against the texts.
//!
//! ```sh
//! cargo run --release --example meta_coverage -- TRUTH.jsonl [--sample N] [--seed S]
//!     [--field NAME] [--dump OUT.jsonl] [--rounds R]
//! ```

use std::time::Instant;

use anyhow::{Context, Result, bail};
use cablestrip::clean::cable;
use cablestrip::model::{CableId, Metadata};
use serde::Deserialize;

#[derive(Deserialize)]
struct Truth {
    id: String,
    header: String,
    body: String,
}

struct Options {
    truth: String,
    sample: usize,
    seed: u64,
    field: Option<String>,
    dump: Option<String>,
    rounds: usize,
}

fn options() -> Result<Options> {
    let mut args = std::env::args().skip(1);
    let mut options = Options {
        truth: String::new(),
        sample: 0,
        seed: 1,
        field: None,
        dump: None,
        rounds: 20,
    };
    while let Some(arg) = args.next() {
        let mut value = || args.next().with_context(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--sample" => options.sample = value()?.parse()?,
            "--seed" => options.seed = value()?.parse()?,
            "--field" => options.field = Some(value()?),
            "--dump" => options.dump = Some(value()?),
            "--rounds" => options.rounds = value()?.parse()?,
            _ if options.truth.is_empty() => options.truth = arg,
            _ => bail!("unexpected argument {arg}"),
        }
    }
    if options.truth.is_empty() {
        bail!(
            "usage: meta_coverage TRUTH.jsonl [--sample N] [--seed S] [--field NAME] [--dump OUT] [--rounds R]"
        );
    }
    Ok(options)
}

/// Everything extracted from one cable.
struct Extracted<'a> {
    truth: &'a Truth,
    subject: Option<String>,
    tags: Vec<String>,
    metadata: Metadata,
}

fn extract(truth: &Truth) -> Extracted<'_> {
    let own_id = CableId::parse(&truth.id).ok();
    let header = (!truth.header.trim().is_empty()).then_some(truth.header.as_str());
    Extracted {
        truth,
        subject: cable::subject(&truth.body),
        tags: cable::tags(&truth.body),
        metadata: cable::metadata(header, &truth.body, own_id.as_ref(), None),
    }
}

fn field_value(extracted: &Extracted<'_>, field: &str) -> serde_json::Value {
    let metadata = &extracted.metadata;
    let json = |value: &dyn erased::Json| value.to_json();
    match field {
        "subject" => json(&extracted.subject),
        "tags" => json(&extracted.tags),
        "references" => json(&metadata.references),
        "to" => json(&metadata.to),
        "info" => json(&metadata.info),
        "excluded" => json(&metadata.excluded),
        "signer" => json(&metadata.signer),
        "classified_by" => json(&metadata.classified_by),
        "declassify" => json(&metadata.declassify),
        "summary" => json(&metadata.summary),
        _ => serde_json::Value::Null,
    }
}

/// A small object-safe wrapper so the match above can hand any field to serde_json.
mod erased {
    pub trait Json {
        fn to_json(&self) -> serde_json::Value;
    }
    impl<T: serde::Serialize> Json for T {
        fn to_json(&self) -> serde_json::Value {
            serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
        }
    }
}

/// This process's user and system CPU time, on Linux (`/proc/self/stat`, in clock ticks of
/// 1/100 s); `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit(')').next()?.split_whitespace().collect();
    let ticks = |index: usize| fields.get(index)?.parse::<f64>().ok();
    Some((ticks(11)? + ticks(12)?) / 100.0)
}

const FIELDS: &[&str] = &[
    "subject",
    "tags",
    "references",
    "to",
    "info",
    "excluded",
    "signer",
    "classified_by",
    "declassify",
    "summary",
];

fn is_present(value: &serde_json::Value) -> bool {
    match value {
        serde_json::Value::Null => false,
        serde_json::Value::Array(items) => !items.is_empty(),
        _ => true,
    }
}

fn main() -> Result<()> {
    let options = options()?;
    let text = std::fs::read_to_string(&options.truth)
        .with_context(|| format!("reading {}", options.truth))?;
    let records: Vec<Truth> = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .map(serde_json::from_str)
        .collect::<Result<_, _>>()
        .context("a truth line is not {\"id\",\"header\",\"body\"}")?;

    let mismatched_ids: Vec<String> = records
        .iter()
        .filter(|record| {
            CableId::parse(&record.id)
                .map(|id| id.to_string())
                .ok()
                .as_deref()
                != Some(record.id.as_str())
        })
        .map(|record| record.id.clone())
        .collect();
    println!(
        "IDs that parse to themselves: {} / {}{}",
        records.len() - mismatched_ids.len(),
        records.len(),
        if mismatched_ids.is_empty() {
            String::new()
        } else {
            format!(" (not: {})", mismatched_ids.join(", "))
        }
    );

    let from_text = records
        .iter()
        .filter(|record| {
            let text = format!("{}\n{}", record.header, record.body);
            let found = cablestrip::clean::ids::id_from_text(&text, None);
            let same = found.as_ref().is_some_and(|id| id.as_str() == record.id);
            if !same && std::env::var_os("SHOW_ID_MISMATCHES").is_some() {
                println!("  {} ≠ {:?}", record.id, found.map(|id| id.to_string()));
            }
            same
        })
        .count();
    println!(
        "IDs the text itself gives (classification line, page break or station line, and the date-time group) equal to the truth's: {from_text} / {}",
        records.len()
    );
    // As the cleaner calls it: with the page's creation date, here the truth ID's own year.
    let with_year = records
        .iter()
        .filter(|record| {
            let text = format!("{}\n{}", record.header, record.body);
            let year = record.id.get(..2).unwrap_or("00");
            let century = if year.as_bytes().first().is_some_and(|b| *b >= b'5') {
                "19"
            } else {
                "20"
            };
            let created = format!("{century}{year}-01-01");
            cablestrip::clean::ids::id_from_text(&text, Some(&created))
                .is_some_and(|id| id.as_str() == record.id)
        })
        .count();
    println!(
        "  the same, given the cable's creation date as the cleaner does: {with_year} / {}",
        records.len()
    );

    let extracted: Vec<Extracted<'_>> = records.iter().map(extract).collect();
    println!("cables: {}", extracted.len());
    for field in FIELDS {
        let present = extracted
            .iter()
            .filter(|e| is_present(&field_value(e, field)))
            .count();
        println!("  {field:<14} present in {present:>5}");
    }

    // Cost: the metadata step alone, over every body, several rounds. CPU time too, since
    // the wall clock of a shared machine counts other programs' turns.
    let cpu_started = cpu_seconds();
    let started = Instant::now();
    let mut found = 0usize;
    for _ in 0..options.rounds {
        for record in &records {
            let own_id = CableId::parse(&record.id).ok();
            let metadata =
                cable::metadata(Some(&record.header), &record.body, own_id.as_ref(), None);
            found += metadata.references.len() + usize::from(metadata.signer.is_some());
        }
    }
    let calls = (options.rounds * records.len()).max(1) as f64;
    let per_cable = started.elapsed().as_secs_f64() * 1e6 / calls;
    let cpu = cpu_seconds()
        .zip(cpu_started)
        .map(|(end, start)| format!(", {:.1} µs of CPU time", (end - start) * 1e6 / calls))
        .unwrap_or_default();
    println!(
        "metadata(): {per_cable:.1} µs per cable on average (wall clock{cpu}) over {} rounds of {} cables ({found} values)",
        options.rounds,
        records.len()
    );

    if let Some(path) = &options.dump {
        let mut out = String::new();
        for e in &extracted {
            let mut object = serde_json::Map::new();
            object.insert("id".into(), e.truth.id.clone().into());
            for field in FIELDS {
                object.insert((*field).into(), field_value(e, field));
            }
            out.push_str(&serde_json::Value::Object(object).to_string());
            out.push('\n');
        }
        std::fs::write(path, out).with_context(|| format!("writing {path}"))?;
        println!("values written to {path}");
    }

    if options.sample > 0 {
        let mut random = fastrand::Rng::with_seed(options.seed);
        let fields: Vec<&str> = match &options.field {
            Some(field) => vec![field.as_str()],
            None => FIELDS.to_vec(),
        };
        for field in fields {
            println!("\n== {field}: a random sample of {}", options.sample);
            for _ in 0..options.sample.min(extracted.len()) {
                let e = &extracted[random.usize(..extracted.len())];
                println!("{:<22} {}", e.truth.id, field_value(e, field));
            }
        }
    }
    Ok(())
}
