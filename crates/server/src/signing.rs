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

fn unhex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
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
}
