//! Keys, in one place: naming an item by its key ([`KeyLike`], [`KeyPart`]), checking
//! key values against DynamoDB's rules, a key's identity (two requests for one item),
//! and page tokens (a LastEvaluatedKey as text).

mod id_map;
mod identity;
mod like;
#[cfg(feature = "sealed-tokens")]
mod sealed;
mod segment;
pub(crate) mod shard;
mod template;
pub(crate) mod token;

pub(crate) use id_map::{IdMap, SpareIdMaps, ID_BYTES};
pub(crate) use identity::{
    check_key, check_key_value, identity, identity_hasher, identity_into, IdentityHasher, KeyRole,
};
pub(crate) use like::key_item;
pub use like::{KeyLike, KeyPart, PartitionValue};
pub use segment::{push_segment, segment_from_value, KeySegment};

pub use token::PageToken;
#[cfg(feature = "sealed-tokens")]
pub use token::TokenSecret;
