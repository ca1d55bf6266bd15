//! A mapping of a type with encrypted or signed fields (`#[dynamo(encrypt)]`,
//! `sign_only`) never writes them in plain text: on a client without the encryption
//! SDK's interceptor, its client gets one more interceptor that refuses every item
//! request before it is sent. On a client with it, one that measures each item as the
//! SDK made it (ciphertext, header and signatures), so the 400 KB limit is checked on
//! what DynamoDB will store.

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept, RuntimeComponents};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::Client;

use crate::error::encryption::{StoredTooLarge, REFUSAL, SDK_INTERCEPTOR};
use crate::handle::TableHandle;
use crate::item::{short_type_name, DynamoItem};
use crate::limits::MAX_ITEM_SIZE;
use crate::size::item_size;

/// The interceptor that refuses a type's requests; its errors are
/// [`Error::Encryption`](crate::Error::Encryption).
#[derive(Debug)]
pub(crate) struct Refusal {
    type_name: &'static str,
}

impl Intercept for Refusal {
    fn name(&self) -> &'static str {
        REFUSAL
    }

    fn read_before_execution(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if !carries_items(context) {
            // Creating, describing or deleting the table sends no item.
            return Ok(());
        }
        Err(format!(
            "`{}` has encrypted or signed fields, but the client has no encryption \
             interceptor (build it with `dynamap::connect().encryption(..)`, or add \
             `dynamap::encryption::Encryption::interceptor` to its config): nothing was sent",
            self.type_name
        )
        .into())
    }
}

/// Whether the request reads or writes items (the operations the SDK's interceptor
/// transforms).
fn carries_items(context: &BeforeSerializationInterceptorContextRef<'_>) -> bool {
    use aws_sdk_dynamodb::operation::*;
    let input = context.input();
    macro_rules! any_of {
        ($($module:ident::$input:ident),* $(,)?) => {
            false $(|| input.downcast_ref::<$module::$input>().is_some())*
        };
    }
    any_of!(
        get_item::GetItemInput,
        put_item::PutItemInput,
        update_item::UpdateItemInput,
        delete_item::DeleteItemInput,
        query::QueryInput,
        scan::ScanInput,
        batch_get_item::BatchGetItemInput,
        batch_write_item::BatchWriteItemInput,
        transact_get_items::TransactGetItemsInput,
        transact_write_items::TransactWriteItemsInput,
        execute_statement::ExecuteStatementInput,
        batch_execute_statement::BatchExecuteStatementInput,
        execute_transaction::ExecuteTransactionInput,
    )
}

const STORED_SIZE: &str = "dynamap::encryption::StoredSize";

/// Measures the items of a write after the SDK encrypted them (every interceptor has
/// modified the input by `read_before_serialization`).
#[derive(Debug)]
struct StoredSize;

impl Intercept for StoredSize {
    fn name(&self) -> &'static str {
        STORED_SIZE
    }

    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _: &RuntimeComponents,
        _: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        use aws_sdk_dynamodb::operation::*;
        let input = context.input();
        let largest = if let Some(put) = input.downcast_ref::<put_item::PutItemInput>() {
            put.item.as_ref().map_or(0, item_size)
        } else if let Some(batch) = input.downcast_ref::<batch_write_item::BatchWriteItemInput>() {
            batch
                .request_items
                .iter()
                .flat_map(|requests| requests.values().flatten())
                .filter_map(|request| request.put_request.as_ref())
                .map(|put| item_size(&put.item))
                .max()
                .unwrap_or(0)
        } else if let Some(transaction) =
            input.downcast_ref::<transact_write_items::TransactWriteItemsInput>()
        {
            transaction
                .transact_items
                .iter()
                .flatten()
                .filter_map(|action| action.put.as_ref())
                .map(|put| item_size(&put.item))
                .max()
                .unwrap_or(0)
        } else {
            0
        };
        if largest > MAX_ITEM_SIZE {
            return Err(StoredTooLarge { size: largest }.into());
        }
        Ok(())
    }
}

/// `handle` for a mapping of `T`: as it is for a type without encrypted or signed
/// fields; for one with them, on a client that measures items as encrypted, or that
/// refuses every item request when it has no SDK interceptor.
pub(crate) fn guard_encryption<T: DynamoItem>(handle: TableHandle) -> TableHandle {
    let client = handle.client();
    // A mapping made from a guarded one (another clock, meter or retry policy) keeps
    // its client's guard: one is enough.
    if T::CRYPTO_ACTIONS.is_empty() || has_interceptor(client, &[STORED_SIZE, REFUSAL]) {
        return handle;
    }
    let builder = client.config().to_builder();
    let config = if has_interceptor(client, &[SDK_INTERCEPTOR]) {
        builder.interceptor(StoredSize).build()
    } else {
        builder
            .interceptor(Refusal {
                type_name: short_type_name::<T>(),
            })
            .build()
    };
    handle.with_client(Client::from_conf(config))
}

/// Whether `client` carries an interceptor of one of these names.
fn has_interceptor(client: &Client, names: &[&str]) -> bool {
    client
        .config()
        .interceptors()
        .any(|interceptor| names.contains(&interceptor.name()))
}
