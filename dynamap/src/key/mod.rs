//! Keys, in one place: naming an item by its key ([`KeyLike`], [`KeyPart`]), checking
//! key values against DynamoDB's rules, a key's identity (two requests for one item),
//! and page tokens (a LastEvaluatedKey as text).

mod identity;
mod like;
pub(crate) mod token;

pub(crate) use identity::{check_key_sizes, check_key_value, identity, KeyRole};
pub use like::{KeyLike, KeyPart};
pub use token::{PageToken, TokenSecret};
