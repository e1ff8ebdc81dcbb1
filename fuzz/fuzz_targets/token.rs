//! Signed tokens (`scope.subject.expires.signature`, HMAC-SHA256): a token made by `sign`
//! verifies until it expires and only for its scope; and any token that verifies, whether
//! typed by the fuzzer or made by editing a genuine one, is byte for byte what `sign`
//! produces with one of the keys for the subject and expiry it names (no second spelling
//! of a signature, no forgery).
#![no_main]

use arbitrary::Arbitrary;
use libfuzzer_sys::fuzz_target;
use openslot::signing::{Signer, TokenError};

#[derive(Arbitrary, Debug)]
enum Edit {
    Replace { at: usize, with: char },
    Insert { at: usize, with: char },
    Remove { at: usize },
    Truncate { at: usize },
    Uppercase,
    Append(String),
}

#[derive(Arbitrary, Debug)]
struct Input {
    secret: String,
    previous: Vec<String>,
    /// Which key signs: 0 the current one, n the n-th previous one.
    signing_key: u8,
    scope: String,
    other_scope: String,
    subject: String,
    expires: i64,
    now: i64,
    edits: Vec<Edit>,
    typed: String,
}

fn char_boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn edit(token: &mut String, edit: &Edit) {
    match edit {
        Edit::Replace { at, with } => {
            if !token.is_empty() {
                let at = char_boundary(token, *at % token.len());
                let len = token[at..].chars().next().map_or(0, char::len_utf8);
                token.replace_range(at..at + len, &with.to_string());
            }
        }
        Edit::Insert { at, with } => {
            let at = char_boundary(token, *at);
            token.insert(at, *with);
        }
        Edit::Remove { at } => {
            if !token.is_empty() {
                let at = char_boundary(token, *at % token.len());
                token.remove(at);
            }
        }
        Edit::Truncate { at } => {
            let at = char_boundary(token, *at);
            token.truncate(at);
        }
        Edit::Uppercase => *token = token.to_uppercase(),
        Edit::Append(text) => token.push_str(text),
    }
}

/// If `token` verifies for `scope`, it is exactly `sign(scope, subject, expires)` with one
/// of `keys`, and it has not expired.
fn check_sound(keys: &[String], signer: &Signer, token: &str, scope: &str, now: i64) {
    let Ok(subject) = signer.verify(token, scope, now) else {
        return;
    };
    let rest = token
        .strip_prefix(&format!("{scope}.{subject}."))
        .unwrap_or_else(|| panic!("{token:?} verified as {scope:?}/{subject:?}"));
    let expires: i64 = rest
        .split('.')
        .next()
        .and_then(|text| text.parse().ok())
        .unwrap_or_else(|| panic!("{token:?} verified without an expiry"));
    assert!(now <= expires, "{token:?} verified after expiring");
    let genuine = keys
        .iter()
        .any(|key| Signer::new(key, &[]).sign(scope, &subject, expires) == token);
    assert!(genuine, "{token:?} verified but no key signs it so");
}

fuzz_target!(|input: Input| {
    let keys: Vec<String> = std::iter::once(input.secret.clone())
        .chain(input.previous.iter().cloned())
        .collect();
    let signer = Signer::new(&input.secret, &input.previous);
    let signing_key = &keys[usize::from(input.signing_key) % keys.len()];
    let token = Signer::new(signing_key, &[]).sign(&input.scope, &input.subject, input.expires);

    // Round trip, for what `sign` documents: scope and subject without '.'.
    let plain = !input.scope.contains('.') && !input.subject.contains('.');
    let verified = signer.verify(&token, &input.scope, input.now);
    if plain {
        if input.now <= input.expires {
            assert_eq!(verified, Ok(input.subject.clone()));
        } else {
            assert_eq!(verified, Err(TokenError::Expired));
        }
        if input.other_scope != input.scope && !input.other_scope.contains('.') {
            assert_eq!(
                signer.verify(&token, &input.other_scope, input.now),
                Err(TokenError::WrongScope)
            );
        }
    }
    check_sound(&keys, &signer, &token, &input.scope, input.now);

    // Edited genuine tokens and typed ones verify only when they are genuine.
    let mut edited = token.clone();
    for change in input.edits.iter().take(8) {
        edit(&mut edited, change);
        for scope in [&input.scope, &input.other_scope] {
            check_sound(&keys, &signer, &edited, scope, input.now);
        }
    }
    for scope in [&input.scope, &input.other_scope] {
        check_sound(&keys, &signer, &input.typed, scope, input.now);
    }
});
