//! A table's lifecycle calls that every handle makes the same way: describing it,
//! deleting it, and waiting for DynamoDB to finish creating or deleting it (polls that
//! back off from 50 ms to 2 s: DynamoDB Local answers at once, the real service takes
//! seconds), within one limit. Each is a table-lifecycle request: a span, nothing to
//! meter.

use std::time::{Duration, Instant};

use aws_sdk_dynamodb::types::{TableDescription, TableStatus};
use aws_sdk_dynamodb::Client;

use crate::error::{Error, Result};
use crate::observe::{Call, Observer};

/// The table's description (DescribeTable).
pub(crate) async fn describe_table(client: &Client, table: &str) -> Result<TableDescription> {
    let request = client.describe_table().table_name(table);
    let call = Call::new(table, &Observer::PLAIN);
    let output = crate::observe::send_classified(request, call).await?;
    output.table.ok_or_else(|| Error::UnexpectedAnswer {
        operation: "DescribeTable",
        problem: format!("no description of `{table}`"),
    })
}

/// Deletes a table and waits until it is gone.
pub(crate) async fn delete_table(client: &Client, table: &str) -> Result<()> {
    let request = client.delete_table().table_name(table);
    let call = Call::new(table, &Observer::PLAIN);
    crate::observe::send_classified(request, call).await?;
    wait_until_deleted(client, table).await
}

/// How long `create_table` and `delete_table` wait for DynamoDB to finish.
const WAIT_LIMIT: Duration = Duration::from_secs(300);

/// Polls with a delay that grows from 50 ms to 2 s: DynamoDB Local answers at once,
/// the real service takes seconds.
struct Poll {
    started: Instant,
    delay: Duration,
    limit: Duration,
}

impl Poll {
    fn new(limit: Duration) -> Self {
        Poll {
            started: Instant::now(),
            delay: Duration::from_millis(50),
            limit,
        }
    }

    /// Sleeps before the next look; `false` once the wait limit is spent.
    async fn next(&mut self) -> bool {
        if self.started.elapsed() > self.limit {
            return false;
        }
        tokio::time::sleep(self.delay).await;
        self.delay = (self.delay * 2).min(Duration::from_secs(2));
        true
    }
}

pub(crate) async fn wait_until_active(client: &Client, table: &str) -> Result<()> {
    wait_for(client, table, "ACTIVE", WAIT_LIMIT, |d| {
        d.table_status == Some(TableStatus::Active)
    })
    .await
}

/// Polls the table's description until `done` holds of it, for at most `limit`.
pub(crate) async fn wait_for(
    client: &Client,
    table: &str,
    state: &'static str,
    limit: Duration,
    done: impl Fn(&TableDescription) -> bool,
) -> Result<()> {
    let mut poll = Poll::new(limit);
    loop {
        if done(&describe_table(client, table).await?) {
            return Ok(());
        }
        if !poll.next().await {
            return Err(Error::TableWait {
                table: table.to_owned(),
                state,
                waited: limit,
            });
        }
    }
}

pub(crate) async fn wait_until_deleted(client: &Client, table: &str) -> Result<()> {
    let mut poll = Poll::new(WAIT_LIMIT);
    loop {
        match describe_table(client, table).await {
            Err(Error::Sdk { source, .. })
                if matches!(
                    *source,
                    aws_sdk_dynamodb::Error::ResourceNotFoundException(_)
                ) =>
            {
                return Ok(())
            }
            Err(other) => return Err(other),
            Ok(_) => {}
        }
        if !poll.next().await {
            return Err(Error::TableWait {
                table: table.to_owned(),
                state: "deleted",
                waited: WAIT_LIMIT,
            });
        }
    }
}
