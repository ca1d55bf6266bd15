//! What each kind of path or value allows: the traits behind the compile errors for
//! modifying a key, adding to a string, appending to a non-list or removing a required
//! attribute.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::hash::{BuildHasher, Hash};

use super::{
    Leaf, ListPath, MapEntry, MapPath, OptionPath, PathParent, SerdeLeaf, TtlPath, TypedPath,
};
use crate::value::{DynamoValue, ScalarAttribute};

/// A path whose value may be changed by `modify`. Keys and the version are not.
///
/// ```
/// fn settable<P: dynamap::path::Settable>(_: P) {}
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String, name: String }
/// use dynamap::DynamoItem;
/// settable(User::fields().name);
/// ```
#[diagnostic::on_unimplemented(
    message = "this attribute cannot be modified",
    label = "key attributes, the version attribute and signed attributes (`sign_only`) are read-only",
    note = "to change a key, move the item with `move_item`; to change a signed attribute, write the whole item with `insert`"
)]
pub trait Settable: TypedPath {}

impl<P: PathParent, V: DynamoValue> Settable for Leaf<P, V> {}
impl<P: PathParent, V: serde::Serialize + serde::de::DeserializeOwned> Settable
    for SerdeLeaf<P, V>
{
}
impl<P: PathParent, T: DynamoValue> Settable for OptionPath<P, T> {}
impl<P: PathParent, V: crate::value::TtlValue> Settable for TtlPath<P, V> {}
impl<P: PathParent, V, C: super::Codec<V>> Settable for super::WithPath<P, V, C> {}
impl<P: PathParent, V: crate::value::EpochTime, U: crate::value::EpochUnit> Settable
    for super::EpochPath<P, V, U>
{
}
impl<P: PathParent, T: crate::value::EpochTime, U: crate::value::EpochUnit> Removable
    for super::EpochPath<P, Option<T>, U>
{
}
impl<P: PathParent, T: DynamoValue> Settable for ListPath<P, T> {}
impl<P: PathParent, T: DynamoValue, M: DynamoValue> Settable for MapPath<P, T, M> {}

/// A path whose attribute may be removed: `Option` fields and map entries, since
/// removing a required attribute would leave an item that no longer reads back.
///
/// ```
/// fn removable<P: dynamap::path::Removable>(_: P) {}
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String, nick: Option<String> }
/// use dynamap::DynamoItem;
/// removable(User::fields().nick);
/// ```
#[diagnostic::on_unimplemented(
    message = "only optional attributes can be removed",
    label = "this attribute is required: removing it would leave an item that no longer reads back",
    note = "make the field an Option<_> to allow removing it, or `set` a new value; map entries (`.key(k)`) can always be removed"
)]
pub trait Removable: Settable {}

impl<P: PathParent, T: DynamoValue> Removable for OptionPath<P, T> {}
impl<P: PathParent, T: crate::value::TtlValue> Removable for TtlPath<P, Option<T>> where
    Option<T>: crate::value::TtlValue
{
}

// A map entry can always go: the map stays readable without it.
impl<P: PathParent, V: DynamoValue> Removable for Leaf<MapEntry<'_, P>, V> {}
impl<P: PathParent, T: DynamoValue> Removable for ListPath<MapEntry<'_, P>, T> {}
impl<P: PathParent, T: DynamoValue, M: DynamoValue> Removable for MapPath<MapEntry<'_, P>, T, M> {}

/// A number attribute: what `add` and `subtract` work on.
///
/// ```
/// fn number<V: dynamap::path::Numeric>() {}
/// number::<i64>();
/// number::<Option<f64>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a number",
    label = "`add` and `subtract` need a numeric attribute",
    note = "use `set` to change a value that is not a number"
)]
pub trait Numeric {
    /// The number type added.
    type Number: DynamoValue;
}

macro_rules! numeric {
    ($($t:ty),*) => {$(
        impl Numeric for $t {
            type Number = $t;
        }

        impl ListElement for $t {}
    )*};
}

numeric!(i8, i16, i32, i64, i128, isize, u16, u32, u64, u128, usize, f32, f64);

impl Numeric for u8 {
    type Number = u8;
}

impl<N: Numeric> Numeric for Option<N> {
    type Number = N::Number;
}

/// A type that may be an element of a list (`L`): everything but `u8`, because a
/// `Vec<u8>` is stored as binary.
///
/// ```
/// fn element<T: dynamap::path::ListElement>() {}
/// element::<String>();
/// ```
pub trait ListElement: DynamoValue {}

impl ListElement for String {}
impl ListElement for bool {}
impl ListElement for bytes::Bytes {}
impl ListElement for aws_smithy_types::Blob {}
impl<T: DynamoValue> ListElement for Option<T> {}
impl<T: DynamoValue> ListElement for Box<T> {}
impl<T: DynamoValue> ListElement for Vec<T> {}
impl<T: DynamoValue, S: BuildHasher + Default> ListElement for HashMap<String, T, S> {}
impl<T: DynamoValue> ListElement for BTreeMap<String, T> {}
impl<T: ScalarAttribute + Eq + Hash, S: BuildHasher + Default> ListElement for HashSet<T, S> {}
impl<T: ScalarAttribute + Ord> ListElement for BTreeSet<T> {}

/// A list attribute: what `append` and `prepend` work on.
///
/// ```
/// fn list<V: dynamap::path::ListValue>() {}
/// list::<Vec<String>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list",
    label = "`append` and `prepend` need a list attribute (a Vec<T>, not Vec<u8>, which is binary)",
    note = "use `insert_into` for sets, or `set` for other values"
)]
pub trait ListValue {
    /// The element type.
    type Element: ListElement;
}

impl<T: ListElement> ListValue for Vec<T> {
    type Element = T;
}

impl<L: ListValue> ListValue for Option<L> {
    type Element = L::Element;
}

/// A set attribute: what `insert_into` and `delete_from` work on.
///
/// ```
/// fn set<V: dynamap::path::SetValue>() {}
/// set::<std::collections::HashSet<String>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a set",
    label = "`insert_into` and `delete_from` need a set attribute (HashSet or BTreeSet)",
    note = "use `append` for lists, or `set` for other values"
)]
pub trait SetValue {
    /// The element type.
    type Element: ScalarAttribute;
}

impl<T: ScalarAttribute + Eq + Hash, S: BuildHasher + Default> SetValue for HashSet<T, S> {
    type Element = T;
}

impl<T: ScalarAttribute + Ord> SetValue for BTreeSet<T> {
    type Element = T;
}

impl<S: SetValue> SetValue for Option<S> {
    type Element = S::Element;
}

/// A value that `contains` can search: a string (substring), a set or a list (element).
///
/// ```
/// fn searchable<V: dynamap::path::Containable>() {}
/// searchable::<String>();
/// searchable::<Vec<u32>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`contains` cannot search a `{Self}`",
    label = "`contains` works on strings, sets and lists"
)]
pub trait Containable {
    /// What is searched for.
    type Needle: DynamoValue;
}

impl Containable for String {
    type Needle = String;
}

impl<T: ListElement> Containable for Vec<T> {
    type Needle = T;
}

impl<T: ScalarAttribute + Eq + Hash, S: BuildHasher + Default> Containable for HashSet<T, S> {
    type Needle = T;
}

impl<T: ScalarAttribute + Ord> Containable for BTreeSet<T> {
    type Needle = T;
}

impl<C: Containable> Containable for Option<C> {
    type Needle = C::Needle;
}

/// A value accepted where a `V` is stored: `V` itself, `T` for an `Option<T>`, and
/// `&str` for strings. One impl per target, so integer literals infer their type from
/// the attribute.
///
/// ```
/// use dynamap::path::IntoValue;
/// let s: String = "abc".into_value();
/// let n: Option<u64> = 5.into_value();
/// assert_eq!((s.as_str(), n), ("abc", Some(5)));
/// ```
#[diagnostic::on_unimplemented(
    message = "a `{Self}` cannot be stored in an attribute of type `{V}`",
    label = "expected a `{V}` here"
)]
pub trait IntoValue<V> {
    /// Converts into the attribute's type.
    fn into_value(self) -> V;
}

impl<T> IntoValue<T> for T {
    fn into_value(self) -> T {
        self
    }
}

impl<T> IntoValue<Option<T>> for T {
    fn into_value(self) -> Option<T> {
        Some(self)
    }
}

impl IntoValue<String> for &str {
    fn into_value(self) -> String {
        self.to_owned()
    }
}

impl IntoValue<Option<String>> for &str {
    fn into_value(self) -> Option<String> {
        Some(self.to_owned())
    }
}

/// An integer usable as an optimistic-locking version (`#[dynamo(version)]`).
///
/// ```
/// use dynamap::path::VersionNumber;
/// assert_eq!(7u32.to_version(), Some(7));
/// assert_eq!(u32::from_version(8), Some(8u32));
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a version",
    label = "#[dynamo(version)] needs an integer field"
)]
pub trait VersionNumber: Copy {
    /// The version as a `u64`; `None` when negative.
    fn to_version(self) -> Option<u64>;
    /// A `u64` version as this type; `None` when it does not fit.
    fn from_version(version: u64) -> Option<Self>;
}

macro_rules! version_number {
    ($($t:ty),*) => {$(
        impl VersionNumber for $t {
            fn to_version(self) -> Option<u64> {
                u64::try_from(self).ok()
            }

            fn from_version(version: u64) -> Option<Self> {
                <$t>::try_from(version).ok()
            }
        }
    )*};
}

version_number!(i8, i16, i32, i64, i128, isize, u8, u16, u32, u64, u128, usize);
