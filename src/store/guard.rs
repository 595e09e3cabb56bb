//! Keeps sled's panics inside the store. sled 0.34 panics, rather than returning an error,
//! on many kinds of damage to its files ("tried to serialize Uninitialized" while it
//! recovers a log with a page missing, slices past the end of a cut-short file…). Every
//! store call that reaches sled runs inside [`contain`], which turns such a panic into
//! [`StoreError::Damaged`], so that a command says what to do instead of crashing.
//!
//! [`install_panic_hook`] (the binary calls it first thing) keeps a contained panic from
//! printing sled's message and backtrace, and is the last resort for a panic that starts in
//! one of sled's own threads, outside any store call: it says the database is damaged and
//! exits with status 3.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{self, AssertUnwindSafe};
use std::path::Path;
use std::sync::Once;

use super::StoreError;

/// The exit status of a store that cannot be used (see the README's "Exit status").
pub const STORE_EXIT_STATUS: i32 = 3;

thread_local! {
    /// How many [`contain`] calls this thread is inside.
    static DEPTH: Cell<u32> = const { Cell::new(0) };
    /// What the last contained panic said, with where it happened.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `work` (store code that calls sled) and turns a panic inside it into
/// [`StoreError::Damaged`] naming the database `path` and what the store was doing.
///
/// sled leaves its in-memory state consistent across a panic only as far as its own locks
/// go (they are released as the panic unwinds); the caller reports the error and stops
/// using the database, which is what every command does with a store error.
pub(crate) fn contain<T>(
    path: &Path,
    action: impl FnOnce() -> String,
    work: impl FnOnce() -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    DEPTH.with(|depth| depth.set(depth.get() + 1));
    let result = panic::catch_unwind(AssertUnwindSafe(work));
    DEPTH.with(|depth| depth.set(depth.get().saturating_sub(1)));
    result.unwrap_or_else(|payload| {
        let detail = LAST_PANIC
            .with(|last| last.borrow_mut().take())
            .unwrap_or_else(|| payload_text(payload.as_ref()));
        Err(StoreError::Damaged {
            path: path.to_path_buf(),
            action: action(),
            detail: format!("sled panicked: {detail}"),
        })
    })
}

/// Installs the panic hook (once; later calls do nothing). Panics inside [`contain`] are
/// kept quiet (their message goes into the error); a panic from sled anywhere else (its
/// background threads) prints what to do and exits with status 3; every other panic goes
/// to the hook that was installed before, unchanged.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let location = info
                .location()
                .map(|l| format!(" at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let message = format!("{}{location}", payload_text(info.payload()));
            if DEPTH.with(Cell::get) > 0 {
                LAST_PANIC.with(|last| *last.borrow_mut() = Some(message));
                return;
            }
            let thread = std::thread::current();
            let sled_thread = thread
                .name()
                .is_some_and(|name| name.starts_with("sled") || name.contains("flusher"));
            if sled_thread || is_sled_location(&location) {
                eprintln!(
                    "error: the database is damaged: sled panicked ({message}); run `cablestrip check --repair` to rebuild it from what is readable, or restore it from a backup"
                );
                std::process::exit(STORE_EXIT_STATUS);
            }
            previous(info);
        }));
    });
}

/// Whether a panic's location is in sled's source (`…/sled-0.34.7/src/…`).
fn is_sled_location(location: &str) -> bool {
    location.contains("/sled-") || location.contains("\\sled-")
}

fn payload_text(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

#[cfg(test)]
mod tests;
