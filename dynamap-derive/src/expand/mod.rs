//! Code generation from a validated model. Generated code calls small helpers in
//! `dynamap::__private` rather than spelling everything out: less code to compile per
//! derive, same machine code after inlining.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Body, Container, Field, Storage, Struct, Variant};

mod paths;

pub fn expand(container: &Container) -> TokenStream {
    match &container.body {
        Body::Struct(data) => {
            let mut out = map_codec(container, data);
            out.extend(struct_value(container));
            out.extend(paths::expand(container, data));
            if let Some(key) = &data.key {
                out.extend(item(container, data, key));
            }
            out
        }
        Body::Enum(variants) => unit_enum(container, variants),
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
                Storage::ValueOrDefault => {
                    quote!(#ty: ::dynamap::DynamoValue + ::core::default::Default)
                }
                Storage::Serde => quote!(#ty: ::dynamap::__private::serde::Serialize + ::dynamap::__private::serde::de::DeserializeOwned),
                Storage::Skip => quote!(#ty: ::core::default::Default),
            });
        }
    }
    predicates
}

fn encode_field(field: &Field) -> TokenStream {
    let member = field.member;
    let name = &field.name;
    let span = field.ty.span();
    if field.is_key {
        return quote_spanned! {span=>
            item.insert(
                ::std::string::String::from(#name),
                ::dynamap::__private::encode_key(#name, &self.#member)?,
            );
        };
    }
    if field.is_ttl {
        return quote_spanned! {span=>
            ::dynamap::__private::encode_ttl_field(&mut item, #name, &self.#member)?;
        };
    }
    match field.storage {
        Storage::Skip => quote!(),
        Storage::Serde => quote_spanned! {span=>
            ::dynamap::__private::encode_serde_field(&mut item, #name, &self.#member)?;
        },
        Storage::Value | Storage::ValueOrDefault => quote_spanned! {span=>
            ::dynamap::__private::encode_field(&mut item, #name, &self.#member)?;
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
        Storage::ValueOrDefault => {
            quote_spanned!(span=> ::dynamap::__private::decode_slot_or_default(#slot, #name)?)
        }
        Storage::Value => quote_spanned!(span=> ::dynamap::__private::decode_slot(#slot, #name)?),
    };
    quote!(#member: #value)
}

fn map_codec(container: &Container, data: &Struct) -> TokenStream {
    let header = impl_header(container, quote!(::dynamap::__private::MapCodec));
    let stored = data
        .fields
        .iter()
        .filter(|f| f.storage != Storage::Skip)
        .count();
    let encode = data.fields.iter().map(encode_field);
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
        .filter(|(_, f)| f.storage != Storage::Skip)
        .map(|(i, f)| (slot(i), &f.name))
        .collect();
    let slots = stored_fields.iter().map(|(slot, _)| slot);
    let slot_arms = stored_fields
        .iter()
        .map(|(slot, name)| quote!(#name => #slot = ::core::option::Option::Some(value),));
    quote! {
        #header {
            #[inline]
            fn encode_fields(&self) -> ::dynamap::__private::Result<::dynamap::Item, ::dynamap::ConversionError> {
                let mut item = ::dynamap::__private::HashMap::with_capacity(#stored);
                #(#encode)*
                ::dynamap::__private::Result::Ok(item)
            }

            #[inline]
            fn decode_fields(item: ::dynamap::Item) -> ::dynamap::__private::Result<Self, ::dynamap::ConversionError> {
                #(let mut #slots: ::core::option::Option<::dynamap::__private::AttributeValue> = ::core::option::Option::None;)*
                for (name, value) in item {
                    match name.as_str() {
                        #(#slot_arms)*
                        _ => {}
                    }
                }
                ::dynamap::__private::Result::Ok(Self { #(#decode,)* })
            }
        }
    }
}

fn struct_value(container: &Container) -> TokenStream {
    let header = impl_header(container, quote!(::dynamap::DynamoValue));
    let list_header = impl_header(container, quote!(::dynamap::path::ListElement));
    let expected = format!("a map (M) of {}", container.ident);
    let fields_ident = paths::fields_ident(container);
    let args = paths::generic_args(container);
    let projection_header = impl_header(container, quote!(::dynamap::Projection));
    let attributes: Vec<&String> = match &container.body {
        Body::Struct(data) => data
            .fields
            .iter()
            .filter(|f| f.storage != Storage::Skip)
            .map(|f| &f.name)
            .collect(),
        Body::Enum(_) => Vec::new(),
    };
    quote! {
        #list_header {}

        #projection_header {
            const ATTRIBUTES: &'static [&'static str] = &[#(#attributes),*];

            fn from_projected(item: ::dynamap::Item) -> ::dynamap::Result<Self> {
                ::dynamap::__private::Result::Ok(::dynamap::__private::MapCodec::decode_fields(item)?)
            }
        }

        #header {
            type Path<__P: ::dynamap::path::PathParent> = #fields_ident<__P, #(#args),*>;

            const EXPECTED: &'static str = #expected;

            #[inline]
            fn to_attribute_value(&self) -> ::dynamap::__private::Result<
                ::core::option::Option<::dynamap::__private::AttributeValue>,
                ::dynamap::ConversionError,
            > {
                ::dynamap::__private::MapCodec::encode_fields(self)
                    .map(|map| ::core::option::Option::Some(::dynamap::__private::AttributeValue::M(map)))
            }

            #[inline]
            fn from_attribute_value(
                value: ::dynamap::__private::AttributeValue,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::ConversionError> {
                match value {
                    ::dynamap::__private::AttributeValue::M(map) => {
                        ::dynamap::__private::MapCodec::decode_fields(map)
                    }
                    other => ::dynamap::__private::Result::Err(
                        ::dynamap::ConversionError::unexpected(Self::EXPECTED, &other),
                    ),
                }
            }
        }
    }
}

fn item(container: &Container, data: &Struct, key: &crate::model::Key) -> TokenStream {
    let header = impl_header_with(
        container,
        quote!(::dynamap::DynamoItem),
        Some(quote!(
            ::core::marker::Send + ::core::marker::Sync + 'static
        )),
    );
    let partition = &data.fields[key.partition];
    let sort = key.sort.map(|i| &data.fields[i]);
    let definition = |field: &Field| {
        let name = &field.name;
        let ty = field.ty;
        let span = ty.span();
        quote_spanned! {span=>
            ::dynamap::KeyDefinition {
                name: #name,
                scalar_type: ::dynamap::__private::key_type::<#ty>(),
            }
        }
    };
    let pk_def = definition(partition);
    let pk_ty = partition.ty;
    let pk_member = partition.member;
    let pk_name = &partition.name;
    let (key_type, sort_def, key_expr, key_insert, key_read) = match sort {
        Some(sort) => {
            let sk_def = definition(sort);
            let sk_ty = sort.ty;
            let sk_member = sort.member;
            let sk_name = &sort.name;
            (
                quote!((#pk_ty, #sk_ty)),
                quote!(::core::option::Option::Some(#sk_def)),
                quote!((::core::clone::Clone::clone(&self.#pk_member), ::core::clone::Clone::clone(&self.#sk_member))),
                quote! {
                    item.insert(::std::string::String::from(#pk_name), ::dynamap::__private::encode_key(#pk_name, &key.0)?);
                    item.insert(::std::string::String::from(#sk_name), ::dynamap::__private::encode_key(#sk_name, &key.1)?);
                },
                quote!((
                    ::dynamap::__private::decode_key(item, #pk_name)?,
                    ::dynamap::__private::decode_key(item, #sk_name)?,
                )),
            )
        }
        None => (
            quote!(#pk_ty),
            quote!(::core::option::Option::None),
            quote!(::core::clone::Clone::clone(&self.#pk_member)),
            quote! {
                item.insert(::std::string::String::from(#pk_name), ::dynamap::__private::encode_key(#pk_name, key)?);
            },
            quote!(::dynamap::__private::decode_key(item, #pk_name)?),
        ),
    };
    let key_count = if sort.is_some() { 2usize } else { 1 };
    let index_key = |i: usize| {
        let field = &data.fields[i];
        let name = &field.name;
        let ty = field.ty;
        let span = ty.span();
        quote_spanned! {span=>
            ::dynamap::KeyDefinition {
                name: #name,
                scalar_type: ::dynamap::__private::index_key_type::<#ty>(),
            }
        }
    };
    let attribute_names = data
        .fields
        .iter()
        .filter(|f| f.storage != Storage::Skip)
        .map(|f| &f.name);
    let ttl = data.ttl.map(|i| &data.fields[i]).map(|field| {
        let name = &field.name;
        let ty = field.ty;
        let check = quote_spanned!(ty.span()=> ::dynamap::__private::ttl_check::<#ty>());
        quote! {
            const TTL_ATTRIBUTE: ::core::option::Option<&'static str> = {
                #check;
                ::core::option::Option::Some(#name)
            };
        }
    });
    let indexes = data.indexes.iter().map(|index| {
        let name = &index.name;
        let kind = if index.global {
            quote!(::dynamap::IndexKind::Global)
        } else {
            quote!(::dynamap::IndexKind::Local)
        };
        let partition_key = match index.partition {
            Some(i) => index_key(i),
            None => pk_def.clone(),
        };
        let sort_key = match index.sort {
            Some(i) => {
                let def = index_key(i);
                quote!(::core::option::Option::Some(#def))
            }
            None => quote!(::core::option::Option::None),
        };
        quote! {
            ::dynamap::IndexDefinition {
                name: #name,
                kind: #kind,
                partition_key: #partition_key,
                sort_key: #sort_key,
            }
        }
    });
    let version = data.version.map(|i| &data.fields[i]).map(|field| {
        let member = field.member;
        let name = &field.name;
        let span = field.ty.span();
        let read = quote_spanned!(span=> ::dynamap::__private::version_of(&self.#member));
        let ty = field.ty;
        quote! {
            const VERSION_ATTRIBUTE: ::core::option::Option<&'static str> = ::core::option::Option::Some(#name);

            #[inline]
            fn version(&self) -> ::core::option::Option<u64> {
                ::core::option::Option::Some(#read)
            }

            #[inline]
            fn set_version(&mut self, version: u64) -> ::dynamap::Result<()> {
                self.#member = ::dynamap::__private::version_from(version, #name)?;
                ::dynamap::__private::Result::Ok(())
            }

            #[inline]
            fn check_version(version: u64) -> ::dynamap::Result<()> {
                let _: #ty = ::dynamap::__private::version_from(version, #name)?;
                ::dynamap::__private::Result::Ok(())
            }
        }
    });
    quote! {
        #header {
            type Key = #key_type;

            const KEY_SCHEMA: ::dynamap::KeySchema = ::dynamap::KeySchema {
                partition_key: #pk_def,
                sort_key: #sort_def,
            };

            #[inline]
            fn key(&self) -> Self::Key {
                #key_expr
            }

            #[inline]
            fn key_to_item(key: &Self::Key) -> ::dynamap::Result<::dynamap::Item> {
                let mut item = ::dynamap::__private::HashMap::with_capacity(#key_count);
                #key_insert
                ::dynamap::__private::Result::Ok(item)
            }

            #[inline]
            fn key_from_item(item: &::dynamap::Item) -> ::dynamap::Result<Self::Key> {
                ::dynamap::__private::Result::Ok(#key_read)
            }

            #[inline]
            fn to_item(&self) -> ::dynamap::Result<::dynamap::Item> {
                ::dynamap::__private::Result::Ok(::dynamap::__private::MapCodec::encode_fields(self)?)
            }

            #[inline]
            fn from_item(item: ::dynamap::Item) -> ::dynamap::Result<Self> {
                ::dynamap::__private::Result::Ok(::dynamap::__private::MapCodec::decode_fields(item)?)
            }

            const INDEXES: &'static [::dynamap::IndexDefinition] = &[#(#indexes),*];

            const ATTRIBUTES: &'static [&'static str] = &[#(#attribute_names),*];

            #ttl

            #version
        }
    }
}

fn unit_enum(container: &Container, variants: &[Variant]) -> TokenStream {
    let value_header = impl_header(container, quote!(::dynamap::DynamoValue));
    let list_header = impl_header(container, quote!(::dynamap::path::ListElement));
    let scalar_header = impl_header(container, quote!(::dynamap::ScalarAttribute));
    let names: Vec<&String> = variants.iter().map(|v| &v.name).collect();
    let idents: Vec<&syn::Ident> = variants.iter().map(|v| v.ident).collect();
    let expected = format!(
        "one of the strings {} ({})",
        names
            .iter()
            .map(|n| format!("{n:?}"))
            .collect::<Vec<_>>()
            .join(", "),
        container.ident
    );
    quote! {
        #list_header {}

        #value_header {
            type Path<__P: ::dynamap::path::PathParent> = ::dynamap::path::Leaf<__P, Self>;

            const EXPECTED: &'static str = #expected;

            #[inline]
            fn to_attribute_value(&self) -> ::dynamap::__private::Result<
                ::core::option::Option<::dynamap::__private::AttributeValue>,
                ::dynamap::ConversionError,
            > {
                let name: &'static str = match self { #(Self::#idents => #names,)* };
                ::dynamap::__private::Result::Ok(::core::option::Option::Some(
                    ::dynamap::__private::AttributeValue::S(::std::string::String::from(name)),
                ))
            }

            #[inline]
            fn from_attribute_value(
                value: ::dynamap::__private::AttributeValue,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::ConversionError> {
                if let ::dynamap::__private::AttributeValue::S(s) = &value {
                    match s.as_str() {
                        #(#names => return ::dynamap::__private::Result::Ok(Self::#idents),)*
                        _ => {}
                    }
                }
                ::dynamap::__private::Result::Err(
                    ::dynamap::ConversionError::unexpected(Self::EXPECTED, &value),
                )
            }
        }

        #scalar_header {
            const SCALAR_TYPE: ::dynamap::ScalarType = ::dynamap::ScalarType::String;
        }
    }
}
