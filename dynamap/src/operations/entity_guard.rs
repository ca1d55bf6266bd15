//! An entity's single-item writes never touch another entity's item.
//!
//! A key template's last string segment takes any text, so an id chosen by a client can
//! render exactly another entity's key (`ORDER#{id}` with id `o1#LINE#00002` is the key
//! of `ORDER#{order}#LINE#{line}`'s line 2). Every put, update and delete of an entity
//! therefore carries the condition that the item under its key is absent or is of its
//! own entity, merged into the caller's; when it fails on another entity's item, the
//! answer is [`Error::OtherEntity`] and nothing was written.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::entity_def::entity_of;
use crate::error::Error;
use crate::expr::{Cmp, Node};
use crate::item::DynamoItem;
use crate::path::AttrPath;

/// `attribute_not_exists(pk) OR #entity = :name` for an entity, `None` for a plain
/// item type: what every write of an entity adds to its condition.
pub(crate) fn write_guard<T: DynamoItem>() -> Option<Node> {
    let entity = T::ENTITY?;
    Some(Node::Or(vec![
        Node::NotExists(super::stored::partition_key_path::<T>()),
        own_entity(entity),
    ]))
}

/// `#entity = :name`: the item exists and is of the entity (an update that must find
/// its item needs no more).
pub(crate) fn own_entity(entity: &crate::entity_def::EntityDef) -> Node {
    Node::Compare(
        AttrPath::top_level_name(entity.attribute),
        Cmp::Eq,
        AttributeValue::S(entity.name.to_owned()),
    )
}

/// A failed condition whose stored item (returned by DynamoDB) is of another entity
/// than `T`'s, as [`Error::OtherEntity`]; any other error unchanged.
pub(crate) fn other_entity_or<T: DynamoItem>(error: Error) -> Error {
    match (&error, T::ENTITY) {
        (
            Error::ConditionFailed {
                item: Some(stored), ..
            },
            Some(entity),
        ) => match entity_of(stored, entity.attribute) {
            Some(found) if found == entity.name => error,
            found => Error::other_entity(&[entity.name], found),
        },
        _ => error,
    }
}

/// Whether `stored` (an item a cancelled transaction action returned) is of another
/// entity than the one `expected` names (`(attribute, name)`).
pub(crate) fn is_other_entity(
    stored: &crate::sdk_item::Item,
    expected: (&'static str, &'static str),
) -> bool {
    entity_of(stored, expected.0) != Some(expected.1)
}
