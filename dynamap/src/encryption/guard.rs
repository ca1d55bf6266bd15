//! A mapping of a type with encrypted or signed fields never writes them in plain
//! text: on a client without the encryption SDK's interceptor, its client gets one more
//! interceptor that refuses every request before it is sent.

use aws_sdk_dynamodb::config::interceptors::BeforeSerializationInterceptorContextRef;
use aws_sdk_dynamodb::config::{ConfigBag, Intercept};
use aws_sdk_dynamodb::error::BoxError;
use aws_sdk_dynamodb::Client;

use crate::item::{short_type_name, DynamoItem};

/// The name the AWS Database Encryption SDK gives its interceptor.
pub(crate) const SDK_INTERCEPTOR: &str = "DbEsdkInterceptor";

/// The interceptor that refuses a type's requests; its errors are
/// [`Error::Encryption`](crate::Error::Encryption).
#[derive(Debug)]
pub(crate) struct Refusal {
    type_name: &'static str,
}

pub(crate) const REFUSAL: &str = "dynamap::encryption::Refusal";

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

/// `client`, or for a type with encrypted or signed fields on a client without the
/// SDK's interceptor, a client that refuses every request.
pub(crate) fn refuse_without_encryption<T: DynamoItem>(client: Client) -> Client {
    if T::CRYPTO_ACTIONS.is_empty() || encrypts(&client) {
        return client;
    }
    let config = client
        .config()
        .to_builder()
        .interceptor(Refusal {
            type_name: short_type_name::<T>(),
        })
        .build();
    Client::from_conf(config)
}

fn encrypts(client: &Client) -> bool {
    client
        .config()
        .interceptors()
        .any(|interceptor| interceptor.name() == SDK_INTERCEPTOR)
}
