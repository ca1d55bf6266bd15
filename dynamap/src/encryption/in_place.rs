//! The mark of types whose items can be changed in place.

/// A type whose items dynamap may change with UpdateItem and whose conditions may name
/// every attribute: `update_with`, `move_item` and backfills need it. The derive
/// implements it for every type without `#[dynamo(encrypt)]` or `#[dynamo(sign_only)]`
/// fields; the encryption SDK refuses UpdateItem on signed attributes and conditions on
/// encrypted ones, so those types write whole items instead (`insert`, `insert_when`).
///
/// ```
/// fn in_place<T: dynamap::schema::UpdatesInPlace>() {}
/// #[derive(dynamap::DynamoItem)]
/// struct Note { #[dynamo(partition_key)] id: String, text: String }
/// in_place::<Note>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has encrypted or signed fields, which cannot be changed in place",
    label = "the encryption SDK refuses UpdateItem on signed attributes and conditions on encrypted ones",
    note = "write the whole item instead: `insert`, or `insert_when` with a condition on an unencrypted field such as the version"
)]
pub trait UpdatesInPlace {}
