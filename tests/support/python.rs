//! The Python packages the tests drive as real clients (warcio, Datasette), installed on
//! first use into one virtual environment under `target/`, so that `cargo test` needs
//! nothing installed by hand but Python 3: the Python package registry is the only place
//! reached, once, and only when the packages are not there yet.
//!
//! A Python that already has a package is used as it is; otherwise the package goes into
//! `target/test-python` (a venv), and a Python that cannot make venvs installs it for the
//! user instead. When none of that works the test fails, saying what to install: a test
//! of a real client never passes without the client.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Mutex, PoisonError};

/// One install at a time within a test binary; installing twice is harmless, only slow.
static INSTALLING: Mutex<()> = Mutex::new(());

fn project() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn venv() -> PathBuf {
    project().join("target/test-python")
}

fn imports(python: &Path, module: &str) -> bool {
    Command::new(python)
        .args(["-c", &format!("import {module}")])
        .output()
        .is_ok_and(|output| output.status.success())
}

/// A Python that imports `module`, installing `requirement` (a pip requirement such as
/// `warcio>=1.7,<2`) where it is missing.
pub fn python_with(module: &str, requirement: &str) -> PathBuf {
    let system = PathBuf::from("python3");
    if imports(&system, module) {
        return system;
    }
    let _one = INSTALLING.lock().unwrap_or_else(PoisonError::into_inner);
    let python = venv().join("bin/python");
    if imports(&python, module) {
        return python;
    }
    let mut tried = Vec::new();
    if !python.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(venv())
            .output();
        match made {
            Ok(output) if output.status.success() => {}
            Ok(output) => tried.push(format!(
                "python3 -m venv: {}",
                String::from_utf8_lossy(&output.stderr).trim()
            )),
            Err(error) => panic!(
                "this test drives the Python package {requirement} and python3 cannot be run ({error}); fix: install Python 3"
            ),
        }
    }
    if python.exists() {
        let installed = pip(&python, &[], requirement);
        match installed {
            Ok(()) if imports(&python, module) => return python,
            Ok(()) => tried.push(format!(
                "{requirement} installed in the venv does not import"
            )),
            Err(why) => tried.push(why),
        }
    }
    // No venv (Debian without python3-venv): the user's site-packages.
    match pip(&system, &["--user", "--break-system-packages"], requirement) {
        Ok(()) if imports(&system, module) => return system,
        Ok(()) => tried.push(format!(
            "{requirement} installed for the user does not import"
        )),
        Err(why) => tried.push(why),
    }
    panic!(
        "this test drives the Python package {requirement} and could not install it ({}); fix: `python3 -m pip install '{requirement}'`, then run the tests again",
        tried.join("; ")
    );
}

fn pip(python: &Path, flags: &[&str], requirement: &str) -> Result<(), String> {
    let output = Command::new(python)
        .args([
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
        ])
        .args(flags)
        .arg(requirement)
        .output()
        .map_err(|error| format!("{} -m pip: {error}", python.display()))?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{} -m pip install {requirement}: {}",
            python.display(),
            String::from_utf8_lossy(&output.stderr).trim()
        ))
    }
}
