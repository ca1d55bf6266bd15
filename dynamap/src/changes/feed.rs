//! The change feed: a lazy stream over a table's DynamoDB Stream. Shards are found with
//! DescribeStream, read with GetShardIterator and GetRecords, parents before children;
//! idle shards are polled with a growing pause; an expired iterator is replaced by one
//! after the last record delivered. Nothing is sent before the first poll, nothing
//! after the stream is dropped.

use std::collections::{HashSet, VecDeque};
use std::marker::PhantomData;
use std::time::{Duration, Instant, SystemTime};

use aws_sdk_dynamodbstreams::types::ShardIteratorType;
use futures::future::BoxFuture;
use futures::stream::BoxStream;
use futures::StreamExt;

use super::client::{streams_client, EndpointProbe};
use super::decode::decode;
use super::raw::{is_expiry, kind_named};
use super::{Change, ChangeCursor, Changed, RawChange};
use crate::error::{Error, Result};

/// Where a feed starts reading.
///
/// ```
/// let resume = dynamap::changes::StartAt::After(dynamap::changes::ChangeCursor::default());
/// assert!(matches!(dynamap::changes::StartAt::default(), dynamap::changes::StartAt::Oldest));
/// # let _ = resume;
/// ```
#[derive(Debug, Clone, Default)]
pub enum StartAt {
    /// The oldest record the stream keeps (24 hours on AWS).
    #[default]
    Oldest,
    /// Only changes made after the feed starts reading.
    Latest,
    /// Right after the positions a consumer saved; shards the cursor does not name are
    /// read from their oldest record.
    After(ChangeCursor),
}

/// Decrypts a record's images (the encryption SDK's item encryptor, feature
/// `encryption`).
pub(crate) type Decryption =
    std::sync::Arc<dyn Fn(RawChange) -> BoxFuture<'static, Result<RawChange>> + Send + Sync>;

/// A change feed over a table's stream, from [`TypedMapping::changes`] or
/// [`Collection::changes`](crate::single_table::Collection::changes); nothing is sent until its stream
/// is polled.
///
/// [`TypedMapping::changes`]: crate::operations::TypedMapping::changes
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem, Debug)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>, saved: dynamap::changes::ChangeCursor) -> dynamap::Result<()> {
/// use futures::TryStreamExt;
/// let mut cursor = saved.clone();
/// let mut feed = users.changes().start_at(dynamap::changes::StartAt::After(saved)).stream();
/// while let Some(change) = feed.try_next().await? {
///     println!("{:?} {:?}", change.kind, change.key);
///     cursor.advance(&change.position); // then save `cursor` somewhere durable
/// }
/// # Ok(()) }
/// ```
#[must_use = "a change feed does nothing until its stream is polled"]
pub struct Changes<T> {
    dynamo: aws_sdk_dynamodb::Client,
    table: String,
    start: StartAt,
    poll: Duration,
    streams: Option<aws_sdk_dynamodbstreams::Client>,
    records_per_request: Option<i32>,
    refresh: Duration,
    /// Decrypts each record's images before decoding (`decrypt`, feature
    /// `encryption`).
    decryption: Option<Decryption>,
    decoded: PhantomData<fn() -> T>,
}

impl<T: Changed> Changes<T> {
    pub(crate) fn new(dynamo: aws_sdk_dynamodb::Client, table: String) -> Self {
        Changes {
            dynamo,
            table,
            start: StartAt::Oldest,
            poll: Duration::from_secs(1),
            streams: None,
            records_per_request: None,
            refresh: REFRESH,
            decryption: None,
            decoded: PhantomData,
        }
    }

    /// This feed, decrypting each record's images with `decryption` before decoding.
    #[cfg_attr(not(feature = "encryption"), allow(dead_code))]
    pub(crate) fn with_decryption(mut self, decryption: Decryption) -> Self {
        self.decryption = Some(decryption);
        self
    }

    /// The table the feed reads.
    #[cfg_attr(not(feature = "encryption"), allow(dead_code))]
    pub(crate) fn table_name(&self) -> &str {
        &self.table
    }

    /// Where to start: the oldest record kept (the default), the latest, or after a
    /// saved cursor.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let from_now = users.changes().start_at(dynamap::changes::StartAt::Latest).stream();
    /// # }
    /// ```
    pub fn start_at(mut self, start: StartAt) -> Self {
        self.start = start;
        self
    }

    /// The longest pause between polls of shards with nothing new (1 s by default; the
    /// pause starts at 50 ms after a change and doubles while the shards stay idle).
    /// AWS allows 5 reads per second per shard.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let eager = users.changes().poll_interval(std::time::Duration::from_millis(200)).stream();
    /// # }
    /// ```
    pub fn poll_interval(mut self, pause: Duration) -> Self {
        self.poll = pause.max(Duration::from_millis(1));
        self
    }

    /// Records per GetRecords request (DynamoDB's `Limit`, at most 1,000, the default).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let small_batches = users.changes().records_per_request(100).stream();
    /// # }
    /// ```
    pub fn records_per_request(mut self, n: u32) -> Self {
        self.records_per_request = Some(i32::try_from(n.clamp(1, 1000)).unwrap_or(1000));
        self
    }

    /// How often the shard list is read again while shards are open, to find the
    /// shards DynamoDB starts (30 s by default; DynamoDB rolls a stream's shards over
    /// about every four hours and splits them as a table grows). A shard that closes is
    /// followed by its children at once, whatever this is.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) {
    /// let watchful = users.changes().shard_refresh_interval(std::time::Duration::from_secs(5)).stream();
    /// # }
    /// ```
    pub fn shard_refresh_interval(mut self, every: Duration) -> Self {
        self.refresh = every;
        self
    }

    /// The DynamoDB Streams client to read with, instead of one made from the mapping's
    /// client.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) {
    /// let config = aws_config::load_from_env().await;
    /// let streams = aws_sdk_dynamodbstreams::Client::new(&config);
    /// let feed = users.changes().streams_client(streams).stream();
    /// # }
    /// ```
    pub fn streams_client(mut self, client: aws_sdk_dynamodbstreams::Client) -> Self {
        self.streams = Some(client);
        self
    }

    /// The changes, in order per item, as they come; the stream does not end (it waits
    /// for new changes) unless the stream itself is disabled and read to its end
    /// (after which it keeps answering `None`).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// use futures::TryStreamExt;
    /// let first = users.changes().stream().try_next().await?;
    /// # Ok(()) }
    /// ```
    pub fn stream(self) -> BoxStream<'static, Result<Change<T>>> {
        let reader = Reader::<T> {
            feed: self,
            arn: None,
            client: None,
            shards: Vec::new(),
            finished: HashSet::new(),
            next_shard: 0,
            buffer: VecDeque::new(),
            refreshed: None,
            pause: MIN_PAUSE,
            error_pause: Duration::ZERO,
            ended: false,
            stream_open: true,
        };
        futures::stream::unfold(reader, |mut reader| async move {
            reader.next().await.map(|item| (item, reader))
        })
        // Polled again after its end, a feed answers `None` again rather than panic.
        .fuse()
        .boxed()
    }
}

const MIN_PAUSE: Duration = Duration::from_millis(50);

/// The first pause after an error, doubled while errors go on, up to [`MAX_ERROR_PAUSE`]:
/// a consumer that logs an error and polls again does not loop on the service.
const MIN_ERROR_PAUSE: Duration = Duration::from_millis(100);
const MAX_ERROR_PAUSE: Duration = Duration::from_secs(10);

/// A round stops reading more shards once this many changes wait in its buffer (the
/// next round starts with the shards it did not reach), so memory stays bounded
/// however many shards are open.
const ROUND_LIMIT: usize = 1_000;

/// How much earlier than its `Latest` iterator a shard keeps records when that iterator
/// expired before delivering one and the shard is read again from its oldest record.
/// A record's creation time is rounded down (to the second on AWS, to the minute by
/// DynamoDB Local) and the client's clock may differ from the service's by a few
/// seconds: erring early delivers some older changes rather than skipping newer ones.
const LATEST_MARGIN: Duration = Duration::from_secs(65);

/// How often the shard list is read again while shards are open, by default (DynamoDB
/// rolls shards over about every four hours).
const REFRESH: Duration = Duration::from_secs(30);

struct Shard {
    id: String,
    parent: Option<String>,
    iterator: Option<String>,
    /// The last record delivered (or the cursor's position).
    last: Option<String>,
    /// Read to its end: closed, and its last records delivered.
    done: bool,
    /// Open when the feed started: `StartAt::Latest` applies to it.
    at_start: bool,
    /// When its `Latest` iterator was taken.
    latest_at: Option<SystemTime>,
    /// Records created before this are skipped: set when a `Latest` iterator expired
    /// before the shard delivered a record, and the shard is read from its oldest record.
    since: Option<SystemTime>,
}

struct Reader<T: Changed> {
    feed: Changes<T>,
    arn: Option<String>,
    client: Option<aws_sdk_dynamodbstreams::Client>,
    /// The shards not yet read to their end.
    shards: Vec<Shard>,
    /// The shards read to their end (or gone), while the stream still lists them: a
    /// shard is never read twice, and the feed's state stays the size of the listing.
    finished: HashSet<String>,
    /// Where the next round starts among the readable shards, so that a round cut
    /// short by [`ROUND_LIMIT`] does not starve the shards after it.
    next_shard: usize,
    buffer: VecDeque<Result<Change<T>>>,
    refreshed: Option<Instant>,
    pause: Duration,
    /// The pause before the next round after an error (zero after a good round).
    error_pause: Duration,
    ended: bool,
    /// Whether the stream was enabled when the shard list was last read (a disabled
    /// stream's shards all end, and no new ones start).
    stream_open: bool,
}

impl<T: Changed> Reader<T> {
    async fn next(&mut self) -> Option<Result<Change<T>>> {
        loop {
            if let Some(item) = self.buffer.pop_front() {
                return Some(item);
            }
            if self.ended {
                return None;
            }
            if !self.error_pause.is_zero() {
                tokio::time::sleep(self.error_pause).await;
            }
            match self.round().await {
                Ok(()) => self.error_pause = Duration::ZERO,
                Err(e) => {
                    self.error_pause =
                        (self.error_pause * 2).clamp(MIN_ERROR_PAUSE, MAX_ERROR_PAUSE);
                    return Some(Err(e));
                }
            }
        }
    }

    /// One round: every readable shard read once; a pause when nothing came.
    async fn round(&mut self) -> Result<()> {
        if self.client.is_none() {
            self.open().await?;
        }
        let stale = self
            .refreshed
            .is_none_or(|at| at.elapsed() > self.feed.refresh);
        if stale || self.shards.is_empty() {
            self.refresh().await?;
        }
        let readable: Vec<usize> = (0..self.shards.len())
            .filter(|i| self.readable(*i))
            .collect();
        if readable.is_empty() {
            // Every shard read to its end, and none to come: the stream is disabled (the
            // shard list was read this round, as there are no open shards).
            if self.shards.is_empty() && !self.stream_open {
                self.ended = true;
                return Ok(());
            }
            self.rest().await;
            return Ok(());
        }
        let before = self.buffer.len();
        let start = self.next_shard % readable.len();
        let mut reached = 0;
        for &i in readable.iter().cycle().skip(start).take(readable.len()) {
            if self.buffer.len() >= ROUND_LIMIT {
                break;
            }
            reached += 1;
            let result = self.read(i).await;
            if result.is_err() {
                self.drop_finished();
            }
            result?;
        }
        self.next_shard = start + reached;
        self.drop_finished();
        if self.buffer.len() == before {
            self.rest().await;
        } else {
            self.pause = MIN_PAUSE;
        }
        Ok(())
    }

    /// Moves the shards read to their end out of the list, keeping their ids.
    fn drop_finished(&mut self) {
        let finished = &mut self.finished;
        self.shards.retain(|shard| {
            if shard.done {
                finished.insert(shard.id.clone());
            }
            !shard.done
        });
    }

    async fn rest(&mut self) {
        tokio::time::sleep(self.pause).await;
        self.pause = (self.pause * 2).min(self.feed.poll.max(MIN_PAUSE));
    }

    /// Finds the table's stream and the client to read it with.
    async fn open(&mut self) -> Result<()> {
        let table = &self.feed.table;
        let probe = EndpointProbe::default();
        let description = self
            .feed
            .dynamo
            .describe_table()
            .table_name(table)
            .customize()
            .interceptor(probe.clone())
            .send()
            .await
            .map_err(|e| Error::from_sdk("DescribeTable", table, e))?;
        let arn = description
            .table
            .and_then(|t| t.latest_stream_arn)
            .ok_or_else(|| Error::InvalidRequest {
                operation: "DescribeStream",
                problem: format!(
                    "table `{table}` has no stream: create it with `.stream(StreamView::NewAndOldImages)`, or turn its stream on"
                ),
            })?;
        let client = match &self.feed.streams {
            Some(client) => client.clone(),
            None => streams_client(&self.feed.dynamo, &probe),
        };
        self.arn = Some(arn);
        self.client = Some(client);
        Ok(())
    }

    async fn describe(
        &self,
        after: Option<String>,
    ) -> Result<aws_sdk_dynamodbstreams::types::StreamDescription> {
        let (Some(client), Some(arn)) = (&self.client, &self.arn) else {
            return Err(Error::InvalidRequest {
                operation: "DescribeStream",
                problem: "the feed is not open".to_owned(),
            });
        };
        let request = client
            .describe_stream()
            .stream_arn(arn)
            .set_exclusive_start_shard_id(after);
        let output = crate::observe::send(request, self.call())
            .await
            .map_err(|e| self.streams_error("DescribeStream", e))?;
        output
            .stream_description
            .ok_or_else(|| Error::UnexpectedAnswer {
                operation: "DescribeStream",
                problem: "no stream description".to_owned(),
            })
    }

    /// Reads the shard list, adding shards not seen before.
    async fn refresh(&mut self) -> Result<()> {
        let first = self.refreshed.is_none();
        let mut listed = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let description = self.describe(after.clone()).await?;
            if after.is_none() {
                self.stream_open = description.stream_status
                    != Some(aws_sdk_dynamodbstreams::types::StreamStatus::Disabled);
            }
            listed.extend(description.shards.unwrap_or_default());
            match description.last_evaluated_shard_id {
                Some(last) => after = Some(last),
                None => break,
            }
        }
        let parents: HashSet<String> = listed
            .iter()
            .filter_map(|s| s.parent_shard_id.clone())
            .collect();
        // A finished shard the stream no longer lists will never be listed again.
        let ids: HashSet<&str> = listed
            .iter()
            .filter_map(|s| s.shard_id.as_deref())
            .collect();
        self.finished.retain(|id| ids.contains(id.as_str()));
        let open: HashSet<String> = self.shards.iter().map(|s| s.id.clone()).collect();
        for shard in listed {
            let Some(id) = shard.shard_id else { continue };
            if open.contains(&id) || self.finished.contains(&id) {
                continue;
            }
            // The current shard is the one no other shard descends from (an emulator
            // may give an open shard an ending sequence number).
            let current = !parents.contains(&id);
            let last = match &self.feed.start {
                StartAt::After(cursor) => cursor.last_in(&id).map(str::to_owned),
                _ => None,
            };
            self.shards.push(Shard {
                parent: shard.parent_shard_id,
                iterator: None,
                last,
                // Starting at the latest change, the shards before the current one
                // hold only older changes.
                done: first && !current && matches!(self.feed.start, StartAt::Latest),
                at_start: first && current,
                latest_at: None,
                since: None,
                id,
            });
        }
        self.drop_finished();
        self.refreshed = Some(Instant::now());
        Ok(())
    }

    /// A shard is read once its parent is read to its end (or is gone from the stream).
    fn readable(&self, i: usize) -> bool {
        let Some(shard) = self.shards.get(i) else {
            return false;
        };
        if shard.done {
            return false;
        }
        // A parent is read first: readable once it is no longer among the open shards
        // (read to its end, or gone from the stream).
        match &shard.parent {
            None => true,
            Some(parent) => !self.shards.iter().any(|s| &s.id == parent && !s.done),
        }
    }

    /// A Streams request of this feed, for its span.
    fn call(&self) -> crate::observe::Call<'_> {
        crate::observe::Call::new(&self.feed.table, &crate::observe::Observer::PLAIN)
    }

    fn streams_error<E, R>(
        &self,
        operation: &'static str,
        e: aws_sdk_dynamodbstreams::error::SdkError<E, R>,
    ) -> Error
    where
        aws_sdk_dynamodbstreams::Error: From<aws_sdk_dynamodbstreams::error::SdkError<E, R>>,
    {
        Error::Streams {
            operation,
            table: self.feed.table.clone(),
            source: Box::new(aws_sdk_dynamodbstreams::Error::from(e)),
        }
    }

    /// An iterator for shard `i`: after its last record, or where the feed starts.
    async fn iterator(&mut self, i: usize) -> Result<Option<String>> {
        let (Some(client), Some(arn), Some(shard)) = (&self.client, &self.arn, self.shards.get(i))
        else {
            return Ok(None);
        };
        let (kind, after) = match (&shard.last, &self.feed.start) {
            (Some(last), _) => (ShardIteratorType::AfterSequenceNumber, Some(last.clone())),
            (None, StartAt::Latest) if shard.at_start => (ShardIteratorType::Latest, None),
            (None, _) => (ShardIteratorType::TrimHorizon, None),
        };
        let latest = kind == ShardIteratorType::Latest;
        let sent = client
            .get_shard_iterator()
            .stream_arn(arn)
            .shard_id(&shard.id)
            .shard_iterator_type(kind)
            .set_sequence_number(after);
        let taken_at = SystemTime::now();
        let sent = crate::observe::send(sent, self.call()).await;
        match sent {
            Ok(output) => {
                if let (true, Some(shard)) = (latest, self.shards.get_mut(i)) {
                    shard.latest_at.get_or_insert(taken_at);
                }
                Ok(output.shard_iterator)
            }
            Err(e) => {
                let e = aws_sdk_dynamodbstreams::Error::from(e);
                match e {
                    aws_sdk_dynamodbstreams::Error::TrimmedDataAccessException(_) => {
                        self.trimmed(i);
                        Ok(None)
                    }
                    aws_sdk_dynamodbstreams::Error::ResourceNotFoundException(_) => {
                        // The shard is gone (past retention): nothing left to read.
                        if let Some(shard) = self.shards.get_mut(i) {
                            shard.done = true;
                        }
                        Ok(None)
                    }
                    other => Err(Error::Streams {
                        operation: "GetShardIterator",
                        table: self.feed.table.clone(),
                        source: Box::new(other),
                    }),
                }
            }
        }
    }

    /// The shard's position was trimmed: say so once, and read on from its oldest record.
    fn trimmed(&mut self, i: usize) {
        if let Some(shard) = self.shards.get_mut(i) {
            shard.last = None;
            shard.at_start = false;
            shard.iterator = None;
            self.buffer.push_back(Err(Error::ChangesTrimmed {
                shard: shard.id.clone(),
            }));
        }
    }

    /// Reads one page of shard `i` into the buffer.
    async fn read(&mut self, i: usize) -> Result<()> {
        let has_iterator = self.shards.get(i).is_some_and(|s| s.iterator.is_some());
        if !has_iterator {
            let iterator = self.iterator(i).await?;
            match (iterator, self.shards.get_mut(i)) {
                (Some(iterator), Some(shard)) => shard.iterator = Some(iterator),
                _ => return Ok(()),
            }
        }
        let (Some(client), Some(shard)) = (&self.client, self.shards.get(i)) else {
            return Ok(());
        };
        let iterator = shard.iterator.clone().unwrap_or_default();
        let shard_id = shard.id.clone();
        let request = client
            .get_records()
            .shard_iterator(iterator)
            .set_limit(self.feed.records_per_request);
        let sent = crate::observe::send(request, self.call()).await;
        let output = match sent {
            Ok(output) => output,
            Err(e) => {
                return match aws_sdk_dynamodbstreams::Error::from(e) {
                    aws_sdk_dynamodbstreams::Error::ExpiredIteratorException(_) => {
                        // A new iterator after the last record delivered: nothing twice.
                        // A `Latest` shard that delivered nothing yet has no such record:
                        // a new `Latest` iterator would skip what came in between, so it
                        // is read from its oldest record, skipping what came before the
                        // feed started.
                        if let Some(shard) = self.shards.get_mut(i) {
                            shard.iterator = None;
                            if shard.last.is_none() && shard.at_start {
                                shard.at_start = false;
                                shard.since = shard
                                    .latest_at
                                    .map(|at| at.checked_sub(LATEST_MARGIN).unwrap_or(at));
                            }
                        }
                        Ok(())
                    }
                    aws_sdk_dynamodbstreams::Error::TrimmedDataAccessException(_) => {
                        self.trimmed(i);
                        Ok(())
                    }
                    other => Err(Error::Streams {
                        operation: "GetRecords",
                        table: self.feed.table.clone(),
                        source: Box::new(other),
                    }),
                };
            }
        };
        let mut since = shard.since;
        let mut last = None;
        for record in output.records.unwrap_or_default() {
            let Some(raw) = raw_change(record, &shard_id) else {
                continue;
            };
            last = Some(raw.sequence_number.clone());
            if let (Some(start), Some(created)) = (since, raw.approximate_time) {
                if created < start {
                    continue;
                }
            }
            // Records come in order: once one is at or after the start, all are.
            since = None;
            let raw = match &self.feed.decryption {
                None => raw,
                Some(decrypt) => {
                    let position = crate::changes::ChangePosition {
                        shard_id: raw.shard_id.clone(),
                        sequence_number: raw.sequence_number.clone(),
                    };
                    match decrypt(raw).await {
                        Ok(raw) => raw,
                        Err(e) => {
                            self.buffer.push_back(Err(Error::UndecodableChange {
                                position,
                                source: Box::new(e),
                            }));
                            continue;
                        }
                    }
                }
            };
            if let Some(change) = decode::<T>(raw) {
                self.buffer.push_back(change);
            }
        }
        if let Some(shard) = self.shards.get_mut(i) {
            if last.is_some() {
                shard.last = last;
                shard.since = since;
            }
            match output.next_shard_iterator {
                Some(next) => shard.iterator = Some(next),
                None => {
                    shard.iterator = None;
                    shard.done = true;
                }
            }
        }
        Ok(())
    }
}

/// A Streams API record in the neutral form; `None` for one without a sequence number
/// or a known event name (not a data change).
fn raw_change(record: aws_sdk_dynamodbstreams::types::Record, shard: &str) -> Option<RawChange> {
    let kind = kind_named(record.event_name.as_ref()?.as_str())?;
    let identity = record.user_identity.as_ref();
    let expired = is_expiry(
        identity.and_then(|i| i.r#type.as_deref()),
        identity.and_then(|i| i.principal_id.as_deref()),
    );
    let body = record.dynamodb?;
    Some(RawChange {
        kind,
        keys: body.keys.map(convert_item).unwrap_or_default(),
        new_image: body.new_image.map(convert_item),
        old_image: body.old_image.map(convert_item),
        sequence_number: body.sequence_number?,
        shard_id: shard.to_owned(),
        approximate_time: body
            .approximate_creation_date_time
            .and_then(|t| std::time::SystemTime::try_from(t).ok()),
        expired,
    })
}

fn convert_item(
    item: std::collections::HashMap<String, aws_sdk_dynamodbstreams::types::AttributeValue>,
) -> crate::sdk_item::Item {
    item.into_iter().map(|(k, v)| (k, convert(v))).collect()
}

/// The Streams API's attribute value as the DynamoDB API's (the SDK has one type each).
fn convert(
    value: aws_sdk_dynamodbstreams::types::AttributeValue,
) -> aws_sdk_dynamodb::types::AttributeValue {
    use aws_sdk_dynamodb::types::AttributeValue as To;
    use aws_sdk_dynamodbstreams::types::AttributeValue as From;
    match value {
        From::S(s) => To::S(s),
        From::N(n) => To::N(n),
        From::B(b) => To::B(b),
        From::Bool(b) => To::Bool(b),
        From::Null(n) => To::Null(n),
        From::Ss(v) => To::Ss(v),
        From::Ns(v) => To::Ns(v),
        From::Bs(v) => To::Bs(v),
        From::L(v) => To::L(v.into_iter().map(convert).collect()),
        From::M(m) => To::M(m.into_iter().map(|(k, v)| (k, convert(v))).collect()),
        // A type newer than this SDK: kept as an unknown value rather than dropped,
        // so decoding it names the attribute.
        _ => To::Null(false),
    }
}
