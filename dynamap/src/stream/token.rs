//! Continuation tokens: DynamoDB's LastEvaluatedKey as an opaque, URL-safe string a web
//! API can hand to its clients and take back.

use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;

use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use crate::{Error, Item};

/// Where a scan or query stopped: pass it to `.start_from(token)` to go on from there.
///
/// Opaque and URL-safe (base64url of a compact encoding of the key attributes), and
/// serialisable as a string with serde.
///
/// ```
/// use dynamap::PageToken;
/// let token: PageToken = "AQABAAJpZAAAAAACdTE".parse()?;
/// assert_eq!(token.to_string(), "AQABAAJpZAAAAAACdTE");
/// # Ok::<(), dynamap::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PageToken(String);

const FORMAT_VERSION: u8 = 1;
const TAG_S: u8 = 0;
const TAG_N: u8 = 1;
const TAG_B: u8 = 2;

impl PageToken {
    pub(crate) fn from_key(key: &Item) -> Result<Self, Error> {
        let mut entries: Vec<(&String, &AttributeValue)> = key.iter().collect();
        entries.sort_by(|a, b| a.0.cmp(b.0));
        let mut out = vec![FORMAT_VERSION];
        let count = u16::try_from(entries.len()).map_err(|_| {
            Error::Unexpected("a LastEvaluatedKey with over 65,535 attributes".to_owned())
        })?;
        out.extend_from_slice(&count.to_be_bytes());
        for (name, value) in entries {
            let (tag, bytes): (u8, &[u8]) = match value {
                AttributeValue::S(s) => (TAG_S, s.as_bytes()),
                AttributeValue::N(n) => (TAG_N, n.as_bytes()),
                AttributeValue::B(b) => (TAG_B, b.as_ref()),
                other => {
                    return Err(Error::Unexpected(format!(
                        "a LastEvaluatedKey attribute `{name}` that is not a key type: {}",
                        crate::error::describe(other)
                    )))
                }
            };
            let name_len = u16::try_from(name.len())
                .map_err(|_| Error::Unexpected("a key attribute name over 64 KB".to_owned()))?;
            let value_len = u32::try_from(bytes.len())
                .map_err(|_| Error::Unexpected("a key value over 4 GB".to_owned()))?;
            out.extend_from_slice(&name_len.to_be_bytes());
            out.extend_from_slice(name.as_bytes());
            out.push(tag);
            out.extend_from_slice(&value_len.to_be_bytes());
            out.extend_from_slice(bytes);
        }
        Ok(PageToken(URL_SAFE_NO_PAD.encode(out)))
    }

    pub(crate) fn to_key(&self) -> Result<Item, Error> {
        let invalid = |why: &str| Error::Key(format!("invalid page token: {why}"));
        let bytes = URL_SAFE_NO_PAD
            .decode(&self.0)
            .map_err(|_| invalid("not base64url"))?;
        let mut reader = Reader { bytes: &bytes };
        if reader.take(1).ok_or_else(|| invalid("empty"))? != [FORMAT_VERSION] {
            return Err(invalid("unknown format version"));
        }
        let count = reader.u16().ok_or_else(|| invalid("truncated"))?;
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
    /// let token: dynamap::PageToken = "AQAA".parse()?;
    /// assert_eq!(token.as_str(), "AQAA");
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
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
        f.write_str(&self.0)
    }
}

impl fmt::Debug for PageToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PageToken({})", self.0)
    }
}

/// Parses a token; it is checked (decoded) here, so a tampered token fails early.
impl FromStr for PageToken {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self, Error> {
        let token = PageToken(s.to_owned());
        token.to_key()?;
        Ok(token)
    }
}

impl serde::Serialize for PageToken {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for PageToken {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_garbage() {
        let key = HashMap::from([
            ("pk".to_owned(), AttributeValue::S("ключ".into())),
            ("sk".to_owned(), AttributeValue::N("-12.5".into())),
            ("gsi".to_owned(), AttributeValue::B(Blob::new(vec![0, 255]))),
        ]);
        let token = PageToken::from_key(&key).unwrap();
        assert_eq!(token.to_key().unwrap(), key);
        let parsed: PageToken = token.to_string().parse().unwrap();
        assert_eq!(parsed, token);
        for bad in ["", "!!", "AA", "AgAA", "AQABAAJpZA"] {
            assert!(bad.parse::<PageToken>().is_err(), "{bad}");
        }
        let json = serde_json::to_string(&token).unwrap();
        assert_eq!(serde_json::from_str::<PageToken>(&json).unwrap(), token);
    }
}
