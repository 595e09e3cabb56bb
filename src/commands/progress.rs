//! Progress bars for the long commands: drawn on stderr only when it is a terminal, so
//! logs, pipes and CI output stay clean.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressStyle};

/// `-q`: no progress bars.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Turns progress bars off (`-q`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether progress may be drawn: stderr is a terminal and `-q` was not given.
pub fn shown() -> bool {
    !QUIET.load(Ordering::Relaxed) && std::io::stderr().is_terminal()
}

/// A bar of `total` steps labelled `what`, or a hidden one when stderr is not a terminal.
pub fn bar(total: u64, what: &str) -> ProgressBar {
    if !shown() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    // The template is a constant; should it ever fail to parse, the default style serves.
    if let Ok(style) = ProgressStyle::with_template(
        "{prefix} [{elapsed_precise}] {wide_bar} {pos}/{len} ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar.set_prefix(what.to_string());
    bar
}

/// A bar of `total` bytes labelled `what`, or a hidden one when stderr is not a terminal.
pub fn bytes_bar(total: u64, what: &str) -> ProgressBar {
    if !shown() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{prefix} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
    ) {
        bar.set_style(style);
    }
    bar.set_prefix(what.to_string());
    bar
}
