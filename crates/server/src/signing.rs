//! HMAC-SHA256 signed, expiring tokens: form (CSRF) tokens now, booking links later.
//! The key comes from config / `OPENSLOT_SECRET`, or is generated once and kept in the
//! database; it never leaves the server. Older keys verify but never sign (rotation).

use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Signs with the current key, verifies with the current and previous keys.
#[derive(Clone)]
pub struct Signer {
    current: Vec<u8>,
    previous: Vec<Vec<u8>>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(<redacted>)")
    }
}

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("the token is malformed or its signature does not match")]
    Invalid,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid for this action")]
    WrongScope,
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|byte| format!("{byte:02x}")).collect()
}

/// Reads the lowercase hex that [`hex`] writes, and nothing else: `from_str_radix` alone
/// would also take `A-F` and a leading `+`, giving one signature several spellings.
fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2)
        || !text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A fresh random secret, hex encoded (256 bits).
pub fn generate_secret() -> String {
    let a = uuid::Uuid::new_v4().as_u128().to_be_bytes();
    let b = uuid::Uuid::new_v4().as_u128().to_be_bytes();
    hex(&[a, b].concat())
}

impl Signer {
    pub fn new(current: &str, previous: &[String]) -> Self {
        Signer {
            current: current.as_bytes().to_vec(),
            previous: previous.iter().map(|key| key.as_bytes().to_vec()).collect(),
        }
    }

    fn mac(key: &[u8], message: &str) -> HmacSha256 {
        let mut mac = HmacSha256::new_from_slice(key).expect("HMAC takes any key length");
        mac.update(message.as_bytes());
        mac
    }

    /// A token `scope.subject.expires.signature` (subject must not contain '.').
    pub fn sign(&self, scope: &str, subject: &str, expires_at: i64) -> String {
        let payload = format!("{scope}.{subject}.{expires_at}");
        let signature = Self::mac(&self.current, &payload).finalize().into_bytes();
        format!("{payload}.{}", hex(&signature))
    }

    /// Checks a token's signature (in constant time), scope and expiry; returns its subject.
    pub fn verify(&self, token: &str, scope: &str, now: i64) -> Result<String, TokenError> {
        let mut parts = token.rsplitn(2, '.');
        let signature = parts.next().and_then(unhex).ok_or(TokenError::Invalid)?;
        let payload = parts.next().ok_or(TokenError::Invalid)?;
        let valid = std::iter::once(&self.current)
            .chain(self.previous.iter())
            .any(|key| Self::mac(key, payload).verify_slice(&signature).is_ok());
        if !valid {
            return Err(TokenError::Invalid);
        }
        let mut fields = payload.splitn(3, '.');
        let (Some(token_scope), Some(subject), Some(expires)) =
            (fields.next(), fields.next(), fields.next())
        else {
            return Err(TokenError::Invalid);
        };
        let expires: i64 = expires.parse().map_err(|_| TokenError::Invalid)?;
        if token_scope != scope {
            return Err(TokenError::WrongScope);
        }
        if now > expires {
            return Err(TokenError::Expired);
        }
        Ok(subject.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies() {
        let signer = Signer::new("key-1", &[]);
        let token = signer.sign("csrf", "booking", 100);
        assert_eq!(signer.verify(&token, "csrf", 99).unwrap(), "booking");
        assert_eq!(signer.verify(&token, "csrf", 101), Err(TokenError::Expired));
        assert_eq!(
            signer.verify(&token, "manage", 99),
            Err(TokenError::WrongScope)
        );
        let tampered = token.replace("booking", "bookinh");
        assert_eq!(
            signer.verify(&tampered, "csrf", 99),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            signer.verify("garbage", "csrf", 99),
            Err(TokenError::Invalid)
        );
        let other = Signer::new("key-2", &[]);
        assert_eq!(other.verify(&token, "csrf", 99), Err(TokenError::Invalid));
        let rotated = Signer::new("key-2", &["key-1".to_string()]);
        assert_eq!(rotated.verify(&token, "csrf", 99).unwrap(), "booking");
        assert_eq!(generate_secret().len(), 64);
    }

    /// Found by fuzzing (fuzz/corpus/token): a signature also verified in upper case or
    /// with `+` in place of a `0`, so one token had several spellings that all verified.
    #[test]
    fn a_signature_has_one_spelling() {
        let signer = Signer::new("key-1", &[]);
        let token = signer.sign("csrf", "booking", 100);
        let (payload, signature) = token.rsplit_once('.').unwrap();
        assert!(signature.bytes().any(|b| b.is_ascii_lowercase()));
        let upper = format!("{payload}.{}", signature.to_uppercase());
        assert_eq!(signer.verify(&upper, "csrf", 99), Err(TokenError::Invalid));
        // A `0` in a high nibble read as `+`: "0f" and "+f" were both 15.
        let (token, at) = (100..400)
            .map(|expires| signer.sign("csrf", "booking", expires))
            .find_map(|token| {
                let start = token.rfind('.').unwrap() + 1;
                let at = (start..token.len())
                    .step_by(2)
                    .find(|&at| token.as_bytes()[at] == b'0')?;
                Some((token, at))
            })
            .expect("some signature has a 0 in a high nibble");
        let mut plus = token.clone();
        plus.replace_range(at..at + 1, "+");
        assert!(signer.verify(&token, "csrf", 99).is_ok());
        assert_eq!(signer.verify(&plus, "csrf", 99), Err(TokenError::Invalid));
    }
}
