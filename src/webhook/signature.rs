//! `X-Hub-Signature-256` as Genesys computes it (API.md §6):
//! `"sha256=" + base64(HMAC-SHA256(key = secret UTF-8 bytes, msg = raw body bytes))`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;
use subtle::ConstantTimeEq;

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
