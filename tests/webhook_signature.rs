//! Signature verdicts and the explainer: each common mistake is built on purpose
//! and must be named exactly; unrelated wrong signatures get no explanation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE};
use genesys_desk::model::SignatureVerdict;
use genesys_desk::webhook::signature::{self, JsonStyle, Mistake, check, hmac_sha256, js_stringify, sign};

const SECRET: &str = "DEADBEEF";
const TEXT: &[u8] = include_bytes!("webhook_samples/outbound-text.json");
const VECTORS: &str = include_str!("webhook_samples/signature-test-vectors.json");

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn explain(ours: &[&str], others: &[(&str, &str)], body: &[u8], header: &str) -> Option<Mistake> {
    let (verdict, mistake) = check(ours, others, body, Some(header));
    assert_eq!(verdict, SignatureVerdict::Invalid, "header {header} should be invalid");
    mistake
}

#[test]
fn shared_test_vectors_are_valid_and_their_hex_form_is_not() {
    let vectors: serde_json::Value = serde_json::from_str(VECTORS).unwrap();
    assert_eq!(vectors["secret"], SECRET);
    let v0 = &vectors["vectors"][0];
    assert_eq!(TEXT.len() as u64, v0["bodyBytes"].as_u64().unwrap());
    let header0 = v0["expectedHeader"].as_str().unwrap();
    assert_eq!(sign(SECRET, TEXT), header0);
    assert_eq!(check(&[SECRET], &[], TEXT, Some(header0)), (SignatureVerdict::Valid, None));

    let v1 = &vectors["vectors"][1];
    let body1 = v1["bodyUtf8"].as_str().unwrap().as_bytes();
    let header1 = v1["expectedHeader"].as_str().unwrap();
    assert_eq!(check(&[SECRET], &[], body1, Some(header1)).0, SignatureVerdict::Valid);
    let wrong_hex = v1["wrongHexForm_doNotAccept"].as_str().unwrap();
    assert_eq!(explain(&[SECRET], &[], body1, wrong_hex), Some(Mistake::HexInsteadOfBase64 { with_prefix: true }));
}

#[test]
fn verdicts_missing_and_no_secret() {
    assert_eq!(check(&[SECRET], &[], TEXT, None), (SignatureVerdict::Missing, None));
    assert_eq!(check(&[], &[], TEXT, Some("sha256=whatever")), (SignatureVerdict::NoSecretConfigured, None));
    assert_eq!(check(&[], &[], TEXT, None).0, SignatureVerdict::NoSecretConfigured);
    // A second secret (rotation) also validates.
    assert_eq!(check(&["old", SECRET], &[], TEXT, Some(&sign(SECRET, TEXT))).0, SignatureVerdict::Valid);
}

#[test]
fn hex_without_prefix() {
    let header = hex(&hmac_sha256(SECRET.as_bytes(), TEXT));
    assert_eq!(explain(&[SECRET], &[], TEXT, &header), Some(Mistake::HexInsteadOfBase64 { with_prefix: false }));
    // Upper-case hex is still hex.
    let upper = format!("sha256={}", header.to_uppercase());
    assert_eq!(explain(&[SECRET], &[], TEXT, &upper), Some(Mistake::HexInsteadOfBase64 { with_prefix: true }));
}

#[test]
fn missing_prefix() {
    let header = STANDARD.encode(hmac_sha256(SECRET.as_bytes(), TEXT));
    assert_eq!(explain(&[SECRET], &[], TEXT, &header), Some(Mistake::MissingPrefix));
}

#[test]
fn base64url_instead_of_standard() {
    let mac = hmac_sha256(SECRET.as_bytes(), TEXT);
    let url = URL_SAFE.encode(mac);
    assert_ne!(url, STANDARD.encode(mac), "this vector's MAC must contain + or / for the test to mean anything");
    assert_eq!(explain(&[SECRET], &[], TEXT, &format!("sha256={url}")), Some(Mistake::Base64Url));
}

#[test]
fn base64_without_padding() {
    let header = format!("sha256={}", STANDARD_NO_PAD.encode(hmac_sha256(SECRET.as_bytes(), TEXT)));
    assert_eq!(explain(&[SECRET], &[], TEXT, &header), Some(Mistake::Base64NoPadding));
}

#[test]
fn reserialised_json_compact_sorted() {
    let value: serde_json::Value = serde_json::from_slice(TEXT).unwrap();
    let header = sign(SECRET, &serde_json::to_vec(&value).unwrap());
    assert_eq!(explain(&[SECRET], &[], TEXT, &header), Some(Mistake::ReserialisedJson(JsonStyle::CompactSortedKeys)));
}

#[test]
fn reserialised_json_like_js_stringify() {
    // Expected header computed independently (Python json.dumps with compact
    // separators and ensure_ascii=False keeps key order like JSON.stringify).
    let header = "sha256=baffrhReMuXVN0YbMYqb1Adc+pG657UstkbkOjE+IBE=";
    assert_eq!(explain(&[SECRET], &[], TEXT, header), Some(Mistake::ReserialisedJson(JsonStyle::JsStringify)));
}

#[test]
fn js_stringify_formats_numbers_and_strings_like_javascript() {
    let body = br#"{"b": 1.0, "a": "caf\u00e9 \/ x", "n": [1e3, 0.5, -0.0]}"#;
    let out = js_stringify(body).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "{\"b\":1,\"a\":\"caf\u{e9} / x\",\"n\":[1000,0.5,0]}");
    // And the explainer uses exactly that (header computed with Python over the JS output).
    let header = "sha256=P28vrQc3ouXRjIni0Tk0DWSLY/0DSNutFzC30ZBH01o=";
    assert_eq!(explain(&[SECRET], &[], body, header), Some(Mistake::ReserialisedJson(JsonStyle::JsStringify)));
    assert_eq!(js_stringify(b"{\"a\":"), None);
}

#[test]
fn reserialised_json_pretty() {
    let value: serde_json::Value = serde_json::from_slice(TEXT).unwrap();
    let header = sign(SECRET, &serde_json::to_vec_pretty(&value).unwrap());
    assert_eq!(explain(&[SECRET], &[], TEXT, &header), Some(Mistake::ReserialisedJson(JsonStyle::Pretty)));
}

#[test]
fn sender_secret_with_whitespace() {
    for padded in ["DEADBEEF\n", " DEADBEEF", "DEADBEEF\r\n", "\tDEADBEEF\t"] {
        let header = sign(padded, TEXT);
        assert_eq!(explain(&[SECRET], &[], TEXT, &header), Some(Mistake::SenderSecretWhitespace), "{padded:?}");
    }
}

#[test]
fn our_secret_with_whitespace() {
    let header = sign(SECRET, TEXT);
    assert_eq!(explain(&["DEADBEEF\n"], &[], TEXT, &header), Some(Mistake::OurSecretWhitespace));
    assert_eq!(explain(&["  DEADBEEF "], &[], TEXT, &header), Some(Mistake::OurSecretWhitespace));
}

#[test]
fn another_accounts_secret_is_named() {
    let header = sign("acme-prod-secret", TEXT);
    let others = [("Acme Dev", "acme-dev-secret"), ("Acme Prod", "acme-prod-secret")];
    let mistake = explain(&[SECRET], &others, TEXT, &header);
    assert_eq!(mistake, Some(Mistake::OtherAccountSecret("Acme Prod".into())));
    let text = signature::describe(SignatureVerdict::Invalid, mistake.as_ref()).unwrap();
    assert!(text.contains("\"Acme Prod\""), "{text}");
    assert!(!text.contains("acme-prod-secret"), "explanations never contain secrets: {text}");
}

#[test]
fn unrelated_wrong_signatures_get_no_explanation() {
    assert_eq!(explain(&[SECRET], &[("Other", "zzz")], TEXT, &sign("wrong", TEXT)), None);
    assert_eq!(explain(&[SECRET], &[], TEXT, "sha256=not base64 at all"), None);
    assert_eq!(explain(&[SECRET], &[], TEXT, ""), None);
    // Signature of another body (e.g. altered in transit).
    assert_eq!(explain(&[SECRET], &[], TEXT, &sign(SECRET, b"{}")), None);
    let text = signature::describe(SignatureVerdict::Invalid, None).unwrap();
    assert!(text.contains("differs"), "{text}");
}

#[test]
fn every_explanation_names_a_fix() {
    let all = [
        Mistake::HexInsteadOfBase64 { with_prefix: true },
        Mistake::HexInsteadOfBase64 { with_prefix: false },
        Mistake::MissingPrefix,
        Mistake::Base64Url,
        Mistake::Base64NoPadding,
        Mistake::ReserialisedJson(JsonStyle::CompactSortedKeys),
        Mistake::ReserialisedJson(JsonStyle::JsStringify),
        Mistake::ReserialisedJson(JsonStyle::Pretty),
        Mistake::SenderSecretWhitespace,
        Mistake::OurSecretWhitespace,
        Mistake::OtherAccountSecret("B".into()),
    ];
    for m in all {
        let text = m.to_string();
        assert!(text.contains(':'), "explanation should say what and how to fix: {text}");
    }
}
