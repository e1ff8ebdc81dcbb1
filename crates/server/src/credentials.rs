//! Calendar passwords at rest: AES-256-GCM with a key derived from `[security] secret`
//! (HKDF-SHA256, its own `info`, so the signing key and this key never coincide) and a
//! random nonce per value. Values sealed under a secret now listed in
//! `previous_secrets` still open, so the secret can be rotated.

use aes_gcm::{
    aead::{Aead, AeadCore, KeyInit, OsRng},
    Aes256Gcm, Key, Nonce,
};
use base64::{engine::general_purpose::STANDARD, Engine as _};
use hkdf::Hkdf;
use sha2::Sha256;

/// The HKDF `info` of the key; a new format gets a new one (and a new prefix).
const INFO: &[u8] = b"openslot calendar credentials v1";
/// Marks the format of a sealed value: `v1:` + base64(nonce ‖ ciphertext ‖ tag).
const PREFIX: &str = "v1:";
const NONCE_LEN: usize = 12;
const TAG_LEN: usize = 16;

/// Why a sealed value could not be opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CredentialError {
    #[error("the sealed credential is not in the v1 format")]
    Malformed,
    /// Altered, or sealed under a secret that is neither the current one nor listed in
    /// `previous_secrets`.
    #[error("the sealed credential does not open with the current or a previous secret")]
    Undecryptable,
}

/// Seals with the current secret's key; opens with the current and previous ones.
#[derive(Clone)]
pub struct Credentials {
    current: Aes256Gcm,
    previous: Vec<Aes256Gcm>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credentials(<redacted>)")
    }
}

fn cipher(secret: &str) -> Aes256Gcm {
    let mut key = [0u8; 32];
    Hkdf::<Sha256>::new(None, secret.as_bytes())
        .expand(INFO, &mut key)
        .expect("32 bytes is a valid HKDF-SHA256 output length");
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key))
}

impl Credentials {
    /// Keys from the secret and the earlier secrets (as in `[security]`).
    pub fn new(secret: &str, previous_secrets: &[String]) -> Credentials {
        Credentials {
            current: cipher(secret),
            previous: previous_secrets.iter().map(|old| cipher(old)).collect(),
        }
    }

    /// `plain` encrypted under the current secret: `v1:` and base64 of a fresh random
    /// nonce, the ciphertext and the tag. Sealing the same text twice gives different
    /// values.
    pub fn seal(&self, plain: &str) -> String {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .current
            .encrypt(&nonce, plain.as_bytes())
            .expect("AES-GCM encrypts any text shorter than 64 GiB");
        let mut bytes = Vec::with_capacity(NONCE_LEN + sealed.len());
        bytes.extend_from_slice(&nonce);
        bytes.extend_from_slice(&sealed);
        format!("{PREFIX}{}", STANDARD.encode(bytes))
    }

    /// The text [`Credentials::seal`] sealed, under the current or a previous secret.
    pub fn open(&self, sealed: &str) -> Result<String, CredentialError> {
        self.open_reporting(sealed).map(|(plain, _)| plain)
    }

    /// `Some(value sealed under the current secret)` when `sealed` opens only with a
    /// previous secret (worth storing again, before that secret is dropped); `None` when
    /// it is current already.
    pub fn reseal(&self, sealed: &str) -> Result<Option<String>, CredentialError> {
        let (plain, current) = self.open_reporting(sealed)?;
        Ok((!current).then(|| self.seal(&plain)))
    }

    /// The plain text and whether the current secret opened it.
    fn open_reporting(&self, sealed: &str) -> Result<(String, bool), CredentialError> {
        let encoded = sealed
            .strip_prefix(PREFIX)
            .ok_or(CredentialError::Malformed)?;
        let bytes = STANDARD
            .decode(encoded)
            .map_err(|_| CredentialError::Malformed)?;
        if bytes.len() < NONCE_LEN + TAG_LEN {
            return Err(CredentialError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = Nonce::from_slice(nonce);
        for (index, cipher) in std::iter::once(&self.current)
            .chain(&self.previous)
            .enumerate()
        {
            if let Ok(plain) = cipher.decrypt(nonce, ciphertext) {
                let plain = String::from_utf8(plain).map_err(|_| CredentialError::Malformed)?;
                return Ok((plain, index == 0));
            }
        }
        Err(CredentialError::Undecryptable)
    }
}

/// What the store keeps of a secret (a session or API token, an OAuth `state`): lower-case
/// hex SHA-256.
pub fn secret_hash(secret: &str) -> String {
    use sha2::Digest;
    Sha256::digest(secret.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Constant-time comparison of two short strings (hashes, CSRF tokens).
pub fn same(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "a-current-secret-of-at-least-32-characters";
    const OLD: &str = "an-earlier-secret-of-at-least-32-characters";

    #[test]
    fn sealed_values_open_and_never_show_the_text() {
        let credentials = Credentials::new(SECRET, &[]);
        for plain in ["hunter2", "", "pässwörd with spaces ✓", &"x".repeat(5000)] {
            let sealed = credentials.seal(plain);
            assert!(sealed.starts_with("v1:"), "{sealed}");
            assert_eq!(credentials.open(&sealed).unwrap(), plain);
            if !plain.is_empty() {
                assert!(!sealed.contains(plain));
                assert!(!sealed.contains(&STANDARD.encode(plain)));
            }
            // nonce + text + tag
            let raw = STANDARD.decode(&sealed[3..]).unwrap();
            assert_eq!(raw.len(), NONCE_LEN + plain.len() + TAG_LEN);
        }
        // A fresh nonce each time: equal passwords are not recognisable as equal.
        let (a, b) = (credentials.seal("same"), credentials.seal("same"));
        assert_ne!(a, b);
        assert_ne!(
            STANDARD.decode(&a[3..]).unwrap()[..NONCE_LEN],
            STANDARD.decode(&b[3..]).unwrap()[..NONCE_LEN]
        );
    }

    #[test]
    fn altered_values_are_refused() {
        let credentials = Credentials::new(SECRET, &[]);
        let sealed = credentials.seal("hunter2");
        let raw = STANDARD.decode(&sealed[3..]).unwrap();
        // Flipping any single bit (nonce, ciphertext or tag) breaks the tag.
        for position in 0..raw.len() {
            let mut altered = raw.clone();
            altered[position] ^= 0x01;
            let altered = format!("v1:{}", STANDARD.encode(&altered));
            assert_eq!(
                credentials.open(&altered),
                Err(CredentialError::Undecryptable),
                "byte {position}"
            );
        }
        let truncated = format!("v1:{}", STANDARD.encode(&raw[..raw.len() - 1]));
        assert_eq!(
            credentials.open(&truncated),
            Err(CredentialError::Undecryptable)
        );
        for malformed in [
            "",
            "hunter2",
            "v2:AAAA",
            "v1:not base64!",
            "v1:AAAA",
            &sealed[3..],
        ] {
            assert_eq!(
                credentials.open(malformed),
                Err(CredentialError::Malformed),
                "{malformed:?}"
            );
        }
    }

    #[test]
    fn rotation_opens_old_values_and_reseals_them() {
        let before = Credentials::new(OLD, &[]);
        let sealed = before.seal("hunter2");
        // Another secret alone cannot open it.
        let unrelated = Credentials::new(SECRET, &[]);
        assert_eq!(unrelated.open(&sealed), Err(CredentialError::Undecryptable));
        let after = Credentials::new(SECRET, &[OLD.to_string()]);
        assert_eq!(after.open(&sealed).unwrap(), "hunter2");
        let fresh = after
            .reseal(&sealed)
            .unwrap()
            .expect("sealed under the old secret");
        assert_eq!(unrelated.open(&fresh).unwrap(), "hunter2");
        assert_eq!(after.reseal(&fresh).unwrap(), None);
        // New values are sealed under the current secret only.
        assert_eq!(
            before.open(&after.seal("new")),
            Err(CredentialError::Undecryptable)
        );
    }

    #[test]
    fn the_key_is_derived_not_the_secret_itself() {
        // The same key for the same secret (values survive restarts and other instances).
        let sealed = Credentials::new(SECRET, &[]).seal("hunter2");
        assert_eq!(
            Credentials::new(SECRET, &[]).open(&sealed).unwrap(),
            "hunter2"
        );
        // The key is HKDF-SHA256(secret, info): a cipher keyed with the secret's own
        // first 32 bytes does not open it.
        let raw_key = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&SECRET.as_bytes()[..32]));
        let raw = STANDARD.decode(&sealed[3..]).unwrap();
        assert!(raw_key
            .decrypt(Nonce::from_slice(&raw[..NONCE_LEN]), &raw[NONCE_LEN..])
            .is_err());
        let mut expected = [0u8; 32];
        Hkdf::<Sha256>::new(None, SECRET.as_bytes())
            .expand(b"openslot calendar credentials v1", &mut expected)
            .unwrap();
        let derived = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&expected));
        assert_eq!(
            derived
                .decrypt(Nonce::from_slice(&raw[..NONCE_LEN]), &raw[NONCE_LEN..])
                .unwrap(),
            b"hunter2"
        );
    }

    #[test]
    fn debug_shows_no_key_material() {
        let credentials = Credentials::new(SECRET, &[OLD.to_string()]);
        let shown = format!("{credentials:?}");
        assert_eq!(shown, "Credentials(<redacted>)");
        assert!(!shown.contains(SECRET) && !shown.contains(OLD));
    }
}
