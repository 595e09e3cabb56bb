//! The crawl stage against sites served on 127.0.0.1: the fetcher's outcomes, politeness
//! measured at the server, the crawl loop end to end, stopping while a page is cleaned, and
//! `cablestrip crawl` as cron runs it.

#[path = "../support/mod.rs"]
mod support;

mod bench;
mod command;
mod fetch;
mod heal;
mod known;
mod politeness;
mod run;
mod stop;
mod warc;
mod warc_responses;
