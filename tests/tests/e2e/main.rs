//! End-to-end tests against DynamoDB Local (or `DYNAMAP_TEST_ENDPOINT`). One binary, so
//! the server starts once and the SDK is linked once.

mod access_patterns;
mod bad_data;
mod bad_input;
mod batch;
mod changes;
mod counts;
mod document;
mod entity_writes;
mod fuzz;
mod key_templates;
mod keys;
mod lambda_types;
mod launcher;
mod lifecycle;
mod limits;
mod lost_answers;
mod modify;
mod multi_attribute_keys;
mod no_panic;
mod observe;
mod patches;
mod projected_tokens;
mod proxy_faults;
mod resilience;
mod roundtrip;
mod single_table;
mod smoke;
mod streams;
mod surface;
mod tables;
mod transactions;
mod trust;
mod types;
mod validation;
mod versions;
