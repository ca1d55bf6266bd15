//! End-to-end tests against DynamoDB Local (or `DYNAMAP_TEST_ENDPOINT`). One binary, so
//! the server starts once and the SDK is linked once. Every module is built unless
//! `DYNAMAP_E2E_MODULES` names some (see `tests/build.rs`; `scripts/mutants` uses it).

#[cfg(any(e2e_all, e2e_module = "access_patterns"))]
mod access_patterns;
#[cfg(any(e2e_all, e2e_module = "aggregates"))]
mod aggregates;
#[cfg(any(e2e_all, e2e_module = "backfill"))]
mod backfill;
#[cfg(any(e2e_all, e2e_module = "bad_data"))]
mod bad_data;
#[cfg(any(e2e_all, e2e_module = "bad_input"))]
mod bad_input;
#[cfg(any(e2e_all, e2e_module = "batch"))]
mod batch;
#[cfg(any(e2e_all, e2e_module = "changes"))]
mod changes;
#[cfg(any(e2e_all, e2e_module = "counts"))]
mod counts;
#[cfg(any(e2e_all, e2e_module = "document"))]
mod document;
#[cfg(any(e2e_all, e2e_module = "encryption"))]
mod encryption;
#[cfg(any(e2e_all, e2e_module = "entity_writes"))]
mod entity_writes;
#[cfg(any(e2e_all, e2e_module = "fuzz"))]
mod fuzz;
#[cfg(any(e2e_all, e2e_module = "generated"))]
mod generated;
#[cfg(any(e2e_all, e2e_module = "idempotency"))]
mod idempotency;
#[cfg(any(e2e_all, e2e_module = "infrastructure"))]
mod infrastructure;
#[cfg(any(e2e_all, e2e_module = "key_templates"))]
mod key_templates;
#[cfg(any(e2e_all, e2e_module = "keys"))]
mod keys;
#[cfg(any(e2e_all, e2e_module = "lambda_types"))]
mod lambda_types;
#[cfg(any(e2e_all, e2e_module = "launcher"))]
mod launcher;
#[cfg(any(e2e_all, e2e_module = "leases"))]
mod leases;
#[cfg(any(e2e_all, e2e_module = "lifecycle"))]
mod lifecycle;
#[cfg(any(e2e_all, e2e_module = "limits"))]
mod limits;
#[cfg(any(e2e_all, e2e_module = "lost_answers"))]
mod lost_answers;
#[cfg(any(e2e_all, e2e_module = "modify"))]
mod modify;
#[cfg(any(e2e_all, e2e_module = "moves"))]
mod moves;
#[cfg(any(e2e_all, e2e_module = "multi_attribute_keys"))]
mod multi_attribute_keys;
#[cfg(any(e2e_all, e2e_module = "no_panic"))]
mod no_panic;
#[cfg(any(e2e_all, e2e_module = "observe"))]
mod observe;
#[cfg(any(e2e_all, e2e_module = "partitions_removed"))]
mod partitions_removed;
#[cfg(any(e2e_all, e2e_module = "patches"))]
mod patches;
#[cfg(any(e2e_all, e2e_module = "projected_tokens"))]
mod projected_tokens;
#[cfg(any(e2e_all, e2e_module = "proxy_faults"))]
mod proxy_faults;
#[cfg(any(e2e_all, e2e_module = "resilience"))]
mod resilience;
#[cfg(any(e2e_all, e2e_module = "roundtrip"))]
mod roundtrip;
#[cfg(any(e2e_all, e2e_module = "shapes"))]
mod shapes;
#[cfg(any(e2e_all, e2e_module = "single_table"))]
mod single_table;
#[cfg(any(e2e_all, e2e_module = "smoke"))]
mod smoke;
#[cfg(any(e2e_all, e2e_module = "streams"))]
mod streams;
#[cfg(any(e2e_all, e2e_module = "surface"))]
mod surface;
#[cfg(any(e2e_all, e2e_module = "table_life"))]
mod table_life;
#[cfg(any(e2e_all, e2e_module = "tables"))]
mod tables;
#[cfg(any(e2e_all, e2e_module = "time_forms"))]
mod time_forms;
#[cfg(any(e2e_all, e2e_module = "transactions"))]
mod transactions;
#[cfg(any(e2e_all, e2e_module = "trust"))]
mod trust;
#[cfg(any(e2e_all, e2e_module = "types"))]
mod types;
#[cfg(any(e2e_all, e2e_module = "unique"))]
mod unique;
#[cfg(any(e2e_all, e2e_module = "validation"))]
mod validation;
#[cfg(any(e2e_all, e2e_module = "versions"))]
mod versions;
