//! What `#[derive(DynamoItem)]` says of an entity's key templates, as data: the
//! entity's name, the fields its templates name and the templates themselves. The
//! runtime reads it (`key::template`) to render partitions, sort-key ranges and index
//! keys; this module only holds it, so that the item trait can carry it.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::ConversionError;

/// An entity of a single-table design, as `#[derive(DynamoItem)]` describes it for an
/// entity (`#[dynamo(table = App, entity = "Order", pk = "...", sk = "...")]`).
#[doc(hidden)]
#[derive(Debug)]
pub struct EntityDef {
    /// The entity's name, stored in the table's entity attribute.
    pub name: &'static str,
    /// The table's entity attribute.
    pub attribute: &'static str,
    /// The fields named by the entity's templates.
    pub segments: &'static [SegmentDef],
    /// The templates of the table's primary key.
    pub primary: KeyTemplates,
    /// The templates of each index the entity takes part in.
    pub indexes: &'static [IndexTemplates],
    /// The stored names of the fields that make up the entity's `Key`, in its order.
    pub key_fields: &'static [&'static str],
}

/// A count or sum a child entity keeps on its parent item (`count(..)`/`sum(..)` on the
/// child): every write of a child adds its change to the parent's attribute in the same
/// transaction.
#[doc(hidden)]
#[derive(Debug)]
pub struct Aggregate {
    /// The parent entity.
    pub parent: &'static EntityDef,
    /// The parent's version attribute, if it has one (an aggregate's change bumps it).
    pub parent_version: Option<&'static str>,
    /// The parent's attribute the aggregate is kept in.
    pub attribute: &'static str,
    /// The child's attribute summed (`None`: children counted).
    pub of: Option<&'static str>,
    /// Each field of the parent's key: `(parent field, child attribute holding it)`,
    /// stored names.
    pub key: &'static [(&'static str, &'static str)],
}

/// The partition and sort templates of one key.
#[doc(hidden)]
#[derive(Debug)]
pub struct KeyTemplates {
    /// The partition key's template.
    pub partition: Template,
    /// The sort key's template, when the key has a sort key.
    pub sort: Option<Template>,
}

/// One index's templates.
#[doc(hidden)]
#[derive(Debug)]
pub struct IndexTemplates {
    /// The index's name.
    pub name: &'static str,
    /// Whether it is a local index (its partition key is the table's).
    pub local: bool,
    /// Its key attributes' names: partition, then sort.
    pub attributes: (&'static str, Option<&'static str>),
    /// Its templates (a local index repeats the table's partition template).
    pub templates: KeyTemplates,
}

/// A key template: literal text and fields, in order.
#[doc(hidden)]
#[derive(Debug)]
pub struct Template {
    /// The template as written, for messages.
    pub text: &'static str,
    /// Its parts.
    pub parts: &'static [Part],
}

/// A part of a template.
#[doc(hidden)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// Literal text.
    Text(&'static str),
    /// A field: an index into [`EntityDef::segments`].
    Field(usize),
    /// One of `count` shards (`{shard:N}`), computed from the item's key or drawn at
    /// random; only an index's partition template has one.
    Shard {
        /// How many shards.
        count: u32,
        /// Drawn at random on each write (else computed from the item's key).
        random: bool,
    },
}

/// A field named by a template.
#[doc(hidden)]
#[derive(Debug)]
pub struct SegmentDef {
    /// The field's stored attribute name.
    pub name: &'static str,
    /// Whether its segments all have one width.
    pub fixed_width: bool,
    /// Whether the field is an `Option` (only an index template can name one: the
    /// item is in that index while the field is `Some`).
    pub optional: bool,
    /// Writes the segment of a value given in its stored form.
    pub from_value: fn(&AttributeValue, &mut String) -> std::result::Result<(), ConversionError>,
}

/// The entity an item names in the table's entity attribute.
#[inline]
pub fn entity_of<'i>(item: &'i crate::sdk_item::Item, attribute: &str) -> Option<&'i str> {
    match item.get(attribute) {
        Some(AttributeValue::S(name)) => Some(name),
        _ => None,
    }
}
