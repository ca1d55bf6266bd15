//! What an SDK answer tells about itself: the capacity it consumed, the items it read,
//! its request id.

use aws_sdk_dynamodb as ddb;
use aws_sdk_dynamodb::operation::RequestId;
use aws_sdk_dynamodb::types::ConsumedCapacity;
#[cfg(feature = "change-feed")]
use aws_sdk_dynamodbstreams as streams;

/// What an answer tells about itself.
pub(crate) trait Observed: RequestId {
    fn capacity(&self) -> &[ConsumedCapacity] {
        &[]
    }
    /// Items read, for the operations that read them.
    fn items(&self) -> Option<usize> {
        None
    }
}

impl Observed for ddb::operation::get_item::GetItemOutput {
    fn capacity(&self) -> &[ConsumedCapacity] {
        self.consumed_capacity.as_slice()
    }
    fn items(&self) -> Option<usize> {
        Some(usize::from(self.item.is_some()))
    }
}

macro_rules! single_capacity {
    ($($sdk:ident :: $module:ident :: $output:ident),*) => {$(
        impl Observed for $sdk::operation::$module::$output {
            fn capacity(&self) -> &[ConsumedCapacity] {
                self.consumed_capacity.as_slice()
            }
        }
    )*};
}

single_capacity!(
    ddb::put_item::PutItemOutput,
    ddb::update_item::UpdateItemOutput,
    ddb::delete_item::DeleteItemOutput
);

macro_rules! listed_capacity {
    ($($sdk:ident :: $module:ident :: $output:ident),*) => {$(
        impl Observed for $sdk::operation::$module::$output {
            fn capacity(&self) -> &[ConsumedCapacity] {
                self.consumed_capacity.as_deref().unwrap_or_default()
            }
        }
    )*};
}

listed_capacity!(
    ddb::batch_write_item::BatchWriteItemOutput,
    ddb::transact_write_items::TransactWriteItemsOutput
);

macro_rules! page {
    ($($sdk:ident :: $module:ident :: $output:ident),*) => {$(
        impl Observed for $sdk::operation::$module::$output {
            fn capacity(&self) -> &[ConsumedCapacity] {
                self.consumed_capacity.as_slice()
            }
            fn items(&self) -> Option<usize> {
                usize::try_from(self.count).ok()
            }
        }
    )*};
}

page!(ddb::query::QueryOutput, ddb::scan::ScanOutput);

impl Observed for ddb::operation::batch_get_item::BatchGetItemOutput {
    fn capacity(&self) -> &[ConsumedCapacity] {
        self.consumed_capacity.as_deref().unwrap_or_default()
    }
    fn items(&self) -> Option<usize> {
        Some(
            self.responses
                .iter()
                .flatten()
                .map(|(_, items)| items.len())
                .sum(),
        )
    }
}

impl Observed for ddb::operation::transact_get_items::TransactGetItemsOutput {
    fn capacity(&self) -> &[ConsumedCapacity] {
        self.consumed_capacity.as_deref().unwrap_or_default()
    }
    fn items(&self) -> Option<usize> {
        Some(
            self.responses
                .iter()
                .flatten()
                .filter(|r| r.item.is_some())
                .count(),
        )
    }
}

#[cfg(feature = "change-feed")]
impl Observed for streams::operation::get_records::GetRecordsOutput {
    fn items(&self) -> Option<usize> {
        self.records.as_ref().map(Vec::len)
    }
}

macro_rules! no_report {
    ($($sdk:ident :: $module:ident :: $output:ident),*) => {$(
        impl Observed for $sdk::operation::$module::$output {}
    )*};
}

no_report!(
    ddb::create_table::CreateTableOutput,
    ddb::delete_table::DeleteTableOutput,
    ddb::describe_table::DescribeTableOutput,
    ddb::update_time_to_live::UpdateTimeToLiveOutput,
    ddb::describe_time_to_live::DescribeTimeToLiveOutput,
    ddb::update_table::UpdateTableOutput
);
#[cfg(feature = "change-feed")]
no_report!(
    streams::describe_stream::DescribeStreamOutput,
    streams::get_shard_iterator::GetShardIteratorOutput
);
