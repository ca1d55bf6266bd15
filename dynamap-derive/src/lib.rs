//! Derive macros for [dynamap](https://docs.rs/dynamap): `#[derive(DynamoItem)]` (an
//! item of a table), `#[derive(DynamoValue)]` (a value stored inside one),
//! `#[derive(DynamoTable)]` (the table of a single-table design) and
//! `#[derive(DynamoCollection)]` (the entities one query of such a table returns). Use
//! them through the `dynamap` crate, which re-exports all four.
//!
//! Each derive runs four stages, as serde_derive and thiserror do: `attr` parses the
//! `#[dynamo(...)]` options, `ast` builds a model of the type, `check` applies every
//! rule (one small function each) and `expand` writes the code. All stages report to
//! one `ctxt::Ctxt`, so the user sees every mistake at once; with mistakes, only a
//! fallback impl is emitted, so uses of the type do not add errors of their own.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]

mod ast;
mod attr;
mod case;
mod check;
mod check_crypto;
mod collection;
mod ctxt;
mod expand;
mod patch;
mod table;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

use crate::ast::Derive;

/// Derives `dynamap::DynamoItem` (and `DynamoValue`) for a struct with named fields.
#[proc_macro_derive(DynamoItem, attributes(dynamo))]
pub fn derive_dynamo_item(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input, Derive::Item).into()
}

/// Derives `dynamap::DynamoValue` for a struct with named fields, an enum (unit-only, or
/// tagged with `#[dynamo(tag = "...")]`) or a newtype.
#[proc_macro_derive(DynamoValue, attributes(dynamo))]
pub fn derive_dynamo_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    derive(&input, Derive::Value).into()
}

/// Derives `dynamap::DynamoTable` for a unit struct declaring a single-table design's
/// table: `#[dynamo(partition_key = "pk", sort_key = "sk", index(Gsi1, partition_key = "gsi1pk"))]`.
#[proc_macro_derive(DynamoTable, attributes(dynamo))]
pub fn derive_dynamo_table(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    table::derive(&input).into()
}

/// Derives `{Type}Patch`, a partial update of an item type (beside its `DynamoItem`).
#[proc_macro_derive(DynamoPatch, attributes(dynamo))]
pub fn derive_dynamo_patch(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    patch::derive(&input).into()
}

/// Derives `dynamap::DynamoCollection` for an enum with one variant per entity.
#[proc_macro_derive(DynamoCollection, attributes(dynamo))]
pub fn derive_dynamo_collection(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    collection::derive(&input).into()
}

fn derive(input: &DeriveInput, derive: Derive) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::default();
    let model = ast::Container::from_ast(&cx, input, derive);
    if let Some(model) = &model {
        check::check(&cx, model);
    }
    match (cx.finish(), &model) {
        (Ok(()), Some(model)) if model.do_not_recommend => {
            expand::do_not_recommend(expand::expand(model))
        }
        (Ok(()), Some(model)) => expand::expand(model),
        (Err(errors), model) => {
            let mut out = errors.into_compile_error();
            out.extend(expand::fallback(input, model.as_ref(), derive));
            out
        }
        // A missing model always comes with its error; should that ever not hold, the
        // user still learns why there is no impl.
        (Ok(()), None) => {
            syn::Error::new_spanned(&input.ident, "dynamap could not model this type")
                .into_compile_error()
        }
    }
}
