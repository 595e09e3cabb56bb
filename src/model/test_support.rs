//! What the library's unit tests share about cables: one built from a few facts.

use super::{Cable, CableId, PageUrl};

/// Cable `id` as `site` holds it at `https://<site>/<id>`, made by `rules`, with `body`.
pub(crate) fn cable(id: &str, site: &str, rules: &str, body: &str) -> Cable {
    Cable::new(
        CableId::parse(id).expect("a test cable ID"),
        PageUrl::parse(&format!("https://{site}/{id}")).expect("a test URL"),
        site,
        rules,
        body,
    )
}
