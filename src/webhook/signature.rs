//! `X-Hub-Signature-256` as Genesys computes it (README "The webhook listener"):
//! `"sha256=" + base64(HMAC-SHA256(key = secret UTF-8 bytes, msg = raw body bytes))`.
//!
//! [`check`] turns a delivery into a [`SignatureVerdict`] and, for an invalid
//! signature, names the common signing mistake that reproduces it exactly
//! ([`Mistake`]): every explanation is proven by recomputing the wrong MAC, never guessed.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

pub use super::js_json::js_stringify;
use crate::model::SignatureVerdict;

/// The header Genesys signs webhook calls with.
pub const SIGNATURE_HEADER: &str = "X-Hub-Signature-256";

/// Raw HMAC-SHA256 of `body` under `secret`.
pub fn hmac_sha256(secret: &[u8], body: &[u8]) -> [u8; 32] {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = match <Hmac<Sha256> as KeyInit>::new_from_slice(secret) {
        Ok(mac) => mac,
        Err(_) => unreachable!("HMAC accepts any key length"),
    };
    mac.update(body);
    mac.finalize().into_bytes().into()
}

/// The full header value Genesys would send for `body`.
pub fn sign(secret: &str, body: &[u8]) -> String {
    format!("sha256={}", STANDARD.encode(hmac_sha256(secret.as_bytes(), body)))
}

/// True when `header` is the valid signature of `body` under `secret`,
/// compared in constant time on the decoded MAC bytes.
pub fn is_valid(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(encoded) = header.trim().strip_prefix("sha256=") else {
        return false;
    };
    let Ok(given) = STANDARD.decode(encoded.trim()) else {
        return false;
    };
    let expected = hmac_sha256(secret.as_bytes(), body);
    given.len() == expected.len() && bool::from(given.ct_eq(&expected))
}

/// How a JSON body was re-serialised before signing (instead of the raw bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JsonStyle {
    /// Compact with keys sorted (what `serde_json::to_string` of a `Value` gives).
    CompactSortedKeys,
    /// Compact in the original key order (JavaScript `JSON.stringify(JSON.parse(body))`,
    /// which is what Genesys' own Node sample hashes).
    JsStringify,
    /// Pretty-printed with two-space indentation, keys sorted.
    Pretty,
}

/// A common signing mistake that reproduces the received header exactly.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Mistake {
    /// The MAC is hex-encoded (GitHub style), with or without the `sha256=` prefix.
    HexInsteadOfBase64 { with_prefix: bool },
    /// The base64 MAC is right but the `sha256=` prefix is missing.
    MissingPrefix,
    /// base64url alphabet (`-`, `_`) instead of standard base64.
    Base64Url,
    /// Standard base64 without the trailing `=` padding.
    Base64NoPadding,
    /// The MAC was computed over re-serialised JSON instead of the raw bytes.
    ReserialisedJson(JsonStyle),
    /// The sender's secret has surrounding whitespace (e.g. a pasted trailing newline).
    SenderSecretWhitespace,
    /// Our configured secret has surrounding whitespace; the sender used the trimmed one.
    OurSecretWhitespace,
    /// Signed with the webhook secret of another account (named).
    OtherAccountSecret(String),
}

impl std::fmt::Display for Mistake {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Mistake::HexInsteadOfBase64 { with_prefix } => write!(
                f,
                "the MAC is hex-encoded{}: Genesys sends sha256=<standard base64>; encode the HMAC bytes with base64, not hex",
                if *with_prefix { "" } else { " and has no sha256= prefix" }
            ),
            Mistake::MissingPrefix => {
                f.write_str("the header lacks the sha256= prefix: send \"sha256=\" followed by the base64 MAC")
            }
            Mistake::Base64Url => {
                f.write_str("the MAC is base64url-encoded (- and _): use standard base64 (+ and /, with = padding)")
            }
            Mistake::Base64NoPadding => {
                f.write_str("the base64 MAC has no = padding: use standard base64 with padding")
            }
            Mistake::ReserialisedJson(style) => write!(
                f,
                "the MAC was computed over re-serialised JSON ({}) instead of the raw body bytes: \
                 sign and verify exactly the bytes sent on the wire",
                match style {
                    JsonStyle::CompactSortedKeys => "compact, keys sorted",
                    JsonStyle::JsStringify => "JSON.stringify style",
                    JsonStyle::Pretty => "pretty-printed",
                }
            ),
            Mistake::SenderSecretWhitespace => f.write_str(
                "the sender's secret has surrounding whitespace (e.g. a trailing newline): \
                 re-copy the secret token without spaces or line breaks",
            ),
            Mistake::OurSecretWhitespace => f.write_str(
                "the webhook secret configured here has surrounding whitespace that the sender's does not: \
                 remove the spaces or line breaks from this account's webhook secret",
            ),
            Mistake::OtherAccountSecret(name) => write!(
                f,
                "signed with the webhook secret of account \"{name}\": the integration points at the wrong \
                 account's path, or the two accounts' secrets are swapped"
            ),
        }
    }
}

/// Checks a delivery's signature.
///
/// - `ours`: the secrets of the account the delivery was addressed to (empty = none configured);
/// - `others`: `(account name, secret)` of every other account, to spot crossed wires;
/// - `header`: the `X-Hub-Signature-256` value, if any.
///
/// For `Invalid`, the [`Mistake`] is `Some` only when recomputing that exact mistake
/// reproduces the header byte for byte.
pub fn check(
    ours: &[&str],
    others: &[(&str, &str)],
    body: &[u8],
    header: Option<&str>,
) -> (SignatureVerdict, Option<Mistake>) {
    if ours.is_empty() {
        return (SignatureVerdict::NoSecretConfigured, None);
    }
    let Some(header) = header else {
        return (SignatureVerdict::Missing, None);
    };
    if ours.iter().any(|secret| is_valid(secret, body, header)) {
        return (SignatureVerdict::Valid, None);
    }
    (SignatureVerdict::Invalid, explain(ours, others, body, header))
}

/// The text stored with a delivery for its verdict (and mistake, if one was found).
pub fn describe(verdict: SignatureVerdict, mistake: Option<&Mistake>) -> Option<String> {
    match (verdict, mistake) {
        (SignatureVerdict::Valid, _) => None,
        (SignatureVerdict::Invalid, Some(m)) => Some(format!("signature invalid: {m}")),
        (SignatureVerdict::Invalid, None) => Some(
            "signature invalid: no common mistake (hex, missing prefix, base64url, re-serialised JSON, \
             whitespace in the secret, another account's secret) reproduces it; \
             the secret token on the integration differs from this account's webhook secret"
                .into(),
        ),
        (SignatureVerdict::Missing, _) => {
            Some("no X-Hub-Signature-256 header: set the secret token on the Open Messaging integration".into())
        }
        (SignatureVerdict::NoSecretConfigured, _) => Some(
            "not verified: this account has no webhook secret; add it to prove deliveries come from Genesys".into(),
        ),
    }
}

fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && bool::from(a.ct_eq(b))
}

fn explain(ours: &[&str], others: &[(&str, &str)], body: &[u8], header: &str) -> Option<Mistake> {
    let header = header.trim();
    let (has_prefix, value) = match header.strip_prefix("sha256=") {
        Some(rest) => (true, rest.trim()),
        None => (false, header),
    };
    // What the header decodes to under a proper `sha256=<standard base64>` reading.
    let proper = if has_prefix { STANDARD.decode(value).ok() } else { None };

    for secret in ours {
        let mac = hmac_sha256(secret.as_bytes(), body);
        // Encoding mistakes around the right MAC.
        if decode_hex(value).is_some_and(|m| ct_eq(&m, &mac)) {
            return Some(Mistake::HexInsteadOfBase64 { with_prefix: has_prefix });
        }
        if !has_prefix && STANDARD.decode(value).is_ok_and(|m| ct_eq(&m, &mac)) {
            return Some(Mistake::MissingPrefix);
        }
        if has_prefix
            && value.contains(['-', '_'])
            && (URL_SAFE.decode(value).is_ok_and(|m| ct_eq(&m, &mac))
                || URL_SAFE_NO_PAD.decode(value).is_ok_and(|m| ct_eq(&m, &mac)))
        {
            return Some(Mistake::Base64Url);
        }
        if has_prefix && !value.ends_with('=') && STANDARD_NO_PAD.decode(value).is_ok_and(|m| ct_eq(&m, &mac)) {
            return Some(Mistake::Base64NoPadding);
        }
        let Some(given) = proper.as_deref() else { continue };
        // Right encoding, wrong message: re-serialised JSON.
        for (style, bytes) in reserialisations(body) {
            if ct_eq(given, &hmac_sha256(secret.as_bytes(), &bytes)) {
                return Some(Mistake::ReserialisedJson(style));
            }
        }
        // Right encoding, wrong key: whitespace around the secret.
        let trimmed = secret.trim();
        if trimmed != *secret && ct_eq(given, &hmac_sha256(trimmed.as_bytes(), body)) {
            return Some(Mistake::OurSecretWhitespace);
        }
        for padded in whitespace_variants(trimmed) {
            if padded != *secret && ct_eq(given, &hmac_sha256(padded.as_bytes(), body)) {
                return Some(Mistake::SenderSecretWhitespace);
            }
        }
    }
    let given = proper?;
    others
        .iter()
        .find(|(_, secret)| ct_eq(&given, &hmac_sha256(secret.as_bytes(), body)))
        .map(|(name, _)| Mistake::OtherAccountSecret((*name).to_string()))
}

fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if text.len() != 64 || !text.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    (0..32).map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok()).collect()
}

/// The secret with the whitespace people usually paste around it.
fn whitespace_variants(secret: &str) -> Vec<String> {
    let mut out = Vec::new();
    for ws in ["\n", "\r\n", " ", "\t"] {
        out.push(format!("{secret}{ws}"));
        out.push(format!("{ws}{secret}"));
        out.push(format!("{ws}{secret}{ws}"));
    }
    out
}

/// The body as common senders re-serialise it before signing.
fn reserialisations(body: &[u8]) -> Vec<(JsonStyle, Vec<u8>)> {
    let mut out = Vec::new();
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return out;
    };
    for (style, bytes) in [
        (JsonStyle::JsStringify, js_stringify(body)),
        (JsonStyle::CompactSortedKeys, serde_json::to_vec(&value).ok()),
        (JsonStyle::Pretty, serde_json::to_vec_pretty(&value).ok()),
    ] {
        if let Some(bytes) = bytes.filter(|b| b.as_slice() != body) {
            out.push((style, bytes));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_the_inline_test_vector() {
        let body = br#"{"id":"abc","type":"Text","text":"hi"}"#;
        assert_eq!(sign("DEADBEEF", body), "sha256=NLr7RLC1x74FfeuXrk+INTojhmPFpdj7piIi2Pw+hu8=");
        assert!(is_valid("DEADBEEF", body, "sha256=NLr7RLC1x74FfeuXrk+INTojhmPFpdj7piIi2Pw+hu8="));
        assert!(!is_valid("DEADBEEF", body, "sha256=34bafb44b0b5c7be057deb97ae4f88353a238663c5a5d8fba62222d8fc3e86ef"));
        assert!(!is_valid("DEADBEEF", body, "NLr7RLC1x74FfeuXrk+INTojhmPFpdj7piIi2Pw+hu8="));
    }
}
