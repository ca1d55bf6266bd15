//! Lambda functions fed by a table's stream receive `aws_lambda_events` records, whose
//! images are serde_dynamo items: decoded here with dynamap's own codecs (sets, bytes,
//! absent `None`s and renames as dynamap stores them).

use aws_lambda_events::event::dynamodb::EventRecord;

use super::decode::{assemble, belongs, RawParts};
use super::raw::{is_expiry, kind_named};
use super::{Change, ChangePosition, Changed, RawChange};
use crate::error::{ConversionError, Error, Result};
use crate::sdk_item::Item;

fn to_item(item: &serde_dynamo::Item) -> Item {
    item.iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect()
}

/// The record's creation time, or `None` when the record has none: `aws_lambda_events`
/// fills a missing `ApproximateCreationDateTime` with 1970-01-01, a time no stream
/// record can carry (streams began in 2014), so that instant reads as absent, as
/// [`RawChange::from_json`] reads the same record.
fn approximate_time(
    change: &aws_lambda_events::event::dynamodb::StreamRecord,
) -> Option<std::time::SystemTime> {
    let at = change.approximate_creation_date_time;
    // chrono's range (±262,143 years) fits in a `SystemTime` here, so `into` cannot fail.
    (at.timestamp() != 0 || at.timestamp_subsec_nanos() != 0).then(|| at.into())
}

/// An image, or `None` for the empty map `aws_lambda_events` gives when the record has
/// no such image.
fn image(item: &serde_dynamo::Item) -> Option<Item> {
    (!item.is_empty()).then(|| to_item(item))
}

impl TryFrom<&EventRecord> for RawChange {
    type Error = Error;

    fn try_from(record: &EventRecord) -> Result<RawChange> {
        raw(record)
    }
}

fn unknown_event(record: &EventRecord) -> Error {
    Error::Conversion(ConversionError::new(
        "a DynamoDB event record (INSERT, MODIFY or REMOVE)",
        record.event_name.clone(),
    ))
}

/// The record in the neutral form.
fn raw(record: &EventRecord) -> Result<RawChange> {
    let kind = kind_named(&record.event_name).ok_or_else(|| unknown_event(record))?;
    let change = &record.change;
    let identity = record.user_identity.as_ref();
    Ok(RawChange {
        kind,
        keys: to_item(&change.keys),
        new_image: image(&change.new_image),
        old_image: image(&change.old_image),
        sequence_number: change.sequence_number.clone().unwrap_or_default(),
        shard_id: String::new(),
        approximate_time: approximate_time(change),
        expired: is_expiry(
            identity.map(|i| i.type_.as_str()),
            identity.map(|i| i.principal_id.as_str()),
        ),
    })
}

/// Decodes a Lambda DynamoDB event record into a change of `T` (an item type, an entity
/// or a collection); `Ok(None)` for a record of another entity than `T`'s.
///
/// ```
/// # #[derive(dynamap::DynamoItem, Debug, PartialEq)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// fn handle(event: aws_lambda_events::event::dynamodb::Event) -> dynamap::Result<()> {
///     for record in &event.records {
///         if let Some(change) = dynamap::changes::from_lambda_record::<User>(record)? {
///             println!("{:?} {}", change.kind, change.key);
///         }
///     }
///     Ok(())
/// }
/// ```
pub fn from_lambda_record<T: Changed>(record: &EventRecord) -> Result<Option<Change<T>>> {
    let change = &record.change;
    let guard_key = |v: &serde_dynamo::AttributeValue| matches!(v, serde_dynamo::AttributeValue::S(s) if crate::operations::is_guard_text(s));
    if T::has_guards() && change.keys.values().any(guard_key) {
        return Ok(None);
    }
    let image = [&change.new_image, &change.old_image]
        .into_iter()
        .find(|i| !i.is_empty());
    if let (Some((attribute, _)), Some(image)) = (T::entities(), image) {
        let entity = match image.get(attribute) {
            Some(serde_dynamo::AttributeValue::S(name)) => Some(name.as_str()),
            _ => None,
        };
        if !belongs::<T>(entity) {
            return Ok(None);
        }
    }
    let kind = kind_named(&record.event_name).ok_or_else(|| unknown_event(record))?;
    let identity = record.user_identity.as_ref();
    let parts = RawParts {
        kind,
        position: ChangePosition {
            shard_id: String::new(),
            sequence_number: change.sequence_number.clone().unwrap_or_default(),
        },
        approximate_time: approximate_time(change),
        expired: is_expiry(
            identity.map(|i| i.type_.as_str()),
            identity.map(|i| i.principal_id.as_str()),
        ),
    };
    // The images are decoded straight from serde_dynamo's values: no map is built and
    // no attribute name copied.
    let decode = |image: &serde_dynamo::Item| {
        if image.is_empty() {
            return Ok(None);
        }
        T::from_image_pairs(image.iter().map(|(k, v)| (k.as_str(), v))).map(Some)
    };
    assemble(
        parts,
        || decode(&change.old_image),
        || decode(&change.new_image),
        || to_item(&change.keys),
    )
    .map(Some)
}
