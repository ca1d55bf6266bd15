//! `UNIQUE`: the attributes a type declares `#[dynamo(unique)]`, with the compile-time
//! checks that their values and the table's keys can make guard items.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Container, Struct};

/// The `DynamoItem::UNIQUE` member; none without unique fields.
pub fn members(data: &Struct) -> TokenStream {
    let unique: Vec<_> = data
        .fields
        .iter()
        .filter_map(|f| f.attrs.unique.as_ref().map(|u| (f, u)))
        .collect();
    if unique.is_empty() {
        return TokenStream::new();
    }
    let mut checks = Vec::new();
    let attributes = unique.iter().map(|(field, attr)| {
        let name = &field.name;
        let ty = field.ty;
        checks.push(quote_spanned!(ty.span()=> ::dynamap::__private::unique_value::<#ty>();));
        let per = attr.per.iter().filter_map(|ident| {
            let scope = data.fields.iter().find(|f| f.member == ident)?;
            let ty = scope.ty;
            checks.push(quote_spanned!(ty.span()=> ::dynamap::__private::unique_value::<#ty>();));
            Some(&scope.name)
        });
        quote! {
            ::dynamap::schema::UniqueAttribute { attribute: #name, per: &[#(#per),*] }
        }
    });
    let attributes: Vec<_> = attributes.collect();
    quote! {
        const UNIQUE: &'static [::dynamap::schema::UniqueAttribute] = {
            #(#checks)*
            &[#(#attributes),*]
        };
    }
}

/// A guard's key is text in every key attribute of the table: a type with unique
/// fields has string keys (checked where the type is declared, for a non-generic type).
pub fn checks(container: &Container, data: &Struct) -> TokenStream {
    let Some(unique) = data.fields.iter().find_map(|f| f.attrs.unique.as_ref()) else {
        return TokenStream::new();
    };
    if !container.generics.params.is_empty() {
        return TokenStream::new();
    }
    let ident = container.ident;
    let message = format!(
        "`{ident}` has a unique field: its guard items are keyed by text, so the table's key attributes must be strings (S)"
    );
    quote_spanned! {unique.span=>
        const _: () = ::core::assert!(
            ::dynamap::__private::string_keys(&<#ident as ::dynamap::DynamoItem>::KEY_SCHEMA),
            #message
        );
    }
}
