//! One table shared with a TypeScript service: dynamap and dynamodb-toolbox (then
//! ElectroDB) on one single-table design, users and their orders keyed
//! `ORDER#{placedAt}#{orderId}` with one GSI. Each library writes its own users and
//! orders; each reads the other's by key, queries ranges exact at their bounds, reads the
//! collection and the index, and updates the other's items; both see the same values.
//!
//! The peers run in Node (`tests/interop/*.mjs`, one command per process); `scripts/interop`
//! installs them (`npm ci`) and runs this binary on both servers. It is a feature of the
//! tests crate, so `cargo test --workspace` (which needs no Node) does not build it.

mod design;
mod electrodb;
mod peer;
mod toolbox;
