//! The one entry point of the metadata parsers: a cable's routing header and body → its
//! [`Metadata`] (references, addressees, classifying authority, declassification, summary,
//! signer).

use super::{authority, declassify, refs, routing, signer, summary};
use crate::model::{CableId, Metadata};

/// Everything the cable's own text says beyond its ID, subject and tags.
///
/// `header` is the routing block where the site shows one apart; some sites show the
/// routing lines at the top of the body and some drop them, so the addressees are looked
/// for in the body too. The header fields (`REF`, `Classified By`, `DECL`) are read from
/// the body, else from the header (PlusD shows them in its header block). `own_id` and
/// `created` give the cable's own year, which a reference without a year stands for.
pub fn metadata(
    header: Option<&str>,
    body: &str,
    own_id: Option<&CableId>,
    created: Option<&str>,
) -> Metadata {
    let own_year = own_id.and_then(CableId::year_digits).or_else(|| {
        created
            .and_then(|date| date.get(..4)?.parse::<u16>().ok())
            .map(|year| year % 100)
    });
    let mut references = refs::references(body, own_year);
    if references.is_empty()
        && let Some(header) = header
    {
        references = refs::references(header, own_year);
    }
    let mut addressees = header.map(routing::addressees).unwrap_or_default();
    if addressees.to.is_empty() && addressees.info.is_empty() {
        addressees = routing::addressees(body);
    }
    Metadata {
        references,
        to: addressees.to,
        info: addressees.info,
        excluded: addressees.excluded,
        signer: signer::signer(body),
        classified_by: authority::classified_by(body, own_year)
            .or_else(|| header.and_then(|header| authority::classified_by(header, own_year))),
        declassify: declassify::declassify(body)
            .or_else(|| header.and_then(declassify::declassify)),
        summary: summary::summary(body),
    }
}
