//! The seed's untyped API: a table as a map of dynamic [`Document`]s, its key schema
//! read from DynamoDB.

mod json;
mod key;
mod mapping;
mod number;
mod operations;
mod value;

pub use key::{DocumentKey, DocumentKeyPart, TableKey};
pub use mapping::{DocumentScan, Mapping};
pub use number::Number;
pub use operations::{
    DocumentContainsKey, DocumentGet, DocumentInsert, DocumentModify, DocumentRemove,
};
pub use value::{Document, Value};
