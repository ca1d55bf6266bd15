//! The `DynamoItem` impl: the key, its schema, indexes, time to live and version.

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::impl_header_with;
use crate::ast::{Container, Field, Key, Storage, Struct};

/// The `KeyDefinition` of a key field; `checked_by` (`key_type` or `index_key_type`)
/// names the helper whose bound refuses a type that cannot be that key, at the field.
fn key_definition(field: &Field, checked_by: TokenStream) -> TokenStream {
    let name = &field.name;
    let ty = field.ty;
    quote_spanned! {ty.span()=>
        ::dynamap::schema::KeyDefinition {
            name: #name,
            scalar_type: ::dynamap::__private::#checked_by::<#ty>(),
        }
    }
}

/// `stamps` and `set_stamps` for the `created_at` and `updated_at` fields, if any.
fn stamps(data: &Struct) -> TokenStream {
    let created = data.fields.iter().find(|f| f.attrs.created_at.is_some());
    let updated = data.fields.iter().find(|f| f.attrs.updated_at.is_some());
    if created.is_none() && updated.is_none() {
        return TokenStream::new();
    }
    let encode = |field: &Field, slot: TokenStream| {
        let name = &field.name;
        let ty = field.ty;
        let value =
            quote_spanned!(ty.span()=> ::dynamap::__private::stamp_value::<#ty>(now, #name)?);
        let put = super::codec::encode_value(field, quote!(&value));
        quote! {
            let value: #ty = #value;
            let mut item: ::dynamap::value::Item = ::dynamap::__private::HashMap::new();
            #put
            stamps.#slot = item.remove(#name).map(|v| (#name, v));
        }
    };
    let encode_created = created.map(|f| encode(f, quote!(created)));
    let encode_updated = updated.map(|f| encode(f, quote!(updated)));
    let set_created = created.map(|f| {
        let (member, ty) = (f.member, f.ty);
        quote! {
            if ::dynamap::config::Timestamp::is_unset(&self.#member) {
                if let ::core::option::Option::Some(v) = <#ty as ::dynamap::config::Timestamp>::from_clock(now) {
                    self.#member = v;
                }
            }
        }
    });
    let set_updated = updated.map(|f| {
        let (member, ty) = (f.member, f.ty);
        quote! {
            if let ::core::option::Option::Some(v) = <#ty as ::dynamap::config::Timestamp>::from_clock(now) {
                self.#member = v;
            }
        }
    });
    quote! {
        const HAS_STAMPS: bool = true;

        fn stamps(now: ::std::time::SystemTime) -> ::dynamap::Result<::dynamap::config::Stamps> {
            let mut stamps = ::dynamap::config::Stamps::default();
            #encode_created
            #encode_updated
            ::dynamap::__private::Result::Ok(stamps)
        }

        fn set_stamps(&mut self, now: ::std::time::SystemTime) {
            #set_created
            #set_updated
        }
    }
}

pub fn item(container: &Container, data: &Struct, key: &Key) -> TokenStream {
    let header = impl_header_with(
        container,
        quote!(::dynamap::DynamoItem),
        Some(quote!(
            ::core::marker::Send + ::core::marker::Sync + 'static
        )),
    );
    let partition = &data.fields[key.partition];
    let sort = key.sort.map(|i| &data.fields[i]);
    let definition = |field: &Field| key_definition(field, quote!(key_type));
    let pk_def = definition(partition);
    let pk_ty = partition.ty;
    let pk_member = partition.member;
    let pk_name = &partition.name;
    let (key_type, sort_def, key_expr, key_insert, key_insert_owned, key_read) = match sort {
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
                quote! {
                    item.insert(::std::string::String::from(#pk_name), ::dynamap::__private::encode_key_owned(#pk_name, key.0)?);
                    item.insert(::std::string::String::from(#sk_name), ::dynamap::__private::encode_key_owned(#sk_name, key.1)?);
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
            quote! {
                item.insert(::std::string::String::from(#pk_name), ::dynamap::__private::encode_key_owned(#pk_name, key)?);
            },
            quote!(::dynamap::__private::decode_key(item, #pk_name)?),
        ),
    };
    let key_count = if sort.is_some() { 2usize } else { 1 };
    let index_key = |i: usize| key_definition(&data.fields[i], quote!(index_key_type));
    let indexes = data.indexes.iter().map(|index| {
        let name = &index.name;
        let kind = if index.global {
            quote!(::dynamap::schema::IndexKind::Global)
        } else {
            quote!(::dynamap::schema::IndexKind::Local)
        };
        let partition_key = match index.partition.first() {
            Some(&i) => index_key(i),
            None => pk_def.clone(),
        };
        let sort_key = match index.sort.first() {
            Some(&i) => {
                let def = index_key(i);
                quote!(::core::option::Option::Some(#def))
            }
            None => quote!(::core::option::Option::None),
        };
        let more_partition = index.partition.iter().skip(1).map(|&i| index_key(i));
        let more_sort = index.sort.iter().skip(1).map(|&i| index_key(i));
        let projection = crate::attr::ProjectionAttr::tokens(index.projection.as_ref(), &[]);
        quote! {
            ::dynamap::schema::IndexDefinition {
                name: #name,
                kind: #kind,
                partition_key: #partition_key,
                sort_key: #sort_key,
                more_partition_keys: &[#(#more_partition),*],
                more_sort_keys: &[#(#more_sort),*],
                from_templates: false,
                projection: #projection,
            }
        }
    });
    let shared = shared_members(data);
    let validation = super::validate::members(container.ident, data);
    let key_members = key_members(&key_expr, key_count, &key_insert, &key_read);
    let unique_checks = super::unique::checks(container, data);
    let mark_shape = super::shape::mark(container);
    let shape_dispatch = super::shape::dispatch(container);
    let shape = super::shape::members(container);
    let refuse_encrypted = refuse_encrypted(data);
    // A shaped item reads its version first, an encrypted one checks it was decrypted:
    // through an item (the trait's default).
    let from_pairs = (!super::shape::is_shaped(container) && refuse_encrypted.is_empty()).then(|| {
        quote! {
            #[inline]
            fn from_pairs<'__a, __V, __I>(pairs: __I) -> ::dynamap::Result<Self>
            where
                __V: ::dynamap::__private::AttributeSource,
                __I: ::core::iter::IntoIterator<Item = (&'__a str, __V)>,
            {
                ::dynamap::__private::Result::Ok(::dynamap::__private::MapCodec::decode_pairs(pairs)?)
            }
        }
    });
    quote! {
        #unique_checks

        #header {
            type Key = #key_type;
            type Partition = #pk_ty;

            const KEY_SCHEMA: ::dynamap::schema::KeySchema = ::dynamap::schema::KeySchema {
                partition_key: #pk_def,
                sort_key: #sort_def,
            };

            #key_members

            #[inline]
            fn __key_into_item(key: Self::Key) -> ::dynamap::Result<::dynamap::value::Item> {
                let mut item = ::dynamap::__private::HashMap::with_capacity(#key_count);
                #key_insert_owned
                ::dynamap::__private::Result::Ok(item)
            }

            #[inline]
            fn to_item(&self) -> ::dynamap::Result<::dynamap::value::Item> {
                #[allow(unused_mut)]
                let mut item = ::dynamap::__private::MapCodec::encode_fields(self)?;
                #mark_shape
                ::dynamap::__private::Result::Ok(item)
            }

            #[inline]
            fn from_item(item: ::dynamap::value::Item) -> ::dynamap::Result<Self> {
                #refuse_encrypted
                #shape_dispatch
                ::dynamap::__private::Result::Ok(::dynamap::__private::MapCodec::decode_fields(item)?)
            }

            #from_pairs

            const INDEXES: &'static [::dynamap::schema::IndexDefinition] = &[#(#indexes),*];

            #shared

            #shape

            #validation
        }
    }
}

/// What every item's impl has, entity or not: its attribute names, time to live,
/// version and write-time stamps.
pub fn shared_members(data: &Struct) -> TokenStream {
    let attribute_names = data
        .fields
        .iter()
        .filter(|f| f.storage != Storage::Skip && f.storage != Storage::Flatten)
        .map(|f| &f.name);
    let ttl = data.ttl.map(|i| &data.fields[i]).map(|field| {
        let name = &field.name;
        let ty = field.ty;
        let check = quote_spanned!(ty.span()=> ::dynamap::__private::ttl_check::<#ty>());
        let hide = data.hide_expired.is_some();
        quote! {
            const TTL_ATTRIBUTE: ::core::option::Option<&'static str> = {
                #check;
                ::core::option::Option::Some(#name)
            };
            const HIDE_EXPIRED: bool = #hide;
        }
    });
    let stamps = stamps(data);
    let unique = super::unique::members(data);
    let generated: Vec<_> = data
        .fields
        .iter()
        .filter_map(|f| f.attrs.generate.as_ref().map(|lit| (f, lit)))
        .map(|(field, lit)| {
            let (member, ty) = (field.member, field.ty);
            match lit.value().as_str() {
                "ulid" => quote_spanned! {ty.span()=>
                    ::dynamap::__private::fill_ulid::<#ty>(&mut self.#member);
                },
                kind => {
                    let time_ordered = kind == "uuid_v7";
                    quote_spanned! {ty.span()=>
                        ::dynamap::__private::fill_generated::<#ty>(&mut self.#member, #time_ordered);
                    }
                }
            }
        })
        .collect();
    let generated = (!generated.is_empty()).then(|| {
        quote! {
            fn fill_generated(&mut self) {
                #(#generated)*
            }
        }
    });
    let flattened_names = data
        .fields
        .iter()
        .any(|f| f.storage == Storage::Flatten)
        .then(|| {
            quote! {
                fn attribute_names() -> ::std::vec::Vec<&'static str> {
                    let mut names = ::std::vec::Vec::new();
                    <Self as ::dynamap::schema::Projection>::attribute_names(&mut names);
                    names
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
    let aliases = data
        .fields
        .iter()
        .flat_map(|f| f.attrs.alias.iter().map(syn::LitStr::value));
    let crypto = data.fields.iter().filter_map(|field| {
        let action = if field.attrs.encrypt.is_some() {
            quote!(EncryptAndSign)
        } else if field.attrs.sign_only.is_some() {
            quote!(SignOnly)
        } else {
            return None;
        };
        let name = &field.name;
        Some(quote!((#name, ::dynamap::encryption::CryptoAction::#action)))
    });
    quote! {
        const ATTRIBUTES: &'static [&'static str] = &[#(#attribute_names),*];

        const CRYPTO_ACTIONS: &'static [(&'static str, ::dynamap::encryption::CryptoAction)] = &[#(#crypto),*];

        const ALIASES: &'static [&'static str] = &[#(#aliases),*];

        #flattened_names

        #ttl

        #version

        #stamps

        #unique

        #generated
    }
}

/// `key`, `key_to_item` and `key_from_item`, from the code that clones the key out of
/// `self`, inserts `key`'s attributes into `item` (`count` of them), and reads the key
/// out of `item`.
pub fn key_members(
    key_expr: &TokenStream,
    count: usize,
    key_insert: &TokenStream,
    key_read: &TokenStream,
) -> TokenStream {
    quote! {
        #[inline]
        fn key(&self) -> Self::Key {
            #key_expr
        }

        #[inline]
        fn key_to_item(key: &Self::Key) -> ::dynamap::Result<::dynamap::value::Item> {
            let mut item = ::dynamap::__private::HashMap::with_capacity(#count);
            #key_insert
            ::dynamap::__private::Result::Ok(item)
        }

        #[inline]
        fn key_from_item(item: &::dynamap::value::Item) -> ::dynamap::Result<Self::Key> {
            ::dynamap::__private::Result::Ok(#key_read)
        }
    }
}

/// For a type with encrypted fields, `from_item`'s refusal of an item still encrypted.
pub fn refuse_encrypted(data: &Struct) -> TokenStream {
    if data.fields.iter().any(|f| f.attrs.encrypt.is_some()) {
        quote!(::dynamap::__private::refuse_encrypted(&item)?;)
    } else {
        TokenStream::new()
    }
}

/// `UpdatesInPlace` for a type without encrypted or signed fields, so that
/// `update_with`, `move_item` and backfills (which change items with UpdateItem and
/// condition on every attribute) accept it.
pub fn updates_in_place(container: &Container, data: &Struct) -> TokenStream {
    let signed = data
        .fields
        .iter()
        .any(|f| f.attrs.encrypt.is_some() || f.attrs.sign_only.is_some());
    if signed {
        return TokenStream::new();
    }
    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::dynamap::schema::UpdatesInPlace for #ident #ty_generics #where_clause {}
    }
}

/// `Expiring` for a type with a time to live, so its reads offer `hide_expired`.
pub fn expiring(container: &Container, data: &Struct) -> TokenStream {
    if data.ttl.is_none() {
        return TokenStream::new();
    }
    let ident = container.ident;
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics ::dynamap::schema::Expiring for #ident #ty_generics #where_clause {}
    }
}

/// The marker types a plain type's indexes declare (`gsi_partition_key(ByStatus)`):
/// each names its index to `query_index`, with the partition's type (the index's
/// partition key field, or the table's for a local index).
pub fn index_markers(container: &Container, data: &Struct, key: &Key) -> TokenStream {
    let ident = container.ident;
    let vis = container.vis;
    let markers = data
        .indexes
        .iter()
        .enumerate()
        .filter_map(|(position, index)| {
            let marker = index.markers.first()?;
            // An optional index key (a sparse index) is queried by its value.
            let key_ty = |i: usize| {
                let ty = data.fields[i].ty;
                quote!(<#ty as ::dynamap::__private::IndexKeyAttribute>::Key)
            };
            // A multi-attribute partition is queried by a tuple of its values, in order.
            let partition_ty = match index.partition.as_slice() {
                [] => {
                    let ty = data.fields[key.partition].ty;
                    quote!(#ty)
                }
                [one] => key_ty(*one),
                several => {
                    let types = several.iter().map(|&i| key_ty(i));
                    quote!((#(#types,)*))
                }
            };
            let doc = format!(
                "Index `{}` of [`{ident}`]: name it in `query_index::<{marker}>`.",
                index.name
            );
            // What the index holds: the table's keys, its own, and what it includes.
            let keys = [Some(key.partition), key.sort]
                .into_iter()
                .flatten()
                .chain(index.partition.iter().chain(&index.sort).copied());
            let (projected, whole) = crate::attr::ProjectionAttr::marker_members(
                index.projection.as_ref(),
                keys.map(|i| data.fields[i].name.clone()),
                marker,
            );
            Some(quote! {
                #[doc = #doc]
                #[derive(Debug, Clone, Copy, PartialEq, Eq)]
                #vis struct #marker;

                #[automatically_derived]
                impl ::dynamap::single_table::DynamoIndex for #marker {
                    const DEFINITION: ::dynamap::schema::IndexDefinition =
                        <#ident as ::dynamap::DynamoItem>::INDEXES[#position];
                    #projected
                }

                #whole

                #[automatically_derived]
                impl ::dynamap::single_table::InIndex<#marker> for #ident {
                    type Partition = #partition_ty;
                }
            })
        });
    quote!(#(#markers)*)
}
