//! The rules a model must follow, one small function each, every mistake reported at
//! the user's code. Run in source order, so errors read top to bottom.

use proc_macro2::Span;

use crate::ast::{
    index_roles, Body, Container, Derive, EntityModel, Field, Newtype, Storage, Struct, Tagged,
    TemplateModel, TemplatePart, Variant,
};
use crate::attr::AggregateAttr;
use crate::attr::FieldAttrs;
use crate::attr::ShapeAttr;
use crate::ctxt::Ctxt;
use syn::LitStr;

pub fn check(cx: &Ctxt, container: &Container) {
    crate::check_crypto::check(cx, container);
    if let Some(shape) = &container.shape {
        shape_belongs_to_item_structs(cx, container, shape);
        shape_has_a_version(cx, shape);
        shape_lists_each_older_version(cx, shape);
        shape_does_not_list_the_type_itself(cx, container, shape);
        shape_attribute_is_free(cx, container, shape);
    }
    match &container.body {
        Body::Struct(data) => {
            for (position, field) in data.fields.iter().enumerate() {
                let at = At {
                    derive: container.derive,
                    data,
                    position,
                    field,
                };
                rename_is_not_empty(cx, &at);
                keys_belong_to_items(cx, &at);
                key_is_one_kind(cx, &at);
                key_is_stored(cx, &at);
                key_is_not_an_option(cx, &at);
                one_partition_key(cx, &at);
                one_sort_key(cx, &at);
                version_belongs_to_items(cx, &at);
                version_is_not_a_key(cx, &at);
                version_is_stored(cx, &at);
                one_version(cx, &at);
                ttl_belongs_to_items(cx, &at);
                ttl_is_not_a_key_or_version(cx, &at);
                ttl_is_stored(cx, &at);
                one_ttl(cx, &at);
                index_mentions_are_valid(cx, &at);
                one_storage_option(cx, &at);
                with_is_not_for_keys_versions_or_ttl(cx, &at);
                alias_is_for_plain_stored_fields(cx, &at);
                alias_is_unique(cx, &at);
                epoch_is_for_plain_time_fields(cx, &at);
                one_created_at(cx, &at);
                one_updated_at(cx, &at);
                stamps_are_plain_stored_fields(cx, &at);
                flatten_takes_no_other_options(cx, &at);
                skipped_field_is_not_renamed(cx, &at);
                stored_name_is_unique(cx, &at);
                validated_field_is_a_stored_value(cx, &at);
                generated_is_a_stored_item_field(cx, &at);
                unique_is_for_items(cx, &at);
                unique_is_not_a_key(cx, &at);
                unique_is_stored(cx, &at);
                unique_scope_names_stored_fields(cx, &at);
            }
            type_validator_is_for_items(cx, container, data);
            if container.derive == Derive::Item {
                indexes_are_complete(cx, data);
                index_has_one_marker(cx, container, data);
            }
            hide_expired_needs_a_ttl(cx, container, data);
            projection_reads_named_attributes(cx, data);
            match &data.entity {
                Some(entity) => {
                    entity_has_a_table(cx, entity);
                    entity_has_a_partition_template(cx, entity);
                    entity_keys_come_from_templates(cx, data);
                    primary_template_fields_are_not_options(cx, data, entity);
                    unique_is_not_in_the_primary_key(cx, data, entity);
                    for aggregate in &data.aggregates {
                        aggregate_is_complete(cx, aggregate);
                        aggregate_names_stored_fields(cx, data, aggregate);
                    }
                    shards_are_in_index_partitions(cx, entity);
                    for template in entity.templates() {
                        template_is_well_formed(cx, template);
                        template_fields_are_separated(cx, template);
                        template_names_fields(cx, container, data, template);
                    }
                    entity_index_is_named_once(cx, entity);
                    typed_index_fields_are_stored(cx, container, data, entity);
                }
                None => {
                    item_has_partition_key(cx, container, data);
                    aggregates_belong_to_entities(cx, data);
                }
            }
        }
        Body::Newtype(newtype) => {
            transparent_is_for_values(cx, container);
            newtype_has_one_field(cx, container, newtype);
            newtype_field_takes_no_options(cx, newtype);
        }
        Body::Tagged(tagged) => {
            enum_has_variants(cx, container, &tagged.variants);
            tag_has_data_to_name(cx, tagged);
            for (position, variant) in tagged.variants.iter().enumerate() {
                tagged_variant_has_a_shape(cx, tagged, variant);
                variant_fields_take_only_rename(cx, variant);
                variant_fields_are_not_the_tag(cx, tagged, variant);
                variant_field_names_are_unique(cx, variant);
                tagged_variant_name_is_unique(cx, &tagged.variants, position);
            }
        }
        Body::Enum(variants) => {
            enum_has_variants(cx, container, variants);
            for (position, variant) in variants.iter().enumerate() {
                variant_is_unit(cx, variant);
                variant_name_is_unique(cx, variants, position);
            }
        }
    }
}

/// One field, with what its rules need to see.
struct At<'m, 'a> {
    derive: Derive,
    data: &'m Struct<'a>,
    position: usize,
    field: &'m Field<'a>,
}

impl At<'_, '_> {
    /// The first field before this one that `marked` picks.
    fn earlier(&self, marked: impl Fn(&Field) -> bool) -> Option<&Field<'_>> {
        self.data.fields[..self.position].iter().find(|f| marked(f))
    }
}

fn rename_is_not_empty(cx: &Ctxt, at: &At) {
    if let Some(lit) = &at.field.attrs.rename {
        if lit.value().is_empty() {
            cx.at(lit.span(), "an attribute name cannot be empty");
        }
    }
}

fn key_span(field: &Field) -> Option<proc_macro2::Span> {
    field.attrs.partition_key.or(field.attrs.sort_key)
}

fn keys_belong_to_items(cx: &Ctxt, at: &At) {
    items_only(
        cx,
        at,
        key_span(at.field),
        "keys belong to table items: use #[derive(DynamoItem)] for a struct with \
         a partition key (DynamoValue structs are nested values)",
    );
}

/// Reports an option only table items take (at `flag`) on a `DynamoValue`.
fn items_only(cx: &Ctxt, at: &At, flag: Option<Span>, message: &str) {
    if let (Some(span), Derive::Value) = (flag, at.derive) {
        cx.at(span, message);
    }
}

fn key_is_one_kind(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    if let (Some(span), Some(_)) = (attrs.partition_key, attrs.sort_key) {
        cx.at(
            span,
            format!(
                "`{}` cannot be both the partition key and the sort key",
                at.field.member
            ),
        );
    }
}

fn key_is_stored(cx: &Ctxt, at: &At) {
    if key_span(at.field).is_none() {
        return;
    }
    let attrs = &at.field.attrs;
    for (flag, option) in [
        (attrs.skip, "skip"),
        (attrs.default, "default"),
        (attrs.serde, "serde"),
    ] {
        if let Some(span) = flag {
            cx.at(
                span,
                format!("a key field cannot be `{option}`: every item stores its key"),
            );
        }
    }
}

/// `Option<...>` by its last path segment: enough to explain this mistake early; the
/// `KeyAttribute` bound on key types is what decides the rest.
fn is_option(ty: &syn::Type) -> bool {
    crate::ast::option_inner(ty).is_some()
}

fn key_is_not_an_option(cx: &Ctxt, at: &At) {
    if key_span(at.field).is_some() && is_option(at.field.ty) {
        cx.spanned(
            at.field.ty,
            format!(
                "key field `{}` cannot be an Option: every item has its key",
                at.field.member
            ),
        );
    }
}

/// Reports a field marked `flag` when an earlier field already is: `message` gets
/// the earlier field's name.
fn only_the_first(
    cx: &Ctxt,
    at: &At,
    flag: fn(&FieldAttrs) -> Option<Span>,
    message: impl Fn(&syn::Ident) -> String,
) {
    let Some(span) = flag(&at.field.attrs) else {
        return;
    };
    if let Some(first) = at.earlier(|f| flag(&f.attrs).is_some()) {
        cx.at(span, message(first.member));
    }
}

fn one_partition_key(cx: &Ctxt, at: &At) {
    only_the_first(
        cx,
        at,
        |a| a.partition_key,
        |first| {
            format!(
                "a table has exactly one partition key, but `{first}` is already marked \
             #[dynamo(partition_key)]; did you mean #[dynamo(sort_key)]?"
            )
        },
    );
}

fn one_sort_key(cx: &Ctxt, at: &At) {
    only_the_first(
        cx,
        at,
        |a| a.sort_key,
        |first| {
            format!(
            "a table has at most one sort key, but `{first}` is already marked #[dynamo(sort_key)]"
        )
        },
    );
}

fn version_belongs_to_items(cx: &Ctxt, at: &At) {
    items_only(
        cx,
        at,
        at.field.attrs.version,
        "a version belongs to table items: use #[derive(DynamoItem)] for optimistic locking",
    );
}

fn version_is_not_a_key(cx: &Ctxt, at: &At) {
    if let (Some(span), Some(_)) = (at.field.attrs.version, key_span(at.field)) {
        cx.at(
            span,
            "a key field cannot be the version: the version changes on every write",
        );
    }
}

fn version_is_stored(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    if attrs.version.is_none() {
        return;
    }
    for (flag, option) in [(attrs.skip, "skip"), (attrs.serde, "serde")] {
        if let Some(span) = flag {
            cx.at(
                span,
                format!("the version field cannot be `{option}`: dynamap reads and writes it"),
            );
        }
    }
}

fn one_version(cx: &Ctxt, at: &At) {
    only_the_first(
        cx,
        at,
        |a| a.version,
        |first| {
            format!(
            "an item has at most one version, but `{first}` is already marked #[dynamo(version)]"
        )
        },
    );
}

fn ttl_belongs_to_items(cx: &Ctxt, at: &At) {
    items_only(
        cx,
        at,
        at.field.attrs.ttl,
        "a time to live belongs to table items: use #[derive(DynamoItem)]",
    );
}

fn ttl_is_not_a_key_or_version(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    if let Some(span) = attrs.ttl {
        if key_span(at.field).is_some() || attrs.version.is_some() {
            cx.at(
                span,
                "the time-to-live field cannot also be a key or the version",
            );
        }
    }
}

fn ttl_is_stored(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    let Some(span) = attrs.ttl else { return };
    for (flag, option) in [(attrs.skip, "skip"), (attrs.serde, "serde")] {
        if flag.is_some() {
            cx.at(
                span,
                format!(
                    "the time-to-live field cannot be `{option}`: DynamoDB reads the stored number"
                ),
            );
        }
    }
}

fn one_ttl(cx: &Ctxt, at: &At) {
    only_the_first(
        cx,
        at,
        |a| a.ttl,
        |first| {
            format!(
            "a table has one time-to-live attribute, but `{first}` is already marked #[dynamo(ttl)]"
        )
        },
    );
}

/// DynamoDB's rule for index names: 3 to 255 of `a-z A-Z 0-9 _ - .`.
fn valid_index_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn index_mentions_are_valid(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    for (lit, global, is_partition) in index_roles(attrs) {
        let name = lit.value();
        let span = lit.span();
        if at.derive == Derive::Value {
            cx.at(
                span,
                "indexes belong to table items: use #[derive(DynamoItem)]",
            );
            continue;
        }
        if !valid_index_name(&name) {
            cx.at(
                span,
                "an index name has 3 to 255 characters among a-z, A-Z, 0-9, `_`, `-` and `.`",
            );
            continue;
        }
        for (flag, option) in [(attrs.skip, "skip"), (attrs.serde, "serde")] {
            if flag.is_some() {
                cx.at(
                    span,
                    format!(
                        "an index key field cannot be `{option}`: DynamoDB indexes the stored attribute"
                    ),
                );
            }
        }
        let Some(index) = at.data.indexes.iter().find(|i| i.name == name) else {
            continue;
        };
        if index.global != global {
            cx.at(
                span,
                format!("index `{name}` is marked both global (gsi_...) and local (lsi_...)"),
            );
            continue;
        }
        let (taken, role, other) = if is_partition {
            (&index.partition, "partition", &index.sort)
        } else {
            (&index.sort, "sort", &index.partition)
        };
        let earlier: Vec<&Field> = taken
            .iter()
            .take_while(|&&i| i != at.position)
            .map(|&i| &at.data.fields[i])
            .collect();
        if other.contains(&at.position) && is_partition {
            cx.at(
                span,
                format!(
                    "`{}` cannot be both the partition and the sort key of index `{name}`",
                    at.field.member
                ),
            );
        } else if !global && !earlier.is_empty() {
            cx.at(
                span,
                format!(
                    "local index `{name}` already has its sort key in `{}`: only a global index's keys can have several attributes",
                    earlier[0].member
                ),
            );
        } else if earlier.len() >= MAX_KEY_ATTRIBUTES {
            let names: Vec<String> = earlier.iter().map(|f| format!("`{}`", f.member)).collect();
            cx.at(
                span,
                format!(
                    "the {role} key of index `{name}` already has {MAX_KEY_ATTRIBUTES} attributes ({}): DynamoDB allows at most {MAX_KEY_ATTRIBUTES}",
                    names.join(", ")
                ),
            );
        }
    }
}

/// The most attributes one key of a global index has (DynamoDB's multi-attribute keys).
pub const MAX_KEY_ATTRIBUTES: usize = 4;

fn one_storage_option(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    let with = attrs.with.as_ref().map(syn::LitStr::span);
    let epoch = attrs.epoch_seconds.or(attrs.epoch_millis);
    let given = [attrs.skip, attrs.default, attrs.serde, with, epoch]
        .iter()
        .filter(|flag| flag.is_some())
        .count();
    if given > 1 {
        let span = attrs
            .default
            .or(attrs.serde)
            .or(with)
            .or(epoch)
            .unwrap_or_else(Span::call_site);
        cx.at(
            span,
            "use at most one of `skip`, `default`, `serde`, `with` and an epoch unit on a field",
        );
    }
}

fn with_is_not_for_keys_versions_or_ttl(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    let Some(with) = &attrs.with else { return };
    let role = if key_span(at.field).is_some() {
        "a key"
    } else if attrs.version.is_some() {
        "the version"
    } else if attrs.ttl.is_some() {
        "the time to live"
    } else {
        return;
    };
    cx.at(
        with.span(),
        format!(
            "`with` cannot convert {role}: dynamap reads and writes it itself; for a key, \
             derive DynamoValue on a newtype over a key type instead"
        ),
    );
}

fn skipped_field_is_not_renamed(cx: &Ctxt, at: &At) {
    if let (Storage::Skip, Some(lit)) = (at.field.storage, &at.field.attrs.rename) {
        cx.at(
            lit.span(),
            "a skipped field is not stored, so it has no name to rename",
        );
    }
}

/// A field validator sees the field's value as it is written, whole: a field of a
/// table item, stored as itself (`modify` decodes what it sets there for the validator).
fn validated_field_is_a_stored_value(cx: &Ctxt, at: &At) {
    let Some(path) = &at.field.attrs.validate else {
        return;
    };
    if at.derive == Derive::Value {
        cx.spanned(
            path,
            "validators run on writes of table items: put `validate` on a #[derive(DynamoItem)] type's fields",
        );
    } else if at.field.storage != Storage::Value {
        cx.spanned(
            path,
            "`validate` takes a field stored as itself (not skip, default, serde, with, epoch_* or flatten)",
        );
    }
}

/// `create` fills generated ids of table items, stored as themselves.
fn generated_is_a_stored_item_field(cx: &Ctxt, at: &At) {
    let Some(lit) = &at.field.attrs.generate else {
        return;
    };
    if at.derive == Derive::Value {
        cx.spanned(lit, "`generate` fills ids when `create` writes a table item: put it on a #[derive(DynamoItem)] type's fields");
    } else if !matches!(at.field.storage, Storage::Value | Storage::ValueOrDefault) {
        cx.spanned(
            lit,
            "`generate` takes a field stored as itself (not skip, serde, with, epoch_* or flatten)",
        );
    }
}

/// Guards are items of a table: unique values belong to table items.
fn unique_is_for_items(cx: &Ctxt, at: &At) {
    if let (Some(unique), Derive::Value) = (&at.field.attrs.unique, at.derive) {
        cx.at(
            unique.span,
            "`unique` is kept by guard items in a table: put it on a #[derive(DynamoItem)] type's fields",
        );
    }
}

fn unique_is_not_a_key(cx: &Ctxt, at: &At) {
    if let (Some(unique), Some(_)) = (&at.field.attrs.unique, key_span(at.field)) {
        cx.at(
            unique.span,
            "a key field is unique already (no two items share a key): `unique` is for other fields",
        );
    }
}

/// A guard's key is made from the value as stored: the field is stored as itself.
fn unique_is_stored(cx: &Ctxt, at: &At) {
    if let Some(unique) = &at.field.attrs.unique {
        if !matches!(at.field.storage, Storage::Value | Storage::ValueOrDefault) {
            cx.at(
                unique.span,
                "`unique` takes a field stored as itself (not skip, serde, with, epoch_* or flatten)",
            );
        }
    }
}

/// `per(field, ..)` names other fields of the type, each stored as itself, once.
fn unique_scope_names_stored_fields(cx: &Ctxt, at: &At) {
    let Some(unique) = &at.field.attrs.unique else {
        return;
    };
    for (position, name) in unique.per.iter().enumerate() {
        if unique.per[..position].contains(name) {
            cx.spanned(name, format!("`{name}` is named twice in `per`"));
            continue;
        }
        if name == at.field.member {
            cx.spanned(
                name,
                "`per` names the fields that scope the value, not the unique field itself",
            );
            continue;
        }
        match at.data.fields.iter().find(|f| f.member == name) {
            None => cx.spanned(name, format!("`per` names no field `{name}` of this type")),
            Some(f) if !matches!(f.storage, Storage::Value | Storage::ValueOrDefault) => {
                cx.spanned(
                    name,
                    format!("`{name}` scopes a unique value: it is stored as itself (not skip, serde, with, epoch_* or flatten)"),
                )
            }
            Some(_) => {}
        }
    }
}

/// An entity's key fields make its key: unique already.
fn unique_is_not_in_the_primary_key(cx: &Ctxt, data: &Struct, entity: &EntityModel) {
    for (_, name, field) in primary_key_fields(data, entity) {
        if let Some(unique) = &field.attrs.unique {
            cx.at(
                unique.span,
                format!("`{name}` is in the entity's key template, so it is unique already (no two items share a key): `unique` is for other fields"),
            );
        }
    }
}

/// Each field the entity's key templates name, with its template and name.
fn primary_key_fields<'d, 'a>(
    data: &'d Struct<'a>,
    entity: &'d EntityModel,
) -> Vec<(&'d TemplateModel, String, &'d Field<'a>)> {
    let mut out = Vec::new();
    for template in entity.pk.iter().chain(&entity.sk) {
        for name in template.distinct_fields() {
            let field = data
                .fields
                .iter()
                .find(|f| f.member.to_string().trim_start_matches("r#") == name);
            if let Some(field) = field {
                out.push((template, name.to_string(), field));
            }
        }
    }
    out
}

/// A count or sum is kept on a parent entity of the same table, by a child entity.
fn aggregates_belong_to_entities(cx: &Ctxt, data: &Struct) {
    for aggregate in &data.aggregates {
        cx.at(
            aggregate.span,
            "a count or sum is kept on a parent entity of the same table: put `count`/`sum` on an entity (`table = .., entity = ..`)",
        );
    }
}

fn aggregate_is_complete(cx: &Ctxt, aggregate: &AggregateAttr) {
    let what = if aggregate.sum { "sum" } else { "count" };
    if aggregate.parent.is_none() {
        cx.at(
            aggregate.span,
            format!("`{what}` names the parent entity first: `{what}(Order, ..)`"),
        );
    }
    if aggregate.into.is_none() {
        cx.at(
            aggregate.span,
            format!("`{what}` names the parent's attribute it is kept in: `into = \"..\"`"),
        );
    }
    if aggregate.key.is_empty() {
        cx.at(aggregate.span, format!("`{what}` names the fields that give the parent's key: `key(parent_field = field, ..)`"));
    }
    match (aggregate.sum, &aggregate.of) {
        (true, None) => cx.at(
            aggregate.span,
            "`sum` names the field it adds up: `of = field`",
        ),
        (false, Some(of)) => cx.spanned(of, "a `count` counts children: `of` belongs to a `sum`"),
        _ => {}
    }
}

/// `of` and the key's fields are fields of the child, stored as themselves.
fn aggregate_names_stored_fields(cx: &Ctxt, data: &Struct, aggregate: &AggregateAttr) {
    for name in aggregate
        .of
        .iter()
        .chain(aggregate.key.iter().map(|(_, child)| child))
    {
        match data.fields.iter().find(|f| f.member == name) {
            None => cx.spanned(name, format!("no field `{name}` in this entity")),
            Some(f) if !matches!(f.storage, Storage::Value | Storage::ValueOrDefault) => cx.spanned(
                name,
                format!("`{name}` makes a parent's count or sum: it is stored as itself (not skip, serde, with, epoch_* or flatten)"),
            ),
            Some(_) => {}
        }
    }
}

/// A type validator runs on whole items written: a table item's.
fn type_validator_is_for_items(cx: &Ctxt, container: &Container, data: &Struct) {
    if let (Some(path), Derive::Value) = (&data.validate, container.derive) {
        cx.spanned(
            path,
            "validators run on writes of table items: put `validate` on a #[derive(DynamoItem)] type",
        );
    }
}

fn stored_name_is_unique(cx: &Ctxt, at: &At) {
    let field = at.field;
    if field.storage == Storage::Skip {
        return;
    }
    if let Some(other) = at.earlier(|f| f.storage != Storage::Skip && f.name == field.name) {
        cx.spanned(
            field.member,
            format!(
                "`{}` and `{}` would both be stored as attribute \"{}\"",
                field.member, other.member, field.name
            ),
        );
    }
}

/// Each index, in order of first mention: a global one needs its partition key, a
/// local one a table sort key to replace.
fn indexes_are_complete(cx: &Ctxt, data: &Struct) {
    let has_sort = data.fields.iter().any(|f| f.attrs.sort_key.is_some());
    for index in data.indexes.iter().filter(|i| valid_index_name(&i.name)) {
        if index.global && index.partition.is_empty() {
            cx.at(
                index.span,
                format!(
                    "global index `{0}` has no partition key: mark a field #[dynamo(gsi_partition_key = \"{0}\")]",
                    index.name
                ),
            );
        }
        if !index.global && !has_sort {
            cx.at(
                index.span,
                format!(
                    "local index `{}` needs a table with a sort key: a local index replaces the sort key",
                    index.name
                ),
            );
        }
    }
}

/// A marker type names one index (`gsi_partition_key(ByStatus)`): declared once per
/// index, not by two indexes, and not on a generic type, whose index definitions the
/// marker could not name without its parameters.
fn index_has_one_marker(cx: &Ctxt, container: &Container, data: &Struct) {
    for (position, index) in data.indexes.iter().enumerate() {
        let mut markers = index.markers.iter();
        let Some(first) = markers.next() else {
            continue;
        };
        for other in markers.filter(|m| *m != first) {
            cx.spanned(
                other,
                format!(
                    "index `{}` already has the marker type `{first}`: name it the same way, \
                     or only once",
                    index.name
                ),
            );
        }
        if let Some(earlier) = data.indexes[..position]
            .iter()
            .find(|i| i.markers.first() == Some(first))
        {
            cx.spanned(
                first,
                format!(
                    "`{first}` already names index `{}`: each index needs its own marker type",
                    earlier.name
                ),
            );
        }
        if !container.generics.params.is_empty() {
            cx.spanned(
                first,
                "a generic type cannot declare index marker types: name the index with \
                 `= \"...\"` and query it with `query_index_named`",
            );
        }
    }
}

/// A projection type's attributes are checked against its index's by name: a
/// flattened struct's names are not known here.
fn projection_reads_named_attributes(cx: &Ctxt, data: &Struct) {
    if data.projection_of.is_empty() {
        return;
    }
    for field in data.fields.iter().filter(|f| f.storage == Storage::Flatten) {
        cx.spanned(
            field.member,
            "a `projection_of` type names each attribute it reads: spell out the flattened \
             struct's fields here",
        );
    }
}

fn item_has_partition_key(cx: &Ctxt, container: &Container, data: &Struct) {
    if container.derive == Derive::Item && data.key.is_none() {
        cx.spanned(
            container.ident,
            format!(
                "`{}` has no partition key: mark the field that identifies an item with \
                 #[dynamo(partition_key)]",
                container.ident
            ),
        );
    }
}

fn enum_has_variants(cx: &Ctxt, container: &Container, variants: &[Variant]) {
    if variants.is_empty() {
        cx.spanned(
            container.ident,
            "DynamoValue needs at least one variant: an enum without variants has no value to store",
        );
    }
}

fn variant_is_unit(cx: &Ctxt, variant: &Variant) {
    if !matches!(variant.fields, syn::Fields::Unit) {
        cx.spanned(
            variant.original,
            format!(
                "an enum without a tag is stored as a string, so every variant must be a unit \
                 variant, but `{}` has fields; to store an enum with data, name the attribute \
                 that holds the variant: #[dynamo(tag = \"kind\")] (or add content = \"...\")",
                variant.ident
            ),
        );
    }
}

fn variant_name_is_unique(cx: &Ctxt, variants: &[Variant], position: usize) {
    let variant = &variants[position];
    if !matches!(variant.fields, syn::Fields::Unit) {
        return;
    }
    let earlier = variants[..position]
        .iter()
        .find(|v| matches!(v.fields, syn::Fields::Unit) && v.name == variant.name);
    if let Some(other) = earlier {
        cx.spanned(
            variant.ident,
            format!(
                "`{}` and `{}` would both be stored as \"{}\"",
                variant.ident, other.ident, variant.name
            ),
        );
    }
}

fn transparent_is_for_values(cx: &Ctxt, container: &Container) {
    if let (Some(span), Derive::Item) = (container.transparent, container.derive) {
        cx.at(
            span,
            "#[dynamo(transparent)] stores a struct as its one field, which a table item cannot \
             be: derive DynamoValue for the newtype and use it as a field of the item",
        );
    }
}

fn newtype_has_one_field(cx: &Ctxt, container: &Container, newtype: &Newtype) {
    if newtype.field_count != 1 {
        cx.spanned(
            container.ident,
            format!(
                "a newtype is stored as its one field, but `{}` has {} fields; give it one \
                 field, or name the fields to store the struct as a map",
                container.ident, newtype.field_count
            ),
        );
    }
}

fn newtype_field_takes_no_options(cx: &Ctxt, newtype: &Newtype) {
    if let Some(span) = newtype.field_options {
        cx.at(
            span,
            "a newtype's field takes no #[dynamo(...)] options: the newtype is stored as the field",
        );
    }
}

fn tag_has_data_to_name(cx: &Ctxt, tagged: &Tagged) {
    if tagged
        .variants
        .iter()
        .all(|v| matches!(v.fields, syn::Fields::Unit))
    {
        cx.at(
            tagged.tag.span(),
            "`tag` stores an enum with data as a map; an enum whose variants are all units \
             is stored as a string: remove `tag`",
        );
    }
}

fn tagged_variant_has_a_shape(cx: &Ctxt, tagged: &Tagged, variant: &Variant) {
    let syn::Fields::Unnamed(fields) = variant.fields else {
        return;
    };
    let message = match (&tagged.content, fields.unnamed.len()) {
        (None, _) => format!(
            "an internally tagged enum keeps a variant's named fields beside the tag; give \
             `{}` named fields, or add `content = \"...\"` to store its value under that \
             attribute",
            variant.ident
        ),
        (Some(_), 1) => return,
        (Some(_), n) => format!(
            "a variant holds named fields or one value, but `{}` holds {n} values; name them",
            variant.ident
        ),
    };
    cx.spanned(variant.original, message);
}

fn variant_fields_take_only_rename(cx: &Ctxt, variant: &Variant) {
    for field in &variant.data {
        let a = &field.attrs;
        let others = [
            a.partition_key,
            a.sort_key,
            a.skip,
            a.default,
            a.serde,
            a.version,
            a.ttl,
            a.with.as_ref().map(syn::LitStr::span),
        ];
        let indexes = a
            .gsi_partition_key
            .iter()
            .chain(&a.gsi_sort_key)
            .chain(&a.lsi_sort_key);
        if let Some(span) = others
            .into_iter()
            .flatten()
            .chain(indexes.map(syn::LitStr::span))
            .next()
        {
            cx.at(span, "a field of an enum variant takes only `rename`");
        }
        if let (syn::Member::Unnamed(_), Some(lit)) = (&field.member, &a.rename) {
            cx.at(lit.span(), "a variant's one value has no name to rename");
        }
    }
}

fn variant_fields_are_not_the_tag(cx: &Ctxt, tagged: &Tagged, variant: &Variant) {
    if tagged.content.is_some() {
        return;
    }
    let tag = tagged.tag.value();
    for field in variant.data.iter().filter(|f| f.name == tag) {
        cx.spanned(
            &field.member,
            format!(
                "field `{}` of `{}` would be stored as \"{tag}\", the attribute that names the \
                 variant; rename the field or choose another tag",
                field.name, variant.ident
            ),
        );
    }
}

fn variant_field_names_are_unique(cx: &Ctxt, variant: &Variant) {
    for (i, field) in variant.data.iter().enumerate() {
        if let syn::Member::Unnamed(_) = field.member {
            continue;
        }
        if let Some(other) = variant.data[..i].iter().find(|f| f.name == field.name) {
            cx.spanned(
                &field.member,
                format!(
                    "`{}` and `{}` would both be stored as \"{}\"",
                    quote::ToTokens::to_token_stream(&field.member),
                    quote::ToTokens::to_token_stream(&other.member),
                    field.name
                ),
            );
        }
    }
}

fn tagged_variant_name_is_unique(cx: &Ctxt, variants: &[Variant], position: usize) {
    let variant = &variants[position];
    if let Some(other) = variants[..position].iter().find(|v| v.name == variant.name) {
        cx.spanned(
            variant.ident,
            format!(
                "`{}` and `{}` would both be stored as \"{}\"",
                variant.ident, other.ident, variant.name
            ),
        );
    }
}

fn alias_is_for_plain_stored_fields(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    let Some(alias) = attrs.alias.first() else {
        return;
    };
    let role = if key_span(at.field).is_some() {
        "a key: its name is part of the table's key schema"
    } else if attrs.version.is_some() {
        "the version: conditions name it"
    } else if attrs.ttl.is_some() {
        "the time to live: DynamoDB reads it by its name"
    } else if attrs.skip.is_some() {
        "a skipped field: it is not read"
    } else {
        return;
    };
    cx.at(alias.span(), format!("`alias` cannot be on {role}"));
}

/// An alias reads a name no other field is stored or read as.
fn alias_is_unique(cx: &Ctxt, at: &At) {
    for alias in &at.field.attrs.alias {
        let name = alias.value();
        let taken = at.data.fields.iter().enumerate().find(|(i, f)| {
            (f.storage != Storage::Skip && f.name == name)
                || (*i < at.position && f.attrs.alias.iter().any(|a| a.value() == name))
        });
        if let Some((_, other)) = taken {
            cx.at(
                alias.span(),
                format!(
                    "`{}` would read \"{name}\", which `{}` is stored or read as",
                    at.field.member, other.member
                ),
            );
        }
    }
}

fn epoch_is_for_plain_time_fields(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    let Some(span) = attrs.epoch_seconds.or(attrs.epoch_millis) else {
        return;
    };
    if attrs.epoch_seconds.is_some() && attrs.epoch_millis.is_some() {
        cx.at(span, "choose one of `epoch_seconds` and `epoch_millis`");
    }
    let role = if key_span(at.field).is_some() {
        "a key (keys are stored as their type stores itself)"
    } else if attrs.version.is_some() {
        "the version"
    } else if attrs.ttl.is_some() {
        "the time to live, which is stored as epoch seconds already"
    } else {
        return;
    };
    cx.at(span, format!("an epoch unit cannot be on {role}"));
}

fn one_created_at(cx: &Ctxt, at: &At) {
    only_the_first(
        cx,
        at,
        |a| a.created_at,
        |first| {
            format!(
                "an item has one created_at, but `{first}` is already marked #[dynamo(created_at)]"
            )
        },
    );
}

fn one_updated_at(cx: &Ctxt, at: &At) {
    only_the_first(
        cx,
        at,
        |a| a.updated_at,
        |first| {
            format!(
                "an item has one updated_at, but `{first}` is already marked #[dynamo(updated_at)]"
            )
        },
    );
}

fn stamps_are_plain_stored_fields(cx: &Ctxt, at: &At) {
    let attrs = &at.field.attrs;
    let Some(span) = attrs.created_at.or(attrs.updated_at) else {
        return;
    };
    if at.derive == Derive::Value {
        cx.at(
            span,
            "created_at and updated_at belong to table items: use #[derive(DynamoItem)]",
        );
        return;
    }
    if attrs.created_at.is_some() && attrs.updated_at.is_some() {
        cx.at(span, "a field is created_at or updated_at, not both");
    }
    let role = if key_span(at.field).is_some() {
        Some("a key")
    } else if attrs.version.is_some() {
        Some("the version")
    } else if attrs.ttl.is_some() {
        Some("the time to live")
    } else if attrs.skip.is_some() {
        Some("skipped: it is not stored")
    } else if attrs.serde.is_some() || attrs.with.is_some() {
        Some("stored through serde or a module")
    } else {
        None
    };
    if let Some(role) = role {
        cx.at(
            span,
            format!("a created_at or updated_at field cannot be {role}"),
        );
    }
}

fn flatten_takes_no_other_options(cx: &Ctxt, at: &At) {
    let a = &at.field.attrs;
    let Some(span) = a.flatten else { return };
    let others = [
        (key_span(at.field), "a key"),
        (a.version, "the version"),
        (a.ttl, "the time to live"),
        (a.created_at.or(a.updated_at), "a write time"),
        (
            a.rename.as_ref().map(syn::LitStr::span),
            "renamed (its fields keep their names)",
        ),
        (
            a.alias.first().map(syn::LitStr::span),
            "aliased (alias its fields)",
        ),
        (
            a.skip.or(a.default).or(a.serde),
            "skipped, defaulted or stored through serde",
        ),
        (
            a.with.as_ref().map(syn::LitStr::span),
            "stored through a module",
        ),
        (a.epoch_seconds.or(a.epoch_millis), "an epoch number"),
    ];
    for (_, role) in others.iter().filter(|(flag, _)| flag.is_some()) {
        cx.at(
            span,
            format!(
                "a flattened field cannot be {role}: its struct's attributes sit beside the \
                 item's own"
            ),
        );
    }
}

fn entity_has_a_table(cx: &Ctxt, entity: &EntityModel) {
    if entity.table.is_none() {
        cx.at(
            entity.span,
            "an entity needs `table = ...`: the #[derive(DynamoTable)] type whose table \
             stores it (`#[dynamo(table = App, pk = \"...\", sk = \"...\")]`)",
        );
    }
}

fn entity_has_a_partition_template(cx: &Ctxt, entity: &EntityModel) {
    if entity.table.is_some() && entity.pk.is_none() {
        cx.at(
            entity.span,
            "an entity needs `pk = \"...\"`: the template of its partition key, such as \
             \"USER#{id}\"",
        );
    }
}

/// An entity's keys are its templates; field key options would be a second key.
fn entity_keys_come_from_templates(cx: &Ctxt, data: &Struct) {
    for field in &data.fields {
        let attrs = &field.attrs;
        let key_option = attrs
            .partition_key
            .or(attrs.sort_key)
            .or_else(|| index_roles(attrs).next().map(|(lit, ..)| lit.span()));
        if let Some(span) = key_option {
            cx.at(
                span,
                "an entity's keys come from its templates (`pk`, `sk`, `index(...)` on the \
                 struct): remove this key option, or drop `table` to key the struct by its fields",
            );
        }
    }
}

/// Every item has its key, so a primary template cannot name an `Option`; an index
/// template can (the item is in that index only while the field is `Some`).
fn primary_template_fields_are_not_options(cx: &Ctxt, data: &Struct, entity: &EntityModel) {
    for (template, name, field) in primary_key_fields(data, entity) {
        if is_option(field.ty) {
            cx.at(
                template.lit.span(),
                format!(
                    "`{{{name}}}` is an Option: every item has its key, so the table's key \
                     templates take fields that always have a value (an Option belongs in \
                     an index template, which makes the index sparse)"
                ),
            );
        }
    }
}

/// A shard spreads an index's partition over several: it belongs in an index's `pk`
/// template, once. In the table's own key it would make `get` guess (a random shard) or
/// depend on itself (a shard computed from the key); in a sort template it spreads
/// nothing.
fn shards_are_in_index_partitions(cx: &Ctxt, entity: &EntityModel) {
    let shard_count = |t: &TemplateModel| {
        t.parts
            .iter()
            .filter(|p| matches!(p, TemplatePart::Shard { .. }))
            .count()
    };
    let elsewhere = entity
        .pk
        .iter()
        .chain(&entity.sk)
        .chain(entity.indexes.iter().flat_map(|i| &i.sk));
    for template in elsewhere.filter(|t| shard_count(t) > 0) {
        cx.at(
            template.lit.span(),
            "a shard belongs in an index's `pk` template (`index(Gsi1, pk = \"OPEN#{shard:8}\", ...)`): \
             it spreads one hot listing over several partitions, which a query of the index merges",
        );
    }
    for template in entity.indexes.iter().filter_map(|i| i.pk.as_ref()) {
        if shard_count(template) > 1 {
            cx.at(template.lit.span(), "a template takes one shard");
        }
    }
}

fn template_is_well_formed(cx: &Ctxt, template: &TemplateModel) {
    if let Some(problem) = &template.syntax_error {
        cx.at(template.lit.span(), problem);
    }
}

/// Two fields with no text between them could not be told apart in the key.
fn template_fields_are_separated(cx: &Ctxt, template: &TemplateModel) {
    let adjacent = template.parts.windows(2).find_map(|pair| match pair {
        [TemplatePart::Field(a), TemplatePart::Field(b)] => Some((a, b)),
        _ => None,
    });
    if let Some((a, b)) = adjacent {
        cx.at(
            template.lit.span(),
            format!(
                "`{{{a}}}{{{b}}}`: put literal text (such as `#`) between two fields, so \
                 that no two keys render to one text and ranges on `{a}` stay exact"
            ),
        );
    }
}

/// Every placeholder names a stored field, stored as itself.
fn template_names_fields(
    cx: &Ctxt,
    container: &Container,
    data: &Struct,
    template: &TemplateModel,
) {
    for name in template.fields().filter(|n| !n.is_empty()) {
        let field = data
            .fields
            .iter()
            .find(|f| f.member.to_string().trim_start_matches("r#") == name);
        let Some(field) = field else {
            let fields: Vec<String> = data.fields.iter().map(|f| f.member.to_string()).collect();
            cx.at(
                template.lit.span(),
                format!(
                    "`{{{name}}}` names no field of `{}` (its fields: {})",
                    container.ident,
                    fields.join(", ")
                ),
            );
            continue;
        };
        let attrs = &field.attrs;
        let refused = [
            (
                field.storage != Storage::Value,
                "stored through an option (skip, default, serde, with, epoch_*, flatten)",
            ),
            (field.is_version, "the version"),
            (field.is_ttl, "the time to live"),
            (
                attrs.created_at.is_some() || attrs.updated_at.is_some(),
                "a write time (created_at/updated_at)",
            ),
        ];
        if let Some((_, why)) = refused.iter().find(|(bad, _)| *bad) {
            cx.at(
                template.lit.span(),
                format!(
                    "`{{{name}}}` is {why}: a key template takes a field stored as itself, \
                     whose value the item's key can be rendered from"
                ),
            );
        }
    }
}

fn entity_index_is_named_once(cx: &Ctxt, entity: &EntityModel) {
    for (position, index) in entity.indexes.iter().enumerate() {
        if entity.indexes[..position]
            .iter()
            .any(|i| i.index == index.index)
        {
            cx.spanned(&index.index, "this index's templates are already given");
        }
        if index.pk.is_none() && index.sk.is_none() && !index.is_typed() {
            cx.spanned(
                &index.index,
                "give the index's templates: `pk = \"...\"` (for a global index) and `sk = \"...\"`",
            );
        }
        if index.is_typed() && (index.pk.is_some() || index.sk.is_some()) {
            cx.spanned(
                &index.index,
                "an index's keys are templates (`pk = \"...\"`) or fields (`pk(tenant, region)`), not both: a typed index stores the fields as they are",
            );
        }
    }
}

/// A typed index's keys (`index(ByPlace, pk(tenant, region), sk(round))`) are fields
/// the entity stores as themselves, at most four per key, each named once.
fn typed_index_fields_are_stored(
    cx: &Ctxt,
    container: &Container,
    data: &Struct,
    entity: &EntityModel,
) {
    for index in entity.indexes.iter().filter(|i| i.is_typed()) {
        for (role, fields) in [("pk", &index.pk_fields), ("sk", &index.sk_fields)] {
            if let Some(extra) = fields.get(MAX_KEY_ATTRIBUTES) {
                cx.spanned(
                    extra,
                    format!("`{role}` of an index has at most {MAX_KEY_ATTRIBUTES} attributes"),
                );
            }
        }
        let named: Vec<&syn::Ident> = index.pk_fields.iter().chain(&index.sk_fields).collect();
        for (position, ident) in named.iter().enumerate() {
            if named[..position].contains(ident) {
                cx.spanned(
                    ident,
                    format!("`{ident}` is named twice in the index's keys"),
                );
                continue;
            }
            let wanted = crate::ast::unraw(ident);
            let field = data
                .fields
                .iter()
                .find(|f| f.member.to_string().trim_start_matches("r#") == wanted);
            match field {
                None => cx.spanned(
                    ident,
                    format!("`{}` has no field `{ident}`", container.ident),
                ),
                Some(field) if field.storage != Storage::Value => cx.spanned(
                    ident,
                    format!(
                        "`{ident}` is stored through an option (skip, default, serde, with, epoch_*, flatten): an index key is a field stored as itself"
                    ),
                ),
                Some(_) => {}
            }
        }
    }
}

/// `hide_expired` leaves out items past their time to live: an item type with a
/// `#[dynamo(ttl)]` field has one.
fn hide_expired_needs_a_ttl(cx: &Ctxt, container: &Container, data: &Struct) {
    let Some(span) = data.hide_expired else {
        return;
    };
    if container.derive != Derive::Item {
        cx.at(
            span,
            "`hide_expired` belongs to #[derive(DynamoItem)]: it is about reads of items",
        );
    } else if data.ttl.is_none() {
        cx.at(
            span,
            "`hide_expired` leaves out items past their time to live, and this type has none: \
             mark its expiry field `#[dynamo(ttl)]`",
        );
    }
}

/// Shapes version the items a table stores: an item struct's.
fn shape_belongs_to_item_structs(cx: &Ctxt, container: &Container, shape: &ShapeAttr) {
    if container.derive != Derive::Item || !matches!(container.body, Body::Struct(_)) {
        cx.at(
            shape.span,
            "`shape` belongs to #[derive(DynamoItem)] structs: it versions the items a table stores \
             (an older shape itself derives DynamoValue and is listed in the new type's `from(..)`)",
        );
    }
}

fn shape_has_a_version(cx: &Ctxt, shape: &ShapeAttr) {
    match (&shape.version, shape.version_number()) {
        (None, _) => cx.at(
            shape.span,
            "`shape` needs the version this type stores: `shape(version = 2, from(UserV1))`",
        ),
        (Some(lit), None | Some(0)) => cx.at(
            lit.span(),
            "shape versions count from 1 (the shape items had before any was declared) and fit a u32",
        ),
        _ => {}
    }
}

/// Version N reads N - 1 older shapes, one per version: an item stored by version k
/// is read as the k-th type and upgraded through each later one.
fn shape_lists_each_older_version(cx: &Ctxt, shape: &ShapeAttr) {
    let Some(version) = shape.version_number().filter(|v| *v >= 1) else {
        return;
    };
    let expected = (version - 1) as usize;
    if shape.from.len() == expected {
        return;
    }
    let span = shape.from_span.unwrap_or(shape.span);
    let message = match expected {
        0 => "shape version 1 is the first: it has no older shapes to read, so `from(..)` stays empty".to_owned(),
        _ => format!(
            "shape version {version} reads {expected} older shape{}, one per version, oldest first \
             (`from({})`); this lists {}",
            if expected == 1 { "" } else { "s" },
            (1..version).map(|v| format!("V{v}")).collect::<Vec<_>>().join(", "),
            shape.from.len()
        ),
    };
    cx.at(span, message);
}

fn shape_does_not_list_the_type_itself(cx: &Ctxt, container: &Container, shape: &ShapeAttr) {
    for ty in &shape.from {
        let itself = matches!(ty, syn::Type::Path(p) if p.qself.is_none() && p.path.is_ident(container.ident));
        if itself {
            cx.spanned(
                ty,
                format!(
                    "`{}` is the current shape; `from(..)` lists the older ones it reads",
                    container.ident
                ),
            );
        }
    }
}

/// The version is stored beside the fields: no field, and none of dynamap's own
/// attributes, may be stored under its name.
fn shape_attribute_is_free(cx: &Ctxt, container: &Container, shape: &ShapeAttr) {
    let name = shape.attribute_name();
    let span = shape.attribute.as_ref().map_or(shape.span, LitStr::span);
    if name.is_empty() {
        cx.at(span, "an attribute name cannot be empty");
        return;
    }
    if name == "_wt" {
        cx.at(
            span,
            "`_wt` is dynamap's write token: name the shape's attribute otherwise",
        );
        return;
    }
    let Body::Struct(data) = &container.body else {
        return;
    };
    if let Some(field) = data
        .fields
        .iter()
        .find(|f| f.storage != Storage::Skip && f.name == name)
    {
        cx.at(
            span,
            format!(
                "the shape's version is stored as attribute \"{name}\", as is field `{}`: \
                 name one of them otherwise (`shape(attribute = \"..\")` or `rename`)",
                field.member
            ),
        );
    }
}
