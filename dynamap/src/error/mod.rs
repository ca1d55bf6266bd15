//! The one error type of dynamap, and what its variants carry.

mod cancel;
mod conversion;
mod decoded;
pub(crate) mod encryption;
mod rejected;

pub(crate) use cancel::cancelled;
pub use cancel::{CancelReason, CancelledAction};
pub(crate) use conversion::describe_value;
pub use conversion::ConversionError;
pub use decoded::Decoded;
pub use rejected::Rejected;

use std::fmt;

use aws_sdk_dynamodb::error::SdkError;

use crate::sdk_item::Item;

/// The result type of every fallible dynamap operation.
///
/// ```
/// fn parse_age(text: &str) -> dynamap::Result<u8> {
///     text.parse().map_err(|_| dynamap::error::ConversionError::new("an age", text).into())
/// }
/// assert!(parse_age("x").is_err());
/// ```
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in dynamap.
///
/// ```
/// use dynamap::Error;
///
/// fn explain(err: &Error) -> String {
///     match err {
///         Error::Conversion(e) => format!("bad attribute {}", e.attribute()),
///         Error::ConditionFailed { .. } => "someone else got there first".to_string(),
///         other => other.to_string(),
///     }
/// }
/// # let _ = explain;
/// ```
#[derive(thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A Rust value could not become an attribute, or an attribute read from the table
    /// could not become the Rust type.
    #[error(transparent)]
    Conversion(#[from] ConversionError),

    /// The item is larger than DynamoDB accepts: detected before anything was sent
    /// (`size` is then the item's size), or refused by DynamoDB for an item that only
    /// the table could size, such as one an `UpdateItem` would grow (`size` is `None`).
    #[error("item is {}, over DynamoDB's limit of {limit} bytes", size.map_or_else(|| "too large".to_owned(), |s| format!("{s} bytes")))]
    ItemTooLarge {
        /// The item's size as DynamoDB counts it (attribute names plus values), when
        /// dynamap measured it.
        size: Option<usize>,
        /// DynamoDB's limit: 409,600 bytes.
        limit: usize,
    },

    /// The condition of a write did not hold (DynamoDB's `ConditionalCheckFailedException`).
    #[error("the condition of {operation} on table `{table}` did not hold")]
    ConditionFailed {
        /// The DynamoDB operation, such as `PutItem`.
        operation: &'static str,
        /// The table written to.
        table: String,
        /// The item as it was, when DynamoDB returned it.
        item: Option<Box<Item>>,
    },

    /// `modify` of an item that does not exist (without `.upsert(true)`), or `update_with` of a
    /// missing key.
    #[error("no item with that key in table `{table}`")]
    NotFound {
        /// The table read or written.
        table: String,
    },

    /// Optimistic locking: the item's version was not the one expected, so another
    /// writer got there first.
    #[error("version conflict in table `{table}`: expected version {expected}, found {found:?}")]
    VersionConflict {
        /// The table written to.
        table: String,
        /// The version the write was based on.
        expected: u64,
        /// The version stored, when DynamoDB returned it (`None`: no item).
        found: Option<u64>,
    },

    /// A request dynamap refuses before sending, because DynamoDB would refuse it or it
    /// cannot mean what was asked: two changes to one attribute, an update with nothing
    /// to do, a transaction of 0 or over 100 actions, an expression over 4 KB, conflicting
    /// builder options. A mistake in the calling code, not in the data.
    #[error("{operation}: {problem}")]
    InvalidRequest {
        /// The call refused, such as `UpdateItem` or `Scan`.
        operation: &'static str,
        /// What is wrong with it.
        problem: String,
    },

    /// An item a validator refused (`#[dynamo(validate = "path")]` on a field or on the
    /// type), before anything was sent. A mistake in the data, not in the calling code:
    /// a service answers it with 400 or 422. `field` names the field whose validator
    /// refused (`None`: the type's).
    ///
    /// ```
    /// let err = dynamap::Error::Invalid { item: "User", field: Some("email"), reason: "expected name@domain".into() };
    /// assert_eq!(err.to_string(), "invalid `User.email`: expected name@domain");
    /// ```
    #[error("invalid `{item}{}`: {reason}", field.map_or_else(String::new, |f| format!(".{f}")))]
    Invalid {
        /// The item type's name.
        item: &'static str,
        /// The field whose validator refused, or `None` for the type's validator.
        field: Option<&'static str>,
        /// What the validator said.
        reason: String,
    },

    /// A page token that cannot resume this read: not one dynamap wrote, altered, too
    /// long, or sealed for another read (another table, index, partition or segment,
    /// or another secret).
    #[error("invalid page token: {problem}")]
    InvalidPageToken {
        /// Why the token was refused.
        problem: String,
    },

    /// A query or scan named an index the item type does not declare.
    #[error("no index `{index}` is declared on {item} (declared: {declared:?})")]
    UnknownIndex {
        /// The index asked for.
        index: String,
        /// The item type.
        item: &'static str,
        /// The indexes it declares.
        declared: Vec<&'static str>,
    },

    /// An item of another entity where an entity (or a collection's members) was
    /// expected: read through an entity's mapping under a key another entity's template
    /// also renders, or an entity a collection does not list. `found` is the item's
    /// entity attribute (`None` when it has none).
    #[error("expected an item of entity {}, found {}", expected.join(" or "), found.as_deref().map_or_else(|| "an item without an entity attribute".to_owned(), |f| format!("entity `{f}`")))]
    OtherEntity {
        /// The entities expected.
        expected: Vec<&'static str>,
        /// The entity the item names.
        found: Option<String>,
    },

    /// An item stored by a newer shape of its type than this build knows
    /// (`#[dynamo(shape(version = ..))]`): during a rolling deployment, an instance
    /// still running the old code reads an item the new code wrote. Not decoded as the
    /// older shape, which would drop what the new one added.
    ///
    /// ```
    /// let err = dynamap::Error::NewerShape { item: "User", stored: 3, known: 2 };
    /// assert_eq!(err.to_string(), "an item of `User` stored by shape 3, newer than the 2 this build reads");
    /// ```
    #[error(
        "an item of `{item}` stored by shape {stored}, newer than the {known} this build reads"
    )]
    NewerShape {
        /// The item type's name.
        item: &'static str,
        /// The shape version the item holds.
        stored: u32,
        /// The newest version this build's type reads.
        known: u32,
    },

    /// A write that would give a `#[dynamo(unique)]` attribute a value another item
    /// holds (within the same `per` scope): nothing was written. A conflict in the data,
    /// not in the calling code: a service answers it with 409. `owner` is the key of
    /// the item that holds the value, as stored (redacted in `Debug`).
    ///
    /// ```
    /// let err = dynamap::Error::NotUnique { item: "User", field: "email", owner: Default::default() };
    /// assert_eq!(err.to_string(), "`User.email` is not unique: another item holds the value");
    /// ```
    #[error("`{item}.{field}` is not unique: another item holds the value")]
    NotUnique {
        /// The item type's name.
        item: &'static str,
        /// The unique attribute, as stored.
        field: &'static str,
        /// The key attributes of the item that holds the value.
        owner: Item,
    },

    /// A write of a child entity whose parent item (which keeps a count or sum of its
    /// children) does not exist: nothing was written. `key` is the parent's key.
    ///
    /// ```
    /// let err = dynamap::Error::ParentMissing { item: "OrderLine", parent: "Order", key: Default::default() };
    /// assert_eq!(err.to_string(), "`OrderLine` keeps a count or sum on its `Order`, which does not exist");
    /// ```
    #[error("`{item}` keeps a count or sum on its `{parent}`, which does not exist")]
    ParentMissing {
        /// The child's type name.
        item: &'static str,
        /// The parent entity.
        parent: &'static str,
        /// The parent's key attributes.
        key: Item,
    },

    /// An idempotent call whose key another call is running now
    /// ([`Idempotency::run`](crate::idempotency::Idempotency::run)): the handler was not
    /// run. `until` is when that call's claim lapses, if it neither finishes nor fails.
    ///
    /// ```
    /// let err = dynamap::Error::InProgress { key: "charge#o-1".into(), until: std::time::UNIX_EPOCH };
    /// assert_eq!(err.to_string(), "the call with idempotency key `charge#o-1` is still in progress");
    /// ```
    #[error("the call with idempotency key `{key}` is still in progress")]
    InProgress {
        /// The idempotency record's id (the store's name, `#`, the caller's key).
        key: String,
        /// When the running call's claim lapses.
        until: std::time::SystemTime,
    },

    /// An idempotent call whose key an earlier call used with another payload: the
    /// handler was not run (payload validation, `Idempotency::validate_payload`).
    ///
    /// ```
    /// let err = dynamap::Error::PayloadMismatch { key: "charge#o-1".into() };
    /// assert_eq!(err.to_string(), "idempotency key `charge#o-1` was first used with another payload");
    /// ```
    #[error("idempotency key `{key}` was first used with another payload")]
    PayloadMismatch {
        /// The idempotency record's id.
        key: String,
    },

    /// A lease another holder holds ([`Leases::acquire`](crate::lease::Leases::acquire)),
    /// until `until` unless it renews.
    ///
    /// ```
    /// let err = dynamap::Error::LeaseHeld { name: "nightly".into(), holder: "w-2".into(), until: std::time::UNIX_EPOCH };
    /// assert_eq!(err.to_string(), "lease `nightly` is held by `w-2`");
    /// ```
    #[error("lease `{name}` is held by `{holder}`")]
    LeaseHeld {
        /// The lease's name.
        name: String,
        /// Who holds it.
        holder: String,
        /// When its lease ends, if it does not renew.
        until: std::time::SystemTime,
    },

    /// A lease this holder no longer holds: another holder acquired it after it lapsed,
    /// or it was released. A renewal failed, or a write fenced by the lease
    /// ([`Transaction::fenced`](crate::transactions::Transaction::fenced)) was refused and
    /// nothing in its transaction was written.
    ///
    /// ```
    /// let err = dynamap::Error::LeaseLost { name: "nightly".into(), token: 7 };
    /// assert_eq!(err.to_string(), "lease `nightly` (fencing token 7) is no longer held");
    /// ```
    #[error("lease `{name}` (fencing token {token}) is no longer held")]
    LeaseLost {
        /// The lease's name.
        name: String,
        /// The fencing token the holder had.
        token: u64,
    },

    /// A stream record that does not decode into the feed's type (an image missing a
    /// field, an attribute of the wrong type): `source` names the attribute. The feed
    /// goes on past it; `position` lets a consumer record it as handled.
    #[error("the change at {} in shard {} does not decode: {source}", position.sequence_number, position.shard_id)]
    UndecodableChange {
        /// Where the record sits in the stream.
        position: crate::change_position::ChangePosition,
        /// Why it does not decode.
        source: Box<Error>,
    },

    /// A change feed's position in `shard` pointed at records DynamoDB has trimmed
    /// (older than the stream's retention): changes may have been missed. The feed goes
    /// on from the oldest record the shard still keeps.
    #[error("changes in shard {shard} were trimmed before they were read: some may be missed")]
    ChangesTrimmed {
        /// The shard.
        shard: String,
    },

    /// DynamoDB Streams answered with an error.
    #[cfg(feature = "change-feed")]
    #[error("{operation} on the stream of table `{table}`: {source}")]
    Streams {
        /// The DynamoDB Streams operation, such as `GetRecords`.
        operation: &'static str,
        /// The table whose stream was read.
        table: String,
        /// The SDK's error.
        #[source]
        source: Box<aws_sdk_dynamodbstreams::Error>,
    },

    /// A batch operation did not do everything: `completed` items were done,
    /// `remaining` holds the items (for writes) or keys (for deletes and reads) that
    /// were not, and `rejected` names each input item refused before sending (by its
    /// position in the input) with why, so nothing is lost silently. Decode `remaining`
    /// with [`DynamoItem::from_item`](crate::DynamoItem::from_item) or
    /// [`DynamoItem::key_from_item`](crate::DynamoItem::key_from_item).
    ///
    /// `completed` is exact when the last attempt of every batch was answered. When an
    /// answer was lost (a cut connection, a timeout) and no later attempt settled it,
    /// the items of that request are counted in `remaining`, though some may have been
    /// written: `completed` is then a lower bound and the table may hold more.
    #[error("{operation} on table `{table}`: {completed} done, {} not done, {} refused: {source}", remaining.len(), rejected.len())]
    BatchIncomplete {
        /// `BatchWriteItem` or `BatchGetItem`.
        operation: &'static str,
        /// The table.
        table: String,
        /// Items written, deleted or read.
        completed: u64,
        /// Input items taken from the input. `insert_many` and `remove_many` read their
        /// whole input (the unsent rest is in `remaining`); `insert_stream` reads no
        /// further after a failure, so a stream that could be endless is not drained:
        /// resume your source after this many items.
        read: u64,
        /// What was not done.
        remaining: Vec<Item>,
        /// Input items refused before sending (too large, unencodable, a key over
        /// DynamoDB's limits): their position in the input and the reason.
        rejected: Vec<Rejected>,
        /// Why it stopped: the first batch error, else the first rejection's.
        #[source]
        source: Box<Error>,
    },

    /// A backfill stopped on a failure (a read or a write DynamoDB refused after its
    /// retries). What was done is counted; `cursor` (a
    /// [`BackfillCursor`](crate::backfill::BackfillCursor)'s text: `cursor.parse()`)
    /// resumes after the last page whose items were all done.
    ///
    /// ```
    /// let err = dynamap::Error::BackfillStopped {
    ///     scanned: 0,
    ///     rewritten: 0,
    ///     refused: Vec::new(),
    ///     cursor: "backfill1;start".into(),
    ///     source: Box::new(dynamap::Error::Config("example".into())),
    /// };
    /// assert!(err.to_string().starts_with("backfill stopped after 0 items"));
    /// ```
    #[error("backfill stopped after {scanned} items: {source}")]
    BackfillStopped {
        /// Items read before it stopped.
        scanned: u64,
        /// Items rewritten before it stopped.
        rewritten: u64,
        /// Items left as they were (their keys, and why), as a finished report lists them.
        refused: Vec<(Item, Error)>,
        /// Where to resume.
        cursor: String,
        /// Why it stopped.
        #[source]
        source: Box<Error>,
    },

    /// Some items of a page did not decode. The page's other items are here (read them
    /// with [`Error::into_decoded`]), and `next_token` resumes after the page, so a
    /// paginating reader can report the bad items and go on.
    #[error("{} items of a page did not decode; the first: {}", failures.len(), first_failure(failures))]
    UndecodablePage {
        /// The token to resume after this page (`None`: it was the last).
        next_token: Option<crate::key::PageToken>,
        /// Each bad item's position in the page, and why it did not decode.
        failures: Vec<(usize, Error)>,
        /// The items that did decode, in page order.
        decoded: Decoded,
    },

    /// DynamoDB cancelled a transaction: nothing was applied. `actions` says, per
    /// action, why (most are [`CancelReason::None`]: they
    /// were not the cause).
    #[error("transaction cancelled: {}", failed_actions(actions))]
    TransactionCancelled {
        /// Every action, in order, with its reason.
        actions: Vec<CancelledAction>,
        /// DynamoDB's message.
        message: Option<String>,
    },

    /// An existing table does not have the keys or indexes the item type declares
    /// (from [`ensure_table`](crate::TypedMapping::ensure_table)).
    #[error("table `{table}` does not match its item type: {details}")]
    SchemaMismatch {
        /// The table.
        table: String,
        /// What differs.
        details: String,
    },

    /// DynamoDB kept leaving requests of a batch unprocessed (it does so when a table's
    /// capacity is exceeded) until the attempts ran out.
    #[error("{left} requests still unprocessed after {attempts} attempts")]
    RetriesExhausted {
        /// The sends made, the first included.
        attempts: u32,
        /// The requests left unprocessed.
        left: usize,
    },

    /// The client or connection settings are unusable (no region, a bad endpoint, ...).
    #[error("configuration: {0}")]
    Config(String),

    /// The AWS Database Encryption SDK refused the request or its answer: a stored item
    /// whose signature does not verify (changed or written by someone without the key),
    /// an item it cannot decrypt, a request it does not allow on signed or encrypted
    /// attributes; or a type with encrypted fields used on a client without the SDK's
    /// interceptor. Nothing read is returned; a write refused before sending was not sent.
    #[error("{operation} on table `{table}`: encryption: {problem}")]
    Encryption {
        /// The DynamoDB operation.
        operation: &'static str,
        /// The table the call was about.
        table: String,
        /// The item's key, for a call about one item (`GetItem`, `UpdateItem`,
        /// `DeleteItem`, an item decrypted by [`decrypt_item`]).
        ///
        /// [`decrypt_item`]: crate::encryption
        key: Option<Box<Item>>,
        /// What the SDK (or dynamap) said.
        problem: String,
    },

    /// A key did not match the table's key schema: a missing or extra part, or a key
    /// attribute of the wrong type.
    #[error("key: {0}")]
    Key(String),

    /// The table did not reach the state waited for in time.
    #[error("table `{table}` did not become {state} within {waited:?}")]
    TableWait {
        /// The table waited on.
        table: String,
        /// The state waited for: `ACTIVE` or `deleted`.
        state: &'static str,
        /// How long dynamap waited.
        waited: std::time::Duration,
    },

    /// The call did not finish within the time limit set with
    /// [`Timeouts`](crate::config::Timeouts).
    #[error("{operation} on table `{table}` timed out")]
    Timeout {
        /// The DynamoDB operation.
        operation: &'static str,
        /// The table the call was about.
        table: String,
    },

    /// The request could not be sent or its answer not read (connection refused, cut,
    /// reset): it may or may not have been applied. See RELIABILITY.md for which
    /// operations are safe to retry.
    #[error("{operation} on table `{table}` lost its connection: {source}")]
    Connection {
        /// The DynamoDB operation.
        operation: &'static str,
        /// The table the call was about.
        table: String,
        /// What the HTTP layer said.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },

    /// DynamoDB (or the network on the way) answered with an error.
    #[error("{operation} on table `{table}` failed: {source}")]
    Sdk {
        /// The DynamoDB operation, such as `GetItem`.
        operation: &'static str,
        /// The table the call was about.
        table: String,
        /// The SDK's error, with DynamoDB's error code and message.
        #[source]
        source: Box<aws_sdk_dynamodb::Error>,
    },

    /// DynamoDB answered in a way it documents it never does.
    #[error("unexpected answer from DynamoDB to {operation}: {problem}")]
    UnexpectedAnswer {
        /// The DynamoDB operation.
        operation: &'static str,
        /// What was wrong with the answer.
        problem: String,
    },

    /// Starting or reaching a DynamoDB Local server failed.
    #[cfg(feature = "local")]
    #[error("DynamoDB Local: {0}")]
    Local(String),
}

fn first_failure(failures: &[(usize, Error)]) -> String {
    failures
        .first()
        .map_or_else(String::new, |(position, e)| format!("item {position}: {e}"))
}

fn failed_actions(actions: &[CancelledAction]) -> String {
    let failed: Vec<String> = actions
        .iter()
        .filter(|a| a.reason != CancelReason::None)
        .map(ToString::to_string)
        .collect();
    if failed.is_empty() {
        "no reason given".to_owned()
    } else {
        failed.join("; ")
    }
}

impl Error {
    /// The error for an item of an entity not among `expected` (`found`: the entity the
    /// item names, if any).
    pub(crate) fn other_entity(expected: &[&'static str], found: Option<&str>) -> Error {
        Error::OtherEntity {
            expected: expected.to_vec(),
            found: found.map(str::to_owned),
        }
    }

    /// The items of an [`Error::UndecodablePage`] that did decode, as the type the page
    /// was read as; `None` for another error or another type.
    ///
    /// ```no_run
    /// use futures::StreamExt;
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) {
    /// let mut pages = users.scan().pages();
    /// while let Some(page) = pages.next().await {
    ///     match page {
    ///         Ok(page) => { /* serve page.items() */ }
    ///         Err(dynamap::Error::UndecodablePage { next_token, failures, decoded }) => {
    ///             eprintln!("{} bad items", failures.len());
    ///             let good: Vec<User> = dynamap::Error::UndecodablePage { next_token, failures, decoded }
    ///                 .into_decoded()
    ///                 .unwrap_or_default();
    ///             // serve `good`, and resume from `next_token` if the reader stops here
    ///         }
    ///         Err(e) => { eprintln!("{e}"); break; }
    ///     }
    /// }
    /// # }
    /// ```
    pub fn into_decoded<T: 'static>(self) -> Option<Vec<T>> {
        match self {
            Error::UndecodablePage { decoded, .. } => decoded.into_vec(),
            _ => None,
        }
    }

    /// The SDK error behind this one, when DynamoDB answered with an error.
    ///
    /// ```
    /// # fn f(err: dynamap::Error) {
    /// if let Some(aws_sdk_dynamodb::Error::ResourceNotFoundException(_)) = err.sdk_error() {
    ///     eprintln!("no such table");
    /// }
    /// # }
    /// ```
    pub fn sdk_error(&self) -> Option<&aws_sdk_dynamodb::Error> {
        match self {
            Error::Sdk { source, .. } => Some(source),
            _ => None,
        }
    }

    /// This error, naming `key` when it is the encryption SDK's refusal of one item.
    pub(crate) fn naming_key(mut self, key: Option<Item>) -> Self {
        if let (Error::Encryption { key: named, .. }, Some(key)) = (&mut self, key) {
            *named = Some(Box::new(key));
        }
        self
    }

    /// Converts an error of a raw SDK call, for code that mixes SDK calls with dynamap:
    /// a failed condition becomes [`Error::ConditionFailed`], anything else [`Error::Sdk`].
    ///
    /// ```no_run
    /// # async fn f(client: aws_sdk_dynamodb::Client) -> dynamap::Result<()> {
    /// let tables = client
    ///     .describe_table()
    ///     .table_name("users")
    ///     .send()
    ///     .await
    ///     .map_err(|e| dynamap::Error::from_sdk("DescribeTable", "users", e))?;
    /// # Ok(()) }
    /// ```
    pub fn from_sdk<E, R>(operation: &'static str, table: &str, err: SdkError<E, R>) -> Self
    where
        aws_sdk_dynamodb::Error: From<SdkError<E, R>>,
        E: std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        match Self::classify(operation, table, err) {
            Err(transport) => transport,
            Ok(aws_sdk_dynamodb::Error::ConditionalCheckFailedException(e)) => {
                Error::ConditionFailed {
                    operation,
                    table: table.to_owned(),
                    item: e.item.map(Box::new),
                }
            }
            Ok(other) if is_item_size_refusal(&other) => Error::ItemTooLarge {
                size: None,
                limit: crate::limits::MAX_ITEM_SIZE,
            },
            Ok(other) => Error::Sdk {
                operation,
                table: table.to_owned(),
                source: Box::new(other),
            },
        }
    }

    /// An SDK builder refused a request dynamap built (a required part missing): a
    /// request that cannot be sent, named by its operation.
    pub(crate) fn from_build(
        operation: &'static str,
        error: aws_sdk_dynamodb::error::BuildError,
    ) -> Self {
        Error::InvalidRequest {
            operation,
            problem: error.to_string(),
        }
    }

    /// Tells the network's failures from DynamoDB's answers: a timeout is
    /// [`Error::Timeout`], a connection that failed or was cut (the request may have
    /// been applied) is [`Error::Connection`]; anything else, including a failure
    /// before any connection (no credentials, a credentials endpoint that cannot be
    /// reached), is the SDK's error for the caller to map. The one place every
    /// operation, transactions included, classifies its errors.
    pub(crate) fn classify<E, R>(
        operation: &'static str,
        table: &str,
        err: SdkError<E, R>,
    ) -> std::result::Result<aws_sdk_dynamodb::Error, Error>
    where
        aws_sdk_dynamodb::Error: From<SdkError<E, R>>,
        E: std::error::Error + Send + Sync + 'static,
        R: std::fmt::Debug + Send + Sync + 'static,
    {
        if let Some(error) = encryption::encryption_error(operation, table, &err) {
            return Err(error);
        }
        let transport = match &err {
            SdkError::TimeoutError(_) => Some(true),
            SdkError::DispatchFailure(failure) if failure.is_timeout() => Some(true),
            // I/O, and what the HTTP client marks transient (a connection cut before
            // the answer); not a failure before any connection (no credentials).
            SdkError::DispatchFailure(failure)
                if failure.is_io()
                    || failure.as_other()
                        == Some(aws_smithy_types::retry::ErrorKind::TransientError) =>
            {
                Some(false)
            }
            SdkError::ResponseError(_) => Some(false),
            _ => None,
        };
        match transport {
            Some(true) => Err(Error::Timeout {
                operation,
                table: table.to_owned(),
            }),
            Some(false) => Err(Error::Connection {
                operation,
                table: table.to_owned(),
                source: Box::new(err),
            }),
            None => Ok(aws_sdk_dynamodb::Error::from(err)),
        }
    }
}

/// Items may hold personal data and can be large: `Debug` (what logs and `unwrap`
/// print) shows how many attributes or items there are, never their values. The
/// items stay in the fields for code that needs them.
impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Conversion(e) => f.debug_tuple("Conversion").field(e).finish(),
            Error::Invalid {
                item,
                field,
                reason,
            } => f
                .debug_struct("Invalid")
                .field("item", item)
                .field("field", field)
                .field("reason", reason)
                .finish(),
            Error::ItemTooLarge { size, limit } => f
                .debug_struct("ItemTooLarge")
                .field("size", size)
                .field("limit", limit)
                .finish(),
            Error::ConditionFailed {
                operation,
                table,
                item,
            } => f
                .debug_struct("ConditionFailed")
                .field("operation", operation)
                .field("table", table)
                .field("item", &item.as_deref().map(Redacted::item))
                .finish(),
            Error::InProgress { key, until } => f
                .debug_struct("InProgress")
                .field("key", key)
                .field("until", until)
                .finish(),
            Error::PayloadMismatch { key } => {
                f.debug_struct("PayloadMismatch").field("key", key).finish()
            }
            Error::LeaseHeld {
                name,
                holder,
                until,
            } => f
                .debug_struct("LeaseHeld")
                .field("name", name)
                .field("holder", holder)
                .field("until", until)
                .finish(),
            Error::LeaseLost { name, token } => f
                .debug_struct("LeaseLost")
                .field("name", name)
                .field("token", token)
                .finish(),
            Error::NotFound { table } => f.debug_struct("NotFound").field("table", table).finish(),
            Error::VersionConflict {
                table,
                expected,
                found,
            } => f
                .debug_struct("VersionConflict")
                .field("table", table)
                .field("expected", expected)
                .field("found", found)
                .finish(),
            Error::InvalidRequest { operation, problem } => f
                .debug_struct("InvalidRequest")
                .field("operation", operation)
                .field("problem", problem)
                .finish(),
            Error::InvalidPageToken { problem } => f
                .debug_struct("InvalidPageToken")
                .field("problem", problem)
                .finish(),
            Error::UnknownIndex {
                index,
                item,
                declared,
            } => f
                .debug_struct("UnknownIndex")
                .field("index", index)
                .field("item", item)
                .field("declared", declared)
                .finish(),
            Error::UndecodableChange { position, source } => f
                .debug_struct("UndecodableChange")
                .field("position", position)
                .field("source", source)
                .finish(),
            Error::ChangesTrimmed { shard } => f
                .debug_struct("ChangesTrimmed")
                .field("shard", shard)
                .finish(),
            #[cfg(feature = "change-feed")]
            Error::Streams {
                operation,
                table,
                source,
            } => f
                .debug_struct("Streams")
                .field("operation", operation)
                .field("table", table)
                .field("source", source)
                .finish(),
            Error::NotUnique { item, field, owner } => f
                .debug_struct("NotUnique")
                .field("item", item)
                .field("field", field)
                .field("owner", &Redacted::item(owner))
                .finish(),
            Error::ParentMissing { item, parent, key } => f
                .debug_struct("ParentMissing")
                .field("item", item)
                .field("parent", parent)
                .field("key", &Redacted::item(key))
                .finish(),
            Error::NewerShape {
                item,
                stored,
                known,
            } => f
                .debug_struct("NewerShape")
                .field("item", item)
                .field("stored", stored)
                .field("known", known)
                .finish(),
            Error::OtherEntity { expected, found } => f
                .debug_struct("OtherEntity")
                .field("expected", expected)
                .field("found", found)
                .finish(),
            Error::BatchIncomplete {
                operation,
                table,
                completed,
                read,
                remaining,
                rejected,
                source,
            } => f
                .debug_struct("BatchIncomplete")
                .field("operation", operation)
                .field("table", table)
                .field("completed", completed)
                .field("read", read)
                .field("remaining", &Redacted::items(remaining))
                .field("rejected", rejected)
                .field("source", source)
                .finish(),
            Error::BackfillStopped {
                scanned,
                rewritten,
                refused,
                cursor,
                source,
            } => f
                .debug_struct("BackfillStopped")
                .field("scanned", scanned)
                .field("rewritten", rewritten)
                .field("refused", &refused.len())
                .field("cursor", cursor)
                .field("source", source)
                .finish(),
            Error::UndecodablePage {
                next_token,
                failures,
                decoded,
            } => f
                .debug_struct("UndecodablePage")
                .field("next_token", next_token)
                .field("failures", failures)
                .field("decoded", decoded)
                .finish(),
            Error::TransactionCancelled { actions, message } => f
                .debug_struct("TransactionCancelled")
                .field("actions", actions)
                .field("message", message)
                .finish(),
            Error::SchemaMismatch { table, details } => f
                .debug_struct("SchemaMismatch")
                .field("table", table)
                .field("details", details)
                .finish(),
            Error::RetriesExhausted { attempts, left } => f
                .debug_struct("RetriesExhausted")
                .field("attempts", attempts)
                .field("left", left)
                .finish(),
            Error::Config(m) => f.debug_tuple("Config").field(m).finish(),
            Error::Encryption {
                operation,
                table,
                key,
                problem,
            } => f
                .debug_struct("Encryption")
                .field("operation", operation)
                .field("table", table)
                .field("key", key)
                .field("problem", problem)
                .finish(),
            Error::Key(m) => f.debug_tuple("Key").field(m).finish(),
            Error::TableWait {
                table,
                state,
                waited,
            } => f
                .debug_struct("TableWait")
                .field("table", table)
                .field("state", state)
                .field("waited", waited)
                .finish(),
            Error::Timeout { operation, table } => f
                .debug_struct("Timeout")
                .field("operation", operation)
                .field("table", table)
                .finish(),
            Error::Connection {
                operation,
                table,
                source,
            } => f
                .debug_struct("Connection")
                .field("operation", operation)
                .field("table", table)
                .field("source", source)
                .finish(),
            Error::Sdk {
                operation,
                table,
                source,
            } => f
                .debug_struct("Sdk")
                .field("operation", operation)
                .field("table", table)
                .field("source", source)
                .finish(),
            Error::UnexpectedAnswer { operation, problem } => f
                .debug_struct("UnexpectedAnswer")
                .field("operation", operation)
                .field("problem", problem)
                .finish(),
            #[cfg(feature = "local")]
            Error::Local(m) => f.debug_tuple("Local").field(m).finish(),
        }
    }
}

/// Stands in for items in `Debug` output: a count, no values.
pub(crate) struct Redacted(String);

impl Redacted {
    pub(crate) fn item(item: &Item) -> Redacted {
        Redacted(format!("<item: {} attributes>", item.len()))
    }

    fn items(items: &[Item]) -> Redacted {
        Redacted(format!("<{} items>", items.len()))
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// DynamoDB's own refusal of an oversized item: a `ValidationException` saying "Item
/// size has exceeded the maximum allowed size" (PutItem, transactions) or "Item size to
/// update has exceeded the maximum allowed size" (UpdateItem).
fn is_item_size_refusal(err: &aws_sdk_dynamodb::Error) -> bool {
    use aws_sdk_dynamodb::error::ProvideErrorMetadata;
    err.code() == Some("ValidationException")
        && err.message().is_some_and(|m| {
            m.contains("Item size") && m.contains("exceeded the maximum allowed size")
        })
}

#[cfg(test)]
mod debug_tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    #[test]
    fn debug_never_prints_item_values() {
        let item: Item = [
            (
                "id".to_owned(),
                AttributeValue::S("alice@example.com".into()),
            ),
            ("ssn".to_owned(), AttributeValue::S("078-05-1120".into())),
        ]
        .into();
        let errors = [
            Error::ConditionFailed {
                operation: "PutItem",
                table: "users".into(),
                item: Some(Box::new(item.clone())),
            },
            Error::BatchIncomplete {
                operation: "BatchWriteItem",
                table: "users".into(),
                completed: 1,
                read: 7,
                remaining: vec![item.clone(), item.clone()],
                rejected: vec![Rejected {
                    index: 4,
                    error: Error::ItemTooLarge {
                        size: Some(409_601),
                        limit: 409_600,
                    },
                }],
                source: Box::new(Error::RetriesExhausted {
                    attempts: 3,
                    left: 2,
                }),
            },
            Error::TransactionCancelled {
                actions: vec![CancelledAction {
                    index: 0,
                    action: "Put on `users`".into(),
                    reason: CancelReason::ConditionFailed,
                    message: None,
                    item: Some(item.clone()),
                }],
                message: None,
            },
            Error::Conversion(
                ConversionError::unexpected(
                    "a number (N)",
                    &AttributeValue::S("078-05-1120".into()),
                )
                .in_attribute("ssn"),
            ),
            Error::UndecodableChange {
                position: crate::change_position::ChangePosition {
                    shard_id: "s".into(),
                    sequence_number: "1".into(),
                },
                source: Box::new(Error::Conversion(
                    ConversionError::new("an email", "string \"alice@example.com\"")
                        .in_attribute("email"),
                )),
            },
        ];
        for error in &errors {
            let debug = format!("{error:?}");
            assert!(!debug.contains("alice"), "{debug}");
            assert!(!debug.contains("078-05"), "{debug}");
        }
        assert!(format!("{:?}", errors[0]).contains("<item: 2 attributes>"));
        assert!(format!("{:?}", errors[1]).contains("<2 items>"));
        assert!(format!("{:?}", errors[1]).contains("index: 4"));
    }
}
