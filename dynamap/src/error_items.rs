//! The items errors carry (the item a failed condition found, the items a batch did
//! not write), read as their Rust type.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::{CancelledAction, Error, Result};
use crate::item::DynamoItem;
use crate::sdk_item::Item;

impl Error {
    /// The item as it was when a write's condition failed ([`Error::ConditionFailed`]
    /// with the item DynamoDB returned), decoded as `T`; `None` for another error or
    /// when there was no item.
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Seat { #[dynamo(partition_key)] id: String, holder: Option<String> }
    /// # async fn f(seats: TypedMapping<Seat>) -> dynamap::Result<()> {
    /// let seat = Seat { id: "12A".into(), holder: Some("ann".into()) };
    /// match seats.insert(&seat).if_absent(true).await {
    ///     Err(e) => match e.current::<Seat>().transpose()? {
    ///         Some(taken) => println!("already held by {:?}", taken.holder),
    ///         None => return Err(e),
    ///     },
    ///     Ok(_) => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub fn current<T: DynamoItem>(&self) -> Option<Result<T>> {
        match self {
            Error::ConditionFailed {
                item: Some(item), ..
            } => Some(T::from_item((**item).clone())),
            _ => None,
        }
    }

    /// The items an [`Error::BatchIncomplete`] of `insert_many` or `insert_stream` did
    /// not write, decoded as `T`, to retry or report; empty for another error. A
    /// versioned item comes back at the version it was given with (the batch would
    /// have stored the next one), so inserting it again stores what the first call
    /// would have.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, all: Vec<User>) -> dynamap::Result<()> {
    /// if let Err(e) = users.insert_many(all).await {
    ///     let unwritten: Vec<User> = e.remaining::<User>()?;
    ///     eprintln!("{} users to write again", unwritten.len());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn remaining<T: DynamoItem>(&self) -> Result<Vec<T>> {
        self.remaining_items()
            .iter()
            .map(|item| {
                let mut item = item.clone();
                if let Some(name) = T::VERSION_ATTRIBUTE {
                    restore_given_version(&mut item, name);
                }
                T::from_item(item)
            })
            .collect()
    }

    /// The keys an [`Error::BatchIncomplete`] of `remove_many` or `get_many` did not
    /// delete or read (or of the items `insert_many` did not write), decoded as
    /// `T::Key`; empty for another error.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, ids: Vec<String>) -> dynamap::Result<()> {
    /// if let Err(e) = users.remove_many(ids).await {
    ///     let left: Vec<String> = e.remaining_keys::<User>()?;
    ///     eprintln!("still there: {left:?}");
    /// }
    /// # Ok(()) }
    /// ```
    pub fn remaining_keys<T: DynamoItem>(&self) -> Result<Vec<T::Key>> {
        self.remaining_items()
            .iter()
            .map(|item| T::key_from_item(item))
            .collect()
    }

    fn remaining_items(&self) -> &[Item] {
        match self {
            Error::BatchIncomplete { remaining, .. } => remaining,
            _ => &[],
        }
    }
}

impl CancelledAction {
    /// The item as it was when this action's condition failed, decoded as `T` (`None`
    /// when DynamoDB returned no item for this action).
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Account { #[dynamo(partition_key)] id: String, balance: i64 }
    /// fn report(err: &dynamap::Error) -> dynamap::Result<()> {
    ///     if let dynamap::Error::TransactionCancelled { actions, .. } = err {
    ///         for action in actions {
    ///             if let Some(account) = action.current::<Account>().transpose()? {
    ///                 eprintln!("{} holds {}", account.id, account.balance);
    ///             }
    ///         }
    ///     }
    ///     Ok(())
    /// }
    /// ```
    pub fn current<T: DynamoItem>(&self) -> Option<Result<T>> {
        self.item.clone().map(T::from_item)
    }
}

/// Undoes the version bump of a batch write on an item that was not written, so it
/// reads back as it was given.
fn restore_given_version(item: &mut Item, name: &str) {
    if let Some(AttributeValue::N(n)) = item.get(name) {
        if let Ok(stored) = n.parse::<u64>() {
            item.insert(
                name.to_owned(),
                AttributeValue::N(stored.saturating_sub(1).to_string()),
            );
        }
    }
}
