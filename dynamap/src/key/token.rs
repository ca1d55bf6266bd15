//! Continuation tokens: DynamoDB's LastEvaluatedKey as an opaque, URL-safe string a web
//! API can hand to its clients and take back.

use std::collections::HashMap;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;
use std::sync::Arc;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::error::Error;
use crate::sdk_item::Item;

/// Where a scan or query stopped: pass it to `.start_from(token)` to go on from there.
///
/// URL-safe and serialisable as a string with serde, but **not secret**: it is
/// base64url of the key attributes of the last item read, which anyone can decode.
/// After a filtered scan or query that item may be one the filter removed, so a token
/// can show a key the caller was not shown. A client can also edit it to start
/// anywhere. For tokens handed to clients of a web API, use `seal` (feature `sealed-tokens`):
/// the sealed form is encrypted and authenticated (XChaCha20-Poly1305) and bound to the
/// table, index and partition (or segment) it came from, and
/// `start_from_sealed` refuses any other.
///
/// ```
/// use dynamap::reads::PageToken;
/// let token: PageToken = "AQABAAJpZAAAAAACdTE".parse()?;
/// assert_eq!(token.to_string(), "AQABAAJpZAAAAAACdTE");
/// # Ok::<(), dynamap::Error>(())
/// ```
#[derive(Clone)]
pub struct PageToken {
    pub(super) text: String,
    /// The read it came from (table, index, partition or segment); set on tokens a
    /// scan or query returns, and what a sealed token is bound to.
    #[cfg_attr(not(feature = "sealed-tokens"), allow(dead_code))]
    pub(super) scope: Option<Arc<str>>,
}

impl PartialEq for PageToken {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Eq for PageToken {}

impl Hash for PageToken {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.text.hash(state);
    }
}

const FORMAT_VERSION: u8 = 1;
/// A key has at most four attributes (the table's two and an index's two), and a
/// sharded query's token holds one key per shard.
const MAX_KEY_ATTRIBUTES: u16 = 4 * super::shard::MAX_SHARDS as u16;
/// A few keys at DynamoDB's limits, or one per shard of typical size, fit within.
pub(super) const MAX_TOKEN_CHARS: usize = 64 * 1024;
const TAG_S: u8 = 0;
const TAG_N: u8 = 1;
const TAG_B: u8 = 2;

/// The scope of a page of a scan segment: the read's scope and the segment.
pub(crate) fn scope_with_segment(scope: &Arc<str>, segment: Option<i32>) -> Arc<str> {
    match segment {
        None => scope.clone(),
        Some(segment) => Arc::from(format!("{scope}|segment {segment}")),
    }
}

/// The scope of a scan: its table and index.
pub(crate) fn scan_scope(table: &str, index: Option<&str>) -> Arc<str> {
    Arc::from(format!("scan|{table}|{}", index.unwrap_or("")))
}

/// The scope of a query: its table, index and partition key value.
pub(crate) fn query_scope(
    table: &str,
    index: Option<&str>,
    partition: &AttributeValue,
) -> Arc<str> {
    Arc::from(format!(
        "query|{table}|{}|{partition:?}",
        index.unwrap_or("")
    ))
}

impl PageToken {
    pub(crate) fn from_key(key: &Item, scope: &Arc<str>) -> Result<Self, Error> {
        let mut entries: Vec<(&String, &AttributeValue)> = key.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = vec![FORMAT_VERSION];
        let count = u16::try_from(entries.len())
            .map_err(|_| unexpected("a LastEvaluatedKey with over 65,535 attributes".to_owned()))?;
        out.extend_from_slice(&count.to_be_bytes());
        for (name, value) in entries {
            let (tag, bytes): (u8, &[u8]) = match value {
                AttributeValue::S(s) => (TAG_S, s.as_bytes()),
                AttributeValue::N(n) => (TAG_N, n.as_bytes()),
                AttributeValue::B(b) => (TAG_B, b.as_ref()),
                other => {
                    return Err(unexpected(format!(
                        "a LastEvaluatedKey attribute `{name}` that is not a key type: {}",
                        crate::error::describe_value(other)
                    )))
                }
            };
            let name_len = u16::try_from(name.len())
                .map_err(|_| unexpected("a key attribute name over 64 KB".to_owned()))?;
            let value_len = u32::try_from(bytes.len())
                .map_err(|_| unexpected("a key value over 4 GB".to_owned()))?;
            out.extend_from_slice(&name_len.to_be_bytes());
            out.extend_from_slice(name.as_bytes());
            out.push(tag);
            out.extend_from_slice(&value_len.to_be_bytes());
            out.extend_from_slice(bytes);
        }
        Ok(PageToken {
            text: URL_SAFE_NO_PAD.encode(out),
            scope: Some(scope.clone()),
        })
    }

    pub(crate) fn to_key(&self) -> Result<Item, Error> {
        let invalid = |why: &str| Error::InvalidPageToken {
            problem: why.to_owned(),
        };
        if self.text.len() > MAX_TOKEN_CHARS {
            return Err(invalid("too long"));
        }
        let bytes = URL_SAFE_NO_PAD
            .decode(&self.text)
            .map_err(|_| invalid("not base64url"))?;
        let mut reader = Reader { bytes: &bytes };
        if reader.take(1).ok_or_else(|| invalid("empty"))? != [FORMAT_VERSION] {
            return Err(invalid("unknown format version"));
        }
        let count = reader.u16().ok_or_else(|| invalid("truncated"))?;
        if count > MAX_KEY_ATTRIBUTES {
            return Err(invalid("more attributes than a key has"));
        }
        let mut key = HashMap::with_capacity(usize::from(count));
        for _ in 0..count {
            let name_len = reader.u16().ok_or_else(|| invalid("truncated"))?;
            let name = reader
                .take(usize::from(name_len))
                .ok_or_else(|| invalid("truncated"))?;
            let name =
                String::from_utf8(name.to_vec()).map_err(|_| invalid("a name is not UTF-8"))?;
            let tag = reader.take(1).ok_or_else(|| invalid("truncated"))?;
            let len = reader.u32().ok_or_else(|| invalid("truncated"))?;
            let value = reader
                .take(usize::try_from(len).map_err(|_| invalid("too long"))?)
                .ok_or_else(|| invalid("truncated"))?;
            let text =
                || String::from_utf8(value.to_vec()).map_err(|_| invalid("a value is not UTF-8"));
            let value = match tag {
                [TAG_S] => AttributeValue::S(text()?),
                [TAG_N] => AttributeValue::N(text()?),
                [TAG_B] => AttributeValue::B(Blob::new(value.to_vec())),
                _ => return Err(invalid("unknown value type")),
            };
            key.insert(name, value);
        }
        if !reader.bytes.is_empty() {
            return Err(invalid("trailing bytes"));
        }
        Ok(key)
    }

    /// The token as a string (the same as `to_string()`).
    ///
    /// ```
    /// let token: dynamap::reads::PageToken = "AQAA".parse()?;
    /// assert_eq!(token.as_str(), "AQAA");
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        if self.bytes.len() < n {
            return None;
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Some(head)
    }

    fn u16(&mut self) -> Option<u16> {
        let b = self.take(2)?;
        Some(u16::from_be_bytes([*b.first()?, *b.get(1)?]))
    }

    fn u32(&mut self) -> Option<u32> {
        let b = self.take(4)?;
        Some(u32::from_be_bytes([
            *b.first()?,
            *b.get(1)?,
            *b.get(2)?,
            *b.get(3)?,
        ]))
    }
}

impl fmt::Display for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Key values may be personal data: `Debug` shows the length only.
impl fmt::Debug for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PageToken(<{} chars>)", self.text.len())
    }
}

/// Parses a token; it is checked (decoded) here, so a tampered token fails early.
impl FromStr for PageToken {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let token = PageToken {
            text: s.to_owned(),
            scope: None,
        };
        token.to_key()?;
        Ok(token)
    }
}

impl serde::Serialize for PageToken {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.text)
    }
}

impl<'de> serde::Deserialize<'de> for PageToken {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// A LastEvaluatedKey no DynamoDB answer holds.
fn unexpected(problem: String) -> Error {
    Error::UnexpectedAnswer {
        operation: "Scan or Query",
        problem,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_garbage() {
        let key = HashMap::from([
            ("pk".to_owned(), AttributeValue::S("ключ".into())),
            ("sk".to_owned(), AttributeValue::N("-12.5".into())),
            ("gsi".to_owned(), AttributeValue::B(Blob::new(vec![0, 255]))),
        ]);
        let scope: Arc<str> = Arc::from("s|t|None|None");
        let token = PageToken::from_key(&key, &scope).unwrap();
        assert_eq!(token.to_key().unwrap(), key);
        let parsed: PageToken = token.to_string().parse().unwrap();
        assert_eq!(parsed, token);
        for bad in ["", "!!", "AA", "AgAA", "AQABAAJpZA"] {
            assert!(bad.parse::<PageToken>().is_err(), "{bad}");
        }
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(serde_json::from_str::<PageToken>(&json).unwrap(), token);
    }

    #[test]
    fn a_short_token_cannot_make_the_decoder_allocate() {
        // Version 1, 65,535 attributes: refused before any allocation.
        let token = URL_SAFE_NO_PAD.encode([1_u8, 0xff, 0xff]);
        let err = token.parse::<PageToken>().unwrap_err();
        assert!(err.to_string().contains("more attributes"), "{err}");
        let long = "A".repeat(MAX_TOKEN_CHARS + 4);
        assert!(long
            .parse::<PageToken>()
            .unwrap_err()
            .to_string()
            .contains("too long"));
    }

    /// A token of exactly the longest accepted length: 49,152 bytes, 65,536 characters.
    pub(crate) fn longest_token(scope: &Arc<str>) -> PageToken {
        // 1 + 2 (header) + 2 + 1 ("k") + 1 + 4 (framing) + 49,141 = 49,152 bytes.
        let key = HashMap::from([("k".to_owned(), AttributeValue::S("a".repeat(49_141)))]);
        PageToken::from_key(&key, scope).unwrap()
    }

    #[test]
    fn limits_are_inclusive_and_exact() {
        let scope: Arc<str> = Arc::from("scan|t|");
        let longest = longest_token(&scope);
        assert_eq!(longest.as_str().len(), MAX_TOKEN_CHARS);
        assert!(longest.as_str().parse::<PageToken>().is_ok());
        // Four key attributes (a table's two and an index's two) for each of the most
        // shards a query reads is the most a token holds.
        let most: HashMap<String, AttributeValue> = (0..MAX_KEY_ATTRIBUTES)
            .map(|i| (format!("{i}"), AttributeValue::S(i.to_string())))
            .collect();
        let token = PageToken::from_key(&most, &scope).unwrap();
        assert_eq!(
            token
                .as_str()
                .parse::<PageToken>()
                .unwrap()
                .to_key()
                .unwrap(),
            most
        );
        let mut one_more = most;
        one_more.insert("x".to_owned(), AttributeValue::S("x".to_owned()));
        let token = PageToken::from_key(&one_more, &scope).unwrap();
        let err = token.as_str().parse::<PageToken>().unwrap_err();
        assert!(err.to_string().contains("more attributes"), "{err}");
    }

    #[test]
    fn equality_and_hash_follow_the_text() {
        use std::collections::HashSet;
        let scope: Arc<str> = Arc::from("scan|t|");
        let key = |v: &str| HashMap::from([("k".to_owned(), AttributeValue::S(v.into()))]);
        let a = PageToken::from_key(&key("a"), &scope).unwrap();
        let b = PageToken::from_key(&key("b"), &scope).unwrap();
        assert_ne!(a, b);
        let parsed: PageToken = a.as_str().parse().unwrap();
        assert_eq!(a, parsed, "the origin does not take part in equality");
        let state = std::collections::hash_map::RandomState::new();
        let hash_with = |t: &PageToken| std::hash::BuildHasher::hash_one(&state, t);
        assert_eq!(hash_with(&a), hash_with(&parsed));
        assert_ne!(hash_with(&a), hash_with(&b), "the hash follows the text");
        let set: HashSet<PageToken> = [a.clone(), b, parsed].into_iter().collect();
        assert_eq!(set.len(), 2);
        assert_eq!(
            format!("{a:?}"),
            format!("PageToken(<{} chars>)", a.as_str().len())
        );
    }
}

/// The secret that seals page tokens: 32 random bytes, kept on the server.
#[cfg(feature = "sealed-tokens")]
pub type TokenSecret = [u8; 32];

/// Where a read resumes: a token, or a sealed one opened when the read starts (its
/// scope is final only then). One field, so the last `start_from…` call wins.
#[derive(Clone)]
pub(crate) enum StartFrom {
    Token(PageToken),
    #[cfg(feature = "sealed-tokens")]
    Sealed(String, TokenSecret),
}

impl StartFrom {
    /// The key to start after; `scope` is the read's, which a sealed token must match.
    #[cfg_attr(not(feature = "sealed-tokens"), allow(unused_variables))]
    pub(crate) fn key(
        &self,
        scope: impl FnOnce() -> Result<Arc<str>, Error>,
    ) -> Result<Item, Error> {
        match self {
            StartFrom::Token(token) => token.to_key(),
            #[cfg(feature = "sealed-tokens")]
            StartFrom::Sealed(sealed, secret) => {
                PageToken::open(sealed, secret, &scope()?)?.to_key()
            }
        }
    }
}

impl fmt::Debug for StartFrom {
    // The secret stays out of logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StartFrom::Token(token) => f.debug_tuple("Token").field(token).finish(),
            #[cfg(feature = "sealed-tokens")]
            StartFrom::Sealed(..) => f.write_str("Sealed(..)"),
        }
    }
}
