//! Typed attribute paths: `Order::fields().address.city` is a path to a `String`
//! inside items of type `Order`. Paths are `Copy` zero-cost values whose type carries the
//! item type they belong to and the Rust type of the value they reach, so the compiler
//! checks every update, condition and projection built from them.
//!
//! A path is a chain of small `Copy` links — [`Root`], then [`Field`], [`ListItem`] or
//! [`MapEntry`] — ending in a path type that says what can be done with the value:
//! [`Leaf`] (any stored value), [`ReadOnly`] (keys and the version), [`OptionPath`],
//! [`ListPath`], [`MapPath`], [`SerdeLeaf`], or the `…Fields` struct the derive
//! generates for a nested struct.

mod capabilities;
mod kinds;
mod links;

pub use crate::attr_path::{AttrPath, PathStep};
pub use crate::value::{EpochMillis, EpochSeconds, EpochUnit};
pub use capabilities::{
    Containable, IntoValue, ListElement, ListValue, Numeric, Removable, SetValue, Settable,
    VersionNumber,
};
pub use kinds::{
    Codec, Encrypted, EpochPath, Leaf, ListPath, MapPath, OptionPath, ReadOnly, SerdeLeaf, TtlPath,
    WithPath,
};
pub use links::{Field, FieldName, ListItem, MapEntry, PathParent, Root};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::ConversionError;

/// A typed path to an attribute of items of type `Root`, holding a `Value`.
///
/// ```
/// use dynamap::path::TypedPath;
/// use dynamap::DynamoItem;
///
/// #[derive(DynamoItem)]
/// struct User {
///     #[dynamo(partition_key)]
///     id: String,
///     #[dynamo(rename = "n")]
///     name: String,
/// }
///
/// let f = User::fields();
/// assert_eq!(f.name.attr_path().to_string(), "n"); // the stored name
/// ```
pub trait TypedPath: Copy {
    /// The item type the path starts from.
    type Root;
    /// The Rust type of the value at the end of the path.
    type Value;

    /// The document path, for expressions.
    fn attr_path(&self) -> AttrPath;

    /// Encodes a value for this attribute (`None`: the attribute is absent).
    fn encode(value: &Self::Value) -> Result<Option<AttributeValue>, ConversionError>;

    /// [`encode`](Self::encode) of a value the caller gives up: strings move into
    /// the attribute instead of being copied (what `modify` does with its values).
    #[doc(hidden)]
    fn __encode_owned(value: Self::Value) -> Result<Option<AttributeValue>, ConversionError>
    where
        Self::Value: Sized,
    {
        Self::encode(&value)
    }
}

/// Builds a path from its parent link; how the derive and the container paths make
/// the paths of nested values.
///
/// ```
/// use dynamap::path::{FromParent, Leaf, Root, TypedPath};
/// let path: Leaf<Root<()>, u32> = FromParent::from_parent(Root::new());
/// assert_eq!(path.attr_path().to_string(), "");
/// ```
pub trait FromParent<P>: Sized {
    /// The path continuing from `parent`.
    fn from_parent(parent: P) -> Self;
}
