//! `cablestrip completions SHELL` and `cablestrip man`: the command line documents itself,
//! from the same definitions clap parses with, so the two never disagree.

use std::process::ExitCode;

use clap::CommandFactory;

use super::{Failure, out};
use crate::cli::Cli;

/// Prints the completion script for `shell`.
pub fn completions(shell: clap_complete::Shell) -> Result<ExitCode, Failure> {
    let mut command = Cli::command();
    // clap_complete panics on a failed write: it writes into memory, and we write that.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut command, "cablestrip", &mut script);
    out::report(|out| std::io::Write::write_all(out, &script))?;
    Ok(ExitCode::SUCCESS)
}

/// Prints the manual page, in roff.
pub fn man() -> Result<ExitCode, Failure> {
    let page = clap_mangen::Man::new(Cli::command());
    out::report(|out| page.render(out))?;
    Ok(ExitCode::SUCCESS)
}
