//! Derive macros for [dynamap](https://docs.rs/dynamap): `#[derive(DynamoItem)]` and
//! `#[derive(DynamoValue)]`. Use them through the `dynamap` crate, which re-exports both.
//!
//! The macros parse the `#[dynamo(...)]` attributes ([`attr`]), check them into a model
//! of the type ([`model`]), and only then generate code ([`expand`]): every mistake is
//! reported at the user's field before any code is written.

#![forbid(unsafe_code)]
#![deny(clippy::unwrap_used)]

mod attr;
mod case;
mod expand;
mod model;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `dynamap::DynamoItem` (and `DynamoValue`) for a struct with named fields.
#[proc_macro_derive(DynamoItem, attributes(dynamo))]
pub fn derive_dynamo_item(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    model::Container::from_ast(&input, model::Derive::Item)
        .map(|container| expand::expand(&container))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Derives `dynamap::DynamoValue` for a struct with named fields or a unit-only enum.
#[proc_macro_derive(DynamoValue, attributes(dynamo))]
pub fn derive_dynamo_value(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    model::Container::from_ast(&input, model::Derive::Value)
        .map(|container| expand::expand(&container))
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}
