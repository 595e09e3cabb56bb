//! Unit tests of the metadata records: their JSON shape and reading old records.

use super::*;

#[test]
fn nested_objects_leave_absent_fields_out() {
    let reference = Reference {
        letter: None,
        id: None,
        text: "EMAIL OF MARCH 3".to_string(),
    };
    assert_eq!(
        serde_json::to_string(&reference).expect("json"),
        r#"{"text":"EMAIL OF MARCH 3"}"#
    );
    let addressee = Addressee {
        route: Some("RUEHC".to_string()),
        name: "SECSTATE WASHDC".to_string(),
        precedence: Some("IMMEDIATE".to_string()),
        serial: Some("4696".to_string()),
    };
    assert_eq!(
        serde_json::to_string(&addressee).expect("json"),
        r#"{"route":"RUEHC","name":"SECSTATE WASHDC","precedence":"IMMEDIATE","serial":"4696"}"#
    );
    let by = ClassifiedBy {
        name: None,
        title: Some("Charge d'Affaires".to_string()),
        reasons: Vec::new(),
    };
    assert_eq!(
        serde_json::to_string(&by).expect("json"),
        r#"{"title":"Charge d'Affaires"}"#
    );
}

#[test]
fn declassify_is_a_string_in_json_either_way() {
    let date = Declassify::Date(jiff::civil::date(2029, 1, 15));
    assert_eq!(
        serde_json::to_string(&date).expect("json"),
        r#""2029-01-15""#
    );
    let text = Declassify::Text("AFTER KOREAN UNIFICATION".to_string());
    assert_eq!(
        serde_json::to_string(&text).expect("json"),
        r#""AFTER KOREAN UNIFICATION""#
    );
    for value in [date, text] {
        let json = serde_json::to_string(&value).expect("json");
        assert_eq!(
            serde_json::from_str::<Declassify>(&json).expect("read back"),
            value
        );
    }
}

#[test]
fn a_record_without_the_fields_reads_as_empty() {
    let empty: Metadata = serde_json::from_str("{}").expect("empty record");
    assert_eq!(empty, Metadata::default());
    let partial: Metadata =
        serde_json::from_str(r#"{"references":[{"letter":"A","id":"2005PARIS05459","text":"05 PARIS 5459"}],"signer":"STAPLETON"}"#)
            .expect("partial record");
    assert_eq!(
        partial.references[0].id.as_ref().map(CableId::as_str),
        Some("05PARIS5459")
    );
    assert_eq!(partial.signer.as_deref(), Some("STAPLETON"));
    assert!(partial.to.is_empty() && partial.classified_by.is_none());
}

#[test]
fn metadata_round_trips_through_json() {
    let metadata = Metadata {
        references: vec![Reference {
            letter: Some("A".to_string()),
            id: CableId::parse("05PARIS5459").ok(),
            text: "05 PARIS 5459".to_string(),
        }],
        to: vec![Addressee {
            name: "SECSTATE WASHDC".to_string(),
            ..Addressee::default()
        }],
        signer: Some("STAPLETON".to_string()),
        classified_by: Some(ClassifiedBy {
            name: Some("Margaret Scobey".to_string()),
            title: Some("Ambassador".to_string()),
            reasons: vec!["1.4(b)".to_string(), "1.4(d)".to_string()],
        }),
        declassify: Some(Declassify::Date(jiff::civil::date(2019, 2, 12))),
        summary: Some("Text.".to_string()),
        ..Metadata::default()
    };
    let json = serde_json::to_string(&metadata).expect("json");
    assert_eq!(
        serde_json::from_str::<Metadata>(&json).expect("read back"),
        metadata
    );
}
