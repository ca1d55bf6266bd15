//! What the macro emits beside its errors: impls that let the rest of the user's code
//! type-check (`TypedMapping<User>`, `User::fields().name`), so the user sees the
//! mistake in the derive once, not a cascade of "trait not implemented" at every use.
//! Their bodies are never run: the crate does not compile.

use proc_macro2::TokenStream;
use quote::quote;
use syn::DeriveInput;

use super::{impl_header, paths};
use crate::ast::{Body, Container, Derive};

pub fn fallback(input: &DeriveInput, model: Option<&Container>, derive: Derive) -> TokenStream {
    let ident = &input.ident;
    let (impl_generics, ty_generics, where_clause) = input.generics.split_for_impl();
    let header = |trait_path: TokenStream| match model {
        Some(container) => impl_header(container, trait_path),
        None => quote! {
            #[automatically_derived]
            impl #impl_generics #trait_path for #ident #ty_generics #where_clause
        },
    };
    let (paths, path_type) = match model {
        Some(
            container @ Container {
                body: Body::Struct(data),
                ..
            },
        ) if sane(data) => {
            let fields = paths::fields_ident(container);
            let args = paths::generic_args(container);
            (
                paths::expand(container, data),
                quote!(#fields<__P, #(#args),*>),
            )
        }
        _ => (quote!(), quote!(::dynamap::path::Leaf<__P, Self>)),
    };
    let never = quote!(::core::unreachable!("the derive reported an error"));
    let value_header = header(quote!(::dynamap::DynamoValue));
    let mut out = quote! {
        #paths

        #value_header {
            type Path<__P: ::dynamap::path::PathParent> = #path_type;

            const EXPECTED: &'static str = "";

            fn to_attribute_value(&self) -> ::dynamap::__private::Result<
                ::core::option::Option<::dynamap::__private::AttributeValue>,
                ::dynamap::error::ConversionError,
            > {
                #never
            }

            fn from_attribute_value(
                _: ::dynamap::__private::AttributeValue,
            ) -> ::dynamap::__private::Result<Self, ::dynamap::error::ConversionError> {
                #never
            }
        }
    };
    if derive == Derive::Item {
        let item_header = header(quote!(::dynamap::DynamoItem));
        let key = key_type(model);
        let partition = partition_type(model);
        out.extend(quote! {
            #item_header {
                type Key = #key;
                type Partition = #partition;

                const KEY_SCHEMA: ::dynamap::schema::KeySchema = ::dynamap::schema::KeySchema {
                    partition_key: ::dynamap::schema::KeyDefinition {
                        name: "",
                        scalar_type: ::dynamap::value::ScalarType::String,
                    },
                    sort_key: ::core::option::Option::None,
                };

                fn key(&self) -> Self::Key {
                    #never
                }

                fn key_to_item(_: &Self::Key) -> ::dynamap::Result<::dynamap::value::Item> {
                    #never
                }

                fn key_from_item(_: &::dynamap::value::Item) -> ::dynamap::Result<Self::Key> {
                    #never
                }

                fn to_item(&self) -> ::dynamap::Result<::dynamap::value::Item> {
                    #never
                }

                fn from_item(_: ::dynamap::value::Item) -> ::dynamap::Result<Self> {
                    #never
                }
            }
        });
        let in_place_header = header(quote!(::dynamap::schema::UpdatesInPlace));
        out.extend(quote!(#in_place_header {}));
        out.extend(entity_fallback(model, &header));
    }
    out
}

/// An entity with mistakes still belongs to its table, so `app.entity::<User>()`
/// type-checks.
fn entity_fallback(
    model: Option<&Container>,
    header: &dyn Fn(TokenStream) -> TokenStream,
) -> TokenStream {
    let Some(Container {
        body: Body::Struct(data),
        ..
    }) = model
    else {
        return TokenStream::new();
    };
    let Some(table) = data.entity.as_ref().and_then(|e| e.table.as_ref()) else {
        return TokenStream::new();
    };
    let entity_header = header(quote!(::dynamap::single_table::Entity));
    quote! {
        #entity_header {
            type Table = #table;
            const NAME: &'static str = "";
            const PARTITION_SHAPE: &'static str = "";
        }
    }
}

/// Whether the struct's typed paths can be written despite its mistakes: not when a
/// flattened field is also a key, the version or the time to live.
fn sane(data: &crate::ast::Struct) -> bool {
    data.fields.iter().all(|f| {
        f.storage != crate::ast::Storage::Flatten || !(f.is_key || f.is_version || f.is_ttl)
    })
}

/// The partition type the user meant (the partition template's fields, or the first
/// partition key field), so partitions given at uses type-check; `()` when it cannot
/// be told.
fn partition_type(model: Option<&Container>) -> TokenStream {
    let Some(Container {
        body: Body::Struct(data),
        ..
    }) = model
    else {
        return quote!(());
    };
    let field_type = |name: &str| {
        data.fields
            .iter()
            .find(|f| f.member.to_string().trim_start_matches("r#") == name)
            .map(|f| f.ty)
    };
    if let Some(entity) = &data.entity {
        let types: Option<Vec<&syn::Type>> = entity.pk.as_ref().map_or(Some(Vec::new()), |pk| {
            pk.distinct_fields().into_iter().map(field_type).collect()
        });
        return match types.as_deref() {
            Some([one]) => quote!(#one),
            Some(many) => quote!((#(#many,)*)),
            None => quote!(()),
        };
    }
    match data.key.as_ref().filter(|_| sane(data)) {
        Some(key) => match data.fields.get(key.partition) {
            Some(field) => {
                let ty = field.ty;
                quote!(#ty)
            }
            None => quote!(()),
        },
        None => quote!(()),
    }
}

/// The key type the user meant (the first partition and sort key fields), so keys
/// given at uses type-check; `()` without a partition key.
fn key_type(model: Option<&Container>) -> TokenStream {
    let Some(Container {
        body: Body::Struct(data),
        ..
    }) = model
    else {
        return quote!(());
    };
    if let Some(entity) = &data.entity {
        let types: Option<Vec<&syn::Type>> = entity
            .key_fields()
            .iter()
            .map(|name| {
                data.fields
                    .iter()
                    .find(|f| f.member.to_string().trim_start_matches("r#") == *name)
                    .map(|f| f.ty)
            })
            .collect();
        return match types.as_deref() {
            Some([one]) => quote!(#one),
            Some(many) if !many.is_empty() => quote!((#(#many,)*)),
            _ => quote!(()),
        };
    }
    let Some(key) = data.key.as_ref().filter(|_| sane(data)) else {
        return quote!(());
    };
    let partition = data.fields.get(key.partition).map(|f| f.ty);
    let sort = key.sort.and_then(|i| data.fields.get(i)).map(|f| f.ty);
    match (partition, sort) {
        (Some(pk), Some(sk)) => quote!((#pk, #sk)),
        (Some(pk), None) => quote!(#pk),
        (None, _) => quote!(()),
    }
}
