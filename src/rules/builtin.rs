//! The rule files of `selectors/`, compiled into the binary so that an installed
//! `cablestrip` works without the repository at hand. A test keeps this list in step with
//! the folder.

/// `(file name, content)` of every rule file in `selectors/`.
pub const BUILTIN_RULE_FILES: &[(&str, &str)] = &[
    (
        "cablegate.wikileaks.org.toml",
        include_str!("../../selectors/cablegate.wikileaks.org.toml"),
    ),
    (
        "search.wikileaks.org.toml",
        include_str!("../../selectors/search.wikileaks.org.toml"),
    ),
    (
        "www.cablegatesearch.net.toml",
        include_str!("../../selectors/www.cablegatesearch.net.toml"),
    ),
    (
        "www.scoop.co.nz.toml",
        include_str!("../../selectors/www.scoop.co.nz.toml"),
    ),
];
