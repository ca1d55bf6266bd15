//! The path types at the end of a chain; each says what can be done with its value.

use std::marker::PhantomData;
use std::ops::Deref;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::{de::DeserializeOwned, Serialize};

use super::{AttrPath, FromParent, ListItem, MapEntry, PathParent, TypedPath};
use crate::error::ConversionError;
use crate::value::DynamoValue;

fn path_of<P: PathParent>(parent: &P) -> AttrPath {
    AttrPath::of_parent(parent)
}

/// `Clone` and `Copy` without bounds on the phantom value type.
macro_rules! copy_path {
    ($name:ident < $p:ident, $($v:ident),* >) => {
        impl<$p: Copy, $($v),*> Clone for $name<$p, $($v),*> {
            fn clone(&self) -> Self {
                *self
            }
        }

        impl<$p: Copy, $($v),*> Copy for $name<$p, $($v),*> {}

        impl<$p, $($v),*> FromParent<$p> for $name<$p, $($v),*> {
            fn from_parent(parent: $p) -> Self {
                $name { parent, value: PhantomData }
            }
        }
    };
}

/// The `TypedPath` of a path to a value stored through [`DynamoValue`].
macro_rules! value_path {
    ($name:ident) => {
        impl<P: PathParent, V: DynamoValue> TypedPath for $name<P, V> {
            type Root = P::Root;
            type Value = V;

            fn attr_path(&self) -> AttrPath {
                path_of(&self.parent)
            }

            fn encode(value: &V) -> Result<Option<AttributeValue>, ConversionError> {
                value.to_attribute_value()
            }

            fn __encode_owned(value: V) -> Result<Option<AttributeValue>, ConversionError> {
                value.__into_attribute_value()
            }
        }
    };
}

/// A path to a value stored through [`DynamoValue`]: settable and comparable.
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String, age: u8 }
/// use dynamap::DynamoItem;
/// let age: dynamap::path::Leaf<_, u8> = User::fields().age;
/// ```
pub struct Leaf<P, V> {
    parent: P,
    value: PhantomData<fn() -> V>,
}

copy_path!(Leaf<P, V>);

value_path!(Leaf);

/// A path to a key attribute, the version or a signed attribute (`#[dynamo(sign_only)]`):
/// it can be read and compared, never modified (changing a key would make another item;
/// the version is dynamap's; the encryption SDK refuses UpdateItem on signed attributes).
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// use dynamap::DynamoItem;
/// let id: dynamap::path::ReadOnly<_, String> = User::fields().id;
/// ```
pub struct ReadOnly<P, V> {
    parent: P,
    value: PhantomData<fn() -> V>,
}

copy_path!(ReadOnly<P, V>);

value_path!(ReadOnly);

/// A path to an encrypted attribute (`#[dynamo(encrypt)]`): DynamoDB holds only its
/// ciphertext, so it can be neither tested in a condition or filter nor changed by
/// `modify`; it is not a [`TypedPath`], and those calls do not compile.
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String, #[dynamo(encrypt)] email: String }
/// use dynamap::DynamoItem;
/// let email: dynamap::path::Encrypted<_, String> = User::fields().email;
/// ```
pub struct Encrypted<P, V> {
    // Kept so the path's type names where it starts; nothing reads it.
    #[allow(dead_code)]
    parent: P,
    value: PhantomData<fn() -> V>,
}

copy_path!(Encrypted<P, V>);

/// A path to a `#[dynamo(serde)]` field: values go through serde_dynamo.
///
/// ```
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Prefs { dark: bool }
/// #[derive(dynamap::DynamoItem)]
/// struct User { #[dynamo(partition_key)] id: String, #[dynamo(serde)] prefs: Prefs }
/// use dynamap::DynamoItem;
/// let prefs: dynamap::path::SerdeLeaf<_, Prefs> = User::fields().prefs;
/// ```
pub struct SerdeLeaf<P, V> {
    parent: P,
    value: PhantomData<fn() -> V>,
}

copy_path!(SerdeLeaf<P, V>);

impl<P: PathParent, V: Serialize + DeserializeOwned> TypedPath for SerdeLeaf<P, V> {
    type Root = P::Root;
    type Value = V;

    fn attr_path(&self) -> AttrPath {
        path_of(&self.parent)
    }

    fn encode(value: &V) -> Result<Option<AttributeValue>, ConversionError> {
        crate::value::serde_bridge::to_attribute_value(value)
    }
}

/// A path to an `Option<T>`: settable to `None` (which removes the attribute) and
/// removable; dereferences to `T`'s path, so `f.address.city` works through an
/// `Option<Address>`.
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String, nick: Option<String> }
/// use dynamap::DynamoItem;
/// let nick: dynamap::path::OptionPath<_, String> = User::fields().nick;
/// ```
pub struct OptionPath<P: PathParent, T: DynamoValue> {
    inner: T::Path<P>,
}

impl<P: PathParent, T: DynamoValue> Clone for OptionPath<P, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P: PathParent, T: DynamoValue> Copy for OptionPath<P, T> {}

impl<P: PathParent, T: DynamoValue> FromParent<P> for OptionPath<P, T> {
    fn from_parent(parent: P) -> Self {
        OptionPath {
            inner: T::Path::from_parent(parent),
        }
    }
}

impl<P: PathParent, T: DynamoValue> TypedPath for OptionPath<P, T> {
    type Root = P::Root;
    type Value = Option<T>;

    fn attr_path(&self) -> AttrPath {
        self.inner.attr_path()
    }

    fn encode(value: &Option<T>) -> Result<Option<AttributeValue>, ConversionError> {
        value.to_attribute_value()
    }

    fn __encode_owned(value: Option<T>) -> Result<Option<AttributeValue>, ConversionError> {
        value.__into_attribute_value()
    }
}

impl<P: PathParent, T: DynamoValue> Deref for OptionPath<P, T> {
    type Target = T::Path<P>;

    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

/// A path to a `Vec<T>` (a list): `.at(i)` reaches an element.
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct Post { #[dynamo(partition_key)] id: String, tags: Vec<String> }
/// use dynamap::DynamoItem;
/// use dynamap::path::TypedPath;
/// assert_eq!(Post::fields().tags.at(2).attr_path().to_string(), "tags[2]");
/// ```
pub struct ListPath<P, T> {
    parent: P,
    value: PhantomData<fn() -> T>,
}

copy_path!(ListPath<P, T>);

impl<P: PathParent, T: DynamoValue> ListPath<P, T> {
    /// The element at `index`.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Post { #[dynamo(partition_key)] id: String, scores: Vec<u32> }
    /// use dynamap::DynamoItem;
    /// let first = Post::fields().scores.at(0);
    /// ```
    pub fn at(&self, index: usize) -> T::Path<ListItem<P>> {
        FromParent::from_parent(ListItem::new(self.parent, index))
    }
}

impl<P: PathParent, T: DynamoValue> TypedPath for ListPath<P, T> {
    type Root = P::Root;
    type Value = Vec<T>;

    fn attr_path(&self) -> AttrPath {
        path_of(&self.parent)
    }

    fn encode(value: &Vec<T>) -> Result<Option<AttributeValue>, ConversionError> {
        value.to_attribute_value()
    }
}

/// A path to a map (`HashMap<String, T>` or `BTreeMap<String, T>`): `.key(k)` reaches
/// an entry.
///
/// ```
/// # use std::collections::HashMap;
/// # #[derive(dynamap::DynamoItem)]
/// # struct Account { #[dynamo(partition_key)] id: String, limits: HashMap<String, u32> }
/// use dynamap::DynamoItem;
/// use dynamap::path::TypedPath;
/// assert_eq!(Account::fields().limits.key("daily").attr_path().to_string(), "limits.daily");
/// ```
pub struct MapPath<P, T, M> {
    parent: P,
    value: PhantomData<fn() -> (T, M)>,
}

impl<P: Copy, T, M> Clone for MapPath<P, T, M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P: Copy, T, M> Copy for MapPath<P, T, M> {}

impl<P, T, M> FromParent<P> for MapPath<P, T, M> {
    fn from_parent(parent: P) -> Self {
        MapPath {
            parent,
            value: PhantomData,
        }
    }
}

impl<P: PathParent, T: DynamoValue, M> MapPath<P, T, M> {
    /// The entry under `key`.
    ///
    /// ```
    /// # use std::collections::BTreeMap;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Account { #[dynamo(partition_key)] id: String, limits: BTreeMap<String, u32> }
    /// use dynamap::DynamoItem;
    /// let daily = Account::fields().limits.key("daily");
    /// ```
    pub fn key<'k>(&self, key: &'k str) -> T::Path<MapEntry<'k, P>> {
        FromParent::from_parent(MapEntry::new(self.parent, key))
    }
}

impl<P: PathParent, T: DynamoValue, M: DynamoValue> TypedPath for MapPath<P, T, M> {
    type Root = P::Root;
    type Value = M;

    fn attr_path(&self) -> AttrPath {
        path_of(&self.parent)
    }

    fn encode(value: &M) -> Result<Option<AttributeValue>, ConversionError> {
        value.to_attribute_value()
    }
}

/// The path to the `#[dynamo(ttl)]` field: values set or compared through it are
/// encoded as the item stores them, whole epoch seconds rounded up
/// ([`TtlValue`](crate::value::TtlValue)).
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct Session { #[dynamo(partition_key)] id: String, #[dynamo(ttl)] expires: std::time::SystemTime }
/// use dynamap::DynamoItem;
/// let expires: dynamap::path::TtlPath<_, std::time::SystemTime> = Session::fields().expires;
/// ```
pub struct TtlPath<P, V> {
    parent: P,
    value: PhantomData<fn() -> V>,
}

copy_path!(TtlPath<P, V>);

impl<P: PathParent, V: crate::value::TtlValue> TypedPath for TtlPath<P, V> {
    type Root = P::Root;
    type Value = V;

    fn attr_path(&self) -> AttrPath {
        path_of(&self.parent)
    }

    fn encode(value: &V) -> Result<Option<AttributeValue>, ConversionError> {
        value.to_ttl_attribute()
    }
}

/// How a `#[dynamo(with = "module")]` field encodes a value: implemented by the derive
/// from the module's `to_stored`, so values set or compared through the field's path
/// ([`WithPath`]) are stored as the field stores them.
pub trait Codec<V> {
    /// Encodes `value` as the field stores it.
    fn encode(value: &V) -> Result<Option<AttributeValue>, ConversionError>;
}

/// The path to a `#[dynamo(with = "module")]` field: values set or compared through it
/// go through the module, as the item stores them.
///
/// ```
/// mod upper {
///     use dynamap::error::ConversionError;
///     pub fn to_stored(name: &String) -> Result<String, ConversionError> {
///         Ok(name.to_uppercase())
///     }
///     pub fn from_stored(stored: String) -> Result<String, ConversionError> {
///         Ok(stored.to_lowercase())
///     }
/// }
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String, #[dynamo(with = "upper")] name: String }
/// use dynamap::DynamoItem;
/// let name = User::fields().name; // a WithPath
/// ```
pub struct WithPath<P, V, C> {
    parent: P,
    value: PhantomData<fn() -> (V, C)>,
}

copy_path!(WithPath<P, V, C>);

impl<P: PathParent, V, C: Codec<V>> TypedPath for WithPath<P, V, C> {
    type Root = P::Root;
    type Value = V;

    fn attr_path(&self) -> AttrPath {
        path_of(&self.parent)
    }

    fn encode(value: &V) -> Result<Option<AttributeValue>, ConversionError> {
        C::encode(value)
    }
}

/// The path to a `#[dynamo(epoch_seconds)]` or `#[dynamo(epoch_millis)]` field: values
/// set or compared through it are stored as the field stores them, an epoch number in
/// unit `U`.
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct Event { #[dynamo(partition_key)] id: String, #[dynamo(epoch_millis)] at: std::time::SystemTime }
/// use dynamap::DynamoItem;
/// use dynamap::path::{EpochMillis, EpochPath};
/// let at = Event::fields().at; // an EpochPath<_, SystemTime, EpochMillis>
/// ```
pub struct EpochPath<P, V, U> {
    parent: P,
    value: PhantomData<fn() -> (V, U)>,
}

copy_path!(EpochPath<P, V, U>);

impl<P: PathParent, V: crate::value::EpochTime, U: crate::value::EpochUnit> TypedPath
    for EpochPath<P, V, U>
{
    type Root = P::Root;
    type Value = V;

    fn attr_path(&self) -> AttrPath {
        path_of(&self.parent)
    }

    fn encode(value: &V) -> Result<Option<AttributeValue>, ConversionError> {
        crate::value::encode_epoch::<V, U>(value)
    }
}
