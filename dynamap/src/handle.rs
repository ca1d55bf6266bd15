//! What every handle on a table shares: the client, the table's name, the clock that
//! stamps `created_at`/`updated_at`, and how its calls are observed, retried and timed.
//! [`TypedMapping`](crate::TypedMapping), [`Mapping`](crate::Mapping) and
//! [`Table`](crate::Table) each hold one [`TableHandle`]; an entity's mapping or a
//! collection from a `Table` gets its table's, settings and all.

use std::fmt;
use std::sync::Arc;

use aws_sdk_dynamodb::Client;

use crate::clock::{Clock, SystemClock};
use crate::observe::{CapacityMeter, Observer};
use crate::resilience::{RetryPolicy, Timeouts};

/// The shared part of a table's handles.
#[derive(Clone)]
pub(crate) struct TableHandle {
    client: Client,
    table: String,
    /// The time `created_at` and `updated_at` fields get.
    clock: Arc<dyn Clock>,
    /// Where its calls' capacity goes, and whether its spans name keys.
    observer: Observer,
}

impl TableHandle {
    pub(crate) fn new(client: Client, table: String) -> Self {
        TableHandle {
            client,
            table,
            clock: Arc::new(SystemClock),
            observer: Observer::default(),
        }
    }

    pub(crate) fn client(&self) -> &Client {
        &self.client
    }

    pub(crate) fn table_name(&self) -> &str {
        &self.table
    }

    pub(crate) fn observer(&self) -> &Observer {
        &self.observer
    }

    pub(crate) fn now(&self) -> std::time::SystemTime {
        self.clock.now()
    }

    pub(crate) fn with_clock(&self, clock: impl Clock + 'static) -> Self {
        TableHandle {
            clock: Arc::new(clock),
            ..self.clone()
        }
    }

    pub(crate) fn with_capacity_meter(&self, meter: &CapacityMeter) -> Self {
        let mut handle = self.clone();
        handle.observer.meter = Some(meter.clone());
        handle
    }

    pub(crate) fn with_key_tracing(&self, on: bool) -> Self {
        let mut handle = self.clone();
        handle.observer.record_keys = on;
        handle
    }

    /// This handle on another client (its settings kept).
    pub(crate) fn with_client(self, client: Client) -> Self {
        TableHandle { client, ..self }
    }

    pub(crate) fn with_retry(&self, policy: RetryPolicy) -> Self {
        let config = self
            .client
            .config()
            .to_builder()
            .retry_config(policy.to_sdk())
            .build();
        TableHandle {
            client: Client::from_conf(config),
            ..self.clone()
        }
    }

    pub(crate) fn with_timeouts(&self, timeouts: Timeouts) -> Self {
        let config = self
            .client
            .config()
            .to_builder()
            .timeout_config(timeouts.to_sdk())
            .build();
        TableHandle {
            client: Client::from_conf(config),
            ..self.clone()
        }
    }
}

impl fmt::Debug for TableHandle {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TableHandle")
            .field("table", &self.table)
            .field("observer", &self.observer)
            .finish_non_exhaustive()
    }
}

/// The settings every handle offers, written once: each returns the same handle with
/// one setting changed. `$setup` is the example's hidden lines that give a `handle` of
/// the type the methods are for.
macro_rules! table_handle_settings {
    ($setup:literal) => {
        /// The same handle with another clock for `#[dynamo(created_at)]` and
        /// `#[dynamo(updated_at)]` fields (the system clock by default).
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet clock = dynamap::config::ManualClock::new(std::time::UNIX_EPOCH);\nlet handle = handle.with_clock(clock.clone());\n# }\n```")]
        pub fn with_clock(&self, clock: impl crate::clock::Clock + 'static) -> Self {
            self.with_handle(self.handle.with_clock(clock))
        }

        /// The same handle, adding the capacity DynamoDB reports for each of its calls
        /// to `meter` (single calls, every page of scans and queries, every request of
        /// batches, transactions it takes part in). Asks DynamoDB for the report
        /// (`ReturnConsumedCapacity`), which it does not otherwise; clones of the meter
        /// share their totals, so one meter can add up several handles.
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet meter = dynamap::observe::CapacityMeter::new();\nlet handle = handle.with_capacity_meter(&meter);\nlet used = meter.total();\n# }\n```")]
        pub fn with_capacity_meter(&self, meter: &crate::observe::CapacityMeter) -> Self {
            self.with_handle(self.handle.with_capacity_meter(meter))
        }

        /// The same handle, its spans naming the key of each single-item call
        /// (`dynamap.key` field). Off by default: keys may be personal data.
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet handle = handle.with_key_tracing(true);\n# }\n```")]
        pub fn with_key_tracing(&self, on: bool) -> Self {
            self.with_handle(self.handle.with_key_tracing(on))
        }

        /// The same handle with another retry policy: a per-table override of the
        /// client's (say, more patience for a bulk-loaded table).
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet handle = handle.with_retry(dynamap::config::RetryPolicy::default().max_attempts(10));\n# }\n```")]
        pub fn with_retry(&self, policy: crate::resilience::RetryPolicy) -> Self {
            self.with_handle(self.handle.with_retry(policy))
        }

        /// The same handle with other time limits.
        ///
        #[doc = concat!("```no_run\n", $setup, "\nuse std::time::Duration;\nlet handle = handle.with_timeouts(dynamap::config::Timeouts::default().operation(Duration::from_millis(500)));\n# }\n```")]
        pub fn with_timeouts(&self, timeouts: crate::resilience::Timeouts) -> Self {
            self.with_handle(self.handle.with_timeouts(timeouts))
        }

        /// DynamoDB's estimate of the table's item count (DescribeTable's `ItemCount`),
        /// as the seed's `len()`. DynamoDB refreshes it about every six hours: cheap but
        /// stale, and of the whole table (an entity's `count()` counts its own items).
        ///
        #[doc = concat!("```no_run\n", $setup, "\n# async {\nprintln!(\"about {}\", handle.len_estimate().await?);\n# Ok::<(), dynamap::Error>(()) };\n# }\n```")]
        #[doc(alias = "DescribeTable")]
        #[doc(alias = "ItemCount")]
        #[doc(alias = "len")]
        pub async fn len_estimate(&self) -> crate::error::Result<u64> {
            let description =
                crate::lifecycle::describe_table(self.handle.client(), self.handle.table_name())
                    .await?;
            Ok(description
                .item_count
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0))
        }

        /// The table's description (status, item count, size, indexes...) from
        /// DescribeTable.
        ///
        #[doc = concat!("```no_run\n", $setup, "\n# async {\nlet description = handle.describe_table().await?;\nprintln!(\"{:?}\", description.table_status);\n# Ok::<(), dynamap::Error>(()) };\n# }\n```")]
        #[doc(alias = "DescribeTable")]
        pub async fn describe_table(
            &self,
        ) -> crate::error::Result<aws_sdk_dynamodb::types::TableDescription> {
            crate::lifecycle::describe_table(self.handle.client(), self.handle.table_name()).await
        }

        /// Deletes the table and everything in it, and waits until it is gone.
        ///
        #[doc = concat!("```no_run\n", $setup, "\n# async {\nhandle.delete_table().await?;\n# Ok::<(), dynamap::Error>(()) };\n# }\n```")]
        #[doc(alias = "DeleteTable")]
        pub async fn delete_table(&self) -> crate::error::Result<()> {
            crate::lifecycle::delete_table(self.handle.client(), self.handle.table_name()).await
        }

        /// The table's name.
        ///
        #[doc = concat!("```no_run\n", $setup, "\nprintln!(\"{}\", handle.table_name());\n# }\n```")]
        pub fn table_name(&self) -> &str {
            self.handle.table_name()
        }

        /// The SDK client, for anything dynamap does not cover.
        ///
        #[doc = concat!("```no_run\n", $setup, "\nlet client = handle.client().clone();\n# }\n```")]
        pub fn client(&self) -> &aws_sdk_dynamodb::Client {
            self.handle.client()
        }
    };
}

pub(crate) use table_handle_settings;
