//! A shaped item's members: its `SHAPE`, the version every whole item stores, and the
//! read of an item an older shape stored (decoded as that shape, upgraded through each
//! later one by `From`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::Container;
use crate::attr::ShapeAttr;

/// The shape, when the type declares one that `check` accepted.
fn declared<'c>(container: &'c Container) -> Option<(&'c ShapeAttr, u32)> {
    let shape = container.shape.as_ref()?;
    Some((shape, shape.version_number()?))
}

/// Whether the type declares a shape (its reads then start with the version).
pub fn is_shaped(container: &Container) -> bool {
    declared(container).is_some()
}

/// `const SHAPE`, for the `DynamoItem` impl.
pub fn members(container: &Container) -> TokenStream {
    let Some((shape, version)) = declared(container) else {
        return TokenStream::new();
    };
    let attribute = shape.attribute_name();
    let type_name = container.ident.to_string();
    let older = shape.from.iter().map(|ty| {
        quote_spanned! {ty.span()=>
            ::dynamap::__private::older_shape_names::<#ty>(out);
        }
    });
    quote! {
        const SHAPE: ::core::option::Option<::dynamap::schema::ItemShape> = {
            fn older(out: &mut ::std::vec::Vec<&'static str>) {
                let _ = &out;
                #(#older)*
            }
            ::core::option::Option::Some(::dynamap::schema::ItemShape {
                attribute: #attribute,
                version: #version,
                older,
                type_name: #type_name,
            })
        };
    }
}

/// Stores the version in `item` (what `to_item` wrote).
pub fn mark(container: &Container) -> TokenStream {
    let Some((shape, version)) = declared(container) else {
        return TokenStream::new();
    };
    let attribute = shape.attribute_name();
    quote! {
        ::dynamap::__private::mark_shape(&mut item, #attribute, #version);
    }
}

/// The start of `from_item`: an item an older shape stored is read as that shape and
/// upgraded to `Self`, one version at a time.
pub fn dispatch(container: &Container) -> TokenStream {
    let Some((shape, version)) = declared(container) else {
        return TokenStream::new();
    };
    let attribute = shape.attribute_name();
    let type_name = container.ident.to_string();
    let arms = (1..version).map(|stored| {
        let index = (stored - 1) as usize;
        let Some(first) = shape.from.get(index) else {
            return TokenStream::new();
        };
        let read = quote_spanned! {first.span()=>
            ::dynamap::__private::read_older_shape::<#first>(item)?
        };
        // Each later shape in turn, then the type itself (named at the last older
        // shape, so that a missing `From` is reported in the attribute).
        let last = shape
            .from
            .last()
            .map_or_else(proc_macro2::Span::call_site, Spanned::span);
        let self_ty = quote_spanned!(last=> Self);
        let steps = shape.from[index..]
            .iter()
            .zip(
                shape.from[index + 1..]
                    .iter()
                    .map(|t| quote!(#t))
                    .chain(std::iter::once(self_ty)),
            )
            .map(|(old, new)| {
                quote_spanned! {old.span()=>
                    let __value = ::dynamap::__private::upgrade_shape::<#old, #new>(__value);
                }
            });
        quote! {
            #stored => {
                let __value = #read;
                #(#steps)*
                ::dynamap::__private::Result::Ok(__value)
            }
        }
    });
    quote! {
        let __stored_shape = ::dynamap::__private::stored_shape(&item, #attribute, #version, #type_name)?;
        if __stored_shape != #version {
            return match __stored_shape {
                #(#arms)*
                other => ::dynamap::__private::Result::Err(
                    ::dynamap::__private::unknown_shape(#type_name, other, #version),
                ),
            };
        }
    }
}
