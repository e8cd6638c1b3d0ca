//! Signature verdicts and the explainer: each common mistake is built on purpose
//! and must be named exactly; unrelated wrong signatures get no explanation.

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

// The expected headers below were computed independently of this crate, with
// Python's hmac/hashlib/base64 over json.dumps of the sample (and over the raw
// sample with the padded secrets), so a bug in `sign` cannot hide itself.

#[test]
fn reserialised_json_compact_sorted() {
    // json.dumps(obj, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    let header = "sha256=2AP3cyHslHoB8+dejsmFIWXh1xsPCZxG99vW78O5Ubk=";
    assert_eq!(explain(&[SECRET], &[], TEXT, header), Some(Mistake::ReserialisedJson(JsonStyle::CompactSortedKeys)));
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
    // json.dumps(obj, indent=2, sort_keys=True, ensure_ascii=False)
    let header = "sha256=EgoHilUtax5kJyX3c1Br95WvqQ8xHR1ci/D95GDe7Rk=";
    assert_eq!(explain(&[SECRET], &[], TEXT, header), Some(Mistake::ReserialisedJson(JsonStyle::Pretty)));
}

#[test]
fn sender_secret_with_whitespace() {
    for (padded, header) in [
        ("DEADBEEF\n", "sha256=+nURAoS6EJu2UYelG0x7+zjFPjEWRwx5tVsTJeT90Uw="),
        (" DEADBEEF", "sha256=tua7Z8j72+fdvf33BASxhTKCTAmpL340xChEVKoLDQU="),
        ("DEADBEEF\r\n", "sha256=E/8jvHoem/ona+Xz3at0d3qxZYMXk2HAaqqH0xh7aHk="),
        ("\tDEADBEEF\t", "sha256=f/AtgyaoOYZxAiqkz/yqtNVQo8QtO/VowxX0o6vBo6o="),
    ] {
        assert_eq!(explain(&[SECRET], &[], TEXT, header), Some(Mistake::SenderSecretWhitespace), "{padded:?}");
    }
}

#[test]
fn our_secret_with_whitespace() {
    // The sample signed with the clean secret.
    let header = "sha256=hRs06zBmaX9i8m0EeBsagod3+ktPBHnHJotB+ea3Ku4=";
    assert_eq!(explain(&["DEADBEEF\n"], &[], TEXT, header), Some(Mistake::OurSecretWhitespace));
    assert_eq!(explain(&["  DEADBEEF "], &[], TEXT, header), Some(Mistake::OurSecretWhitespace));
}

#[test]
fn another_accounts_secret_is_named() {
    let header = "sha256=6gb7UuTFuMZ7bSjmSAHa6JqMmKOog5s9WDEt2I7CKLM="; // signed with "acme-prod-secret"
    let others = [("Acme Dev", "acme-dev-secret"), ("Acme Prod", "acme-prod-secret")];
    let mistake = explain(&[SECRET], &others, TEXT, header);
    assert_eq!(mistake, Some(Mistake::OtherAccountSecret("Acme Prod".into())));
    let text = signature::describe(SignatureVerdict::Invalid, mistake.as_ref()).unwrap();
    assert!(text.contains("\"Acme Prod\""), "{text}");
    assert!(!text.contains("acme-prod-secret"), "explanations never contain secrets: {text}");
}

#[test]
fn unrelated_wrong_signatures_get_no_explanation() {
    let signed_with_wrong = "sha256=BU+Xts7tlLEhWXYo6ZwvpSad/K3G73hNe5iVE52pooM=";
    assert_eq!(explain(&[SECRET], &[("Other", "zzz")], TEXT, signed_with_wrong), None);
    assert_eq!(explain(&[SECRET], &[], TEXT, "sha256=not base64 at all"), None);
    assert_eq!(explain(&[SECRET], &[], TEXT, ""), None);
    // Signature of another body (e.g. altered in transit).
    assert_eq!(explain(&[SECRET], &[], TEXT, "sha256=+C26guljndYtz3c8q+9Uuq2hUBCscFoEPy2d0wtiNnw="), None);
    let text = signature::describe(SignatureVerdict::Invalid, None).unwrap();
    assert!(text.contains("differs"), "{text}");
}

#[test]
fn every_explanation_names_the_fix_for_its_mistake() {
    // Each mistake's sentence must carry the words of its own remedy, not just any text.
    let cases = [
        (Mistake::HexInsteadOfBase64 { with_prefix: true }, "encode the HMAC bytes with base64, not hex"),
        (Mistake::HexInsteadOfBase64 { with_prefix: false }, "has no sha256= prefix"),
        (Mistake::MissingPrefix, "send \"sha256=\" followed by the base64 MAC"),
        (Mistake::Base64Url, "use standard base64 (+ and /, with = padding)"),
        (Mistake::Base64NoPadding, "use standard base64 with padding"),
        (Mistake::ReserialisedJson(JsonStyle::CompactSortedKeys), "(compact, keys sorted)"),
        (Mistake::ReserialisedJson(JsonStyle::JsStringify), "(JSON.stringify style)"),
        (Mistake::ReserialisedJson(JsonStyle::Pretty), "(pretty-printed)"),
        (Mistake::SenderSecretWhitespace, "re-copy the secret token without spaces or line breaks"),
        (Mistake::OurSecretWhitespace, "remove the spaces or line breaks from this account's webhook secret"),
        (Mistake::OtherAccountSecret("B".into()), "account \"B\""),
    ];
    for (mistake, remedy) in cases {
        let text = mistake.to_string();
        assert!(text.contains(remedy), "{mistake:?} should say {remedy:?}: {text}");
    }
    for style in [JsonStyle::CompactSortedKeys, JsonStyle::JsStringify, JsonStyle::Pretty] {
        let text = Mistake::ReserialisedJson(style).to_string();
        assert!(text.contains("sign and verify exactly the bytes sent on the wire"), "{text}");
    }
}
