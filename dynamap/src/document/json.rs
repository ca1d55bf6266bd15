//! Documents to and from `serde_json::Value`, where nothing is lost: numbers that JSON
//! cannot hold exactly and binary values are refused rather than approximated.

use serde_json::Value as Json;

use super::{Document, Number, Value};
use crate::error::ConversionError;
use crate::value::canonical_number as canonical;

fn number_to_json(n: &Number) -> Result<Json, ConversionError> {
    // With `arbitrary_precision`, a JSON number keeps its text: every DynamoDB number
    // fits exactly.
    #[cfg(feature = "serde_json")]
    if let Ok(exact) = n.as_str().parse::<serde_json::Number>() {
        return Ok(Json::Number(exact));
    }
    if let Some(i) = n.as_i64() {
        return Ok(Json::from(i));
    }
    if let Some(u) = n.as_u64() {
        return Ok(Json::from(u));
    }
    let lossy = || ConversionError::new("a number JSON can hold exactly", format!("number {n}"));
    let f = n.as_f64().ok_or_else(lossy)?;
    let printed = ryu::Buffer::new().format_finite(f).to_owned();
    if canonical(&printed) != canonical(n.as_str()) {
        return Err(lossy());
    }
    serde_json::Number::from_f64(f)
        .map(Json::Number)
        .ok_or_else(lossy)
}

impl Value {
    /// The value as JSON. Sets become arrays; binary values are refused, and so are
    /// numbers JSON cannot hold exactly (more than 17 significant digits with a
    /// fraction, or beyond `u64`/`i64`) unless dynamap's `serde_json` feature is on,
    /// whose `arbitrary_precision` keeps every number exact.
    ///
    /// ```
    /// use dynamap::document::Value;
    /// assert_eq!(Value::from(5).to_json()?, serde_json::json!(5));
    /// assert!(Value::B(vec![1]).to_json().is_err());
    /// # Ok::<(), dynamap::error::ConversionError>(())
    /// ```
    pub fn to_json(&self) -> Result<Json, ConversionError> {
        Ok(match self {
            Value::S(s) => Json::String(s.clone()),
            Value::N(n) => number_to_json(n)?,
            Value::Bool(b) => Json::Bool(*b),
            Value::Null => Json::Null,
            Value::L(list) => Json::Array(
                list.iter()
                    .enumerate()
                    .map(|(i, v)| v.to_json().map_err(|e| e.at_index(i)))
                    .collect::<Result<_, _>>()?,
            ),
            Value::M(doc) => doc.to_json()?,
            Value::Ss(set) => Json::Array(set.iter().cloned().map(Json::String).collect()),
            Value::Ns(set) => {
                Json::Array(set.iter().map(number_to_json).collect::<Result<_, _>>()?)
            }
            Value::B(_) | Value::Bs(_) => {
                return Err(ConversionError::new("a value JSON can hold", "binary"))
            }
        })
    }
}

impl Document {
    /// The document as a JSON object; see [`Value::to_json`] for what is refused.
    ///
    /// ```
    /// let doc: dynamap::document::Document = [("id", "u1".into()), ("n", 2.into())].into_iter().collect();
    /// assert_eq!(doc.to_json()?, serde_json::json!({"id": "u1", "n": 2}));
    /// # Ok::<(), dynamap::error::ConversionError>(())
    /// ```
    pub fn to_json(&self) -> Result<Json, ConversionError> {
        let mut object = serde_json::Map::new();
        for (name, value) in self.iter() {
            object.insert(
                name.clone(),
                value.to_json().map_err(|e| e.in_attribute(name.clone()))?,
            );
        }
        Ok(Json::Object(object))
    }

    /// A document from a JSON object (anything else is refused). Arrays become lists.
    ///
    /// ```
    /// let doc = dynamap::document::Document::from_json(serde_json::json!({"id": "u1", "tags": ["a"]}))?;
    /// assert_eq!(doc["id"], "u1".into());
    /// # Ok::<(), dynamap::error::ConversionError>(())
    /// ```
    pub fn from_json(json: Json) -> Result<Self, ConversionError> {
        match Value::from(json) {
            Value::M(doc) => Ok(doc),
            other => Err(ConversionError::new(
                "a JSON object",
                crate::error::describe_value(&other.to_attribute_value()),
            )),
        }
    }
}

impl From<Json> for Value {
    fn from(json: Json) -> Self {
        match json {
            Json::String(s) => Value::S(s),
            Json::Number(n) => Value::N(Number::from_dynamodb(n.to_string())),
            Json::Bool(b) => Value::Bool(b),
            Json::Null => Value::Null,
            Json::Array(items) => Value::L(items.into_iter().map(Value::from).collect()),
            Json::Object(map) => {
                Value::M(map.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn exponents_at_the_ends_of_i64_do_not_overflow() {
        assert_eq!(canonical("1.5e-9223372036854775808"), None);
        assert_eq!(canonical("10e9223372036854775807"), None);
        assert_eq!(canonical("1.50e2"), Some((false, "15".to_owned(), 1)));
    }

    #[test]
    fn json_round_trips_where_lossless() {
        let original = json!({"s": "x", "i": -5, "u": 18446744073709551615u64, "f": 0.1, "b": true, "n": null, "l": [1, "a"], "m": {"k": 1.5}});
        let doc = Document::from_json(original.clone()).unwrap();
        assert_eq!(doc.to_json().unwrap(), original);
    }

    #[test]
    fn what_json_cannot_hold_is_refused() {
        // Without `arbitrary_precision`, JSON numbers are i64, u64 or f64; with it (the
        // `serde_json` feature), they keep their text, and every DynamoDB number fits.
        let big: Number = "123456789012345678901234567890".parse().unwrap();
        let precise: Number = "0.12345678901234567890123".parse().unwrap();
        if cfg!(feature = "serde_json") {
            assert_eq!(
                Value::N(big).to_json().unwrap().to_string(),
                "123456789012345678901234567890"
            );
            assert_eq!(
                Value::N(precise).to_json().unwrap().to_string(),
                "0.12345678901234567890123"
            );
        } else {
            assert!(Value::N(big).to_json().is_err());
            assert!(Value::N(precise).to_json().is_err());
        }
        assert!(Value::Bs(vec![]).to_json().is_err());
        assert!(Document::from_json(json!([1])).is_err());
        assert_eq!(canonical("1.50e1"), canonical("15"));
        assert_eq!(canonical("-0"), canonical("0.000"));
    }
}
