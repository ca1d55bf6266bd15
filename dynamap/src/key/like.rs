//! Naming an item by its key without building the owned key type: `get("u1")`,
//! `get(&("alice", 7))`, as well as `get(&key)`.

use std::borrow::Cow;

use crate::error::Result;
use crate::item::DynamoItem;
use crate::sdk_item::Item;
use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::ConversionError;
use crate::value::{KeyAttribute, ScalarType};

/// One key value given as `A` or a borrowed form of it (`&str` for `String`,
/// `&[u8]` for `Vec<u8>`).
///
/// ```
/// use dynamap::schema::KeyPart;
/// let part: std::borrow::Cow<'_, String> = KeyPart::<String>::to_part("alice");
/// assert_eq!(part.as_str(), "alice");
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot name a key value of type `{A}`",
    label = "expected a `{A}` (or a borrowed form of it) here"
)]
pub trait KeyPart<A: Clone> {
    /// The value as the key's own type, borrowed when it already is one.
    fn to_part(&self) -> Cow<'_, A>;
}

impl<A: KeyAttribute> KeyPart<A> for A {
    #[inline]
    fn to_part(&self) -> Cow<'_, A> {
        Cow::Borrowed(self)
    }
}

impl KeyPart<String> for str {
    #[inline]
    fn to_part(&self) -> Cow<'_, String> {
        Cow::Owned(self.to_owned())
    }
}

impl KeyPart<String> for &str {
    #[inline]
    fn to_part(&self) -> Cow<'_, String> {
        Cow::Owned((*self).to_owned())
    }
}

impl KeyPart<Vec<u8>> for [u8] {
    #[inline]
    fn to_part(&self) -> Cow<'_, Vec<u8>> {
        Cow::Owned(self.to_vec())
    }
}

impl KeyPart<Vec<u8>> for &[u8] {
    #[inline]
    fn to_part(&self) -> Cow<'_, Vec<u8>> {
        Cow::Owned(self.to_vec())
    }
}

/// A value that names a key (or a partition) of type `K`: `K` itself, a borrowed form
/// of a one-value key (`"u1"` for `String`), or a tuple of parts for a key of several
/// values (`("alice", 7)` for `(String, u64)`; an entity's key is its template fields).
/// Every entry point that takes a key or a partition takes it as `&impl KeyLike<K>`:
/// `get`, `modify`, `remove`, `contains_key`, transactions, `query` (with `K` the
/// item's [`Partition`](crate::DynamoItem::Partition)), and an untyped
/// [`Mapping`](crate::Mapping)'s operations (with `K` a
/// [`DocumentKey`](crate::document::DocumentKey)).
///
/// ```
/// use dynamap::schema::KeyLike;
/// let by_parts = KeyLike::<(String, u64)>::to_key(&("alice", 7));
/// let owned: (String, u64) = ("alice".to_string(), 7);
/// assert_eq!(*by_parts, owned);
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot name a key or partition of type `{K}`",
    label = "give a `{K}`, or its parts as borrowed values"
)]
pub trait KeyLike<K: Clone> {
    /// The key, borrowed when `self` is one.
    fn to_key(&self) -> Cow<'_, K>;
}

impl<K: KeyAttribute, Q: KeyPart<K> + ?Sized> KeyLike<K> for Q {
    #[inline]
    fn to_key(&self) -> Cow<'_, K> {
        self.to_part()
    }
}

macro_rules! tuple_key {
    ($(($($a:ident $q:ident $i:tt),+)),+) => {$(
        impl<$($a: Clone,)+ $($q: KeyPart<$a>,)+> KeyLike<($($a,)+)> for ($($q,)+) {
            #[inline]
            fn to_key(&self) -> Cow<'_, ($($a,)+)> {
                Cow::Owned(($(self.$i.to_part().into_owned(),)+))
            }
        }
    )+};
}

tuple_key!(
    (A QA 0, B QB 1),
    (A QA 0, B QB 1, C QC 2),
    (A QA 0, B QB 1, C QC 2, D QD 3),
    (A QA 0, B QB 1, C QC 2, D QD 3, E QE 4),
    (A QA 0, B QB 1, C QC 2, D QD 3, E QE 4, F QF 5)
);

/// The key attributes of the item `key` names, as GetItem and DeleteItem take them.
#[inline]
pub(crate) fn key_item<T: DynamoItem, Q: KeyLike<T::Key> + ?Sized>(key: &Q) -> Result<Item> {
    // A key made from parts is already a copy: its text moves on rather than being
    // copied again.
    match key.to_key() {
        Cow::Borrowed(key) => T::key_to_item(key),
        Cow::Owned(key) => T::__key_into_item(key),
    }
}

/// The type of a whole partition key, as [`DynamoItem::Partition`] and
/// [`InIndex::Partition`](crate::single_table::InIndex::Partition) name it: one key
/// attribute's type for a plain table, the partition template's field types for an
/// entity (one type, a tuple for several fields, `()` for a template without fields).
/// A query takes its value the way `get` takes a key: by reference, as a [`KeyLike`]
/// of this type, borrowed parts accepted (`query("alice")`, `query(&("acme", 3))`).
///
/// ```
/// use dynamap::schema::PartitionValue;
/// let mut parts = Vec::new();
/// "alice".to_string().key_values(&mut parts)?;
/// 7u64.key_values(&mut parts)?;
/// ("acme".to_string(), 3u32).key_values(&mut parts)?;
/// ().key_values(&mut parts)?;
/// assert_eq!(parts.len(), 4);
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
///
/// [`DynamoItem::Partition`]: crate::DynamoItem::Partition
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be the type of a partition key",
    label = "a partition key is a key attribute's type, or a tuple of them"
)]
pub trait PartitionValue: Clone + Send + Sync + 'static {
    /// Appends the value's parts: scalar type and stored form.
    fn key_values(
        &self,
        out: &mut Vec<(ScalarType, AttributeValue)>,
    ) -> Result<(), ConversionError>;
}

impl<K: KeyAttribute + Send + Sync + 'static> PartitionValue for K {
    fn key_values(
        &self,
        out: &mut Vec<(ScalarType, AttributeValue)>,
    ) -> Result<(), ConversionError> {
        let value = self
            .to_attribute_value()?
            .ok_or_else(|| ConversionError::missing("a key value"))?;
        out.push((K::SCALAR_TYPE, value));
        Ok(())
    }
}

/// The partition of a template without fields (`pk = "ORDERS"`): it has no values.
impl PartitionValue for () {
    fn key_values(&self, _: &mut Vec<(ScalarType, AttributeValue)>) -> Result<(), ConversionError> {
        Ok(())
    }
}

/// `&()` names the one partition of a template without fields.
impl KeyLike<()> for () {
    #[inline]
    fn to_key(&self) -> Cow<'_, ()> {
        Cow::Borrowed(self)
    }
}

macro_rules! tuple_partition {
    ($(($($t:ident $i:tt),+)),+) => {$(
        impl<$($t: PartitionValue),+> PartitionValue for ($($t,)+) {
            fn key_values(
                &self,
                out: &mut Vec<(ScalarType, AttributeValue)>,
            ) -> Result<(), ConversionError> {
                $(self.$i.key_values(out)?;)+
                Ok(())
            }
        }
    )+};
}

tuple_partition!(
    (A 0, B 1),
    (A 0, B 1, C 2),
    (A 0, B 1, C 2, D 3),
    (A 0, B 1, C 2, D 3, E 4),
    (A 0, B 1, C 2, D 3, E 4, F 5)
);
