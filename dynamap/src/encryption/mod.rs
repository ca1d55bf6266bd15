//! Attributes encrypted and signed on the client by the AWS Database Encryption SDK,
//! declared on the type: `#[dynamo(encrypt)]` (encrypted and signed) and
//! `#[dynamo(sign_only)]` (signed, in plain text). Keys are signed, never encrypted;
//! every other attribute is left as it is (`DO_NOTHING`), so `modify` can still change
//! it.
//!
//! With the `encryption` feature, `Encryption` turns the types stored in each table
//! into the SDK's table configuration and its interceptor, which
//! [`connect`](crate::connect) puts on the client; every call of a mapping built on that
//! client then encrypts what it writes and decrypts and verifies what it reads. A
//! mapping of a type that declares encrypted or signed fields, built on a client
//! without the interceptor, refuses every call ([`Error::Encryption`](crate::Error::Encryption)):
//! nothing is ever written in plain text by mistake.
//!
//! What the SDK would refuse at run time does not compile: a condition or filter on an
//! encrypted field, `modify` of an encrypted or signed field, such a field in a key or
//! index template, and `update_with`, `move_item` and backfills of a type that has one
//! ([`UpdatesInPlace`]).
//!
//! ```
//! use dynamap::prelude::*;
//!
//! #[derive(DynamoItem, Clone)]
//! struct Patient {
//!     #[dynamo(partition_key)]
//!     id: String,
//!     #[dynamo(encrypt)]
//!     diagnosis: String,
//!     #[dynamo(sign_only)]
//!     ward: String,
//!     nickname: String,
//! }
//!
//! let actions = dynamap::encryption::TableActions::of::<Patient>()?;
//! use dynamap::encryption::CryptoAction::*;
//! assert_eq!(actions.action("diagnosis"), Some(EncryptAndSign));
//! assert_eq!(actions.action("id"), Some(SignOnly));
//! assert_eq!(actions.action("nickname"), Some(DoNothing));
//! # Ok::<(), dynamap::Error>(())
//! ```

mod actions;
#[cfg(feature = "encryption")]
mod sdk;

pub use crate::item::{CryptoAction, UpdatesInPlace};
pub use actions::TableActions;
#[cfg(feature = "encryption")]
pub use sdk::{Encryption, EncryptionBuilder};

/// The AWS Database Encryption SDK, as dynamap builds on it: keyrings
/// (`aws_db_esdk::material_providers`), the interceptor and the table configuration.
#[cfg(feature = "encryption")]
pub use aws_db_esdk;
