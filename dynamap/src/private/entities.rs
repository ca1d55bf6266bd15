//! Single-table entities and collections: templates, key segments, the entity
//! attribute, and the constant checks that refuse a mistaken design at compile time.

use super::*;

pub use crate::entity_def::{
    Aggregate, EntityDef, IndexTemplates, KeyTemplates, Part, SegmentDef, Template,
};
pub use crate::key::shard::{push_shard, random_shard, shard_of_item};
pub use crate::key::{push_segment, segment_from_value};

/// What the generated code does with a key-template field of type `S`. One function
/// names every use, so a type that cannot be a segment is reported once, at the field,
/// with `KeySegment`'s message.
pub const fn segment<S: crate::key::KeySegment>() -> Segment<S> {
    Segment {
        fixed_width: S::FIXED_WIDTH,
        push: push_segment::<S>,
        from_value: segment_from_value::<S>,
    }
}

/// A key-template field's segment functions (see [`segment`]).
pub struct Segment<S> {
    /// Whether every value writes the same number of bytes.
    pub fixed_width: bool,
    /// Appends a value's segment to a composed key.
    pub push: fn(&mut String, &S, &'static str, Option<char>) -> Result<(), ConversionError>,
    /// Appends the segment of a value in its stored form.
    pub from_value: fn(&AttributeValue, &mut String) -> Result<(), ConversionError>,
}

/// Names `I` as an index of table `T`; the bound refuses another table's index with
/// `IndexOf`'s message at the entity's attribute.
pub const fn index_of<I: crate::single_table::IndexOf<T>, T: crate::DynamoTable>(
) -> crate::schema::IndexDefinition {
    I::DEFINITION
}

pub use crate::entity_def::entity_of;

/// Refuses an item of another entity than `expected`.
#[inline]
pub fn check_entity(
    item: &Item,
    attribute: &str,
    expected: &'static str,
) -> crate::error::Result<()> {
    match entity_of(item, attribute) {
        Some(name) if name == expected => Ok(()),
        found => Err(other_entity(&[expected], found)),
    }
}

/// The error for an item of an entity not among `expected`.
pub fn other_entity(expected: &[&'static str], found: Option<&str>) -> crate::Error {
    crate::Error::other_entity(expected, found)
}

/// Compares two texts in a constant: collection members must share a partition shape.
#[allow(clippy::indexing_slicing)] // in a constant: an index out of range fails the build
pub const fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether an index that projects `projected` (`None`: whole items) holds every one of
/// `names`, in a constant: a projection type reads only what its index holds.
#[allow(clippy::indexing_slicing)] // in a constant: an index out of range fails the build
pub const fn projects(projected: Option<&[&str]>, names: &[&str]) -> bool {
    let Some(projected) = projected else {
        return true;
    };
    let mut i = 0;
    while i < names.len() {
        let mut found = false;
        let mut j = 0;
        while j < projected.len() {
            if same_text(names[i], projected[j]) {
                found = true;
            }
            j += 1;
        }
        if !found {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether a table declares a sort key, in a constant: an entity's `sk` template must
/// match.
pub const fn has_sort_key(schema: &crate::schema::KeySchema) -> bool {
    schema.sort_key.is_some()
}

/// The name of a table's sort key, in a constant (`""` without one: the entity's
/// checks refuse a sort template then).
pub const fn sort_key_name(schema: &crate::schema::KeySchema) -> &'static str {
    match schema.sort_key {
        Some(key) => key.name,
        None => "",
    }
}

/// The name of an index's sort key, in a constant (`""` without one).
pub const fn sort_key_of(index: &crate::schema::IndexDefinition) -> &'static str {
    match index.sort_key {
        Some(key) => key.name,
        None => "",
    }
}

/// A key's name, if there is the key, in a constant.
pub const fn key_name(key: Option<crate::schema::KeyDefinition>) -> Option<&'static str> {
    match key {
        Some(key) => Some(key.name),
        None => None,
    }
}

/// How many attributes an index's partition key (`sort` false) or sort key has, in a
/// constant.
pub const fn key_count(index: &crate::schema::IndexDefinition, sort: bool) -> usize {
    match (sort, index.sort_key) {
        (false, _) => 1 + index.more_partition_keys.len(),
        (true, Some(_)) => 1 + index.more_sort_keys.len(),
        (true, None) => 0,
    }
}

/// Whether attribute `at` of an index's partition key (`sort` false) or sort key is
/// `name`, of scalar type `kind`, in a constant: an entity's field fills it.
#[allow(clippy::indexing_slicing)] // in a constant: an index out of range fails the build
pub const fn key_is(
    index: &crate::schema::IndexDefinition,
    sort: bool,
    at: usize,
    name: &str,
    kind: crate::value::ScalarType,
) -> bool {
    if at >= key_count(index, sort) {
        return false;
    }
    let key = match (sort, at, index.sort_key) {
        (false, 0, _) => index.partition_key,
        (false, _, _) => index.more_partition_keys[at - 1],
        (true, 0, Some(key)) => key,
        (true, _, _) => index.more_sort_keys[at - 1],
    };
    same_text(key.name, name) && key.scalar_type as u8 == kind as u8
}

/// Whether an index is global, in a constant.
pub const fn is_global(index: &crate::schema::IndexDefinition) -> bool {
    matches!(index.kind, crate::schema::IndexKind::Global)
}

/// Whether table `T` keeps attribute `name` for itself: a key of the table or of an
/// index its entities render from templates, or the entity attribute. An entity's
/// field may not be stored there (a typed index's attributes are entities' fields).
#[allow(clippy::indexing_slicing)] // in a constant: an index out of range fails the build
pub const fn table_uses<T: crate::DynamoTable>(name: &str) -> bool {
    let schema = T::KEY_SCHEMA;
    if same_text(name, schema.partition_key.name)
        || same_text(name, sort_key_name(&schema))
        || same_text(name, T::ENTITY_ATTRIBUTE)
    {
        return true;
    }
    let mut i = 0;
    while i < T::INDEXES.len() {
        let index = &T::INDEXES[i];
        let rendered =
            same_text(name, index.partition_key.name) || same_text(name, sort_key_of(index));
        if index.from_templates && rendered {
            return true;
        }
        i += 1;
    }
    false
}

/// Names two collection members of one table; the bound refuses members of different
/// tables at the odd one out.
pub const fn same_table<
    A: crate::single_table::Entity,
    B: crate::single_table::Entity<Table = A::Table>,
>() {
}

/// Names two collection members whose partition templates take values of the same
/// types; the bound refuses others at the odd one out.
pub const fn same_partition<A: crate::single_table::Entity, B: crate::single_table::Entity>()
where
    B::Partition: SamePartition<A::Partition>,
{
}

/// The partition values of one collection member are those of another.
#[diagnostic::on_unimplemented(
    message = "this collection member's partition template takes `{Self}`, the first member's takes `{P}`",
    label = "members of a collection share one partition template",
    note = "a collection's members are read by one query of one partition: their partition templates take the same fields"
)]
pub trait SamePartition<P> {}

impl<P> SamePartition<P> for P {}

/// The parent entity of a count or sum (`count(Parent, ..)`), in a constant.
#[allow(clippy::panic)] // in a constant: the panic is a compile error at the child
pub const fn parent_entity<P: crate::DynamoItem>() -> &'static EntityDef {
    match P::ENTITY {
        Some(entity) => entity,
        None => panic!("the parent of a count or sum is an entity of the same table"),
    }
}

/// Whether `P` stores an attribute named `name`, in a constant.
#[allow(clippy::indexing_slicing)] // in a constant: an index out of range fails the build
pub const fn has_attribute<P: crate::DynamoItem>(name: &str) -> bool {
    let mut i = 0;
    while i < P::ATTRIBUTES.len() {
        if same_text(P::ATTRIBUTES[i], name) {
            return true;
        }
        i += 1;
    }
    false
}

/// Whether `names` are exactly the fields of `P`'s key templates, in a constant: a
/// child names every field of its parent's key, and nothing else.
#[allow(clippy::indexing_slicing)] // in a constant: an index out of range fails the build
pub const fn names_key_fields<P: crate::DynamoItem>(names: &[&str]) -> bool {
    let entity = parent_entity::<P>();
    let templates = [
        Some(&entity.primary.partition),
        entity.primary.sort.as_ref(),
    ];
    let mut found = 0;
    let mut t = 0;
    while t < templates.len() {
        if let Some(template) = templates[t] {
            let mut p = 0;
            while p < template.parts.len() {
                if let Part::Field(i) = template.parts[p] {
                    let field = entity.segments[i].name;
                    let mut n = 0;
                    let mut named = false;
                    while n < names.len() {
                        named = named || same_text(names[n], field);
                        n += 1;
                    }
                    if !named {
                        return false;
                    }
                    found += 1;
                }
                p += 1;
            }
        }
        t += 1;
    }
    found >= names.len()
}

/// Compiles only for a field whose values can be summed: a whole number.
pub const fn summable<V: Summable>() {}

/// A type a `sum` adds up: a whole number, or an `Option` of one (absent adds 0).
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be summed on a parent",
    label = "a `sum` adds up whole numbers (integer types, optionally in an Option)",
    note = "the parent's attribute is kept with exact whole-number additions"
)]
pub trait Summable {}

macro_rules! summable {
    ($($t:ty),*) => {$(
        impl Summable for $t {}
        impl Summable for Option<$t> {}
    )*};
}

summable!(i8, i16, i32, i64, u8, u16, u32, u64);
