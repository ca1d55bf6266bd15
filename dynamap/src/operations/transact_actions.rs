//! One write as an action of TransactWriteItems: the same rendered request a single
//! write sends, for user transactions and for the transactions dynamap sends itself
//! (unique attributes' guards).

use aws_sdk_dynamodb::types::{
    ConditionCheck, Delete, Put, ReturnValuesOnConditionCheckFailure, TransactWriteItem, Update,
};

use crate::error::{Error, Result};
use crate::expr::{Apply, Rendered};
use crate::sdk_item::Item;

/// Every action returns the item as it was when its condition fails, so a cancelled
/// transaction says what it found.
const ALL_OLD: ReturnValuesOnConditionCheckFailure = ReturnValuesOnConditionCheckFailure::AllOld;

fn built<B>(built: std::result::Result<B, aws_sdk_dynamodb::error::BuildError>) -> Result<B> {
    built.map_err(|e| Error::from_build("TransactWriteItems", e))
}

/// A Put of `item` with `expressions` (its condition).
pub(crate) fn put(table: &str, item: Item, expressions: Rendered) -> Result<TransactWriteItem> {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .apply(expressions)
        .return_values_on_condition_check_failure(ALL_OLD)
        .build();
    Ok(TransactWriteItem::builder().put(built(put)?).build())
}

/// An Update of the item `key` with `expressions` (its update and condition).
pub(crate) fn update(table: &str, key: Item, expressions: Rendered) -> Result<TransactWriteItem> {
    let update = Update::builder()
        .table_name(table)
        .set_key(Some(key))
        .apply(expressions)
        .return_values_on_condition_check_failure(ALL_OLD)
        .build();
    Ok(TransactWriteItem::builder().update(built(update)?).build())
}

/// A Delete of the item `key` with `expressions` (its condition).
pub(crate) fn delete(table: &str, key: Item, expressions: Rendered) -> Result<TransactWriteItem> {
    let delete = Delete::builder()
        .table_name(table)
        .set_key(Some(key))
        .apply(expressions)
        .return_values_on_condition_check_failure(ALL_OLD)
        .build();
    Ok(TransactWriteItem::builder().delete(built(delete)?).build())
}

/// A ConditionCheck of the item `key` with `expressions` (its condition).
pub(crate) fn check(table: &str, key: Item, expressions: Rendered) -> Result<TransactWriteItem> {
    let check = ConditionCheck::builder()
        .table_name(table)
        .set_key(Some(key))
        .apply(expressions)
        .return_values_on_condition_check_failure(ALL_OLD)
        .build();
    Ok(TransactWriteItem::builder()
        .condition_check(built(check)?)
        .build())
}
