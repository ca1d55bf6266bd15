//! `#[derive(DynamoCollection)]`: an enum of entities read together from one
//! partition. Each variant holds one entity; the compiler checks that all are stored in
//! one table under the same partition template (the odd one out is named).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields};

use crate::ctxt::Ctxt;

struct Member<'a> {
    variant: &'a syn::Ident,
    ty: &'a syn::Type,
}

fn members<'a>(cx: &Ctxt, input: &'a DeriveInput) -> Vec<Member<'a>> {
    let Data::Enum(data) = &input.data else {
        cx.spanned(
            &input.ident,
            "DynamoCollection goes on an enum with one variant per entity: `enum UserView { User(User), Order(Order) }`",
        );
        return Vec::new();
    };
    if data.variants.is_empty() {
        cx.spanned(&input.ident, "a collection needs at least one entity");
    }
    if !input.generics.params.is_empty() {
        cx.spanned(
            &input.generics,
            "a DynamoCollection takes no generic parameters",
        );
    }
    let mut out = Vec::new();
    for variant in &data.variants {
        match &variant.fields {
            Fields::Unnamed(fields) if fields.unnamed.len() == 1 => out.push(Member {
                variant: &variant.ident,
                ty: &fields.unnamed[0].ty,
            }),
            _ => cx.spanned(
                variant,
                format!(
                    "each variant holds one entity: `{}(EntityType)`",
                    variant.ident
                ),
            ),
        }
    }
    out
}

/// Every member beside the first: same table, same partition shape and types.
fn checks(ident: &syn::Ident, members: &[Member]) -> TokenStream {
    let Some(first) = members.first() else {
        return TokenStream::new();
    };
    let first_ty = first.ty;
    let first_name = crate::ast::path_text(first_ty);
    let checks = members[1..].iter().map(|member| {
        let ty = member.ty;
        let name = crate::ast::path_text(ty);
        let message = format!(
            "collection `{ident}`: `{name}`'s partition template differs from `{first_name}`'s; members share one partition template"
        );
        quote_spanned! {ty.span()=>
            const _: () = {
                ::dynamap::__private::same_table::<#first_ty, #ty>();
                ::core::assert!(
                    ::dynamap::__private::same_text(
                        <#ty as ::dynamap::single_table::Entity>::PARTITION_SHAPE,
                        <#first_ty as ::dynamap::single_table::Entity>::PARTITION_SHAPE,
                    ),
                    #message
                );
                ::dynamap::__private::same_partition::<#first_ty, #ty>();
            };
        }
    });
    quote!(#(#checks)*)
}

pub fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let members = members(&cx, input);
    if let Err(errors) = cx.finish() {
        return errors.into_compile_error();
    }
    let ident = &input.ident;
    let Some(first) = members.first() else {
        return TokenStream::new();
    };
    let first_ty = first.ty;
    let types: Vec<&syn::Type> = members.iter().map(|m| m.ty).collect();
    let positions = 0..members.len();
    let decodes = members.iter().enumerate().map(|(i, m)| {
        let (variant, ty) = (m.variant, m.ty);
        quote!(#i => ::dynamap::__private::Result::Ok(#ident::#variant(<#ty as ::dynamap::DynamoItem>::from_item(item)?)))
    });
    let checks = checks(ident, &members);
    quote! {
        #checks

        #[automatically_derived]
        impl ::dynamap::DynamoCollection for #ident {
            type Table = <#first_ty as ::dynamap::single_table::Entity>::Table;
            type First = #first_ty;
            const MEMBERS: &'static [&'static str] = &[#(<#types as ::dynamap::single_table::Entity>::NAME),*];

            fn from_item(item: ::dynamap::value::Item) -> ::dynamap::Result<Self> {
                let attribute = <Self::Table as ::dynamap::DynamoTable>::ENTITY_ATTRIBUTE;
                let found = ::dynamap::__private::entity_of(&item, attribute);
                let member = match found {
                    #(::core::option::Option::Some(name) if name == <#types as ::dynamap::single_table::Entity>::NAME => #positions,)*
                    found => {
                        return ::dynamap::__private::Result::Err(
                            ::dynamap::__private::other_entity(Self::MEMBERS, found),
                        )
                    }
                };
                match member {
                    #(#decodes,)*
                    _ => ::core::unreachable!("a member's position"),
                }
            }

            fn __refuse_unguarded(operation: &'static str) -> ::dynamap::Result<()> {
                #(::dynamap::__private::refuse_unguarded::<#types>(operation)?;)*
                ::dynamap::__private::Result::Ok(())
            }
        }

        #[automatically_derived]
        impl ::dynamap::changes::Changed for #ident {
            type Key = ::dynamap::value::Item;

            fn change_key(keys: &::dynamap::value::Item) -> ::dynamap::Result<::dynamap::value::Item> {
                ::dynamap::__private::Result::Ok(::core::clone::Clone::clone(keys))
            }

            fn from_image(image: ::dynamap::value::Item) -> ::dynamap::Result<Self> {
                <Self as ::dynamap::DynamoCollection>::from_item(image)
            }

            fn entities() -> ::core::option::Option<(&'static str, &'static [&'static str])> {
                ::core::option::Option::Some((
                    <<Self as ::dynamap::DynamoCollection>::Table as ::dynamap::DynamoTable>::ENTITY_ATTRIBUTE,
                    <Self as ::dynamap::DynamoCollection>::MEMBERS,
                ))
            }
        }
    }
}
