//! The metadata a cable's own text gives beyond its ID and subject: the documents it
//! cites, its addressees, who classified it and until when, its summary and its signer.
//! Plain data, made by the cleaning stage's cable parser (`clean::cable::metadata`).
//!
//! Absent means absent: a field the text does not give is `None` or empty, never guessed.
//! Nested objects leave their absent fields out of JSON; every field reads back from a
//! record written without it.

use serde::{Deserialize, Serialize};

use super::CableId;

/// Everything the text says about the cable besides its ID, subject and tags.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metadata {
    /// The documents cited in the `REF:` block(s), in order.
    pub references: Vec<Reference>,
    /// The action addressees of the routing block (`TO` and its continuation lines).
    pub to: Vec<Addressee>,
    /// The information addressees (`INFO` and its continuation lines).
    pub info: Vec<Addressee>,
    /// Addressees the cable was not transmitted to (`XMT` lines).
    pub excluded: Vec<Addressee>,
    /// The name signing the cable at the end of its text, e.g. `BEYRLE`.
    pub signer: Option<String>,
    /// The `Classified By:` line: who classified the cable, and under which reasons.
    pub classified_by: Option<ClassifiedBy>,
    /// When the cable is to be declassified: the `DECL:` value.
    pub declassify: Option<Declassify>,
    /// The text of the summary paragraph(s), without the `Summary:` and `End summary`
    /// markers.
    pub summary: Option<String>,
}

/// One cited document of a `REF:` block: `A. 05 PARIS 5459`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Reference {
    /// The reference's letter (`A` for `A.`, `A)` or `(A)`), when the block letters them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub letter: Option<String>,
    /// The cited cable's ID, when the reference is a cable (post and number).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<CableId>,
    /// The reference as written, letter removed and white space collapsed.
    pub text: String,
}

/// One addressee line of the routing block: `RUEHC/SECSTATE WASHDC IMMEDIATE 4696`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Addressee {
    /// The routing indicator before the slash (`RUEHC`), when the line has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub route: Option<String>,
    /// The addressee's name, e.g. `SECSTATE WASHDC` or `EUROPEAN POLITICAL COLLECTIVE`.
    pub name: String,
    /// `FLASH`, `NIACT IMMEDIATE`, `IMMEDIATE`, `PRIORITY` or `ROUTINE`, when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precedence: Option<String>,
    /// The serial number that ends the line (`4696`, `2276-2279`), when given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
}

/// The classifying authority: `Classified By: Ambassador Margaret Scobey for reasons 1.4
/// (b) and (d)`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ClassifiedBy {
    /// The person, e.g. `Margaret Scobey`, when the line names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Their title or office, e.g. `Ambassador`, `DCM`, `Acting Political Counselor`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The reasons, each as section and letter: `1.4(b)`, `1.4(d)`, `1.5(c)`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub reasons: Vec<String>,
}

/// The `DECL:` value: a date where it is one, else the text as written (`X1`, `25 YEARS`,
/// `AFTER KOREAN UNIFICATION`). Written in JSON as a string either way (`2029-01-15`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Declassify {
    /// A calendar date.
    Date(jiff::civil::Date),
    /// Anything else, as written.
    Text(String),
}

#[cfg(test)]
mod tests;
