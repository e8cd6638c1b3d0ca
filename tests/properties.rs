//! Property tests (proptest) over what an attacker or a user controls: the
//! webhook body parser, the signature check and its explainer, the
//! `JSON.stringify` re-serialiser and host URL normalisation. A short budget
//! runs with `cargo test`; a longer run:
//! `PROPTEST_CASES=1000000 cargo test --release --test properties`.
//! Expected signatures are computed here with the `hmac`/`sha2`/`base64`
//! crates directly, not with the code under test.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use genesys_desk::config::Host;
use genesys_desk::model::SignatureVerdict;
use genesys_desk::webhook::OutboundMessage;
use genesys_desk::webhook::signature::{Mistake, check, js_stringify};
use hmac::{KeyInit, Mac};
use proptest::prelude::*;

fn mac(secret: &str, body: &[u8]) -> Vec<u8> {
    let mut m = <hmac::Hmac<sha2::Sha256> as KeyInit>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    m.update(body);
    m.finalize().into_bytes().to_vec()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Secrets as people paste them: printable, no surrounding whitespace.
fn secret() -> impl Strategy<Value = String> {
    "[A-Za-z0-9!#%&*+./:;=?@^_~-]{1,48}"
}

proptest! {
    #[test]
    fn a_correct_signature_always_verifies(secret in secret(), body in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let header = format!("sha256={}", STANDARD.encode(mac(&secret, &body)));
        prop_assert_eq!(check(&[secret.as_str()], &[], &body, Some(&header)), (SignatureVerdict::Valid, None));
    }

    #[test]
    fn a_random_header_is_invalid_and_never_explained(
        secret in secret(),
        body in proptest::collection::vec(any::<u8>(), 0..512),
        header in ".{0,80}",
    ) {
        let (verdict, mistake) = check(&[secret.as_str()], &[("Other", "other-secret-value")], &body, Some(&header));
        prop_assert_eq!(verdict, SignatureVerdict::Invalid);
        prop_assert_eq!(mistake, None, "no mistake reproduces a random header {:?}", header);
    }

    #[test]
    fn a_hex_mac_is_named_as_hex(secret in secret(), body in proptest::collection::vec(any::<u8>(), 0..512)) {
        let header = format!("sha256={}", hex(&mac(&secret, &body)));
        let (verdict, mistake) = check(&[secret.as_str()], &[], &body, Some(&header));
        prop_assert_eq!(verdict, SignatureVerdict::Invalid);
        prop_assert_eq!(mistake, Some(Mistake::HexInsteadOfBase64 { with_prefix: true }));
    }

    #[test]
    fn the_body_parser_never_panics(body in proptest::collection::vec(any::<u8>(), 0..1024)) {
        let _ = OutboundMessage::parse(&body);
    }

    #[test]
    fn the_body_parser_never_panics_on_json_of_any_shape(value in json_value()) {
        let _ = OutboundMessage::parse(value.to_string().as_bytes());
    }

    #[test]
    fn the_js_reserialiser_gives_json_or_nothing(body in proptest::collection::vec(any::<u8>(), 0..512)) {
        if let Some(out) = js_stringify(&body) {
            prop_assert!(serde_json::from_slice::<serde_json::Value>(&out).is_ok());
        }
    }

    #[test]
    fn the_js_reserialiser_keeps_any_json_valid(value in json_value()) {
        let out = js_stringify(value.to_string().as_bytes());
        prop_assert!(out.is_some(), "valid JSON is re-serialised");
        prop_assert!(out.is_some_and(|o| serde_json::from_slice::<serde_json::Value>(&o).is_ok()));
    }

    #[test]
    fn host_parsing_never_panics_and_gives_usable_urls(input in ".{0,64}") {
        if let Ok(host) = Host::parse(&input) {
            prop_assert!(url::Url::parse(&host.api_base()).is_ok(), "{:?} gave {}", input, host.api_base());
            prop_assert!(url::Url::parse(&host.login_base()).is_ok());
        }
    }
}

/// Any JSON value, a few levels deep, with the webhook's field names likely.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let key = prop_oneof![
        Just("type".to_string()),
        Just("text".to_string()),
        Just("channel".to_string()),
        Just("content".to_string()),
        Just("events".to_string()),
        Just("direction".to_string()),
        Just("id".to_string()),
        "[a-zA-Z]{1,8}",
    ];
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(serde_json::Value::from),
        ".{0,16}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(4, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(serde_json::Value::Array),
            proptest::collection::btree_map(key.clone(), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}
