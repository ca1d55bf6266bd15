//! DynamoDB JSON (`{"id": {"S": "u1"}}`) as text: items of an S3 export or a raw
//! payload, and stream records as a Lambda receives them, decoded with dynamap's own
//! codecs.

use std::collections::HashMap;

use serde::Deserialize;

use super::raw::{is_expiry, kind_named};
use super::{Change, Changed, RawChange};
use crate::error::{ConversionError, Error, Result};
use crate::item::DynamoItem;
use crate::sdk_item::Item;

type JsonItem = HashMap<String, serde_dynamo::AttributeValue>;

fn to_item(item: JsonItem) -> Item {
    item.into_iter().map(|(k, v)| (k, v.into())).collect()
}

/// A record's `ApproximateCreationDateTime` (epoch seconds, a float): `None` when it
/// is not a time a `SystemTime` can hold (negative, not finite, past 2^64 seconds), so
/// that no number in a record can panic the reader; and `None` at 0, which is what
/// readers such as `aws_lambda_events` fill in for a missing time (no stream record
/// is from 1970), as the Lambda path reads it.
fn approximate_time(seconds: f64) -> Option<std::time::SystemTime> {
    if seconds <= 0.0 {
        return None;
    }
    let since = std::time::Duration::try_from_secs_f64(seconds).ok()?;
    std::time::UNIX_EPOCH.checked_add(since)
}

fn bad_json(e: impl std::fmt::Display) -> Error {
    Error::Conversion(ConversionError::new("DynamoDB JSON", e.to_string()))
}

/// Decodes an item given as DynamoDB JSON text: the item itself, or an S3 export line
/// (`{"Item": {...}}`).
///
/// ```
/// # #[derive(dynamap::DynamoItem, Debug, PartialEq)]
/// # struct User { #[dynamo(partition_key)] id: String, visits: u32 }
/// let user: User = dynamap::changes::from_dynamodb_json(r#"{"Item": {"id": {"S": "u1"}, "visits": {"N": "3"}}}"#)?;
/// assert_eq!(user, User { id: "u1".into(), visits: 3 });
/// # Ok::<(), dynamap::Error>(())
/// ```
pub fn from_dynamodb_json<T: DynamoItem>(text: &str) -> Result<T> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Line {
        Export {
            #[serde(rename = "Item")]
            item: JsonItem,
        },
        Item(JsonItem),
    }
    let item = match serde_json::from_str::<Line>(text).map_err(bad_json)? {
        Line::Export { item } | Line::Item(item) => item,
    };
    T::from_item(to_item(item))
}

/// A stream record in DynamoDB JSON, as a Lambda event's `Records` hold them.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonRecord {
    event_name: String,
    dynamodb: JsonStreamRecord,
    #[serde(default)]
    user_identity: Option<JsonIdentity>,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct JsonStreamRecord {
    #[serde(default)]
    keys: JsonItem,
    #[serde(default)]
    new_image: Option<JsonItem>,
    #[serde(default)]
    old_image: Option<JsonItem>,
    sequence_number: String,
    #[serde(default)]
    approximate_creation_date_time: Option<f64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonIdentity {
    #[serde(rename = "type")]
    kind: Option<String>,
    principal_id: Option<String>,
}

impl RawChange {
    /// A stream record given as JSON, in the form a Lambda function receives (one
    /// element of the event's `Records`) and the Streams API returns.
    ///
    /// ```
    /// let raw = dynamap::changes::RawChange::from_json(r#"{
    ///     "eventName": "INSERT",
    ///     "dynamodb": {"Keys": {"id": {"S": "u1"}}, "NewImage": {"id": {"S": "u1"}},
    ///                  "SequenceNumber": "111", "ApproximateCreationDateTime": 1700000000}
    /// }"#)?;
    /// assert_eq!(raw.kind, dynamap::changes::ChangeKind::Insert);
    /// assert_eq!(raw.sequence_number, "111");
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<RawChange> {
        let record: JsonRecord = serde_json::from_str(text).map_err(bad_json)?;
        let kind = kind_named(&record.event_name)
            .ok_or_else(|| bad_json(format!("unknown eventName `{}`", record.event_name)))?;
        let identity = record.user_identity.as_ref();
        let body = record.dynamodb;
        Ok(RawChange {
            kind,
            keys: to_item(body.keys),
            new_image: body.new_image.map(to_item),
            old_image: body.old_image.map(to_item),
            sequence_number: body.sequence_number,
            shard_id: String::new(),
            approximate_time: body
                .approximate_creation_date_time
                .and_then(approximate_time),
            expired: is_expiry(
                identity.and_then(|i| i.kind.as_deref()),
                identity.and_then(|i| i.principal_id.as_deref()),
            ),
        })
    }

    /// Decodes the record into a change of `T`; `Ok(None)` for a record of another
    /// entity than `T`'s.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem, Debug, PartialEq)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// let raw = dynamap::changes::RawChange::from_json(r#"{"eventName": "REMOVE",
    ///     "dynamodb": {"Keys": {"id": {"S": "u1"}}, "SequenceNumber": "5"}}"#)?;
    /// let change = raw.decode::<User>()?.unwrap();
    /// assert_eq!(change.key, "u1");
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn decode<T: Changed>(self) -> Result<Option<Change<T>>> {
        super::decode::decode(self).transpose()
    }
}
