//! Standard output and standard error for every command. Reports go through [`report`],
//! which ends the command quietly (status 0) when the reader goes away (`| head`), so a
//! closed pipe is never an error; notes to the user go through [`note!`], which never
//! fails, even on a closed standard error.

use std::io::{self, Write};

use super::Failure;

/// Writes a report to standard output with `write`, buffered. A closed pipe stops the
/// command quietly; any other failure to write is an error of the job.
pub fn report(write: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Failure> {
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    write(&mut out)
        .and_then(|()| out.flush())
        .map_err(|error| written(&error))
}

/// What a failure to write a report to standard output means: a quiet stop when the
/// reader went away, else an error of the job. For commands that stream their output.
pub fn written(error: &io::Error) -> Failure {
    if error.kind() == io::ErrorKind::BrokenPipe {
        Failure::quiet()
    } else {
        Failure::job(anyhow::anyhow!("cannot write to standard output: {error}"))
    }
}

/// Writes `line` and a newline to standard error, ignoring failure: the user may have
/// closed it, and a note is never worth a failure.
pub fn note_line(line: std::fmt::Arguments<'_>) {
    let _ = writeln!(io::stderr().lock(), "{line}");
}

/// `note!("…", args)`: a line to the user on standard error (see [`note_line`]).
macro_rules! note {
    ($($arg:tt)*) => {
        $crate::commands::out::note_line(format_args!($($arg)*))
    };
}
pub(crate) use note;
