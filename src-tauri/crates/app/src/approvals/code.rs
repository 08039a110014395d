//! The decision code a client sends back: `OA1.<body>.<tag>`, both parts base64url without padding.
//! `body` is the JSON array `[preview id, post id, "approved" | "rejected", feedback]`; `tag` is
//! HMAC-SHA256 under the preview's decision key over
//! `"outpost-approval-v1\n" + <content hash at preview time> + "\n" + body`, so a code binds the
//! preview, the post and the post's content as it was previewed. The page computes it with WebCrypto
//! (`preview.js`); [`sign`] is the same in Rust.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use outpost_store::Decision;

/// The version prefix of every code this build reads and the page writes.
pub const PREFIX: &str = "OA1";
/// Longest code accepted (feedback is at most 1,500 bytes in the page).
pub const MAX_CODE_LEN: usize = 3000;
/// Longest feedback accepted, in UTF-8 bytes.
pub const MAX_FEEDBACK_BYTES: usize = 1500;
const DOMAIN: &str = "outpost-approval-v1\n";

type HmacSha256 = Hmac<Sha256>;

/// A code whose shape is right (its signature not yet checked).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedCode {
    pub preview_id: String,
    pub post_id: String,
    pub decision: Decision,
    pub feedback: String,
    body: Vec<u8>,
    tag: Vec<u8>,
}

/// Whether `s` only has the characters a code can have (base64url and dots).
pub fn plausible_chars(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_CODE_LEN
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Parses a code; `None` when it is not a whole, well-formed code (damaged or cut off).
pub fn parse(raw: &str) -> Option<ParsedCode> {
    // People paste codes from e-mails: drop surrounding and embedded whitespace (line wraps).
    let code: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if !plausible_chars(&code) {
        return None;
    }
    let mut parts = code.split('.');
    let (Some(prefix), Some(body), Some(tag), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return None;
    };
    if prefix != PREFIX {
        return None;
    }
    let body = URL_SAFE_NO_PAD.decode(body).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    if tag.len() != 32 {
        return None;
    }
    let (preview_id, post_id, decision, feedback): (String, String, String, String) =
        serde_json::from_slice(&body).ok()?;
    let decision = match decision.as_str() {
        "approved" => Decision::Approved,
        "rejected" => Decision::Rejected,
        _ => return None,
    };
    if preview_id.is_empty()
        || preview_id.len() > 64
        || post_id.is_empty()
        || post_id.len() > 64
        || feedback.len() > MAX_FEEDBACK_BYTES
    {
        return None;
    }
    Some(ParsedCode {
        preview_id,
        post_id,
        decision,
        feedback,
        body,
        tag,
    })
}

fn mac(key: &[u8], content_hash: &str, body: &[u8]) -> Option<HmacSha256> {
    let mut m = HmacSha256::new_from_slice(key).ok()?;
    m.update(DOMAIN.as_bytes());
    m.update(content_hash.as_bytes());
    m.update(b"\n");
    m.update(body);
    Some(m)
}

impl ParsedCode {
    /// Checks the signature (constant time) with the preview's key and content hash.
    pub fn verify(&self, key: &[u8], content_hash: &str) -> bool {
        mac(key, content_hash, &self.body).is_some_and(|m| m.verify_slice(&self.tag).is_ok())
    }
}

/// Makes a code as the page does (tests, and the format's reference).
pub fn sign(
    key: &[u8],
    content_hash: &str,
    preview_id: &str,
    post_id: &str,
    decision: Decision,
    feedback: &str,
) -> String {
    let body = serde_json::json!([preview_id, post_id, decision.as_str(), feedback]).to_string();
    let tag = mac(key, content_hash, body.as_bytes())
        .map(|m| m.finalize().into_bytes().to_vec())
        .unwrap_or_default();
    format!(
        "{PREFIX}.{}.{}",
        URL_SAFE_NO_PAD.encode(body.as_bytes()),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_damage() {
        let key = [7u8; 32];
        let code = sign(
            &key,
            "h1",
            "pv",
            "po",
            Decision::Rejected,
            "more \"red\"\nplease ✨",
        );
        let p = parse(&code).unwrap();
        assert_eq!((p.preview_id.as_str(), p.post_id.as_str()), ("pv", "po"));
        assert_eq!(p.decision, Decision::Rejected);
        assert_eq!(p.feedback, "more \"red\"\nplease ✨");
        assert!(p.verify(&key, "h1"));
        assert!(!p.verify(&key, "h2"), "another content hash");
        assert!(!p.verify(&[8u8; 32], "h1"), "another key");
        // Wrapped across lines in an e-mail: still the same code.
        let wrapped = format!(" {}\n{} ", &code[..20], &code[20..]);
        assert_eq!(parse(&wrapped).unwrap(), p);
        assert!(parse(&code[..code.len() - 3]).is_none(), "truncated");
        assert!(parse(&code.replacen("OA1", "OA2", 1)).is_none());
        assert!(parse("OA1.e30.AAAA").is_none());
        assert!(parse("").is_none());
        assert!(parse("OA1.<script>.x").is_none());
    }
}
