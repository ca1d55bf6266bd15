//! What calls cost: the capacity DynamoDB reports, added up on a meter a mapping carries.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use aws_sdk_dynamodb::types::{ConsumedCapacity, ReturnConsumedCapacity};

/// Read and write capacity units.
///
/// ```
/// let units = dynamap::observe::Units { read: 1.5, write: 0.0 };
/// assert_eq!(units.total(), 1.5);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Units {
    /// Read capacity units.
    pub read: f64,
    /// Write capacity units.
    pub write: f64,
}

impl Units {
    /// Read and write units together.
    ///
    /// ```
    /// assert_eq!(dynamap::observe::Units { read: 1.0, write: 2.0 }.total(), 3.0);
    /// ```
    pub fn total(&self) -> f64 {
        self.read + self.write
    }

    fn add(&mut self, other: Units) {
        self.read += other.read;
        self.write += other.write;
    }
}

/// The capacity a meter has seen: totals, and per table and per index.
///
/// ```
/// let meter = dynamap::observe::CapacityMeter::new();
/// let used: dynamap::observe::Capacity = meter.total();
/// assert_eq!(used.requests, 0);
/// assert_eq!(used.units.total(), 0.0);
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capacity {
    /// All units consumed.
    pub units: Units,
    /// Requests whose answer reported capacity.
    pub requests: u64,
    /// Units per table.
    pub tables: BTreeMap<String, Units>,
    /// Units per index, named `table/index` (only on a meter made with
    /// [`CapacityMeter::per_index`]: DynamoDB reports indexes when asked for them).
    pub indexes: BTreeMap<String, Units>,
}

/// Whether an operation reads or writes: DynamoDB's `TOTAL` answers give one figure,
/// which counts as the kind of the operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    Read,
    Write,
}

impl Access {
    fn units(self, figure: f64) -> Units {
        match self {
            Access::Read => Units {
                read: figure,
                write: 0.0,
            },
            Access::Write => Units {
                read: 0.0,
                write: figure,
            },
        }
    }

    /// The units of one reported figure set: its read/write split when DynamoDB gave
    /// one, otherwise the total as this kind of access.
    fn of(self, read: Option<f64>, write: Option<f64>, total: Option<f64>) -> Option<Units> {
        match (read, write, total) {
            (None, None, None) => None,
            (None, None, Some(total)) => Some(self.units(total)),
            (read, write, _) => Some(Units {
                read: read.unwrap_or(0.0),
                write: write.unwrap_or(0.0),
            }),
        }
    }
}

/// The units one answer reports, summed over its tables.
pub(crate) fn units_of(capacity: &[ConsumedCapacity], access: Access) -> Units {
    let mut units = Units::default();
    for c in capacity {
        if let Some(u) = access.of(
            c.read_capacity_units,
            c.write_capacity_units,
            c.capacity_units,
        ) {
            units.add(u);
        }
    }
    units
}

/// Adds up the capacity DynamoDB reports for the calls of the mappings that carry it:
/// every result path (single calls, each page of a scan or query, each request of a
/// batch, transactions) adds to it. Cheap to clone; clones share the totals.
///
/// ```no_run
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// use futures::TryStreamExt;
/// let meter = dynamap::observe::CapacityMeter::new();
/// let metered = users.with_capacity_meter(&meter);
/// let everyone: Vec<User> = metered.values().try_collect().await?;
/// let used = meter.take();
/// println!("{} users for {} read units", everyone.len(), used.units.read);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct CapacityMeter {
    detail: ReturnConsumedCapacity,
    totals: Arc<Mutex<Capacity>>,
}

impl Default for CapacityMeter {
    fn default() -> Self {
        CapacityMeter::new()
    }
}

impl CapacityMeter {
    /// A meter of totals per table (`ReturnConsumedCapacity: TOTAL`).
    ///
    /// ```
    /// let meter = dynamap::observe::CapacityMeter::new();
    /// ```
    pub fn new() -> Self {
        CapacityMeter {
            detail: ReturnConsumedCapacity::Total,
            totals: Arc::default(),
        }
    }

    /// A meter that also splits the units by index (`ReturnConsumedCapacity: INDEXES`).
    ///
    /// ```
    /// let meter = dynamap::observe::CapacityMeter::per_index();
    /// ```
    pub fn per_index() -> Self {
        CapacityMeter {
            detail: ReturnConsumedCapacity::Indexes,
            ..CapacityMeter::new()
        }
    }

    /// What the meter has seen so far.
    ///
    /// ```
    /// assert_eq!(dynamap::observe::CapacityMeter::new().total().requests, 0);
    /// ```
    pub fn total(&self) -> Capacity {
        self.lock().clone()
    }

    /// What the meter has seen so far, and starts again from zero.
    ///
    /// ```
    /// let meter = dynamap::observe::CapacityMeter::new();
    /// let _ = meter.take();
    /// assert_eq!(meter.total(), dynamap::observe::Capacity::default());
    /// ```
    pub fn take(&self) -> Capacity {
        std::mem::take(&mut *self.lock())
    }

    pub(crate) fn detail(&self) -> ReturnConsumedCapacity {
        self.detail.clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Capacity> {
        // A panic elsewhere while adding leaves plain numbers: still readable.
        self.totals.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Adds one answer's report.
    pub(crate) fn add(&self, capacity: &[ConsumedCapacity], access: Access) {
        if capacity.is_empty() {
            return;
        }
        let mut totals = self.lock();
        totals.requests += 1;
        for c in capacity {
            let Some(units) = access.of(
                c.read_capacity_units,
                c.write_capacity_units,
                c.capacity_units,
            ) else {
                continue;
            };
            totals.units.add(units);
            let table = c.table_name.clone().unwrap_or_default();
            let indexes = c
                .global_secondary_indexes
                .iter()
                .chain(c.local_secondary_indexes.iter())
                .flatten();
            for (index, figures) in indexes {
                if let Some(u) = access.of(
                    figures.read_capacity_units,
                    figures.write_capacity_units,
                    figures.capacity_units,
                ) {
                    totals
                        .indexes
                        .entry(format!("{table}/{index}"))
                        .or_default()
                        .add(u);
                }
            }
            totals.tables.entry(table).or_default().add(units);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::Capacity as SdkCapacity;

    #[test]
    fn totals_add_up_per_table_and_index_and_take_resets() {
        let meter = CapacityMeter::per_index();
        let page = ConsumedCapacity::builder()
            .table_name("t")
            .capacity_units(1.5)
            .global_secondary_indexes("gsi1", SdkCapacity::builder().capacity_units(0.5).build())
            .build();
        meter.add(std::slice::from_ref(&page), Access::Read);
        meter.add(std::slice::from_ref(&page), Access::Read);
        let written = ConsumedCapacity::builder()
            .table_name("u")
            .capacity_units(2.0)
            .build();
        meter.add(&[written], Access::Write);
        meter.add(&[], Access::Write);
        // `total` reads without resetting; `take` reads and resets.
        assert_eq!(meter.total(), meter.total());
        assert_eq!(meter.total().requests, 3);
        let used = meter.take();
        assert_eq!(used.requests, 3);
        assert_eq!(
            used.units,
            Units {
                read: 3.0,
                write: 2.0
            }
        );
        assert_eq!(
            used.tables["t"],
            Units {
                read: 3.0,
                write: 0.0
            }
        );
        assert_eq!(used.tables["u"].write, 2.0);
        assert_eq!(used.indexes["t/gsi1"].read, 1.0);
        assert_eq!(meter.total(), Capacity::default());
    }

    #[test]
    fn an_explicit_read_write_split_is_kept() {
        let mixed = ConsumedCapacity::builder()
            .table_name("t")
            .capacity_units(3.0)
            .read_capacity_units(1.0)
            .write_capacity_units(2.0)
            .build();
        assert_eq!(
            units_of(&[mixed], Access::Write),
            Units {
                read: 1.0,
                write: 2.0
            }
        );
    }
}
