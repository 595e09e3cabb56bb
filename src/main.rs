//! The `cablestrip` binary: parse the command line, load and check the rule files, run one
//! command, and turn its outcome into an exit status. Exit status: 0 done, 1 the job ran
//! but failed its check (mismatches, a bar not met), 2 bad input (flags, rule files,
//! files), 3 the store could not be used.

mod cli;
mod commands;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // Before anything can reach sled: a damaged database makes sled panic, and no panic
    // of sled's reaches the user as a crash (see the store's guard module).
    cablestrip::store::install_panic_hook();
    let args = cli::Cli::parse();
    commands::init_logging(args.verbose, args.quiet);
    match commands::run(args) {
        Ok(code) => code,
        Err(failure) if failure.is_quiet() => failure.exit_code(),
        Err(failure) => {
            commands::out::note!("error: {failure}");
            failure.exit_code()
        }
    }
}
