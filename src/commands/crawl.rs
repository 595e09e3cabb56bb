//! `cablestrip crawl`: resolve seeds, host mappings and limits, open the store, run the
//! crawl on a tokio runtime with a progress bar and Ctrl-C / SIGTERM handling, print the
//! summary, and choose the exit status.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

use anyhow::anyhow;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use cablestrip::crawl::{
    ArchiveConfig, CrawlConfig, CrawlError, Crawler, DEFAULT_USER_AGENT, FetchConfig, KnownIds,
    PolitenessConfig, SeedError, StopHandle, Summary, seeds,
};
use cablestrip::rules::RuleSet;

use super::out::{self, note};
use super::words::SEEDS_FLAG;
use super::{Failure, map_hosts, open_store, print_if_any};
use crate::cli::CrawlArgs;

/// Where the seed lists are when no --seeds is given.
const SEED_DIR: &str = "seeds";

pub fn run(mut rules: RuleSet, db: &Path, args: &CrawlArgs) -> Result<ExitCode, Failure> {
    // Everything is checked before the store is opened or a request sent.
    map_hosts(&mut rules, &args.host_map)?;
    if let Some(site) = &args.site {
        rules.require(site).map_err(Failure::input)?;
    }
    if !(0.0..=1.0).contains(&args.max_error_share) {
        return Err(Failure::input(anyhow!(
            "--max-error-share {} is not a share: give a number from 0 to 1, such as 0.2",
            args.max_error_share
        )));
    }
    if args.known_ids
        && let Some(site) = &args.site
        && rules
            .rule(site)
            .is_some_and(|rule| rule.cable_url.is_none())
    {
        let with: Vec<String> = rules
            .rules()
            .iter()
            .filter(|rule| rule.cable_url.is_some())
            .map(|rule| rule.name.clone())
            .collect();
        return Err(Failure::input(anyhow!(
            "--known-ids: the rule file of {site} has no `[urls] cable_url`, so no URL can be made from a cable ID; fix: add one (see selectors/README.md), or crawl a site that has one: {}",
            with.join(", ")
        )));
    }
    let seeds = match seeds::resolve(
        &args.seeds,
        SEEDS_FLAG,
        Path::new(SEED_DIR),
        &rules,
        args.site.as_deref(),
    ) {
        Ok(seeds) => seeds,
        // The known IDs are seeds enough, when no seed was given outright.
        Err(SeedError::Empty { .. } | SeedError::NoSeedLists { .. })
            if args.known_ids && args.seeds.is_empty() =>
        {
            Vec::new()
        }
        Err(error) => return Err(Failure::input(error)),
    };
    let config = CrawlConfig {
        fetch: FetchConfig {
            user_agent: args
                .user_agent
                .clone()
                .unwrap_or_else(|| DEFAULT_USER_AGENT.to_string()),
            politeness: PolitenessConfig {
                rate: args.rate,
                concurrency: args.concurrency,
                ..PolitenessConfig::default()
            },
            ..FetchConfig::default()
        },
        recheck_after: args.recheck_after,
        max_pages: args.max_pages,
        site: args.site.clone(),
        max_links_per_page: args.max_links_per_page,
        max_queued_per_site: args.max_queued_per_site,
        retry_failed: args.retry_failed,
        warc: args.warc.as_deref().map(|dir| ArchiveConfig {
            max_file_bytes: args.warc_max_size,
            ..ArchiveConfig::new(dir)
        }),
        known_ids: args.known_ids.then_some(KnownIds { limit: args.limit }),
        ..CrawlConfig::default()
    };
    config.fetch.validate().map_err(Failure::input)?;

    let store = open_store(db)?;
    let crawler = Crawler::new(store, Arc::new(rules), config).map_err(Failure::input)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::job(anyhow!("cannot start the async runtime: {e}")))?;
    let signalled = Arc::new(AtomicU8::new(0));
    let result = runtime.block_on(async {
        tokio::spawn(handle_signals(
            crawler.stop_handle(),
            Arc::clone(&signalled),
        ));
        let bar = progress_bar(&crawler);
        let result = crawler.run(&seeds).await;
        if let Some((bar, ticker)) = bar {
            ticker.abort();
            bar.finish_and_clear();
        }
        result
    });
    // Blocking tasks are done; don't wait on the signal task.
    runtime.shutdown_background();
    let summary = result.map_err(|error| match error {
        CrawlError::Store(error) => Failure::store(error),
        CrawlError::Config(error) => Failure::input(error),
        error @ (CrawlError::Task { .. } | CrawlError::Warc(_)) => Failure::job(error),
    })?;

    if args.json {
        let json = serde_json::to_string_pretty(&summary).map_err(Failure::job)?;
        out::report(|out| writeln!(out, "{json}"))?;
    } else {
        out::report(|out| print_summary(out, &summary))?;
    }
    let signal = signalled.load(Ordering::Relaxed);
    if signal != 0 {
        return Ok(ExitCode::from(signal));
    }
    if summary.nothing_fetched() {
        note!(
            "error: nothing could be fetched: {} requests, not one page or 304 came back; see the errors above (is the site up, or is robots.txt keeping us out?)",
            summary.requests
        );
        return Ok(ExitCode::from(1));
    }
    let share = summary.error_share();
    if share > args.max_error_share {
        note!(
            "error: {:.1} % of requests failed, more than --max-error-share {:.1} %; see the errors by host above",
            share * 100.0,
            args.max_error_share * 100.0
        );
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

/// The exit status of a crawl stopped by SIGINT (Ctrl-C) once it has stopped cleanly, as
/// shells report a process ended by that signal: 128 + 2.
const EXIT_SIGINT: u8 = 130;
/// The exit status of a crawl stopped by SIGTERM (systemd, `kill`): 128 + 15.
const EXIT_SIGTERM: u8 = 143;

/// The first Ctrl-C (or SIGTERM, as systemd sends) stops the crawl cleanly, and records
/// which signal it was in `signalled` (its exit status); a second quits at once with that
/// status. Either way the store stays consistent: pages are recorded in transactions and
/// what was not recorded is still in the frontier.
async fn handle_signals(stop: StopHandle, signalled: Arc<AtomicU8>) {
    let mut asked = 0;
    loop {
        let Some(status) = next_signal().await else {
            return;
        };
        asked += 1;
        if asked == 1 {
            signalled.store(status, Ordering::Relaxed);
            note!(
                "stopping: no new fetches; finishing those in flight and flushing (Ctrl-C again to quit at once)"
            );
            stop.stop();
        } else {
            note!(
                "quitting at once; the store is consistent and the next crawl resumes from its frontier"
            );
            std::process::exit(i32::from(status));
        }
    }
}

/// Waits for Ctrl-C or SIGTERM and gives the exit status that goes with it; `None` if
/// signals cannot be listened for.
#[cfg(unix)]
async fn next_signal() -> Option<u8> {
    use tokio::signal::unix::{SignalKind, signal};
    let Ok(mut term) = signal(SignalKind::terminate()) else {
        return tokio::signal::ctrl_c().await.ok().map(|()| EXIT_SIGINT);
    };
    tokio::select! {
        result = tokio::signal::ctrl_c() => result.ok().map(|()| EXIT_SIGINT),
        received = term.recv() => received.map(|()| EXIT_SIGTERM),
    }
}

/// Waits for Ctrl-C and gives its exit status; `None` if it cannot be listened for.
#[cfg(not(unix))]
async fn next_signal() -> Option<u8> {
    tokio::signal::ctrl_c().await.ok().map(|()| EXIT_SIGINT)
}

/// A spinner with the live counters, on a terminal only.
fn progress_bar(crawler: &Crawler) -> Option<(ProgressBar, tokio::task::JoinHandle<()>)> {
    if !super::progress::shown() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr_with_hz(4));
    let style = ProgressStyle::with_template("{spinner} [{elapsed_precise}] {msg}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner());
    bar.set_style(style);
    let progress = crawler.progress();
    let shown = bar.clone();
    let ticker = tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_millis(250));
        loop {
            tick.tick().await;
            let now = progress.snapshot();
            shown.set_message(format!(
                "done {}  queued {}  {:.1} pages/s  errors {}",
                now.done,
                now.queued,
                now.rate(),
                now.errors
            ));
            shown.tick();
        }
    });
    Some((bar, ticker))
}

fn print_summary(out: &mut dyn Write, s: &Summary) -> std::io::Result<()> {
    let ended = match s.ended {
        cablestrip::crawl::Ended::Finished => "finished",
        cablestrip::crawl::Ended::MaxPages => "stopped at --max-pages",
        cablestrip::crawl::Ended::Interrupted => "interrupted",
    };
    writeln!(
        out,
        "crawl run #{} {ended} in {:.1} s ({:.1} pages/s)",
        s.run, s.seconds, s.pages_per_second
    )?;
    writeln!(
        out,
        "  started from   {} seeds, {} index pages to re-check, {} cable pages due, {} left by an earlier run",
        s.start.seeds_queued,
        s.start.index_pages_queued,
        s.start.cable_pages_queued,
        s.start.resumed
    )?;
    if let Some(known) = &s.start.known_ids {
        writeln!(
            out,
            "  known IDs      {} queued of the {} known the site has no page for ({} queued already, {} left for another run by --limit, {} without the date its cable_url needs)",
            known.queued, known.untried, known.already_queued, known.left, known.undated
        )?;
    }
    writeln!(
        out,
        "  requests       {} ({} conditional)",
        s.requests, s.conditional
    )?;
    writeln!(
        out,
        "  fetched        {} ({} cable pages, {} index pages; {:.1} MB)",
        s.fetched,
        s.fetched_cable_pages,
        s.fetched_index_pages,
        s.bytes as f64 / 1e6
    )?;
    writeln!(out, "  not modified   {}", s.not_modified)?;
    writeln!(
        out,
        "  skipped        {} stored cable pages not due for a re-check",
        s.skipped
    )?;
    writeln!(out, "  robots-denied  {}", s.robots_denied)?;
    print_if_any(out, s.held_back, |n| {
        let hosts: Vec<String> = s
            .hosts_unreachable
            .iter()
            .map(|(host, why)| format!("{host} ({why})"))
            .collect();
        format!(
            "  held back      {n} pages not asked for: robots.txt unreachable at {}; they stay queued",
            hosts.join(", ")
        )
    })?;
    print_if_any(out, s.not_on_site, |n| {
        format!(
            "  not on site    {n} cables the site has no page for (404 at its cable_url; not asked for again)"
        )
    })?;
    writeln!(
        out,
        "  errors         {} ({:.1} % of requests)",
        s.errors,
        s.error_share() * 100.0
    )?;
    for (host, kinds) in &s.errors_by_host {
        let kinds: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        writeln!(out, "    {host}: {}", kinds.join(", "))?;
    }
    writeln!(
        out,
        "  cables         {} new, {} changed, {} unchanged; {} pages rejected by the rules",
        s.new_cables, s.changed_cables, s.unchanged_cables, s.rejected_pages
    )?;
    print_if_any(out, s.suspect_cables, |n| {
        format!("  suspect        {n} cables stored as suspect (`cablestrip show ID` says why)")
    })?;
    print_if_any(out, s.abandoned, |n| {
        format!("  abandoned      {n} fetches or cleanings still going at the stop's grace end")
    })?;
    print_if_any(out, s.links_dropped, |n| {
        format!(
            "  links dropped  {n} (past the cap on links from one page, or a site's full share of the frontier)"
        )
    })?;
    for barren in &s.barren {
        writeln!(out, "  gave nothing   {}: {}", barren.url, barren.reason)?;
    }
    if let Some(warc) = &s.warc {
        writeln!(
            out,
            "  warc           {} pages, {} redirect hops, {} error pages and retried answers as responses, {} revisits (304s), each with its request, in {}",
            warc.responses, warc.redirects, warc.other_responses, warc.revisits, warc.dir
        )?;
        for file in &warc.files {
            writeln!(out, "    wrote        {file}")?;
        }
        for sealed in &warc.sealed {
            writeln!(
                out,
                "    sealed       {} left open by an earlier crawl: {} records kept, {} bytes of a record cut short removed",
                sealed.file, sealed.records, sealed.cut_bytes
            )?;
        }
    }
    writeln!(out, "  queued         {} left for the next run", s.queued)
}
