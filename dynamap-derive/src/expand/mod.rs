//! Code generation from a validated model. Generated code calls small helpers in
//! `dynamap::__private` rather than spelling everything out: less code to compile per
//! derive, same machine code after inlining.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{Body, Container, Storage};

mod aggregate;
mod codec;
mod entity;
mod enums;
mod fallback;
mod item;
mod newtype;
mod paths;
mod shape;
mod unique;
mod validate;

pub use fallback::fallback;

pub fn expand(container: &Container) -> TokenStream {
    match &container.body {
        Body::Struct(data) => {
            let mut out = codec::map_codec(container, data);
            out.extend(codec::struct_value(container));
            out.extend(codec::projection_of(container, data));
            out.extend(paths::expand(container, data));
            if let Some(model) = &data.entity {
                out.extend(entity::entity(container, data, model));
                out.extend(item::expiring(container, data));
                out.extend(item::updates_in_place(container, data));
            } else if let Some(key) = &data.key {
                out.extend(item::item(container, data, key));
                out.extend(item::index_markers(container, data, key));
                out.extend(item::expiring(container, data));
                out.extend(item::updates_in_place(container, data));
            }
            out
        }
        Body::Newtype(data) => newtype::newtype(container, data),
        Body::Enum(variants) => enums::unit_enum(container, variants),
        Body::Tagged(tagged) => enums::tagged_enum(container, tagged),
    }
}

/// `impl<..> Trait for Type<..> where ..` with the bounds that generic field types need.
fn impl_header(container: &Container, trait_path: TokenStream) -> TokenStream {
    impl_header_with(container, trait_path, None)
}

/// `impl_header`, plus `param_bound` on every type parameter (items cross threads, so
/// their generic parameters must too).
fn impl_header_with(
    container: &Container,
    trait_path: TokenStream,
    param_bound: Option<TokenStream>,
) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let mut predicates: Vec<TokenStream> = where_clause
        .map(|w| w.predicates.iter().map(|p| quote!(#p)).collect())
        .unwrap_or_default();
    if let Some(bound) = &param_bound {
        for param in container.generics.type_params() {
            let ident = &param.ident;
            predicates.push(quote!(#ident: #bound));
        }
    }
    predicates.extend(field_predicates(container));
    quote! {
        #[automatically_derived]
        impl #impl_generics #trait_path for #ident #ty_generics where #(#predicates,)*
    }
}

/// The bounds generic field types need (none for a struct without type parameters:
/// there a missing impl is better reported at the field).
fn field_predicates(container: &Container) -> Vec<TokenStream> {
    let mut predicates = Vec::new();
    if container.generics.type_params().next().is_none() {
        return predicates;
    }
    if let Body::Struct(data) = &container.body {
        for field in &data.fields {
            let ty = field.ty;
            predicates.push(match field.storage {
                Storage::Value => quote!(#ty: ::dynamap::DynamoValue),
                Storage::ValueOrDefault if field.attrs.default_fn.is_some() => {
                    quote!(#ty: ::dynamap::DynamoValue)
                }
                Storage::ValueOrDefault => {
                    quote!(#ty: ::dynamap::DynamoValue + ::core::default::Default)
                }
                Storage::Serde => quote!(#ty: ::dynamap::__private::serde::Serialize + ::dynamap::__private::serde::de::DeserializeOwned),
                // The module's functions say what they take.
                Storage::With => continue,
                Storage::Epoch => quote!(#ty: ::dynamap::value::EpochTime),
                Storage::Flatten => quote!(#ty: ::dynamap::__private::Flatten),
                Storage::Skip => quote!(#ty: ::core::default::Default),
            });
        }
    }
    predicates
}

/// Marks every trait impl in `tokens` (a derive's output, nested `const _` blocks
/// included) `#[diagnostic::do_not_recommend]`, so that a library's own item types do
/// not appear in its users' "the trait is implemented for" suggestions.
pub fn do_not_recommend(tokens: TokenStream) -> TokenStream {
    let Ok(mut file) = syn::parse2::<syn::File>(tokens.clone()) else {
        return tokens;
    };
    file.items.iter_mut().for_each(mark_item);
    quote::quote!(#file)
}

fn mark_item(item: &mut syn::Item) {
    match item {
        syn::Item::Impl(block) if block.trait_.is_some() => {
            block
                .attrs
                .push(syn::parse_quote!(#[diagnostic::do_not_recommend]));
        }
        syn::Item::Const(constant) => {
            if let syn::Expr::Block(block) = constant.expr.as_mut() {
                for statement in &mut block.block.stmts {
                    if let syn::Stmt::Item(inner) = statement {
                        mark_item(inner);
                    }
                }
            }
        }
        syn::Item::Mod(module) => {
            if let Some((_, items)) = &mut module.content {
                items.iter_mut().for_each(mark_item);
            }
        }
        _ => {}
    }
}
