//! Stored values: conversions between Rust values and DynamoDB attribute values, the
//! traits that say what a type can be (a key, a time, a time to live), and an item's size.
//!
//! [`DynamoValue`] is implemented for the types dynamap stores natively; the derive
//! macros implement it for your structs and unit enums, and `#[dynamo(serde)]` stores
//! any serde type through serde_dynamo.
//!
//! ```
//! use dynamap::value::{item_size, Item, MAX_ITEM_SIZE};
//! let item = Item::new();
//! assert!(item_size(&item) <= MAX_ITEM_SIZE);
//! ```

mod borrowed;
#[cfg(feature = "chrono")]
mod chrono_time;
mod collections;
#[cfg(feature = "rust_decimal")]
mod decimal;
mod epoch;
#[cfg(feature = "serde_json")]
mod json;
mod number;
mod scalar;
#[doc(hidden)]
pub mod serde_bridge;
mod serde_value;
mod system_time;
#[cfg(feature = "time")]
mod time_crate;
mod time_text;
mod timestamp;
#[cfg(feature = "uuid")]
mod uuid_string;
pub(crate) use epoch::{decode as decode_epoch, encode as encode_epoch};
pub use epoch::{EpochMillis, EpochSeconds, EpochTime, EpochUnit};
pub(crate) use number::canonical_number;
pub use serde_value::Serde;
pub use system_time::TtlValue;
pub use time_text::{Micros, Millis, Nanos, PointInTime, TimeText};

pub use crate::limits::MAX_ITEM_SIZE;
pub use crate::sdk_item::Item;
pub use crate::size::item_size;

pub(crate) use borrowed::owned_item;
#[doc(hidden)]
pub use borrowed::{parse_or_owned, AttributeSource, ScalarText};
pub(crate) use collections::{encode_list_owned, encode_set_elements};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::ConversionError;

/// A Rust type that can be stored as one DynamoDB attribute value.
///
/// | Rust | DynamoDB |
/// |---|---|
/// | `String`, unit enums (derived) | `S` |
/// | integers up to `i128`/`u128`, `f32`, `f64` | `N` |
/// | `bool` | `BOOL` |
/// | `Vec<u8>`, `bytes::Bytes`, `Blob` | `B` |
/// | `Option<T>` | `T`, or no attribute for `None` (`NULL` inside lists and maps) |
/// | `Vec<T>` | `L` |
/// | `HashMap<String, T>`, `BTreeMap<String, T>`, structs (derived) | `M` |
/// | `HashSet`/`BTreeSet` of strings, numbers, bytes | `SS`, `NS`, `BS` (empty: no attribute) |
///
/// The types of optional features (uuid, chrono, time, rust_decimal, serde_json) and
/// newtypes are in the [crate documentation's table](crate#types).
///
/// ## Implementing it by hand
///
/// Derive it where you can (a newtype derives in one line). For a type of your own with
/// its own stored form: three items, and one line for `Path`, which says what a typed
/// path to such a value can do ([`Leaf`](crate::path::Leaf): set it, compare it; right
/// for any value). Add [`ScalarAttribute`] and [`KeyAttribute`] to make it a key, or
/// store a foreign type through a module with `#[dynamo(with = "module")]`.
///
/// ```
/// use aws_sdk_dynamodb::types::AttributeValue;
/// use dynamap::{error::ConversionError, DynamoValue};
///
/// /// Stored as "#rrggbb".
/// #[derive(Debug, Clone, Copy, PartialEq)]
/// struct Rgb(u8, u8, u8);
///
/// impl DynamoValue for Rgb {
///     type Path<P: dynamap::path::PathParent> = dynamap::path::Leaf<P, Self>;
///
///     const EXPECTED: &'static str = "a color as #rrggbb (S)";
///
///     fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError> {
///         let text = format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2);
///         Ok(Some(AttributeValue::S(text)))
///     }
///
///     fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError> {
///         let text = match value {
///             AttributeValue::S(s) => s,
///             other => return Err(ConversionError::unexpected(Self::EXPECTED, &other)),
///         };
///         let byte = |i: usize| text.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok());
///         match (text.len(), byte(1), byte(3), byte(5)) {
///             (7, Some(r), Some(g), Some(b)) => Ok(Rgb(r, g, b)),
///             _ => Err(ConversionError::new(Self::EXPECTED, text)),
///         }
///     }
/// }
///
/// let stored = Rgb(255, 128, 0).to_attribute_value()?.unwrap();
/// assert_eq!(stored, AttributeValue::S("#ff8000".into()));
/// assert_eq!(Rgb::from_attribute_value(stored)?, Rgb(255, 128, 0));
/// # Ok::<(), ConversionError>(())
/// ```
///
/// ```
/// use dynamap::DynamoValue;
/// use aws_sdk_dynamodb::types::AttributeValue;
///
/// assert_eq!(42u32.to_attribute_value()?, Some(AttributeValue::N("42".into())));
/// assert_eq!(u32::from_attribute_value(AttributeValue::N("42".into()))?, 42);
/// assert_eq!(None::<String>.to_attribute_value()?, None); // stored as no attribute
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be stored as a DynamoDB attribute",
    label = "dynamap has no conversion for this type",
    note = "derive `DynamoValue` (or `DynamoItem`) for your own types, or mark the field #[dynamo(serde)] to store it through serde"
)]
pub trait DynamoValue: Sized {
    /// The typed path to an attribute of this type, under `P`: what
    /// `Order::fields().address` is. Most types use [`Leaf`](crate::path::Leaf); the
    /// derive gives structs a path with one field per attribute.
    type Path<P: crate::path::PathParent>: crate::path::TypedPath<Root = P::Root, Value = Self>
        + crate::path::FromParent<P>;

    /// What the type is stored as, for error messages ("a string (S)").
    ///
    /// ```
    /// use dynamap::DynamoValue;
    /// assert_eq!(<Vec<String> as DynamoValue>::EXPECTED, "a list (L)");
    /// ```
    const EXPECTED: &'static str;

    /// Encodes the value; `None` means the attribute is left out of the item
    /// (an `Option::None`, an empty set).
    ///
    /// ```
    /// use dynamap::DynamoValue;
    /// use aws_sdk_dynamodb::types::AttributeValue;
    /// assert_eq!(true.to_attribute_value()?, Some(AttributeValue::Bool(true)));
    /// assert_eq!(std::collections::HashSet::<String>::new().to_attribute_value()?, None);
    /// assert!(f64::NAN.to_attribute_value().is_err());
    /// # Ok::<(), dynamap::error::ConversionError>(())
    /// ```
    fn to_attribute_value(&self) -> Result<Option<AttributeValue>, ConversionError>;

    /// [`to_attribute_value`](Self::to_attribute_value) of a value given up: a type
    /// that owns its text moves it into the attribute instead of copying it.
    #[doc(hidden)]
    #[inline]
    fn __into_attribute_value(self) -> Result<Option<AttributeValue>, ConversionError>
    where
        Self: Sized,
    {
        self.to_attribute_value()
    }

    /// Decodes a value read from the table.
    ///
    /// ```
    /// use dynamap::DynamoValue;
    /// use aws_sdk_dynamodb::types::AttributeValue;
    /// assert_eq!(String::from_attribute_value(AttributeValue::S("hi".into()))?, "hi");
    /// assert!(u8::from_attribute_value(AttributeValue::N("256".into())).is_err());
    /// # Ok::<(), dynamap::error::ConversionError>(())
    /// ```
    fn from_attribute_value(value: AttributeValue) -> Result<Self, ConversionError>;

    /// The value of an attribute that is absent: an error unless the type has a
    /// natural "nothing" (`None`, an empty set).
    ///
    /// ```
    /// use dynamap::DynamoValue;
    /// assert_eq!(Option::<u32>::from_missing()?, None);
    /// assert!(u32::from_missing().is_err());
    /// # Ok::<(), dynamap::error::ConversionError>(())
    /// ```
    fn from_missing() -> Result<Self, ConversionError> {
        Err(ConversionError::missing(Self::EXPECTED))
    }

    /// Encodes a `Vec<Self>`. A list (`L`) unless a type stores its vectors otherwise
    /// (`Vec<u8>` is binary); this indirection is how `Vec<u8>` gets its own encoding
    /// without specialisation.
    #[doc(hidden)]
    fn __encode_vec(items: &[Self]) -> Result<AttributeValue, ConversionError> {
        collections::encode_list(items.iter())
    }

    /// Decodes a `Vec<Self>`; see [`DynamoValue::__encode_vec`].
    #[doc(hidden)]
    fn __decode_vec(value: AttributeValue) -> Result<Vec<Self>, ConversionError> {
        collections::decode_list(value)
    }

    /// Decodes a scalar whose text is borrowed (a Lambda record's image). Types that
    /// parse their text override it to skip the copy; the result is always what
    /// [`from_attribute_value`](DynamoValue::from_attribute_value) gives for the owned value.
    #[doc(hidden)]
    #[inline]
    fn __from_text(text: ScalarText<'_>) -> Result<Self, ConversionError> {
        Self::from_attribute_value(text.to_owned_value())
    }

    /// What a `#[dynamo(ttl)]` field of this type is stored as, when that is not its
    /// usual form: times override it with their [`TtlValue`] (whole epoch seconds, which
    /// DynamoDB's time to live reads); integers are epoch seconds already (`None`).
    #[doc(hidden)]
    #[inline]
    fn __time_to_live(&self) -> Option<Result<Option<AttributeValue>, ConversionError>> {
        None
    }
}

/// The three DynamoDB scalar types that keys and sets are made of.
///
/// ```
/// use dynamap::{value::ScalarAttribute, value::ScalarType};
/// assert_eq!(<u64 as ScalarAttribute>::SCALAR_TYPE, ScalarType::Number);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ScalarType {
    /// `S`
    String,
    /// `N`
    Number,
    /// `B`
    Binary,
}

impl ScalarType {
    /// The SDK's name for this type, for table definitions.
    ///
    /// ```
    /// use aws_sdk_dynamodb::types::ScalarAttributeType;
    /// assert_eq!(dynamap::value::ScalarType::Binary.to_sdk(), ScalarAttributeType::B);
    /// ```
    pub fn to_sdk(self) -> aws_sdk_dynamodb::types::ScalarAttributeType {
        use aws_sdk_dynamodb::types::ScalarAttributeType as S;
        match self {
            ScalarType::String => S::S,
            ScalarType::Number => S::N,
            ScalarType::Binary => S::B,
        }
    }
}

/// A value stored as a DynamoDB scalar (string, number or binary): what sets hold.
///
/// ```
/// use std::collections::BTreeSet;
/// use dynamap::DynamoValue;
/// let tags: BTreeSet<String> = ["a".to_string()].into();
/// assert!(matches!(tags.to_attribute_value()?, Some(aws_sdk_dynamodb::types::AttributeValue::Ss(_))));
/// # Ok::<(), dynamap::error::ConversionError>(())
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be an element of a DynamoDB set",
    label = "sets hold strings, integers or bytes only",
    note = "DynamoDB has string sets (SS), number sets (NS) and binary sets (BS); store other collections as a Vec (L)"
)]
pub trait ScalarAttribute: DynamoValue {
    /// Which scalar type the value is stored as.
    const SCALAR_TYPE: ScalarType;
}

/// A type that can be a partition or sort key: a string, an integer, or bytes.
///
/// ```
/// use dynamap::value::KeyAttribute;
/// fn key_type<K: KeyAttribute>() -> dynamap::value::ScalarType { K::SCALAR_TYPE }
/// assert_eq!(key_type::<String>(), dynamap::value::ScalarType::String);
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` cannot be a DynamoDB key attribute",
    label = "key fields must be String, an integer type, or bytes (Vec<u8>)",
    note = "DynamoDB keys are scalars of type S, N or B, and never optional"
)]
pub trait KeyAttribute: ScalarAttribute + Clone {}
