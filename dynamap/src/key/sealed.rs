//! Sealed page tokens: a [`PageToken`] encrypted and authenticated (XChaCha20-Poly1305)
//! and bound to the read it came from, safe to hand to a web API's clients.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chacha20poly1305::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::token::{PageToken, TokenSecret, MAX_TOKEN_CHARS};
use crate::error::Error;

const SEALED_PREFIX: &str = "s1.";
/// XChaCha20-Poly1305's nonce and tag around the token's text.
const NONCE_BYTES: usize = 24;
const TAG_BYTES: usize = 16;
/// The longest sealed form: the prefix and base64url of nonce, longest text and tag.
const MAX_SEALED_CHARS: usize =
    SEALED_PREFIX.len() + (4 * (NONCE_BYTES + MAX_TOKEN_CHARS + TAG_BYTES)).div_ceil(3);

impl PageToken {
    /// The token encrypted and authenticated with `secret`, bound to the table, index
    /// and partition (or scan segment) it came from: safe to hand to a client, and
    /// accepted back only by `start_from_sealed` on the same kind of read. Only
    /// tokens a scan or query returned can be sealed (a parsed one has no origin).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, secret: [u8; 32]) -> dynamap::Result<()> {
    /// let page = users.scan().page_size(20).pages().try_next().await?.unwrap();
    /// let cursor: Option<String> = page.next_token().map(|t| t.seal(&secret)).transpose()?;
    /// // ... later, from the client:
    /// if let Some(cursor) = cursor {
    ///     let next = users.scan().page_size(20).start_from_sealed(&cursor, &secret).pages();
    /// }
    /// # Ok(()) }
    /// ```
    pub fn seal(&self, secret: &TokenSecret) -> Result<String, Error> {
        let scope = self.scope.as_deref().ok_or_else(|| {
            Error::InvalidPageToken {
                problem: "only a token a scan or query returned can be sealed: a parsed token has no origin"
                    .to_owned(),
            }
        })?;
        let cipher = XChaCha20Poly1305::new(secret.into());
        let nonce = XChaCha20Poly1305::generate_nonce(&mut OsRng);
        let sealed = cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: self.text.as_bytes(),
                    aad: scope.as_bytes(),
                },
            )
            .map_err(|_| Error::InvalidPageToken {
                problem: "the page token could not be sealed".to_owned(),
            })?;
        let mut out = nonce.to_vec();
        out.extend_from_slice(&sealed);
        Ok(format!("{SEALED_PREFIX}{}", URL_SAFE_NO_PAD.encode(out)))
    }

    /// Opens a sealed token for the read `scope`: fails unless it was sealed with
    /// `secret` for that same table, index and partition or segment.
    pub(crate) fn open(sealed: &str, secret: &TokenSecret, scope: &str) -> Result<Self, Error> {
        let invalid = || Error::InvalidPageToken {
            problem: "not sealed for this read".to_owned(),
        };
        if sealed.len() > MAX_SEALED_CHARS {
            return Err(invalid());
        }
        let body = sealed.strip_prefix(SEALED_PREFIX).ok_or_else(invalid)?;
        let bytes = URL_SAFE_NO_PAD.decode(body).map_err(|_| invalid())?;
        if bytes.len() < NONCE_BYTES {
            return Err(invalid());
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
        let cipher = XChaCha20Poly1305::new(secret.into());
        let text = cipher
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: scope.as_bytes(),
                },
            )
            .map_err(|_| invalid())?;
        let text = String::from_utf8(text).map_err(|_| invalid())?;
        let token = PageToken {
            text,
            scope: Some(Arc::from(scope)),
        };
        token.to_key()?;
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;
    use crate::key::token::tests::longest_token;

    #[test]
    fn limits_are_inclusive_and_exact() {
        let scope: Arc<str> = Arc::from("scan|t|");
        let sealed = longest_token(&scope).seal(&[1; 32]).unwrap();
        assert_eq!(sealed.len(), MAX_SEALED_CHARS);
        assert!(PageToken::open(&sealed, &[1; 32], &scope).is_ok());
        assert!(PageToken::open(&format!("{sealed}A"), &[1; 32], &scope).is_err());
        // Shorter than a nonce: refused, not split.
        assert!(PageToken::open("s1.AAAA", &[1; 32], &scope).is_err());
    }

    #[test]
    fn sealed_tokens_open_only_for_their_read_and_secret() {
        let key = HashMap::from([("pk".to_owned(), AttributeValue::S("alice".into()))]);
        let scope: Arc<str> = Arc::from("q|orders|None|S(\"alice\")");
        let token = PageToken::from_key(&key, &scope).unwrap();
        let secret = [7_u8; 32];
        let sealed = token.seal(&secret).unwrap();
        assert!(!sealed.contains(token.as_str()));
        assert_ne!(
            sealed,
            token.seal(&secret).unwrap(),
            "a fresh nonce each time"
        );
        let opened = PageToken::open(&sealed, &secret, &scope).unwrap();
        assert_eq!(opened.to_key().unwrap(), key);
        assert!(
            PageToken::open(&sealed, &[8_u8; 32], &scope).is_err(),
            "another secret"
        );
        assert!(
            PageToken::open(&sealed, &secret, "q|orders|None|S(\"bob\")").is_err(),
            "another partition"
        );
        assert!(
            PageToken::open(token.as_str(), &secret, &scope).is_err(),
            "not sealed"
        );
        let mut tampered = sealed.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert!(
            PageToken::open(&tampered, &secret, &scope).is_err(),
            "tampered"
        );
        let parsed: PageToken = token.as_str().parse().unwrap();
        assert!(
            parsed.seal(&secret).is_err(),
            "a parsed token has no origin"
        );
        assert!(!format!("{token:?}").contains(token.as_str()));
    }
}
