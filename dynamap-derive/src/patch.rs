//! `#[derive(DynamoPatch)]`: beside an item type's `DynamoItem`, a `{Type}Patch` struct
//! of its changeable fields, each optional, deserializable with serde, whose `apply`
//! adds a `set` (or, for `null` in an optional field, a `remove`) to a `modify`. The
//! model is the item derive's; what a patch may change is decided here.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;
use syn::DeriveInput;

use crate::ast::{option_inner, Body, Container, Derive, Field, Storage, Struct};
use crate::ctxt::Ctxt;

/// Whether a patch may change `field`: not a key, the version, a write-time stamp, a
/// field of an entity's primary-key templates, a skipped or flattened field, an
/// encrypted or signed one (the encryption SDK refuses UpdateItem on it), or one marked
/// `no_patch`.
fn patchable(field: &Field, data: &Struct) -> bool {
    let attrs = &field.attrs;
    let in_primary_key = data.entity.as_ref().is_some_and(|entity| {
        let name = field.member.to_string();
        entity
            .key_fields()
            .iter()
            .any(|key| *key == name.trim_start_matches("r#"))
    });
    !(field.is_key
        || field.is_version
        || in_primary_key
        || matches!(field.storage, Storage::Skip | Storage::Flatten)
        || attrs.created_at.is_some()
        || attrs.updated_at.is_some()
        || attrs.encrypt.is_some()
        || attrs.sign_only.is_some()
        || attrs.no_patch.is_some())
}

fn check(cx: &Ctxt, container: &Container) -> Option<()> {
    if !container.generics.params.is_empty() {
        cx.spanned(
            container.generics,
            "DynamoPatch takes a type without generic parameters",
        );
        return None;
    }
    Some(())
}

fn expand(container: &Container, data: &Struct) -> TokenStream {
    let ident = container.ident;
    let vis = container.vis;
    let patch = format_ident!("{}Patch", ident);
    let fields: Vec<&Field> = data.fields.iter().filter(|f| patchable(f, data)).collect();
    let declared = fields.iter().map(|field| {
        let member = field.member;
        let ty = field.ty;
        let doc = format!("A new `{member}`, if the patch changes it.");
        match option_inner(ty) {
            Some(_) => quote_spanned! {ty.span()=>
                #[doc = #doc]
                #[doc = ""]
                #[doc = "`Some(None)` (`null` in JSON) removes it."]
                #[serde(default, deserialize_with = "::dynamap::__private::present_or_null")]
                pub #member: ::core::option::Option<#ty>,
            },
            None => quote_spanned! {ty.span()=>
                #[doc = #doc]
                #[serde(default)]
                pub #member: ::core::option::Option<#ty>,
            },
        }
    });
    let applied = fields.iter().map(|field| {
        let member = field.member;
        match option_inner(field.ty) {
            Some(_) => quote! {
                match self.#member {
                    ::core::option::Option::Some(::core::option::Option::Some(value)) => {
                        modify = modify.set(fields.#member, ::core::option::Option::Some(value));
                    }
                    ::core::option::Option::Some(::core::option::Option::None) => {
                        modify = modify.remove(fields.#member);
                    }
                    ::core::option::Option::None => {}
                }
            },
            None => quote! {
                if let ::core::option::Option::Some(value) = self.#member {
                    modify = modify.set(fields.#member, value);
                }
            },
        }
    });
    let members = fields.iter().map(|f| f.member);
    let doc = format!(
        "The fields of [`{ident}`] a partial update may change, each optional: what \
         `modify(..).patch(..)` applies (derived by `DynamoPatch`)."
    );
    quote! {
        #[doc = #doc]
        #[derive(
            ::core::default::Default,
            ::core::fmt::Debug,
            ::core::clone::Clone,
            ::core::cmp::PartialEq,
            ::dynamap::__private::serde::Deserialize,
        )]
        #[serde(crate = "::dynamap::__private::serde", deny_unknown_fields)]
        #vis struct #patch {
            #(#declared)*
        }

        #[automatically_derived]
        impl ::dynamap::operations::Patch<#ident> for #patch {
            fn apply<'__a, __Ret>(
                self,
                modify: ::dynamap::operations::Modify<'__a, #ident, __Ret>,
            ) -> ::dynamap::operations::Modify<'__a, #ident, __Ret> {
                #[allow(unused_mut, unused_variables)]
                let mut modify = modify;
                #[allow(unused_variables)]
                let fields = <#ident>::fields();
                #(#applied)*
                modify
            }

            fn is_empty(&self) -> bool {
                true #(&& self.#members.is_none())*
            }
        }
    }
}

pub fn derive(input: &DeriveInput) -> TokenStream {
    let named =
        matches!(&input.data, syn::Data::Struct(s) if matches!(s.fields, syn::Fields::Named(_)));
    if !named {
        return syn::Error::new_spanned(
            &input.ident,
            "DynamoPatch goes on an item struct with named fields, beside its DynamoItem",
        )
        .into_compile_error();
    }
    // The item derive beside this one reports every mistake in the type: this one adds
    // the patch to a type that models cleanly, and reports only its own rules.
    let cx = Ctxt::default();
    let Some(container) = Container::from_ast(&cx, input, Derive::Item) else {
        return TokenStream::new();
    };
    if cx.finish().is_err() {
        return TokenStream::new();
    }
    let cx = Ctxt::default();
    let checked = match &container.body {
        Body::Struct(data) => check(&cx, &container).map(|()| data),
        _ => None,
    };
    match (cx.finish(), checked) {
        (Ok(()), Some(data)) => expand(&container, data),
        (Err(errors), _) => errors.into_compile_error(),
        (Ok(()), None) => TokenStream::new(),
    }
}
