//! Lambda functions fed by a table's stream receive `aws_lambda_events` records, whose
//! images are serde_dynamo items: decoded here with dynamap's own codecs (sets, bytes,
//! absent `None`s and renames as dynamap stores them).

use aws_lambda_events::event::dynamodb::EventRecord;

use super::raw::{is_expiry, kind_named};
use super::{Change, Changed, RawChange};
use crate::error::{ConversionError, Error, Result};
use crate::sdk_item::Item;

fn to_item(item: &serde_dynamo::Item) -> Item {
    item.iter()
        .map(|(k, v)| (k.clone(), v.clone().into()))
        .collect()
}

/// An image, or `None` for the empty map `aws_lambda_events` gives when the record has
/// no such image.
fn image(item: &serde_dynamo::Item) -> Option<Item> {
    (!item.is_empty()).then(|| to_item(item))
}

impl TryFrom<&EventRecord> for RawChange {
    type Error = Error;

    fn try_from(record: &EventRecord) -> Result<RawChange> {
        raw(record, true)
    }
}

/// The record in the neutral form; its key attributes only when `keys` (a change of
/// an item type takes its key from its decoded image).
fn raw(record: &EventRecord, keys: bool) -> Result<RawChange> {
    let kind = kind_named(&record.event_name).ok_or_else(|| {
        Error::Conversion(ConversionError::new(
            "a DynamoDB event record (INSERT, MODIFY or REMOVE)",
            record.event_name.clone(),
        ))
    })?;
    let change = &record.change;
    let identity = record.user_identity.as_ref();
    Ok(RawChange {
        kind,
        keys: if keys {
            to_item(&change.keys)
        } else {
            Item::new()
        },
        new_image: image(&change.new_image),
        old_image: image(&change.old_image),
        sequence_number: change.sequence_number.clone().unwrap_or_default(),
        shard_id: String::new(),
        approximate_time: Some(change.approximate_creation_date_time.into()),
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
///         if let Some(change) = dynamap::from_lambda_record::<User>(record)? {
///             println!("{:?} {}", change.kind, change.key);
///         }
///     }
///     Ok(())
/// }
/// ```
pub fn from_lambda_record<T: Changed>(record: &EventRecord) -> Result<Option<Change<T>>> {
    // An item's key comes from its decoded image; a collection's is its key attributes.
    let images = !(record.change.new_image.is_empty() && record.change.old_image.is_empty());
    let keys = !images || T::key_of_image_is_unknown();
    raw(record, keys)?.decode::<T>()
}
