//! The `DynamoItem` and `Entity` impls of an entity of a single-table design: keys
//! rendered from templates straight from the fields (no interpretation at run time),
//! the entity attribute written and checked, and the static description of the
//! templates that queries and updates read (`EntityDef`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use super::impl_header_with;
use super::item::{key_members, shared_members};
use crate::ast::{Container, EntityIndex, EntityModel, Field, Struct, TemplateModel, TemplatePart};

fn field_named<'d, 'a>(data: &'d Struct<'a>, name: &str) -> &'d Field<'a> {
    data.fields
        .iter()
        .find(|f| f.member.to_string().trim_start_matches("r#") == name)
        .expect("`check` makes every placeholder name a field")
}

/// The type a field's segments are rendered from: `T` for an `Option<T>` (a field of a
/// sparse index's template), else the field's own.
fn segment_type<'a>(field: &Field<'a>) -> &'a syn::Type {
    crate::ast::option_inner(field.ty).unwrap_or(field.ty)
}

/// The type that names one rendering of `template`: its one field's type, a tuple of
/// its fields' types, or `()` for a template without fields.
fn template_type(template: &TemplateModel, data: &Struct) -> TokenStream {
    let types: Vec<&syn::Type> = template
        .distinct_fields()
        .into_iter()
        .map(|name| segment_type(field_named(data, name)))
        .collect();
    match types.as_slice() {
        [one] => quote!(#one),
        many => quote!((#(#many,)*)),
    }
}

/// Code that renders `template` into a `String`, the value of each field given by
/// `value` (an expression of type `&FieldType`).
fn render(
    template: &TemplateModel,
    data: &Struct,
    value: &dyn Fn(&Field) -> TokenStream,
) -> TokenStream {
    let parts = &template.parts;
    if let [TemplatePart::Text(text)] = parts.as_slice() {
        return quote!(::std::string::String::from(#text));
    }
    let literal_len: usize = parts
        .iter()
        .map(|p| match p {
            TemplatePart::Text(text) => text.len(),
            TemplatePart::Field(_) => 40,
            TemplatePart::Shard { .. } => 2,
        })
        .sum();
    let steps = parts.iter().enumerate().map(|(at, part)| match part {
        TemplatePart::Text(text) => quote!(__key.push_str(#text);),
        // `__shard` is computed by the caller (`index_keys`), the one place shards are.
        TemplatePart::Shard { count, .. } => {
            quote!(::dynamap::__private::push_shard(&mut __key, __shard, #count);)
        }
        TemplatePart::Field(name) => {
            let field = field_named(data, name);
            let separator = match parts.get(at + 1) {
                Some(TemplatePart::Text(text)) => {
                    let c = text.chars().next();
                    quote!(::core::option::Option::Some(#c))
                }
                _ => quote!(::core::option::Option::None),
            };
            let stored = &field.name;
            let ty = segment_type(field);
            let v = value(field);
            quote_spanned! {ty.span()=>
                (::dynamap::__private::segment::<#ty>().push)(&mut __key, #v, #stored, #separator)?;
            }
        }
    });
    quote!({
        let mut __key = ::std::string::String::with_capacity(#literal_len);
        #(#steps)*
        __key
    })
}

fn insert(name: TokenStream, value: TokenStream) -> TokenStream {
    quote! {
        item.insert(
            ::std::string::String::from(#name),
            ::dynamap::__private::AttributeValue::S(#value),
        );
    }
}

/// Code that inserts an index's keys rendered from `self`. An index whose templates
/// name `Option` fields is sparse: its keys are written only when every such field is
/// `Some`, so the item is in the index exactly then.
fn index_keys(index: &EntityIndex, table: &syn::Path, data: &Struct) -> TokenStream {
    let definition = index_definition(index, table);
    let mut optional: Vec<&Field> = Vec::new();
    for name in index
        .pk
        .iter()
        .chain(&index.sk)
        .flat_map(TemplateModel::fields)
    {
        let field = field_named(data, name);
        if crate::ast::option_inner(field.ty).is_some()
            && !optional.iter().any(|f| f.member == field.member)
        {
            optional.push(field);
        }
    }
    let bound = |f: &Field| -> syn::Ident { quote::format_ident!("__sparse_{}", f.member) };
    let value = |f: &Field| {
        if optional.iter().any(|o| o.member == f.member) {
            let ident = bound(f);
            quote!(#ident)
        } else {
            let member = f.member;
            quote!(&self.#member)
        }
    };
    let mut inserts = Vec::new();
    if let Some(ipk) = &index.pk {
        let rendered = render(ipk, data, &value);
        let shard = ipk.shard().map(|(count, random)| {
            if random {
                quote!(let __shard = ::dynamap::__private::random_shard(#count);)
            } else {
                // From the item's own key, already in `item`: a rewrite keeps its shard.
                let schema = quote!(<#table as ::dynamap::DynamoTable>::KEY_SCHEMA);
                quote! {
                    let __shard = ::dynamap::__private::shard_of_item(
                        &item,
                        #schema.partition_key.name,
                        ::dynamap::__private::sort_key_name(&#schema),
                        #count,
                    );
                }
            }
        });
        let attribute = insert(quote!(#definition.partition_key.name), rendered);
        inserts.push(quote!({ #shard #attribute }));
    }
    if let Some(isk) = &index.sk {
        let rendered = render(isk, data, &value);
        let attribute = quote!(::dynamap::__private::sort_key_of(&#definition));
        inserts.push(insert(attribute, rendered));
    }
    if optional.is_empty() {
        return quote!(#(#inserts)*);
    }
    let idents = optional.iter().map(|f| bound(f));
    let members = optional.iter().map(|f| f.member);
    quote! {
        if let (#(::core::option::Option::Some(#idents),)*) = (#(&self.#members,)*) {
            #(#inserts)*
        }
    }
}

/// The `IndexDefinition` of an entity's index, checked to be one of the table's.
fn index_definition(index: &EntityIndex, table: &syn::Path) -> TokenStream {
    let ty = &index.index;
    quote_spanned!(ty.span()=> ::dynamap::__private::index_of::<#ty, #table>())
}

/// The static `Template` of a template: its text and parts, fields by their position
/// among `segments`.
fn template_def(template: &TemplateModel, segments: &[&str]) -> TokenStream {
    let text = template.lit.value();
    let parts = template.parts.iter().map(|p| match p {
        TemplatePart::Text(t) => quote!(::dynamap::__private::Part::Text(#t)),
        TemplatePart::Shard { count, random } => {
            quote!(::dynamap::__private::Part::Shard { count: #count, random: #random })
        }
        TemplatePart::Field(name) => {
            let i = segments.iter().position(|s| s == name).unwrap_or(0);
            quote!(::dynamap::__private::Part::Field(#i))
        }
    });
    quote!(::dynamap::__private::Template { text: #text, parts: &[#(#parts),*] })
}

fn option_template(template: Option<&TemplateModel>, segments: &[&str]) -> TokenStream {
    match template {
        Some(t) => {
            let t = template_def(t, segments);
            quote!(::core::option::Option::Some(#t))
        }
        None => quote!(::core::option::Option::None),
    }
}

/// Compile-time checks of the templates against the table: a sort template exactly
/// when the table (or index) has a sort key, a partition template exactly for a
/// global index, and no field stored under a name the table uses.
fn table_checks(container: &Container, data: &Struct, entity: &EntityModel) -> TokenStream {
    let table = entity.table.as_ref().expect("`check` requires a table");
    let ident = container.ident;
    let table_name = crate::ast::path_text(table);
    let has_sk = entity.sk.is_some();
    let sort_message = if has_sk {
        format!("entity `{ident}` gives `sk`, but table `{table_name}` has no sort key")
    } else {
        format!("table `{table_name}` has a sort key: entity `{ident}` needs `sk = \"...\"`")
    };
    let span = entity.sk.as_ref().map_or(entity.span, |sk| sk.lit.span());
    let mut checks = vec![quote_spanned! {span=>
        const _: () = ::core::assert!(
            ::dynamap::__private::has_sort_key(&<#table as ::dynamap::DynamoTable>::KEY_SCHEMA) == #has_sk,
            #sort_message
        );
    }];
    for index in &entity.indexes {
        if index.is_typed() {
            checks.push(typed_index_checks(ident, data, index, table));
            continue;
        }
        let definition = index_definition(index, table);
        let index_name = crate::ast::path_text(&index.index);
        let has_pk = index.pk.is_some();
        let has_sk = index.sk.is_some();
        let pk_message = if has_pk {
            format!("`{index_name}` is a local index: it shares the table's partition key, so entity `{ident}` gives it no `pk`")
        } else {
            format!("`{index_name}` is a global index: entity `{ident}` needs its `pk = \"...\"`")
        };
        let sk_message = if has_sk {
            format!("index `{index_name}` has no sort key: entity `{ident}` gives it no `sk`")
        } else {
            format!(
                "index `{index_name}` has a sort key: entity `{ident}` needs its `sk = \"...\"`"
            )
        };
        let typed_message = format!(
            "index `{index_name}` is typed on the table (`partition_key(name: Type, ..)`): entity `{ident}` names the fields that are its attributes, `pk(field, ..)` and `sk(field, ..)`"
        );
        let span = index.index.span();
        checks.push(quote_spanned! {span=>
            const _: () = {
                let definition = #definition;
                ::core::assert!(definition.from_templates, #typed_message);
                ::core::assert!(
                    ::dynamap::__private::is_global(&definition) == #has_pk,
                    #pk_message
                );
                ::core::assert!(definition.sort_key.is_some() == #has_sk, #sk_message);
            };
        });
    }
    checks.extend(one_template_per_attribute(container, entity, table));
    for field in data
        .fields
        .iter()
        .filter(|f| f.storage != crate::ast::Storage::Skip)
    {
        let stored = &field.name;
        let message = format!(
            "field `{}` is stored as `{stored}`, an attribute table `{table_name}` keeps for its keys or entity names: rename it",
            field.member
        );
        let span = field.member.span();
        checks.push(quote_spanned! {span=>
            const _: () = ::core::assert!(
                !::dynamap::__private::table_uses::<#table>(#stored),
                #message
            );
        });
    }
    quote!(#(#checks)*)
}

/// A typed index (`index(ByPlace, pk(tenant, region), sk(round))`): the table declared
/// it typed, with as many attributes per key as the entity names, and each field named
/// is stored under the name and with the scalar type of the attribute at its place.
fn typed_index_checks(
    ident: &syn::Ident,
    data: &Struct,
    index: &EntityIndex,
    table: &syn::Path,
) -> TokenStream {
    let definition = index_definition(index, table);
    let index_name = crate::ast::path_text(&index.index);
    let (pk_count, sk_count) = (index.pk_fields.len(), index.sk_fields.len());
    let templated = format!(
        "index `{index_name}` takes templates (`partition_key = \"..\"` on the table): entity `{ident}` gives it `pk = \"...\"`, not fields"
    );
    let pk_message = format!(
        "entity `{ident}` names {pk_count} field(s) in `pk(..)`, but the partition key of index `{index_name}` has another number of attributes"
    );
    let sk_message = format!(
        "entity `{ident}` names {sk_count} field(s) in `sk(..)`, but the sort key of index `{index_name}` has another number of attributes"
    );
    let span = index.index.span();
    let mut checks = vec![quote_spanned! {span=>
        const _: () = {
            let definition = #definition;
            ::core::assert!(!definition.from_templates, #templated);
            ::core::assert!(::dynamap::__private::key_count(&definition, false) == #pk_count, #pk_message);
            ::core::assert!(::dynamap::__private::key_count(&definition, true) == #sk_count, #sk_message);
        };
    }];
    let roles = [
        (false, "partition", &index.pk_fields),
        (true, "sort", &index.sk_fields),
    ];
    for (sort, role, fields) in roles {
        for (at, name) in fields.iter().enumerate() {
            let field = field_named(data, &crate::ast::unraw(name));
            let (stored, ty) = (&field.name, field.ty);
            let message = format!(
                "field `{name}` of `{ident}` (stored as `{stored}`) is not attribute {} of index `{index_name}`'s {role} key: that attribute has another name or scalar type",
                at + 1
            );
            checks.push(quote_spanned! {name.span()=>
                const _: () = ::core::assert!(
                    ::dynamap::__private::key_is(
                        &#definition,
                        #sort,
                        #at,
                        #stored,
                        ::dynamap::__private::index_key_type::<#ty>(),
                    ),
                    #message
                );
            });
        }
    }
    quote!(#(#checks)*)
}

/// The type a query of a typed index takes: its partition fields' key types, a tuple
/// for several.
fn typed_partition_type(index: &EntityIndex, data: &Struct) -> TokenStream {
    let types: Vec<TokenStream> = index
        .pk_fields
        .iter()
        .map(|name| {
            let ty = field_named(data, &crate::ast::unraw(name)).ty;
            quote!(<#ty as ::dynamap::__private::IndexKeyAttribute>::Key)
        })
        .collect();
    match types.as_slice() {
        [one] => one.clone(),
        _ => quote!((#(#types,)*)),
    }
}

/// Every key attribute an entity writes holds one template's value: an index keyed by
/// one of the table's own key attributes (an inverted index, `partition_key = "sk"`),
/// or two indexes sharing an attribute, must render there what the other template
/// does. Otherwise the last one written wins: the item's key is overwritten and `get`
/// no longer finds it. Checked in a constant, since only the table knows its names.
fn one_template_per_attribute(
    container: &Container,
    entity: &EntityModel,
    table: &syn::Path,
) -> Vec<TokenStream> {
    let ident = container.ident;
    let schema = quote!(<#table as ::dynamap::DynamoTable>::KEY_SCHEMA);
    // (the attribute's name in a constant, the template, what it is, where to report)
    let mut writes: Vec<(TokenStream, &TemplateModel, String, bool)> = Vec::new();
    if let Some(pk) = &entity.pk {
        writes.push((
            quote!(#schema.partition_key.name),
            pk,
            "the entity's `pk`".to_owned(),
            false,
        ));
    }
    if let Some(sk) = &entity.sk {
        writes.push((
            quote!(::dynamap::__private::sort_key_name(&#schema)),
            sk,
            "the entity's `sk`".to_owned(),
            false,
        ));
    }
    for index in &entity.indexes {
        let definition = index_definition(index, table);
        let path = &index.index;
        let index_name = crate::ast::path_text(path);
        if let Some(pk) = &index.pk {
            writes.push((
                quote!(#definition.partition_key.name),
                pk,
                format!("index `{index_name}`'s `pk`"),
                true,
            ));
        }
        if let Some(sk) = &index.sk {
            writes.push((
                quote!(::dynamap::__private::sort_key_of(&#definition)),
                sk,
                format!("index `{index_name}`'s `sk`"),
                true,
            ));
        }
    }
    let mut checks = Vec::new();
    for (at, (attribute, template_model, what, is_index)) in writes.iter().enumerate() {
        if !is_index {
            continue;
        }
        let template_lit = &template_model.lit;
        for (other_attribute, other, other_what, other_is_index) in &writes[..at] {
            if template_lit.value() == other.lit.value() {
                continue;
            }
            let (template, other_template) = (template_lit.value(), other.lit.value());
            let message = if *other_is_index {
                format!(
                    "entity `{ident}`: {what} (\"{template}\") and {other_what} \
                     (\"{other_template}\") are stored in the same attribute, so one index \
                     would hold the other's keys: give both the same template, or the \
                     indexes attributes of their own"
                )
            } else {
                format!(
                    "entity `{ident}`: {what} (\"{template}\") and {other_what} \
                     (\"{other_template}\") are stored in the same attribute, so writing the \
                     index key would overwrite the item's key and `get` would not find it; \
                     an index keyed by the table's own attribute (an inverted index) takes \
                     that attribute's template: give it \"{other_template}\""
                )
            }
            // `assert!` reads its message as a format string; templates hold braces.
            .replace('{', "{{")
            .replace('}', "}}");
            let span = template_lit.span();
            checks.push(quote_spanned! {span=>
                const _: () = ::core::assert!(
                    !::dynamap::__private::same_text(#attribute, #other_attribute),
                    #message
                );
            });
        }
    }
    checks
}

pub fn entity(container: &Container, data: &Struct, entity: &EntityModel) -> TokenStream {
    let table = entity.table.as_ref().expect("`check` requires a table");
    let pk = entity
        .pk
        .as_ref()
        .expect("`check` requires a partition template");
    let ident = container.ident;
    let name = &entity.name;
    let header = impl_header_with(
        container,
        quote!(::dynamap::DynamoItem),
        Some(quote!(
            ::core::marker::Send + ::core::marker::Sync + 'static
        )),
    );
    let table_trait = quote!(<#table as ::dynamap::DynamoTable>);
    let pk_name = quote!(#table_trait::KEY_SCHEMA.partition_key.name);
    let sk_name = quote!(::dynamap::__private::sort_key_name(&#table_trait::KEY_SCHEMA));

    let key_names = entity.key_fields();
    let key_fields: Vec<&Field> = key_names.iter().map(|n| field_named(data, n)).collect();
    let key_types: Vec<_> = key_fields.iter().map(|f| f.ty).collect();
    let single = key_fields.len() == 1;
    let key_type = if single {
        let ty = key_types[0];
        quote!(#ty)
    } else {
        quote!((#(#key_types,)*))
    };
    let key_expr = if single {
        let member = key_fields[0].member;
        quote!(::core::clone::Clone::clone(&self.#member))
    } else {
        let members = key_fields.iter().map(|f| f.member);
        quote!((#(::core::clone::Clone::clone(&self.#members),)*))
    };
    let of_self = |f: &Field| {
        let member = f.member;
        quote!(&self.#member)
    };
    let of_key = |f: &Field| {
        let position = key_fields
            .iter()
            .position(|k| k.member == f.member)
            .unwrap_or(0);
        if single {
            quote!(key)
        } else {
            let i = syn::Index::from(position);
            quote!(&key.#i)
        }
    };

    let pk_of_self = render(pk, data, &of_self);
    let pk_of_key = render(pk, data, &of_key);
    let mut self_keys = vec![insert(pk_name.clone(), pk_of_self)];
    let mut key_keys = vec![insert(pk_name.clone(), pk_of_key)];
    if let Some(sk) = &entity.sk {
        self_keys.push(insert(sk_name.clone(), render(sk, data, &of_self)));
        key_keys.push(insert(sk_name.clone(), render(sk, data, &of_key)));
    }
    // A typed index's keys are the entity's own fields, already in the item.
    for index in entity.indexes.iter().filter(|i| !i.is_typed()) {
        self_keys.push(index_keys(index, table, data));
    }
    let entity_attribute = quote!(#table_trait::ENTITY_ATTRIBUTE);
    let mark = insert(
        entity_attribute.clone(),
        quote!(::std::string::String::from(#name)),
    );

    let key_reads = key_fields.iter().map(|f| {
        let stored = &f.name;
        quote!(::dynamap::__private::decode_key(item, #stored)?)
    });
    let key_read = if single {
        quote!(#(#key_reads)*)
    } else {
        quote!((#(#key_reads,)*))
    };
    let key_field_writes = key_fields.iter().map(|f| {
        let stored = &f.name;
        let value = of_key(f);
        quote!(::dynamap::__private::encode_field(&mut item, #stored, #value)?;)
    });

    let segments = entity.segment_fields();
    let segment_defs = segments.iter().map(|n| {
        let field = field_named(data, n);
        let stored = &field.name;
        let ty = segment_type(field);
        let optional = crate::ast::option_inner(field.ty).is_some();
        quote_spanned! {ty.span()=>
            ::dynamap::__private::SegmentDef {
                name: #stored,
                fixed_width: ::dynamap::__private::segment::<#ty>().fixed_width,
                optional: #optional,
                from_value: ::dynamap::__private::segment::<#ty>().from_value,
            }
        }
    });
    let primary_pk = template_def(pk, &segments);
    let primary_sk = option_template(entity.sk.as_ref(), &segments);
    let index_defs = entity
        .indexes
        .iter()
        .filter(|i| !i.is_typed())
        .map(|index| {
            let definition = index_definition(index, table);
            let partition = template_def(index.pk.as_ref().unwrap_or(pk), &segments);
            let sort = option_template(index.sk.as_ref(), &segments);
            quote! {
                ::dynamap::__private::IndexTemplates {
                    name: #definition.name,
                    local: !::dynamap::__private::is_global(&#definition),
                    attributes: (
                        #definition.partition_key.name,
                        ::dynamap::__private::key_name(#definition.sort_key),
                    ),
                    templates: ::dynamap::__private::KeyTemplates {
                        partition: #partition,
                        sort: #sort,
                    },
                }
            }
        });
    let index_list = entity.indexes.iter().map(|i| index_definition(i, table));
    let key_stored = key_fields.iter().map(|f| &f.name);

    let partition_type = template_type(pk, data);
    let shape = pk.shape();
    let in_indexes = entity.indexes.iter().map(|index| {
        let ty = &index.index;
        let index_partition = if index.is_typed() {
            typed_partition_type(index, data)
        } else {
            template_type(index.pk.as_ref().unwrap_or(pk), data)
        };
        let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
        quote! {
            #[automatically_derived]
            impl #impl_generics ::dynamap::single_table::InIndex<#ty> for #ident #ty_generics #where_clause {
                type Partition = #index_partition;
            }
        }
    });
    let (impl_generics, ty_generics, where_clause) = container.generics.split_for_impl();
    let shared = shared_members(data);
    let validation = super::validate::members(container.ident, data);
    let key_members = key_members(&key_expr, 2, &quote!(#(#key_keys)*), &key_read);
    let checks = table_checks(container, data, entity);
    let unique_checks = super::unique::checks(container, data);
    let aggregate_checks = super::aggregate::checks(container, data);
    let aggregates = super::aggregate::members(data);
    let mark_shape = super::shape::mark(container);
    let shape_dispatch = super::shape::dispatch(container);
    let refuse_encrypted = super::item::refuse_encrypted(data);
    let item_shape = super::shape::members(container);

    quote! {
        #checks

        #unique_checks

        #aggregate_checks

        #header {
            type Key = #key_type;
            type Partition = #partition_type;

            const KEY_SCHEMA: ::dynamap::schema::KeySchema = #table_trait::KEY_SCHEMA;

            #key_members

            #[inline]
            fn to_item(&self) -> ::dynamap::Result<::dynamap::value::Item> {
                let mut item = ::dynamap::__private::MapCodec::encode_fields(self)?;
                #(#self_keys)*
                #mark
                #mark_shape
                ::dynamap::__private::Result::Ok(item)
            }

            #[inline]
            fn from_item(item: ::dynamap::value::Item) -> ::dynamap::Result<Self> {
                ::dynamap::__private::check_entity(&item, #entity_attribute, #name)?;
                #refuse_encrypted
                #shape_dispatch
                ::dynamap::__private::Result::Ok(::dynamap::__private::MapCodec::decode_fields(item)?)
            }

            fn key_fields_to_item(key: &Self::Key) -> ::dynamap::Result<::dynamap::value::Item> {
                let mut item = ::dynamap::__private::HashMap::new();
                #(#key_field_writes)*
                #mark
                ::dynamap::__private::Result::Ok(item)
            }

            const INDEXES: &'static [::dynamap::schema::IndexDefinition] = &[#(#index_list),*];

            const TABLE_INDEXES: &'static [::dynamap::schema::IndexDefinition] = #table_trait::INDEXES;

            const ENTITY: ::core::option::Option<&'static ::dynamap::__private::EntityDef> =
                ::core::option::Option::Some(&::dynamap::__private::EntityDef {
                    name: #name,
                    attribute: #entity_attribute,
                    segments: &[#(#segment_defs),*],
                    primary: ::dynamap::__private::KeyTemplates {
                        partition: #primary_pk,
                        sort: #primary_sk,
                    },
                    indexes: &[#(#index_defs),*],
                    key_fields: &[#(#key_stored),*],
                });

            #shared

            #item_shape

            #validation

            #aggregates
        }

        #[automatically_derived]
        impl #impl_generics ::dynamap::single_table::Entity for #ident #ty_generics #where_clause {
            type Table = #table;
            const NAME: &'static str = #name;
            const PARTITION_SHAPE: &'static str = #shape;
        }

        #(#in_indexes)*
    }
}
