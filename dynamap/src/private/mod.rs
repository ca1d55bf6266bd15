//! Support for the code `#[derive(DynamoItem)]` and `#[derive(DynamoValue)]` generate.
//! Not a public API: names here change without notice.

pub use aws_sdk_dynamodb::types::AttributeValue;
pub use std::collections::HashMap;
pub use std::result::Result;

pub use crate::operations::patch::present_or_null;
pub use crate::value::serde_bridge;
pub use ::serde;

use crate::error::ConversionError;
use crate::item::ENCRYPTION_HEADER;
use crate::sdk_item::Item;
pub use crate::value::{AttributeSource, ScalarText};
use crate::value::{DynamoValue, KeyAttribute};

mod entities;
mod enums;
mod fields;
mod keys;
mod shapes;

pub use entities::*;
pub use enums::*;
pub use fields::*;
pub use keys::*;
pub use shapes::*;

/// A struct stored as a map of its fields: the common part of both derives.
pub trait MapCodec: Sized {
    /// Encodes every field that is not skipped.
    fn encode_fields(&self) -> Result<Item, ConversionError>;
    /// Decodes the fields out of `item`.
    #[inline]
    fn decode_fields(item: Item) -> Result<Self, ConversionError> {
        Self::decode_pairs(item)
    }

    /// Decodes the fields out of attribute pairs, in one pass: an item, or pairs made
    /// on the fly from another representation (no map is built, names are borrowed).
    fn decode_pairs<K, V, I>(pairs: I) -> Result<Self, ConversionError>
    where
        K: AsRef<str> + Into<String>,
        V: AttributeSource,
        I: IntoIterator<Item = (K, V)>;
}

/// An item of a type with encrypted fields, read without the encryption SDK (a change
/// record, a Lambda event, DynamoDB JSON, a client without the interceptor), still holds
/// ciphertext: refused, never decoded as values.
pub fn refuse_encrypted(item: &Item) -> Result<(), ConversionError> {
    if item.contains_key(ENCRYPTION_HEADER) {
        return Err(ConversionError::new(
            "an item decrypted by the encryption SDK (read it through a client with the \
             interceptor, or decrypt it with `Encryption::decrypt_item`)",
            "an item as stored, encrypted",
        )
        .in_attribute(ENCRYPTION_HEADER));
    }
    Ok(())
}

/// A collection's check that each member's writes can go in a batch.
pub fn refuse_unguarded<T: crate::DynamoItem>(operation: &'static str) -> crate::Result<()> {
    crate::operations::refuse_unguarded::<T>(operation)
}
