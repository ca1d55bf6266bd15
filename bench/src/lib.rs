//! The workloads the benchmarks share: a realistic 10-field order, a 50-field wide
//! record, and for each the hand-written conversion a user of the raw SDK would write.

pub mod hand_written;
pub mod measure;
pub mod models;
pub mod modify_case;
pub mod plot;
pub mod raw_batch;
pub mod server;
