//! What can be wrong with the rule files, each error naming the file, the key and the fix.

use std::path::PathBuf;

/// A rule file that cannot be used. Every variant says where and how to fix it.
#[derive(Debug, thiserror::Error)]
pub enum RuleError {
    /// The folder or a file could not be read.
    #[error("cannot read rule files at {}: {source}; fix: give the folder of rule files (selectors/)", path.display())]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The folder holds no `*.toml`.
    #[error("no rule files (*.toml) in {}; fix: give the folder of rule files (selectors/)", dir.display())]
    NoRuleFiles {
        /// The folder searched.
        dir: PathBuf,
    },
    /// Not valid TOML, or a key the format does not know.
    #[error("{origin}: {message}\nfix: see selectors/README.md for the keys a rule file may hold")]
    Syntax {
        /// The rule file.
        origin: String,
        /// toml's message, which names line, column and key.
        message: String,
    },
    /// A value of the right type that cannot work.
    #[error("{origin}:{line}: `{key}`: {problem}; fix: {fix}")]
    Invalid {
        /// The rule file.
        origin: String,
        /// 1-based line of the value.
        line: usize,
        /// The dotted key, e.g. `extract.body.select`.
        key: String,
        /// What is wrong with the value.
        problem: String,
        /// How to put it right.
        fix: String,
    },
    /// `[site] name` differs from the file name.
    #[error(
        "{origin}:{line}: `site.name` is `{name}` but the file is named `{stem}.toml`; fix: make them the same (the name is how commands, the store and exports refer to the site)"
    )]
    NameMismatch {
        /// The rule file.
        origin: String,
        /// 1-based line of the name.
        line: usize,
        /// The name inside the file.
        name: String,
        /// The file's stem.
        stem: String,
    },
    /// Two files describe one site.
    #[error(
        "site `{name}` is described twice, in {first} and in {second}; fix: keep one file per site"
    )]
    DuplicateSite {
        /// The site.
        name: String,
        /// One file.
        first: String,
        /// The other.
        second: String,
    },
    /// Two files claim one host.
    #[error(
        "host `{host}` is claimed by {first} and by {second}; fix: list each host in one rule file only"
    )]
    DuplicateHost {
        /// The host.
        host: String,
        /// One file.
        first: String,
        /// The other.
        second: String,
    },
    /// A site named that no rule file describes.
    #[error(
        "no rule file for site `{site}`; known sites: {known}; fix: pass one of them, or add selectors/{site}.toml"
    )]
    UnknownSite {
        /// The name asked for.
        site: String,
        /// The names that exist.
        known: String,
    },
    /// A host mapping (`HOST[:PORT]=SITE`) that cannot be used.
    #[error(
        "host mapping `{value}`: {problem}; fix: write HOST[:PORT]=SITE, such as 127.0.0.1:8080=cablegate.wikileaks.org"
    )]
    BadHostMap {
        /// The value as given.
        value: String,
        /// What is wrong.
        problem: String,
    },
}
