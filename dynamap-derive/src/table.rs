//! `#[derive(DynamoTable)]`: a single-table design's physical table, declared on a unit
//! struct: key attribute names, indexes (each with a marker type entities name), the
//! entity attribute and the time-to-live attribute. Parse, check, expand, as the item
//! derive does, in one small file.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote};
use syn::{DeriveInput, LitStr};

use crate::case::RenameRule;
use crate::check::MAX_KEY_ATTRIBUTES;
use crate::ctxt::Ctxt;

const TABLE_OPTIONS: &str = "partition_key, sort_key, entity_attribute, ttl, index";
const INDEX_OPTIONS: &str =
    "name, partition_key = \"..\" or partition_key(attr: Type, ..), sort_key, local, keys_only, include(..)";

/// `tenant: String` in `partition_key(tenant: String, region: String)`: an attribute
/// of a typed index key, which entities store as a field of their own.
struct TypedKey {
    name: LitStr,
    ty: syn::Type,
}

impl syn::parse::Parse for TypedKey {
    fn parse(input: syn::parse::ParseStream) -> syn::Result<Self> {
        let name = if input.peek(LitStr) {
            input.parse()?
        } else {
            let ident: syn::Ident = input.call(syn::ext::IdentExt::parse_any)?;
            LitStr::new(&crate::ast::unraw(&ident), ident.span())
        };
        input.parse::<syn::Token![:]>()?;
        Ok(TypedKey {
            name,
            ty: input.parse()?,
        })
    }
}

fn typed_keys(meta: &syn::meta::ParseNestedMeta) -> syn::Result<Vec<TypedKey>> {
    let content;
    syn::parenthesized!(content in meta.input);
    let keys = content.parse_terminated(<TypedKey as syn::parse::Parse>::parse, syn::Token![,])?;
    Ok(keys.into_iter().collect())
}

#[derive(Default)]
struct TableAttrs {
    partition_key: Option<LitStr>,
    sort_key: Option<LitStr>,
    entity_attribute: Option<LitStr>,
    ttl: Option<LitStr>,
    indexes: Vec<IndexAttrs>,
}

struct IndexAttrs {
    /// The marker type's name: given first, or made from `name`.
    ident: Option<syn::Ident>,
    name: Option<LitStr>,
    partition_key: Option<LitStr>,
    sort_key: Option<LitStr>,
    /// `partition_key(tenant: String, ..)`: attributes entities store as fields.
    typed_partition: Vec<TypedKey>,
    typed_sort: Vec<TypedKey>,
    local: bool,
    projection: Option<crate::attr::ProjectionAttr>,
    span: Span,
}

impl IndexAttrs {
    fn ident(&self) -> Option<syn::Ident> {
        self.ident.clone().or_else(|| {
            let name = self.name.as_ref()?.value();
            let camel = RenameRule::Pascal.apply_to_field(&name);
            syn::parse_str::<syn::Ident>(&camel)
                .ok()
                .map(|i| syn::Ident::new(&i.to_string(), self.span))
        })
    }

    fn name(&self) -> String {
        match (&self.name, &self.ident) {
            (Some(lit), _) => lit.value(),
            (None, Some(ident)) => RenameRule::Snake.apply_to_variant(&ident.to_string()),
            (None, None) => String::new(),
        }
    }
}

fn lit(meta: &syn::meta::ParseNestedMeta, slot: &mut Option<LitStr>) -> syn::Result<()> {
    if slot.is_some() {
        return Err(meta.error("this option is given twice"));
    }
    *slot = Some(meta.value()?.parse()?);
    Ok(())
}

fn parse(cx: &Ctxt, input: &DeriveInput) -> TableAttrs {
    let mut out = TableAttrs::default();
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("dynamo")) {
        let parsed = attr.parse_nested_meta(|meta| {
            let path = &meta.path;
            if path.is_ident("partition_key") {
                lit(&meta, &mut out.partition_key)
            } else if path.is_ident("sort_key") {
                lit(&meta, &mut out.sort_key)
            } else if path.is_ident("entity_attribute") {
                lit(&meta, &mut out.entity_attribute)
            } else if path.is_ident("ttl") {
                lit(&meta, &mut out.ttl)
            } else if path.is_ident("index") {
                out.indexes.push(parse_index(&meta)?);
                Ok(())
            } else {
                Err(meta.error(format!(
                    "unknown DynamoTable option; expected one of: {TABLE_OPTIONS}"
                )))
            }
        });
        if let Err(e) = parsed {
            cx.push(e);
        }
    }
    out
}

fn parse_index(meta: &syn::meta::ParseNestedMeta) -> syn::Result<IndexAttrs> {
    let mut index = IndexAttrs {
        ident: None,
        name: None,
        partition_key: None,
        sort_key: None,
        typed_partition: Vec::new(),
        typed_sort: Vec::new(),
        local: false,
        projection: None,
        span: meta
            .path
            .get_ident()
            .map_or_else(Span::call_site, syn::Ident::span),
    };
    meta.parse_nested_meta(|inner| {
        let path = &inner.path;
        if let Some(projection) = crate::attr::ProjectionAttr::parse(&inner) {
            index.projection = Some(projection?);
            Ok(())
        } else if path.is_ident("name") {
            lit(&inner, &mut index.name)
        } else if path.is_ident("partition_key") && inner.input.peek(syn::token::Paren) {
            index.typed_partition.extend(typed_keys(&inner)?);
            Ok(())
        } else if path.is_ident("sort_key") && inner.input.peek(syn::token::Paren) {
            index.typed_sort.extend(typed_keys(&inner)?);
            Ok(())
        } else if path.is_ident("partition_key") {
            lit(&inner, &mut index.partition_key)
        } else if path.is_ident("sort_key") {
            lit(&inner, &mut index.sort_key)
        } else if path.is_ident("local") {
            index.local = true;
            Ok(())
        } else if let (None, Some(ident), false) = (
            &index.ident,
            path.get_ident(),
            inner.input.peek(syn::Token![=]),
        ) {
            index.span = ident.span();
            index.ident = Some(ident.clone());
            Ok(())
        } else {
            Err(inner.error(format!(
                "unknown index option; an index is `index(MarkerType, {INDEX_OPTIONS})`"
            )))
        }
    })?;
    Ok(index)
}

fn check(cx: &Ctxt, input: &DeriveInput, attrs: &TableAttrs) {
    if !matches!(&input.data, syn::Data::Struct(s) if s.fields.is_empty()) {
        cx.spanned(
            &input.ident,
            "DynamoTable goes on a unit struct (`struct App;`): it declares a table, it holds no data",
        );
    }
    if !input.generics.params.is_empty() {
        cx.spanned(&input.generics, "a DynamoTable takes no generic parameters");
    }
    if attrs.partition_key.is_none() {
        cx.spanned(
            &input.ident,
            "a table needs `partition_key = \"...\"`: the name of its partition key attribute",
        );
    }
    for lit in [
        &attrs.partition_key,
        &attrs.sort_key,
        &attrs.entity_attribute,
        &attrs.ttl,
    ]
    .into_iter()
    .flatten()
    {
        if lit.value().is_empty() {
            cx.at(lit.span(), "an attribute name cannot be empty");
        }
    }
    for (position, index) in attrs.indexes.iter().enumerate() {
        if index.ident().is_none() {
            cx.at(
                index.span,
                "name the index's marker type first (`index(Gsi1, ...)`), or give `name = \"...\"`",
            );
            continue;
        }
        let name = index.name();
        if attrs.indexes[..position].iter().any(|i| i.name() == name) {
            cx.at(index.span, format!("index `{name}` is declared twice"));
        }
        if index.local && index.partition_key.is_some() {
            cx.at(
                index.span,
                "a local index shares the table's partition key: give it only `sort_key`",
            );
        }
        if index.local && (index.sort_key.is_none() || attrs.sort_key.is_none()) {
            cx.at(
                index.span,
                "a local index needs its `sort_key`, and a table with a sort key to replace",
            );
        }
        typed_keys_are_valid(cx, index);
        if !index.local && index.partition_key.is_none() && index.typed_partition.is_empty() {
            cx.at(
                index.span,
                "a global index needs `partition_key = \"...\"` (or `local` for a local index)",
            );
        }
    }
}

/// A typed index (`partition_key(tenant: String, ..)`) is global, typed in both keys,
/// of at most four attributes per key, each named once.
fn typed_keys_are_valid(cx: &Ctxt, index: &IndexAttrs) {
    let typed = index.typed_partition.first().or(index.typed_sort.first());
    let Some(first) = typed else { return };
    if index.local {
        cx.at(
            first.name.span(),
            "a local index's sort key is a template attribute (`sort_key = \"..\"`): typed, multi-attribute keys are for global indexes",
        );
    }
    if let Some(lit) = index.partition_key.as_ref().or(index.sort_key.as_ref()) {
        cx.at(
            lit.span(),
            "an index's keys are both templates (`partition_key = \"..\"`) or both typed (`partition_key(tenant: String)`): entities render the one and store the other as fields",
        );
    }
    for (role, keys) in [
        ("partition", &index.typed_partition),
        ("sort", &index.typed_sort),
    ] {
        if let Some(extra) = keys.get(MAX_KEY_ATTRIBUTES) {
            cx.at(
                extra.name.span(),
                format!("the {role} key of an index has at most {MAX_KEY_ATTRIBUTES} attributes"),
            );
        }
    }
    let all: Vec<&TypedKey> = index
        .typed_partition
        .iter()
        .chain(&index.typed_sort)
        .collect();
    for (position, key) in all.iter().enumerate() {
        if all[..position]
            .iter()
            .any(|k| k.name.value() == key.name.value())
        {
            cx.at(
                key.name.span(),
                format!(
                    "attribute `{}` is named twice in the index's keys",
                    key.name.value()
                ),
            );
        }
    }
}

/// The `KeyDefinition` of a typed index attribute: its type's S, N or B, the bound
/// refusing a type that cannot be a key at the type.
fn typed_key(key: &TypedKey) -> TokenStream {
    let name = &key.name;
    let ty = &key.ty;
    quote::quote_spanned! {syn::spanned::Spanned::span(ty)=>
        ::dynamap::schema::KeyDefinition {
            name: #name,
            scalar_type: ::dynamap::__private::key_type::<#ty>(),
        }
    }
}

fn key(name: &LitStr) -> TokenStream {
    quote! {
        ::dynamap::schema::KeyDefinition { name: #name, scalar_type: ::dynamap::value::ScalarType::String }
    }
}

fn optional_key(name: Option<&LitStr>) -> TokenStream {
    match name {
        Some(name) => {
            let key = key(name);
            quote!(::core::option::Option::Some(#key))
        }
        None => quote!(::core::option::Option::None),
    }
}

fn expand(input: &DeriveInput, attrs: &TableAttrs) -> TokenStream {
    let ident = &input.ident;
    let vis = &input.vis;
    let Some(partition) = &attrs.partition_key else {
        return TokenStream::new();
    };
    let partition_key = key(partition);
    let sort_key = optional_key(attrs.sort_key.as_ref());
    let entity_attribute = attrs
        .entity_attribute
        .as_ref()
        .map_or_else(|| "_et".to_owned(), LitStr::value);
    let ttl = match &attrs.ttl {
        Some(lit) => quote!(::core::option::Option::Some(#lit)),
        None => quote!(::core::option::Option::None),
    };
    let definitions = attrs.indexes.iter().map(|index| {
        let name = index.name();
        // Reads of one entity filter on the entity attribute: every index holds it.
        let projection = crate::attr::ProjectionAttr::tokens(
            index.projection.as_ref(),
            std::slice::from_ref(&entity_attribute),
        );
        if let Some((first, more)) = index.typed_partition.split_first() {
            let partition = typed_key(first);
            let more_partition = more.iter().map(typed_key);
            let sort = match index.typed_sort.first() {
                Some(key) => {
                    let key = typed_key(key);
                    quote!(::core::option::Option::Some(#key))
                }
                None => quote!(::core::option::Option::None),
            };
            let more_sort = index.typed_sort.iter().skip(1).map(typed_key);
            return quote! {
                ::dynamap::schema::IndexDefinition {
                    name: #name,
                    kind: ::dynamap::schema::IndexKind::Global,
                    partition_key: #partition,
                    sort_key: #sort,
                    more_partition_keys: &[#(#more_partition),*],
                    more_sort_keys: &[#(#more_sort),*],
                    from_templates: false,
                    projection: #projection,
                }
            };
        }
        let (kind, partition) = if index.local {
            (
                quote!(::dynamap::schema::IndexKind::Local),
                partition_key.clone(),
            )
        } else {
            let partition = index
                .partition_key
                .as_ref()
                .map_or_else(TokenStream::new, key);
            (quote!(::dynamap::schema::IndexKind::Global), partition)
        };
        let sort = optional_key(index.sort_key.as_ref());
        quote! {
            ::dynamap::schema::IndexDefinition {
                name: #name,
                kind: #kind,
                partition_key: #partition,
                sort_key: #sort,
                more_partition_keys: &[],
                more_sort_keys: &[],
                from_templates: true,
                projection: #projection,
            }
        }
    });
    let markers = attrs.indexes.iter().enumerate().map(|(position, index)| {
        let marker = index.ident().unwrap_or_else(|| format_ident!("Index{position}"));
        let doc = format!(
            "Index `{}` of table [`{ident}`]: name it in an entity's `index({marker}, ...)` and in `query_index::<{marker}>`.",
            index.name()
        );
        let keys = [
            attrs.partition_key.as_ref(),
            attrs.sort_key.as_ref(),
            index.partition_key.as_ref(),
            index.sort_key.as_ref(),
        ];
        let typed = index.typed_partition.iter().chain(&index.typed_sort);
        let (projected, whole) = crate::attr::ProjectionAttr::marker_members(
            index.projection.as_ref(),
            keys.into_iter()
                .flatten()
                .chain(typed.map(|k| &k.name))
                .map(LitStr::value)
                .chain(std::iter::once(entity_attribute.clone())),
            &marker,
        );
        quote! {
            #[doc = #doc]
            #[derive(Debug, Clone, Copy, PartialEq, Eq)]
            #vis struct #marker;

            #[automatically_derived]
            impl ::dynamap::single_table::IndexOf<#ident> for #marker {}

            #[automatically_derived]
            impl ::dynamap::single_table::DynamoIndex for #marker {
                const DEFINITION: ::dynamap::schema::IndexDefinition =
                    <#ident as ::dynamap::DynamoTable>::INDEXES[#position];
                #projected
            }

            #whole
        }
    });
    quote! {
        #[automatically_derived]
        impl ::dynamap::DynamoTable for #ident {
            const KEY_SCHEMA: ::dynamap::schema::KeySchema = ::dynamap::schema::KeySchema {
                partition_key: #partition_key,
                sort_key: #sort_key,
            };
            const INDEXES: &'static [::dynamap::schema::IndexDefinition] = &[#(#definitions),*];
            const ENTITY_ATTRIBUTE: &'static str = #entity_attribute;
            const TTL_ATTRIBUTE: ::core::option::Option<&'static str> = #ttl;
        }

        #(#markers)*
    }
}

pub fn derive(input: &DeriveInput) -> TokenStream {
    let cx = Ctxt::default();
    let attrs = parse(&cx, input);
    check(&cx, input, &attrs);
    match cx.finish() {
        Ok(()) => expand(input, &attrs),
        Err(errors) => errors.into_compile_error(),
    }
}
