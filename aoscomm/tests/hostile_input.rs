//! Hostile inputs: each returns a typed error naming where and why, never a panic, a hang or a
//! stack overflow.

use aoscomm::protocol::*;

fn envelope_with_data(data: &str) -> String {
    format!(r#"{{"header":{{"version":7,"systemId":"unit","txn":"t"}},"data":{data}}}"#)
}

#[test]
fn malformed_utf8_is_a_syntax_error() {
    let mut doc = envelope_with_data(
        r#"{"messageType":"updateState","item":{"id":"AB"},"subject":{"id":"s"}}"#,
    )
    .into_bytes();
    let at = doc.windows(2).position(|w| w == b"AB").expect("marker");
    doc[at] = 0xff;
    doc[at + 1] = 0xfe;
    let e = Envelope::decode(&doc).expect_err("invalid UTF-8");
    assert_eq!(e.path(), "json");
    assert!(matches!(e.kind(), DecodeErrorKind::Syntax(_)), "{e}");
}

#[test]
fn ten_thousand_deep_nesting_is_refused_without_overflow() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let deep = format!("{}1{}", open.repeat(10_000), close.repeat(10_000));
        let e = Envelope::decode(envelope_with_data(&deep).as_bytes()).expect_err("too deep");
        assert_eq!(e.path(), "json");
        assert!(e.reason().contains("recursion limit"), "{e}");
        // also in an ignored, unknown key
        let doc = envelope_with_data(&format!(r#"{{"messageType":"ack","x":{deep}}}"#));
        assert!(Envelope::decode(doc.as_bytes()).is_err());
    }
}

#[test]
fn hundred_megabyte_string_is_refused() {
    let big = "x".repeat(100 * 1024 * 1024);
    let doc = envelope_with_data(&format!(
        r#"{{"messageType":"updateState","item":{{"id":"i"}},"subject":{{"id":"s"}},"state":"{big}"}}"#
    ));
    // the default input limit (8 MiB) refuses it before parsing
    let e = Envelope::decode(doc.as_bytes()).expect_err("too large");
    assert_eq!(e.path(), "json");
    assert!(
        matches!(
            e.kind(),
            DecodeErrorKind::InputTooLarge {
                limit: DEFAULT_MAX_INPUT,
                ..
            }
        ),
        "{e}"
    );
    // with the input limit raised, the field limit (64 KiB state) refuses it
    let opts = DecodeOptions {
        max_input: 200 * 1024 * 1024,
    };
    let e = Envelope::decode_with(doc.as_bytes(), &opts).expect_err("state too long");
    assert_eq!(e.path(), "data.state");
    assert_eq!(
        e.kind(),
        &DecodeErrorKind::TooLong {
            max: 65_536,
            got: big.len()
        }
    );
}

#[test]
fn huge_numbers_are_refused() {
    for n in [
        "18446744073709551616",
        "123456789012345678901234567890",
        "1e30",
        "-1",
        "1.5",
        "\"99999999999999999999\"",
    ] {
        let doc = envelope_with_data(&format!(
            r#"{{"messageType":"updateState","item":{{"id":"i"}},"subject":{{"id":"s"}},"instance":{n}}}"#
        ));
        let e = Envelope::decode(doc.as_bytes()).expect_err(n);
        assert_eq!(e.path(), "data.instance", "{n}: {e}");
        assert!(
            e.reason().starts_with("expected an unsigned integer"),
            "{n}: {e}"
        );
    }
    // beyond f64: a syntax error
    let doc = envelope_with_data(r#"{"messageType":"nack","retryAfter":1e400}"#);
    assert_eq!(
        Envelope::decode(doc.as_bytes()).expect_err("1e400").path(),
        "json"
    );
    // u64::MAX itself is fine
    let doc = envelope_with_data(
        r#"{"messageType":"updateState","item":{"id":"i"},"subject":{"id":"s"},"instance":18446744073709551615}"#,
    );
    let Payload::UpdateState(s) = Envelope::decode(doc.as_bytes())
        .expect("u64::MAX")
        .data
        .payload
    else {
        panic!("type")
    };
    assert_eq!(s.instance.instance, u64::MAX);
}

#[test]
fn duplicate_keys_are_refused() {
    let cases = [
        (
            r#"{"header":{"version":7,"txn":"a","txn":"b"},"data":{"messageType":"ack"}}"#,
            "header",
        ),
        (
            r#"{"header":{"version":7,"txn":"a","TXN":"b"},"data":{"messageType":"ack"}}"#,
            "header",
        ),
        (
            r#"{"header":{"version":7},"data":{"messageType":"ack","messagetype":"nack"}}"#,
            "data",
        ),
        (
            r#"{"header":{"version":7},"header":{"version":7},"data":{"messageType":"ack"}}"#,
            "message",
        ),
        (
            r#"{"header":{"version":7},"data":{"messageType":"startProvisioningRequest","node":{"codename":"a","Codename":"b"}}}"#,
            "data.node",
        ),
    ];
    for (doc, path) in cases {
        let e = Envelope::decode(doc.as_bytes()).expect_err(doc);
        assert_eq!(e.path(), path, "{doc}");
        assert!(matches!(e.kind(), DecodeErrorKind::DuplicateKey(_)), "{e}");
    }
}

#[test]
fn unknown_message_type_is_typed() {
    for t in ["bogus", "ACK", "Ack", ""] {
        let doc = envelope_with_data(&format!(r#"{{"messageType":"{t}"}}"#));
        let e = Envelope::decode(doc.as_bytes()).expect_err(t);
        assert!(e.is_unknown_message_type(), "{e}");
        assert_eq!(e.path(), "data.messageType");
    }
}

#[test]
fn wrong_types_name_what_was_expected() {
    let doc = envelope_with_data(r#"{"messageType":"desiredStatus","nodes":{"a":1}}"#);
    let e = Envelope::decode(doc.as_bytes()).expect_err("object for array");
    assert_eq!(e.to_string(), "data.nodes: expected an array, found object");
    let e = Envelope::decode(b"[1,2]").expect_err("array root");
    assert_eq!(e.to_string(), "message: expected an object, found array");
    let e = Envelope::decode(b"").expect_err("empty");
    assert_eq!(e.path(), "json");
    let e = Envelope::decode(br#"{"header":{"version":7},"data":{"messageType":"ack"}} x"#)
        .expect_err("trailing");
    assert_eq!(e.path(), "json");
}
