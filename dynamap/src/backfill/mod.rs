//! Backfills: bringing every stored item of a type to the form the type stores today
//! (index keys from today's templates, alias names moved to today's names, `default`
//! fields filled, the entity attribute), on a table in service, without overwriting
//! what the service writes meanwhile.
//!
//! A parallel scan reads the items; an item already in today's form is left alone; any
//! other is rewritten by one UpdateItem conditional on the item being exactly as read,
//! so a write the service made in between is never overwritten: the item is read again
//! and redone. Progress is a [`BackfillCursor`] a crashed or stopped backfill resumes
//! from.

mod cursor;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::stream::{StreamExt, TryStreamExt};

use crate::error::{Error, Result};
use crate::item::DynamoItem;
use crate::observe::RateLimiter;
use crate::operations::TypedMapping;
use crate::reads::read::{self, ReadRequest, ReadSpec};
use crate::sdk_item::Item;

use crate::operations::{difference, rewrite, stored_key, Outcome};
pub use cursor::BackfillCursor;
use cursor::Position;

/// DynamoDB's largest parallel scan; a cursor names at most this many segments.
const MAX_SEGMENTS: u32 = 1_000_000;

/// How many times one item is read again after another writer changed it, before it
/// is refused.
const MAX_ATTEMPTS: u32 = 10;

type ProgressFn = Arc<dyn Fn(&BackfillReport) + Send + Sync>;

/// An item the backfill could not bring to today's form, and why (it does not decode
/// as the type; another writer kept changing it; its condition is larger than
/// DynamoDB takes).
///
/// ```
/// let report = dynamap::backfill::BackfillReport::default();
/// for refusal in &report.refused {
///     eprintln!("left as it is: {:?}: {}", refusal.key, refusal.error);
/// }
/// ```
#[derive(Debug)]
#[non_exhaustive]
pub struct Refusal {
    /// The item's key, as stored.
    pub key: Item,
    /// Why it was left as it is.
    pub error: Error,
}

/// An item a dry run would rewrite: as stored, and as it would be written.
///
/// ```
/// let sample = dynamap::backfill::Sample::default();
/// assert_eq!(sample.stored, sample.rewritten);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Sample {
    /// The item as read.
    pub stored: Item,
    /// The item as the backfill would leave it.
    pub rewritten: Item,
}

/// What a backfill did (so far, for the progress callback), item by item: each item
/// scanned is counted once as `rewritten`, `current`, `vanished` or `refused`.
///
/// ```
/// let report = dynamap::backfill::BackfillReport::default();
/// assert_eq!(report.scanned, 0);
/// ```
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct BackfillReport {
    /// Items read by the scan.
    pub scanned: u64,
    /// Items rewritten in today's form (with `dry_run`: that would be).
    pub rewritten: u64,
    /// Items already in today's form, left alone.
    pub current: u64,
    /// Rewrites that found the item changed by another writer since it was read: read
    /// again and redone (each counted; one item may count several times).
    pub conflicts: u64,
    /// Items another writer removed before they were rewritten.
    pub vanished: u64,
    /// Items left as they are, with why.
    pub refused: Vec<Refusal>,
    /// With `dry_run`: the first items that would be rewritten (`samples(n)` of them).
    pub samples: Vec<Sample>,
    /// Where the backfill stands: done when it finished, otherwise where to resume.
    pub cursor: Option<BackfillCursor>,
    /// Whether every segment was read to its end (not stopped by the deadline).
    pub finished: bool,
}

impl BackfillReport {
    fn snapshot(&self) -> BackfillReport {
        BackfillReport {
            scanned: self.scanned,
            rewritten: self.rewritten,
            current: self.current,
            conflicts: self.conflicts,
            vanished: self.vanished,
            refused: Vec::new(),
            samples: Vec::new(),
            cursor: self.cursor.clone(),
            finished: self.finished,
        }
    }
}

/// Brings every stored item of `T` to the form `T` stores today; from
/// [`TypedMapping::backfill`], sent by `.await`. See the [module](self).
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String,
/// #   #[dynamo(gsi_partition_key(ByEmail))] email: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// // The release that added `ByEmail`: the index exists, now fill it.
/// users.ensure_table().add_missing(true).await?;
/// let report = users.backfill().segments(8).write_units_per_second(500.0).await?;
/// assert!(report.finished && report.refused.is_empty());
/// # Ok(()) }
/// ```
#[must_use = "a Backfill does nothing until it is awaited"]
pub struct Backfill<'a, T: DynamoItem> {
    mapping: &'a TypedMapping<T>,
    segments: u32,
    concurrency: usize,
    page_size: Option<u32>,
    read_units_per_second: Option<f64>,
    write_units_per_second: Option<f64>,
    dry_run: bool,
    samples: usize,
    resume: Option<BackfillCursor>,
    deadline: Option<Duration>,
    progress: Option<ProgressFn>,
}

impl<'a, T: DynamoItem> Backfill<'a, T> {
    pub(crate) fn new(mapping: &'a TypedMapping<T>) -> Self {
        Backfill {
            mapping,
            segments: 4,
            concurrency: 8,
            page_size: None,
            read_units_per_second: None,
            write_units_per_second: None,
            dry_run: false,
            samples: 10,
            resume: None,
            deadline: None,
            progress: None,
        }
    }

    /// How many segments the parallel scan reads at once (4 by default).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.backfill().segments(16).await?;
    /// # Ok(()) }
    /// ```
    pub fn segments(mut self, n: u32) -> Self {
        self.segments = n.clamp(1, MAX_SEGMENTS);
        self
    }

    /// How many rewrites each segment has in flight at once (8 by default).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.backfill().concurrency(32).await?;
    /// # Ok(()) }
    /// ```
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n.max(1);
        self
    }

    /// Items per scan page (DynamoDB's `Limit`): a page is what a cursor advances by.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.backfill().page_size(100).await?;
    /// # Ok(()) }
    /// ```
    pub fn page_size(mut self, n: u32) -> Self {
        self.page_size = Some(n.max(1));
        self
    }

    /// Paces the scan to `units` read capacity units per second, one budget for all
    /// segments. (A server that reports no capacity is not paced.)
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.backfill().read_units_per_second(200.0).await?;
    /// # Ok(()) }
    /// ```
    pub fn read_units_per_second(mut self, units: f64) -> Self {
        self.read_units_per_second = Some(units);
        self
    }

    /// Paces the rewrites to `units` write capacity units per second, one budget for
    /// all segments: the backfill never finishes before its units divided by `units`.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.backfill().write_units_per_second(100.0).await?;
    /// # Ok(()) }
    /// ```
    pub fn write_units_per_second(mut self, units: f64) -> Self {
        self.write_units_per_second = Some(units);
        self
    }

    /// Writes nothing: counts what would be rewritten, and keeps the first
    /// [`samples`](Self::samples) items as they are and as they would be.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let report = users.backfill().dry_run(true).await?;
    /// println!("{} of {} would change", report.rewritten, report.scanned);
    /// # Ok(()) }
    /// ```
    pub fn dry_run(mut self, on: bool) -> Self {
        self.dry_run = on;
        self
    }

    /// How many samples a dry run keeps (10 by default).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let report = users.backfill().dry_run(true).samples(3).await?;
    /// # Ok(()) }
    /// ```
    pub fn samples(mut self, n: usize) -> Self {
        self.samples = n;
        self
    }

    /// Resumes where `cursor` (from a report or a progress callback) stands, with its
    /// number of segments.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>, saved: String) -> dynamap::Result<()> {
    /// users.backfill().resume_from(saved.parse()?).await?;
    /// # Ok(()) }
    /// ```
    pub fn resume_from(mut self, cursor: BackfillCursor) -> Self {
        self.resume = Some(cursor);
        self
    }

    /// Stops reading new pages once `limit` has passed; the report is then not
    /// `finished`, and its cursor resumes where it stopped.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let report = users.backfill().deadline(std::time::Duration::from_secs(840)).await?;
    /// if !report.finished { /* save report.cursor, run again */ }
    /// # Ok(()) }
    /// ```
    pub fn deadline(mut self, limit: Duration) -> Self {
        self.deadline = Some(limit);
        self
    }

    /// Calls `progress` after each page with the counts so far and the cursor to resume
    /// from (its `refused` and `samples` are left empty: they come in the last report).
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// users.backfill()
    ///     .on_progress(|p| {
    ///         if let Some(cursor) = &p.cursor { let _ = std::fs::write("backfill.cursor", cursor.to_string()); }
    ///     })
    ///     .await?;
    /// # Ok(()) }
    /// ```
    pub fn on_progress(
        mut self,
        progress: impl Fn(&BackfillReport) + Send + Sync + 'static,
    ) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Runs the backfill; the same as `.await`. A failure that stops it (a read or a
    /// write DynamoDB refuses after its retries) is [`Error::BackfillStopped`], holding
    /// the counts so far, the refusals and the cursor's text.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let report = users.backfill().send().await?;
    /// # Ok(()) }
    /// ```
    pub async fn send(self) -> Result<BackfillReport> {
        let cursor = match self.resume.clone() {
            Some(cursor) => cursor,
            None => BackfillCursor::start(self.segments),
        };
        let spec = ReadSpec {
            table: self.mapping.table_name().to_owned(),
            filter: crate::operations::own_items::<T>(),
            page_size: self.page_size,
            observer: self.mapping.observer().clone(),
            read_units_per_second: self.read_units_per_second,
            ..ReadSpec::default()
        };
        let request = spec.render()?;
        let run = Run {
            mapping: self.mapping,
            request,
            total: cursor.segments(),
            concurrency: self.concurrency,
            dry_run: self.dry_run,
            samples: self.samples,
            write_rate: self.write_units_per_second.map(RateLimiter::new),
            deadline: self.deadline.map(|d| tokio::time::Instant::now() + d),
            progress: self.progress,
            stop: AtomicBool::new(false),
            state: Mutex::new(BackfillReport {
                cursor: Some(cursor.clone()),
                ..BackfillReport::default()
            }),
        };
        let segments = cursor
            .positions()
            .iter()
            .enumerate()
            .map(|(i, p)| run.segment(i, p));
        let results = futures::future::join_all(segments).await;
        let mut report = run
            .state
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        report.finished = report.cursor.as_ref().is_some_and(BackfillCursor::is_done);
        match results.into_iter().find_map(Result::err) {
            Some(source) => Err(Error::BackfillStopped {
                scanned: report.scanned,
                rewritten: report.rewritten,
                refused: report
                    .refused
                    .into_iter()
                    .map(|r| (r.key, r.error))
                    .collect(),
                cursor: report.cursor.map(|c| c.to_string()).unwrap_or_default(),
                source: Box::new(source),
            }),
            None => Ok(report),
        }
    }
}

impl<'a, T: DynamoItem> std::future::IntoFuture for Backfill<'a, T> {
    type Output = Result<BackfillReport>;
    type IntoFuture = futures::future::BoxFuture<'a, Result<BackfillReport>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

/// One running backfill, shared by its segments.
struct Run<'a, T: DynamoItem> {
    mapping: &'a TypedMapping<T>,
    request: ReadRequest,
    total: u32,
    concurrency: usize,
    dry_run: bool,
    samples: usize,
    write_rate: Option<Arc<RateLimiter>>,
    deadline: Option<tokio::time::Instant>,
    progress: Option<ProgressFn>,
    /// Set by the first failure: the other segments stop after their page.
    stop: AtomicBool,
    state: Mutex<BackfillReport>,
}

/// What became of one item.
enum Done {
    Rewritten(Option<Sample>),
    Current,
    Vanished,
    Refused(Refusal),
}

impl<T: DynamoItem> Run<'_, T> {
    /// Reads segment `segment` from `position`, a page at a time: every item of a page
    /// is done before the cursor moves past it.
    async fn segment(&self, segment: usize, position: &Position) -> Result<()> {
        let start = match position {
            Position::Done => return Ok(()),
            Position::Start => None,
            Position::After(token) => Some(token.to_key()?),
        };
        let mut request = self.request.clone();
        if self.total > 1 {
            let index = i32::try_from(segment).unwrap_or(i32::MAX);
            let total = i32::try_from(self.total).unwrap_or(i32::MAX);
            request.segment = Some((index, total));
        }
        let pages = read::pages(self.mapping.client().clone(), Arc::new(request), start);
        futures::pin_mut!(pages);
        loop {
            if self.stop.load(Ordering::SeqCst)
                || self
                    .deadline
                    .is_some_and(|d| tokio::time::Instant::now() >= d)
            {
                return Ok(());
            }
            let page = match pages.try_next().await {
                Ok(Some(page)) => page,
                Ok(None) => return Ok(()),
                Err(e) => return Err(self.stopped(e)),
            };
            let done: Vec<Result<(Done, u64)>> = futures::stream::iter(page.items)
                .map(|item| self.bring_up_to_date(item))
                .buffer_unordered(self.concurrency)
                .collect()
                .await;
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let mut failure = None;
            for outcome in done {
                match outcome {
                    Ok((done, conflicts)) => {
                        state.scanned += 1;
                        state.conflicts += conflicts;
                        match done {
                            Done::Rewritten(sample) => {
                                state.rewritten += 1;
                                if let Some(sample) =
                                    sample.filter(|_| state.samples.len() < self.samples)
                                {
                                    state.samples.push(sample);
                                }
                            }
                            Done::Current => state.current += 1,
                            Done::Vanished => state.vanished += 1,
                            Done::Refused(refusal) => state.refused.push(refusal),
                        }
                    }
                    Err(e) => {
                        failure.get_or_insert(e);
                    }
                }
            }
            if let Some(e) = failure {
                // The page is not done: the cursor stays before it.
                drop(state);
                return Err(self.stopped(e));
            }
            if let Some(cursor) = state.cursor.as_mut() {
                cursor.advance(segment, page.last_key.as_ref())?;
            }
            if let Some(progress) = &self.progress {
                progress(&state.snapshot());
            }
            if page.last_key.is_none() {
                return Ok(());
            }
        }
    }

    fn stopped(&self, error: Error) -> Error {
        self.stop.store(true, Ordering::SeqCst);
        error
    }

    /// Brings one stored item to today's form; the count of conflicts on the way.
    async fn bring_up_to_date(&self, stored: Item) -> Result<(Done, u64)> {
        let key = stored_key::<T>(&stored);
        let mut stored = stored;
        let mut conflicts = 0;
        for _ in 0..MAX_ATTEMPTS {
            let difference = match difference::<T>(&stored) {
                Ok(difference) => difference,
                Err(error) => return Ok((Done::Refused(Refusal { key, error }), conflicts)),
            };
            if difference.is_empty() {
                return Ok((Done::Current, conflicts));
            }
            if self.dry_run {
                let mut rewritten = stored.clone();
                for name in &difference.removes {
                    rewritten.remove(name);
                }
                rewritten.extend(difference.sets);
                let sample = Sample { stored, rewritten };
                return Ok((Done::Rewritten(Some(sample)), conflicts));
            }
            let written = rewrite(
                self.mapping,
                &key,
                &stored,
                difference,
                self.write_rate.as_deref(),
            )
            .await;
            match written {
                Ok(Outcome::Written) => return Ok((Done::Rewritten(None), conflicts)),
                Ok(Outcome::Changed) => conflicts += 1,
                // A request DynamoDB refuses for this item alone (a condition larger
                // than it takes): the item is refused, the backfill goes on.
                Err(error @ Error::Sdk { .. }) if is_validation(&error) => {
                    return Ok((Done::Refused(Refusal { key, error }), conflicts))
                }
                Err(e) => return Err(e),
            }
            let read = crate::operations::Get::new(self.mapping, Ok(key.clone()));
            match read.consistent_read(true).send_raw().await? {
                Some(again) => stored = again,
                None => return Ok((Done::Vanished, conflicts)),
            }
        }
        // Another writer changed it at every attempt: left for the next run.
        let error = Error::ConditionFailed {
            operation: "UpdateItem",
            table: self.mapping.table_name().to_owned(),
            item: Some(Box::new(stored)),
        };
        Ok((Done::Refused(Refusal { key, error }), conflicts))
    }
}

/// Whether DynamoDB refused the request as malformed: for a rewrite, a condition over
/// more attributes than an expression may name.
fn is_validation(error: &Error) -> bool {
    use aws_sdk_dynamodb::error::ProvideErrorMetadata;
    error
        .sdk_error()
        .is_some_and(|e| e.code() == Some("ValidationException"))
}

impl<T: DynamoItem> TypedMapping<T> {
    /// Brings every stored item of `T` to the form `T` stores today, on a table in
    /// service; see [`Backfill`].
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let report = users.backfill().await?;
    /// println!("{} rewritten, {} already current", report.rewritten, report.current);
    /// # Ok(()) }
    /// ```
    pub fn backfill(&self) -> Backfill<'_, T>
    where
        T: crate::item::UpdatesInPlace,
    {
        Backfill::new(self)
    }
}
