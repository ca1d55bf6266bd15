//! What a batch operation reports, as it goes and at the end.

/// Counts so far of a running `insert_many`, `remove_many` or `get_many`, given to the
/// `on_progress` callback after each batch.
///
/// ```
/// let p = dynamap::batches::BatchProgress::default();
/// assert_eq!(p.done, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchProgress {
    /// Items written (or deleted, or read) so far.
    pub done: u64,
    /// Batches completed so far.
    pub batches: u64,
    /// Requests resent so far (unprocessed items, throttling).
    pub retries: u64,
}

/// The account of a completed batch write.
///
/// ```
/// let report = dynamap::batches::BatchReport::default();
/// assert_eq!(report.written, 0);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// Items written (or deleted): every distinct key given.
    pub written: u64,
    /// Items not sent because a later item in the input had the same key (the last
    /// write of a key wins).
    pub superseded: u64,
    /// BatchWriteItem requests that succeeded (at least partly).
    pub batches: u64,
    /// Requests resent because DynamoDB left items unprocessed or throttled.
    pub retries: u64,
}
