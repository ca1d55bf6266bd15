//! From a raw stream record to `Change<T>`: the images decoded with the type's own
//! codec (dynamap's stored form, not serde_dynamo's), the key from the key attributes
//! (an entity's from its images, where its template fields are), other entities'
//! records skipped.

use super::{Change, ChangePosition, RawChange};
use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::sdk_item::Item;
use crate::value::AttributeSource;

/// What a change feed decodes records into: any item type or entity (blanket), and
/// collections (derived with `DynamoCollection`).
///
/// ```
/// # #[derive(dynamap::DynamoItem, Debug)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// fn key_type<T: dynamap::changes::Changed>() {}
/// key_type::<User>();
/// ```
pub trait Changed: Sized + Send + Sync + 'static {
    /// The key a change names: the item's key, or for a collection the raw key
    /// attributes (each member has its own key type).
    type Key: Clone + Send + Sync + 'static;

    /// Decodes the key from the record's key attributes (a record without images).
    #[doc(hidden)]
    fn change_key(keys: &Item) -> Result<Self::Key>;

    /// Decodes an image.
    #[doc(hidden)]
    fn from_image(image: Item) -> Result<Self>;

    /// Decodes an image given as pairs (a Lambda record's, converted on the fly).
    #[doc(hidden)]
    fn from_image_pairs<'a, V, I>(pairs: I) -> Result<Self>
    where
        V: AttributeSource,
        I: IntoIterator<Item = (&'a str, V)>,
    {
        Self::from_image(crate::value::owned_item(pairs))
    }

    /// The key of a decoded value, when the type knows it (an item's own key), so a
    /// record's key attributes need not be decoded again.
    #[doc(hidden)]
    fn key_of(value: &Self) -> Option<Self::Key> {
        let _ = value;
        None
    }

    /// The entity attribute and the entity names this type reads: records of other
    /// entities are skipped. `None` reads every record. (No default: each implementor,
    /// an item type or a collection, says.)
    #[doc(hidden)]
    fn entities() -> Option<(&'static str, &'static [&'static str])>;

    /// Whether the table holds guard items of this type's unique attributes, whose
    /// records are skipped (an entity's are skipped as another entity's).
    #[doc(hidden)]
    fn has_guards() -> bool {
        false
    }
}

impl<T: DynamoItem> Changed for T {
    type Key = T::Key;

    fn change_key(keys: &Item) -> Result<T::Key> {
        // An entity's key fields are attributes of its images: from the key attributes
        // alone (a KEYS_ONLY stream) this fails, naming the first field.
        T::key_from_item(keys)
    }

    fn from_image(image: Item) -> Result<T> {
        T::from_item(image)
    }

    fn from_image_pairs<'a, V, I>(pairs: I) -> Result<T>
    where
        V: AttributeSource,
        I: IntoIterator<Item = (&'a str, V)>,
    {
        T::from_pairs(pairs)
    }

    fn key_of(value: &T) -> Option<T::Key> {
        Some(value.key())
    }

    fn entities() -> Option<(&'static str, &'static [&'static str])> {
        T::ENTITY.map(|entity| (entity.attribute, std::slice::from_ref(&entity.name)))
    }

    fn has_guards() -> bool {
        !T::UNIQUE.is_empty()
    }
}

/// Whether a record whose image names `entity` belongs to `T` (an image without the
/// entity attribute belongs to no entity).
pub(crate) fn belongs<T: Changed>(entity: Option<&str>) -> bool {
    match T::entities() {
        None => true,
        Some((_, names)) => entity.is_some_and(|e| names.contains(&e)),
    }
}

/// The change, from its decoded images; the key from the images when the type knows
/// it, otherwise from the key attributes `keys` gives.
pub(crate) fn assemble<T: Changed>(
    raw: RawParts,
    old: impl FnOnce() -> Result<Option<T>>,
    new: impl FnOnce() -> Result<Option<T>>,
    keys: impl FnOnce() -> Item,
) -> Result<Change<T>> {
    let decoded = (|| {
        let old = old()?;
        let new = new()?;
        let key = match new.as_ref().or(old.as_ref()).and_then(T::key_of) {
            Some(key) => key,
            None => T::change_key(&keys())?,
        };
        Ok::<_, Error>((key, old, new))
    })();
    match decoded {
        Ok((key, old, new)) => Ok(Change {
            kind: raw.kind,
            key,
            old,
            new,
            position: raw.position,
            approximate_time: raw.approximate_time,
            expired: raw.expired,
        }),
        Err(source) => Err(Error::UndecodableChange {
            position: raw.position,
            source: Box::new(source),
        }),
    }
}

/// What a record says besides its images and keys.
pub(crate) struct RawParts {
    pub kind: super::ChangeKind,
    pub position: ChangePosition,
    pub approximate_time: Option<std::time::SystemTime>,
    pub expired: bool,
}

/// Decodes `raw` into a change of `T`; `None` for another entity's record.
pub(crate) fn decode<T: Changed>(raw: RawChange) -> Option<Result<Change<T>>> {
    if T::has_guards() && raw.keys.values().any(crate::operations::is_guard_key) {
        return None;
    }
    let image = raw.new_image.as_ref().or(raw.old_image.as_ref());
    if let (Some((attribute, _)), Some(image)) = (T::entities(), image) {
        if !belongs::<T>(crate::entity_def::entity_of(image, attribute)) {
            return None;
        }
    }
    let parts = RawParts {
        kind: raw.kind,
        position: ChangePosition {
            shard_id: raw.shard_id,
            sequence_number: raw.sequence_number,
        },
        approximate_time: raw.approximate_time,
        expired: raw.expired,
    };
    let (old, new, keys) = (raw.old_image, raw.new_image, raw.keys);
    Some(assemble(
        parts,
        || old.map(T::from_image).transpose(),
        || new.map(T::from_image).transpose(),
        || keys,
    ))
}
