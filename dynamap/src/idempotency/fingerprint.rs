//! A payload's fingerprint: SHA-256 of a canonical encoding of its stored form, so
//! that equal payloads hash alike whatever order their maps iterate in.

use aws_sdk_dynamodb::types::AttributeValue;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::ConversionError;

/// The payload's fingerprint, as 64 hex digits.
pub(super) fn fingerprint<P: Serialize + ?Sized>(payload: &P) -> Result<String, ConversionError> {
    let value = serde_dynamo::aws_sdk_dynamodb_1::to_attribute_value(payload)
        .map_err(|e| ConversionError::new("a payload serde can serialize", e.to_string()))?;
    let mut hasher = Sha256::new();
    feed(&mut hasher, &value);
    let digest = hasher.finalize();
    let mut hex = String::with_capacity(64);
    for byte in digest.iter() {
        hex.push_str(&format!("{byte:02x}"));
    }
    Ok(hex)
}

/// Each value as a tag, then its parts, each length-prefixed: no two different values
/// encode alike. Maps are taken in key order and sets in element order.
fn feed(hasher: &mut Sha256, value: &AttributeValue) {
    match value {
        AttributeValue::S(s) => bytes(hasher, b'S', s.as_bytes()),
        AttributeValue::N(n) => bytes(hasher, b'N', n.as_bytes()),
        AttributeValue::B(b) => bytes(hasher, b'B', b.as_ref()),
        AttributeValue::Bool(b) => hasher.update([b'T', u8::from(*b)]),
        AttributeValue::Null(_) => hasher.update([b'0']),
        AttributeValue::L(list) => {
            count(hasher, b'L', list.len());
            list.iter().for_each(|v| feed(hasher, v));
        }
        AttributeValue::M(map) => {
            count(hasher, b'M', map.len());
            let mut entries: Vec<_> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
            for (name, v) in entries {
                bytes(hasher, b'K', name.as_bytes());
                feed(hasher, v);
            }
        }
        AttributeValue::Ss(set) => sorted(hasher, b's', set.iter().map(|s| s.as_bytes())),
        AttributeValue::Ns(set) => sorted(hasher, b'n', set.iter().map(|s| s.as_bytes())),
        AttributeValue::Bs(set) => sorted(hasher, b'b', set.iter().map(|b| b.as_ref())),
        // A type newer than this SDK: serde_dynamo never makes one.
        _ => hasher.update([b'?']),
    }
}

fn count(hasher: &mut Sha256, tag: u8, n: usize) {
    hasher.update([tag]);
    hasher.update((n as u64).to_be_bytes());
}

fn bytes(hasher: &mut Sha256, tag: u8, data: &[u8]) {
    count(hasher, tag, data.len());
    hasher.update(data);
}

fn sorted<'a>(hasher: &mut Sha256, tag: u8, elements: impl Iterator<Item = &'a [u8]>) {
    let mut elements: Vec<&[u8]> = elements.collect();
    elements.sort_unstable();
    count(hasher, tag, elements.len());
    for element in elements {
        bytes(hasher, b'e', element);
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::fingerprint;

    #[test]
    fn equal_payloads_hash_alike_whatever_their_map_order() {
        let a: HashMap<String, u32> = (0..50).map(|i| (format!("k{i}"), i)).collect();
        let b: HashMap<String, u32> = (0..50).rev().map(|i| (format!("k{i}"), i)).collect();
        assert_eq!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
        assert_eq!(fingerprint(&a).unwrap().len(), 64);
    }

    #[test]
    fn different_payloads_hash_apart() {
        let prints = [
            fingerprint(&("ab", "c")).unwrap(),
            fingerprint(&("a", "bc")).unwrap(),
            fingerprint(&vec!["abc"]).unwrap(),
            fingerprint("abc").unwrap(),
            fingerprint(&1).unwrap(),
            fingerprint(&"1").unwrap(),
            fingerprint(&Option::<u8>::None).unwrap(),
        ];
        let unique: std::collections::HashSet<_> = prints.iter().collect();
        assert_eq!(unique.len(), prints.len());
    }

    /// Bytes, as serde's `serialize_bytes` gives them (DynamoDB's `B`).
    struct Bytes(&'static [u8]);

    impl serde::Serialize for Bytes {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(self.0)
        }
    }

    #[test]
    fn values_of_every_kind_hash_by_what_they_hold() {
        use serde_dynamo::{binary_set::BinarySet, number_set::NumberSet, string_set::StringSet};
        let pairs = [
            (fingerprint(&1).unwrap(), fingerprint(&2).unwrap()),
            (
                fingerprint(&Bytes(b"a")).unwrap(),
                fingerprint(&Bytes(b"b")).unwrap(),
            ),
            (fingerprint(&true).unwrap(), fingerprint(&false).unwrap()),
            (
                fingerprint(&HashMap::from([("a", 1)])).unwrap(),
                fingerprint(&HashMap::from([("a", 2)])).unwrap(),
            ),
            (
                fingerprint(&StringSet(vec!["a"])).unwrap(),
                fingerprint(&StringSet(vec!["b"])).unwrap(),
            ),
            (
                fingerprint(&NumberSet(vec![1])).unwrap(),
                fingerprint(&NumberSet(vec![2])).unwrap(),
            ),
            (
                fingerprint(&BinarySet(vec![Bytes(b"a")])).unwrap(),
                fingerprint(&BinarySet(vec![Bytes(b"b")])).unwrap(),
            ),
        ];
        for (i, (a, b)) in pairs.iter().enumerate() {
            assert_ne!(a, b, "pair {i}");
        }
        // A set is its elements, in any order.
        assert_eq!(
            fingerprint(&StringSet(vec!["b", "a"])).unwrap(),
            fingerprint(&StringSet(vec!["a", "b"])).unwrap()
        );
    }

    /// The encoding is stored (a claim's fingerprint, compared with later calls' when
    /// validation is on, perhaps by a newer release after a deploy): it never changes.
    /// One payload of every kind DynamoDB stores, and its fingerprint as released.
    #[test]
    fn the_fingerprint_of_every_kind_is_the_one_released() {
        use serde_dynamo::{binary_set::BinarySet, number_set::NumberSet, string_set::StringSet};
        #[derive(serde::Serialize)]
        struct Every {
            s: &'static str,
            n: i64,
            b: Bytes,
            yes: bool,
            none: Option<u8>,
            l: Vec<u8>,
            m: HashMap<&'static str, &'static str>,
            ss: StringSet<Vec<&'static str>>,
            ns: NumberSet<Vec<f64>>,
            bs: BinarySet<Vec<Bytes>>,
        }
        let every = Every {
            s: "text",
            n: -12,
            b: Bytes(b"\x00\xff"),
            yes: true,
            none: None,
            l: vec![1, 2],
            m: HashMap::from([("z", "last"), ("a", "first")]),
            ss: StringSet(vec!["y", "x"]),
            ns: NumberSet(vec![2.5, 1.0]),
            bs: BinarySet(vec![Bytes(b"b"), Bytes(b"a")]),
        };
        assert_eq!(
            fingerprint(&every).unwrap(),
            "142bae342f6b797bea9a7203ef7116c9e56ebe6fb04b107f4dd7d2709d3196ed"
        );
    }
}
