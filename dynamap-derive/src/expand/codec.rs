//! The map codec of a struct (`MapCodec`: its fields to and from an item), and its
//! `DynamoValue` and `Projection` impls, which are built on it.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::{impl_header, paths};
use crate::ast::{Body, Container, Field, Storage, Struct};

fn encode_field(field: &Field) -> TokenStream {
    let member = field.member;
    // Spanned at the field, so a type error points there.
    encode_value(field, quote_spanned!(field.ty.span()=> &self.#member))
}

/// Encodes `value` (a reference to a value of the field's type) into `item`, as the
/// field is stored.
pub fn encode_value(field: &Field, value: TokenStream) -> TokenStream {
    let name = &field.name;
    let span = field.ty.span();
    if field.is_key {
        return quote_spanned! {span=>
            item.insert(
                ::std::string::String::from(#name),
                ::dynamap::__private::encode_key(#name, #value)?,
            );
        };
    }
    if field.is_ttl {
        return quote_spanned! {span=>
            ::dynamap::__private::encode_ttl_field(&mut item, #name, #value)?;
        };
    }
    match field.storage {
        Storage::Skip => quote!(),
        Storage::Flatten => quote_spanned! {span=>
            ::dynamap::__private::encode_flattened(&mut item, #value)?;
        },
        Storage::Epoch => {
            let unit = crate::ast::epoch_unit(&field.attrs);
            quote_spanned! {span=>
                ::dynamap::__private::encode_epoch_field::<_, #unit>(&mut item, #name, #value)?;
            }
        }
        Storage::With => {
            let with = &field.with;
            quote_spanned! {span=>
                ::dynamap::__private::encode_with_field(&mut item, #name, #with::to_stored(#value))?;
            }
        }
        Storage::Serde => quote_spanned! {span=>
            ::dynamap::__private::encode_serde_field(&mut item, #name, #value)?;
        },
        Storage::Value | Storage::ValueOrDefault => quote_spanned! {span=>
            ::dynamap::__private::encode_field(&mut item, #name, #value)?;
        },
    }
}

/// The local holding a field's raw attribute while the item is taken apart.
fn slot(index: usize) -> syn::Ident {
    quote::format_ident!("__slot{}", index)
}

fn decode_field(index: usize, field: &Field) -> TokenStream {
    let member = field.member;
    let name = &field.name;
    let span = field.ty.span();
    let slot = slot(index);
    let value = match field.storage {
        Storage::Skip => quote_spanned!(span=> ::core::default::Default::default()),
        Storage::Serde => {
            quote_spanned!(span=> ::dynamap::__private::decode_serde_slot(#slot, #name)?)
        }
        Storage::With => {
            let with = &field.with;
            quote_spanned!(span=> ::dynamap::__private::decode_with_slot(#slot, #name, #with::from_stored)?)
        }
        Storage::Epoch => {
            let unit = crate::ast::epoch_unit(&field.attrs);
            quote_spanned!(span=> ::dynamap::__private::decode_epoch_slot::<_, #unit, _>(#slot, #name)?)
        }
        Storage::Flatten => {
            quote_spanned!(span=> ::dynamap::__private::decode_flattened(&mut __rest)?)
        }
        Storage::ValueOrDefault if field.attrs.default_fn.is_some() => {
            let function = &field.attrs.default_fn;
            quote_spanned!(span=> ::dynamap::__private::decode_slot_or_else(#slot, #name, #function)?)
        }
        Storage::ValueOrDefault => {
            quote_spanned!(span=> ::dynamap::__private::decode_slot_or_default(#slot, #name)?)
        }
        Storage::Value => quote_spanned!(span=> ::dynamap::__private::decode_slot(#slot, #name)?),
    };
    quote!(#member: #value)
}

pub fn map_codec(container: &Container, data: &Struct) -> TokenStream {
    let header = impl_header(container, quote!(::dynamap::__private::MapCodec));
    let stored = data
        .fields
        .iter()
        .filter(|f| f.storage != Storage::Skip)
        .count();
    // Flattened structs last, so their attributes are checked against all the others.
    let flattened = |f: &&Field| f.storage == Storage::Flatten;
    let encode = data
        .fields
        .iter()
        .filter(|f| !flattened(f))
        .chain(data.fields.iter().filter(flattened))
        .map(encode_field);
    let has_flatten = data.fields.iter().any(|f| f.storage == Storage::Flatten);
    let decode = data
        .fields
        .iter()
        .enumerate()
        .map(|(i, f)| decode_field(i, f));
    // One pass over the item, matching names, instead of one hash lookup per field.
    let stored_fields: Vec<(syn::Ident, &String)> = data
        .fields
        .iter()
        .enumerate()
        .filter(|(_, f)| f.storage != Storage::Skip && f.storage != Storage::Flatten)
        .map(|(i, f)| (slot(i), &f.name))
        .collect();
    // What no field claims is kept for the flattened structs to take their attributes.
    let (rest, other_arm) = if has_flatten {
        (
            quote!(let mut __rest: ::dynamap::value::Item = ::dynamap::__private::HashMap::new();),
            quote!(_ => {
                __rest.insert(
                    ::core::convert::Into::into(name),
                    ::dynamap::__private::AttributeSource::into_owned(value),
                );
            }),
        )
    } else {
        (quote!(), quote!(_ => {}))
    };
    let slots = stored_fields.iter().map(|(slot, _)| slot);
    let slot_arms = stored_fields
        .iter()
        .map(|(slot, name)| quote!(#name => #slot = ::core::option::Option::Some(value),));
    // An old name fills the slot only while the current name has not.
    let alias_arms = data.fields.iter().enumerate().flat_map(|(i, f)| {
        let slot = slot(i);
        f.attrs.alias.iter().map(move |alias| {
            quote!(#alias => if #slot.is_none() { #slot = ::core::option::Option::Some(value) },)
        })
    });
    quote! {
        #header {
            #[inline]
            fn encode_fields(&self) -> ::dynamap::__private::Result<::dynamap::value::Item, ::dynamap::error::ConversionError> {
                let mut item = ::dynamap::__private::HashMap::with_capacity(#stored);
                #(#encode)*
                ::dynamap::__private::Result::Ok(item)
            }

            #[inline]
            fn decode_pairs<__K, __V, __I>(pairs: __I) -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError>
            where
                __K: ::core::convert::AsRef<str> + ::core::convert::Into<::std::string::String>,
                __V: ::dynamap::__private::AttributeSource,
                __I: ::core::iter::IntoIterator<Item = (__K, __V)>,
            {
                #(let mut #slots: ::core::option::Option<__V> = ::core::option::Option::None;)*
                #rest
                for (name, value) in pairs {
                    match name.as_ref() {
                        #(#slot_arms)*
                        #(#alias_arms)*
                        #other_arm
                    }
                }
                ::dynamap::__private::Result::Ok(Self { #(#decode,)* })
            }
        }
    }
}

pub fn struct_value(container: &Container) -> TokenStream {
    let header = impl_header(container, quote!(::dynamap::DynamoValue));
    let list_header = impl_header(container, quote!(::dynamap::path::ListElement));
    let expected = format!("a map (M) of {}", container.ident);
    let fields_ident = paths::fields_ident(container);
    let args = paths::generic_args(container);
    let projection_header = impl_header(container, quote!(::dynamap::schema::Projection));
    let attributes: Vec<String> = match &container.body {
        // Aliases too: a projection reads old items.
        Body::Struct(data) => data
            .fields
            .iter()
            .filter(|f| f.storage != Storage::Skip && f.storage != Storage::Flatten)
            .flat_map(|f| {
                std::iter::once(f.name.clone()).chain(f.attrs.alias.iter().map(syn::LitStr::value))
            })
            .collect(),
        Body::Newtype(_) | Body::Enum(_) | Body::Tagged(_) => Vec::new(),
    };
    // A flattened struct's names are its own: asked of it where it is known.
    let flattened: Vec<TokenStream> = match &container.body {
        Body::Struct(data) => data
            .fields
            .iter()
            .filter(|f| f.storage == Storage::Flatten)
            .map(|f| {
                let ty = f.ty;
                quote_spanned!(ty.span()=> ::dynamap::__private::flattened_names::<#ty>(out);)
            })
            .collect(),
        _ => Vec::new(),
    };
    let flattened_names = (!flattened.is_empty()).then(|| {
        quote! {
            fn attribute_names(out: &mut ::std::vec::Vec<&'static str>) {
                out.extend_from_slice(<Self as ::dynamap::schema::Projection>::ATTRIBUTES);
                #(#flattened)*
            }
        }
    });
    quote! {
        #list_header {}

        #projection_header {
            const ATTRIBUTES: &'static [&'static str] = &[#(#attributes),*];

            fn from_projected(item: ::dynamap::value::Item) -> ::dynamap::Result<Self> {
                ::dynamap::__private::Result::Ok(::dynamap::__private::MapCodec::decode_fields(item)?)
            }

            #flattened_names
        }

        #header {
            type Path<__P: ::dynamap::path::PathParent> = #fields_ident<__P, #(#args),*>;

            const EXPECTED: &'static str = #expected;

            #[inline]
            fn to_attribute_value(&self) -> ::dynamap::__private::Result<
                ::core::option::Option<::dynamap::__private::AttributeValue>,
                ::dynamap::error::ConversionError,
            > {
                ::dynamap::__private::MapCodec::encode_fields(self)
                    .map(|map| ::core::option::Option::Some(::dynamap::__private::AttributeValue::M(map)))
            }

            #[inline]
            fn from_attribute_value(
                value: ::dynamap::__private::AttributeValue,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> {
                match value {
                    ::dynamap::__private::AttributeValue::M(map) => {
                        ::dynamap::__private::MapCodec::decode_fields(map)
                    }
                    other => ::dynamap::__private::Result::Err(
                        ::dynamap::error::ConversionError::unexpected(Self::EXPECTED, &other),
                    ),
                }
            }
        }
    }
}

/// `ProjectionOf<I>` for each `projection_of(I)`, with the check (at the attribute)
/// that index `I` holds every attribute the struct reads.
pub fn projection_of(container: &Container, data: &crate::ast::Struct) -> TokenStream {
    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let names: Vec<&String> = data
        .fields
        .iter()
        .filter(|f| f.storage != Storage::Skip && f.storage != Storage::Flatten)
        .map(|f| &f.name)
        .collect();
    let impls = data.projection_of.iter().map(|index| {
        let index_name = crate::ast::path_text(index);
        let message = format!(
            "`{ident}` reads attributes index `{index_name}` does not hold: read only its keys, \
             the table's and what it includes (`include(..)` on the index), or leave the others \
             out of `{ident}`"
        );
        quote_spanned! {index.span()=>
            #[automatically_derived]
            impl #impl_generics ::dynamap::single_table::ProjectionOf<#index> for #ident #ty_generics #where_clause {}

            const _: () = ::core::assert!(
                ::dynamap::__private::projects(
                    <#index as ::dynamap::single_table::DynamoIndex>::PROJECTED_ATTRIBUTES,
                    &[#(#names),*],
                ),
                #message
            );
        }
    });
    quote!(#(#impls)*)
}
