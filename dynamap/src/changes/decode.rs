//! From a raw stream record to `Change<T>`: the images decoded with the type's own
//! codec (dynamap's stored form, not serde_dynamo's), the key from the key attributes
//! (an entity's from its images, where its template fields are), other entities'
//! records skipped.

use super::{Change, ChangePosition, RawChange};
use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::sdk_item::Item;

/// What a change feed decodes records into: any item type or entity (blanket), and
/// collections (derived with `DynamoCollection`).
///
/// ```
/// # #[derive(dynamap::DynamoItem, Debug)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// fn key_type<T: dynamap::Changed>() {}
/// key_type::<User>();
/// ```
pub trait Changed: Sized + Send + Sync + 'static {
    /// The key a change names: the item's key, or for a collection the raw key
    /// attributes (each member has its own key type).
    type Key: Clone + Send + Sync + 'static;

    /// Decodes the key from the record's key attributes or, failing that, its image.
    #[doc(hidden)]
    fn change_key(keys: &Item, image: Option<&Item>) -> Result<Self::Key>;

    /// Decodes an image.
    #[doc(hidden)]
    fn from_image(image: Item) -> Result<Self>;

    /// The entity attribute and the entity names this type reads: records of other
    /// entities are skipped. `None` reads every record.
    #[doc(hidden)]
    fn entities() -> Option<(&'static str, &'static [&'static str])> {
        None
    }
}

impl<T: DynamoItem> Changed for T {
    type Key = T::Key;

    fn change_key(keys: &Item, image: Option<&Item>) -> Result<T::Key> {
        match (T::ENTITY, image) {
            // An entity's key fields are attributes of the item, not of its key.
            (Some(_), Some(image)) => T::key_from_item(image),
            _ => T::key_from_item(keys),
        }
    }

    fn from_image(image: Item) -> Result<T> {
        T::from_item(image)
    }

    fn entities() -> Option<(&'static str, &'static [&'static str])> {
        T::ENTITY.map(|entity| (entity.attribute, std::slice::from_ref(&entity.name)))
    }
}

/// Decodes `raw` into a change of `T`; `None` for another entity's record.
pub(crate) fn decode<T: Changed>(raw: RawChange) -> Option<Result<Change<T>>> {
    let position = ChangePosition {
        shard_id: raw.shard_id,
        sequence_number: raw.sequence_number,
    };
    if let Some((attribute, names)) = T::entities() {
        let image = raw.new_image.as_ref().or(raw.old_image.as_ref());
        if let Some(image) = image {
            let entity = crate::__private::entity_of(image, attribute);
            if !entity.is_some_and(|e| names.contains(&e)) {
                return None;
            }
        }
    }
    let decoded = (|| {
        let image = raw.new_image.as_ref().or(raw.old_image.as_ref());
        let key = T::change_key(&raw.keys, image)?;
        Ok::<_, Error>((
            key,
            raw.old_image.map(T::from_image).transpose()?,
            raw.new_image.map(T::from_image).transpose()?,
        ))
    })();
    Some(match decoded {
        Ok((key, old, new)) => Ok(Change {
            kind: raw.kind,
            key,
            old,
            new,
            position,
            approximate_time: raw.approximate_time,
            expired: raw.expired,
        }),
        Err(source) => Err(Error::UndecodableChange {
            position,
            source: Box::new(source),
        }),
    })
}
