//! The description of a type to derive for, read from the user's code as it is: names
//! resolved, keys, version, time to live and indexes found. Nothing is judged here
//! (`check` does that), so a model exists even for a type with mistakes, and the macro
//! can still emit a fallback impl beside the errors.

use proc_macro2::Span;
use syn::{Data, DeriveInput, Fields, Generics, Ident, Type};

use crate::attr::{self, ContainerAttrs, FieldAttrs};
use crate::ctxt::Ctxt;

/// Which derive is running: they accept different shapes and options.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    Item,
    Value,
}

impl Derive {
    pub fn name(self) -> &'static str {
        match self {
            Derive::Item => "DynamoItem",
            Derive::Value => "DynamoValue",
        }
    }
}

pub struct Container<'a> {
    pub ident: &'a Ident,
    pub vis: &'a syn::Visibility,
    pub generics: &'a Generics,
    pub derive: Derive,
    /// Where `#[dynamo(transparent)]` was written, if it was.
    pub transparent: Option<Span>,
    /// `#[dynamo(do_not_recommend)]`: mark every derived trait impl so.
    pub do_not_recommend: bool,
    /// `shape(version = .., from(..))`: the stored shape's version and the older ones.
    pub shape: Option<crate::attr::ShapeAttr>,
    pub body: Body<'a>,
}

pub enum Body<'a> {
    Struct(Struct<'a>),
    /// An enum with data, stored as a map that names its variant: `tag` alone keeps
    /// the variant's fields beside the tag (internally tagged), `tag` and `content`
    /// put the variant's data under `content` (adjacently tagged).
    Tagged(Tagged<'a>),
    /// A one-field struct stored as its field: `struct OrderId(Uuid)`, or a named
    /// struct marked `#[dynamo(transparent)]`.
    Newtype(Newtype<'a>),
    /// An enum stored as a string; `check` requires unit variants.
    Enum(Vec<Variant<'a>>),
}

pub struct Struct<'a> {
    pub fields: Vec<Field<'a>>,
    /// The first partition and sort key fields; `None` without a partition key.
    pub key: Option<Key>,
    /// The first `#[dynamo(version)]` field, an index into `fields`.
    pub version: Option<usize>,
    /// Secondary indexes, in order of first mention.
    pub indexes: Vec<Index>,
    /// The first `#[dynamo(ttl)]` field, an index into `fields`.
    pub ttl: Option<usize>,
    /// Where `#[dynamo(hide_expired)]` was written, if it was.
    pub hide_expired: Option<Span>,
    /// `validate = "path"` on the type: run on every whole item written.
    pub validate: Option<syn::Path>,
    /// `projection_of(ByStatus)`: the indexes whose projection the struct reads.
    pub projection_of: Vec<syn::Path>,
    /// The entity options (`table`, `entity`, `pk`, `sk`, `index(...)`), when given.
    pub entity: Option<Box<EntityModel>>,
    /// `count(..)` and `sum(..)`: aggregates kept on parent entities.
    pub aggregates: Vec<crate::attr::AggregateAttr>,
}

/// An entity of a single-table design: its table, name and key templates.
pub struct EntityModel {
    /// `table = App`; `None` when entity options come without it (refused by `check`).
    pub table: Option<syn::Path>,
    /// Where the entity options are, for errors about them as a whole.
    pub span: Span,
    /// The stored entity name (`entity = "..."`, or the struct's name).
    pub name: String,
    pub pk: Option<TemplateModel>,
    pub sk: Option<TemplateModel>,
    pub indexes: Vec<EntityIndex>,
}

/// `index(Gsi1, pk = "...", sk = "...")`, or for a typed index
/// `index(ByPlace, pk(tenant, region), sk(round))`.
pub struct EntityIndex {
    pub index: syn::Path,
    pub pk: Option<TemplateModel>,
    pub sk: Option<TemplateModel>,
    /// A typed index's partition attributes: fields the entity stores as they are.
    pub pk_fields: Vec<syn::Ident>,
    pub sk_fields: Vec<syn::Ident>,
}

impl EntityIndex {
    /// Whether the index's keys are the entity's fields (a typed index), not templates.
    pub fn is_typed(&self) -> bool {
        !self.pk_fields.is_empty() || !self.sk_fields.is_empty()
    }
}

/// A key template as written, split into literal text and `{field}` placeholders.
pub struct TemplateModel {
    pub lit: syn::LitStr,
    pub parts: Vec<TemplatePart>,
    /// What is wrong with the template's syntax, if anything (reported by `check`).
    pub syntax_error: Option<String>,
}

#[derive(Clone, PartialEq, Eq)]
pub enum TemplatePart {
    Text(String),
    /// A placeholder: the field's name as written.
    Field(String),
    /// `{shard:N}` (computed from the item's key) or `{shard:N:random}`: one of `N`
    /// physical partitions of a logical one.
    Shard {
        count: u32,
        random: bool,
    },
}

/// The most shards a template may declare: a query sends one request per shard.
pub const MAX_SHARDS: u32 = 32;

/// `shard:N` or `shard:N:random`, if the placeholder is a shard.
fn shard_placeholder(name: &str) -> Option<Result<TemplatePart, String>> {
    let rest = name.strip_prefix("shard:")?;
    let (count, random) = match rest.split_once(':') {
        Some((count, "random")) => (count, true),
        Some(_) => return Some(Err(shard_syntax())),
        None => (rest, false),
    };
    Some(match count.trim().parse::<u32>() {
        Ok(count) if (2..=MAX_SHARDS).contains(&count) => Ok(TemplatePart::Shard { count, random }),
        _ => Err(shard_syntax()),
    })
}

fn shard_syntax() -> String {
    format!(
        "a shard is `{{shard:N}}` (its shard computed from the item's key) or \
         `{{shard:N:random}}`, N from 2 to {MAX_SHARDS}"
    )
}

impl TemplateModel {
    pub fn parse(lit: &syn::LitStr) -> TemplateModel {
        let text = lit.value();
        let mut parts = Vec::new();
        let mut syntax_error = None;
        let mut literal = String::new();
        let mut chars = text.chars();
        while let Some(c) = chars.next() {
            match c {
                '{' => {
                    let name: String = chars.by_ref().take_while(|c| *c != '}').collect();
                    if !literal.is_empty() {
                        parts.push(TemplatePart::Text(std::mem::take(&mut literal)));
                    }
                    if name.is_empty() || name.contains('{') {
                        syntax_error.get_or_insert_with(|| {
                            "a placeholder is `{field}`, a field's name between braces".to_owned()
                        });
                    }
                    match shard_placeholder(name.trim()) {
                        Some(Ok(shard)) => parts.push(shard),
                        Some(Err(problem)) => {
                            syntax_error.get_or_insert(problem);
                        }
                        None => parts.push(TemplatePart::Field(name.trim().to_owned())),
                    }
                }
                '}' => {
                    syntax_error.get_or_insert_with(|| {
                        "a `}` without its `{`: templates have no escapes, so braces only surround field names".to_owned()
                    });
                }
                c => literal.push(c),
            }
        }
        if text.matches('{').count() != text.matches('}').count() {
            syntax_error.get_or_insert_with(|| "a `{` without its `}`".to_owned());
        }
        if !literal.is_empty() {
            parts.push(TemplatePart::Text(literal));
        }
        if parts.is_empty() {
            syntax_error.get_or_insert_with(|| "a key template cannot be empty".to_owned());
        }
        TemplateModel {
            lit: lit.clone(),
            parts,
            syntax_error,
        }
    }

    /// The names of the fields the template places, in order.
    pub fn fields(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            TemplatePart::Field(name) => Some(name.as_str()),
            TemplatePart::Text(_) | TemplatePart::Shard { .. } => None,
        })
    }

    /// The template's shard, if it has one: `(count, random)`.
    pub fn shard(&self) -> Option<(u32, bool)> {
        self.parts.iter().find_map(|p| match p {
            TemplatePart::Shard { count, random } => Some((*count, *random)),
            _ => None,
        })
    }

    /// Each placeholder's field once, in the order of first use: what names one
    /// rendering of the template.
    pub fn distinct_fields(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for name in self.fields() {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// The template with its fields as `{}`.
    pub fn shape(&self) -> String {
        self.parts
            .iter()
            .map(|p| match p {
                TemplatePart::Text(text) => text.clone(),
                TemplatePart::Field(_) => "{}".to_owned(),
                TemplatePart::Shard { count, random } => {
                    format!("{{shard:{count}{}}}", if *random { ":random" } else { "" })
                }
            })
            .collect()
    }
}

impl EntityModel {
    fn from_attrs(attrs: &ContainerAttrs, ident: &Ident) -> Option<EntityModel> {
        let span = attrs
            .table
            .as_ref()
            .map(syn::spanned::Spanned::span)
            .or_else(|| attrs.entity_span())?;
        Some(EntityModel {
            table: attrs.table.clone(),
            span,
            name: attrs
                .entity
                .as_ref()
                .map_or_else(|| unraw(ident), syn::LitStr::value),
            pk: attrs.pk.as_ref().map(TemplateModel::parse),
            sk: attrs.sk.as_ref().map(TemplateModel::parse),
            indexes: attrs
                .indexes
                .iter()
                .map(|i| EntityIndex {
                    index: i.index.clone(),
                    pk: i.pk.as_ref().map(TemplateModel::parse),
                    sk: i.sk.as_ref().map(TemplateModel::parse),
                    pk_fields: i.pk_fields.clone(),
                    sk_fields: i.sk_fields.clone(),
                })
                .collect(),
        })
    }

    /// Every template, the primary key's first.
    pub fn templates(&self) -> impl Iterator<Item = &TemplateModel> {
        self.pk
            .iter()
            .chain(&self.sk)
            .chain(self.indexes.iter().flat_map(|i| i.pk.iter().chain(&i.sk)))
    }

    /// The fields of the primary key's templates, each once, in order: the entity's `Key`.
    pub fn key_fields(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for name in self
            .pk
            .iter()
            .chain(&self.sk)
            .flat_map(TemplateModel::fields)
        {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }

    /// Every field any template names, each once, in order.
    pub fn segment_fields(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for name in self.templates().flat_map(TemplateModel::fields) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        names
    }
}

pub struct Newtype<'a> {
    /// `0`, or the one field's name.
    pub member: syn::Member,
    /// `None` for a struct without fields (refused by `check`).
    pub ty: Option<&'a Type>,
    /// How many fields the struct has (`check` requires one).
    pub field_count: usize,
    /// `#[dynamo(...)]` options on the field, which a newtype does not take.
    pub field_options: Option<Span>,
}

/// Indexes into `Struct::fields`.
pub struct Key {
    pub partition: usize,
    pub sort: Option<usize>,
}

/// A secondary index; fields are indexes into `Struct::fields`, in field order: a
/// global index's keys may have several attributes each (DynamoDB's multi-attribute
/// keys), and `check` reports more than a key can have.
pub struct Index {
    pub name: String,
    /// Global by its first mention (`gsi_...`).
    pub global: bool,
    /// The first mention, for errors about the whole index.
    pub span: Span,
    pub partition: Vec<usize>,
    pub sort: Vec<usize>,
    /// The marker types its mentions declare (`gsi_partition_key(ByStatus)`), in order:
    /// one is expected, `check` reports more.
    pub markers: Vec<syn::Ident>,
    /// What it projects, when a mention says (`keys_only`, `include(..)`): whole items
    /// otherwise.
    pub projection: Option<crate::attr::ProjectionAttr>,
}

/// A type or path as the user wrote it, for messages (`App`, `crate::Gsi1`).
pub fn path_text(tokens: &impl quote::ToTokens) -> String {
    tokens.to_token_stream().to_string().replace(' ', "")
}

/// `T` of a field typed `Option<T>` (by its last path segment, as serde does).
pub fn option_inner(ty: &Type) -> Option<&Type> {
    let Type::Path(path) = ty else { return None };
    if path.qself.is_some() {
        return None;
    }
    let last = path.path.segments.last()?;
    if last.ident != "Option" {
        return None;
    }
    match &last.arguments {
        syn::PathArguments::AngleBracketed(args) => match args.args.first()? {
            syn::GenericArgument::Type(inner) => Some(inner),
            _ => None,
        },
        _ => None,
    }
}

/// The unit type of an epoch field: `::dynamap::path::EpochSeconds` or `EpochMillis`.
pub fn epoch_unit(attrs: &FieldAttrs) -> proc_macro2::TokenStream {
    if attrs.epoch_millis.is_some() {
        quote::quote!(::dynamap::path::EpochMillis)
    } else {
        quote::quote!(::dynamap::path::EpochSeconds)
    }
}

pub struct Field<'a> {
    pub member: &'a Ident,
    /// The `with` module, when the field has one.
    pub with: Option<syn::Path>,
    pub vis: &'a syn::Visibility,
    pub ty: &'a Type,
    /// The attribute name as stored.
    pub name: String,
    pub storage: Storage,
    pub is_key: bool,
    pub is_version: bool,
    /// `#[dynamo(ttl)]`: stored as whole epoch seconds.
    pub is_ttl: bool,
    pub attrs: FieldAttrs,
}

/// How a field is read and written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Storage {
    /// Through `DynamoValue`; absent attributes follow the type's rule.
    Value,
    /// Through `DynamoValue`; an absent attribute reads as `Default::default()`.
    ValueOrDefault,
    /// Through serde_dynamo.
    Serde,
    /// Through the `with` module's `to_stored`/`from_stored`.
    With,
    /// A time as an epoch number (`epoch_seconds`, `epoch_millis`).
    Epoch,
    /// A struct whose attributes sit at this level (`flatten`).
    Flatten,
    /// Not stored; `Default::default()` when read.
    Skip,
}

pub struct Tagged<'a> {
    /// The attribute naming the variant.
    pub tag: syn::LitStr,
    /// Where the variant's data goes, for an adjacently tagged enum.
    pub content: Option<syn::LitStr>,
    pub variants: Vec<Variant<'a>>,
}

/// A field of an enum variant: named, or `0` of a one-value variant.
pub struct VariantField<'a> {
    pub member: syn::Member,
    pub ty: &'a Type,
    /// The attribute name as stored (after `rename`).
    pub name: String,
    pub attrs: FieldAttrs,
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub name: String,
    /// The variant's fields, for a tagged enum.
    pub data: Vec<VariantField<'a>>,
    /// Whether the variant carries data (refused by `check`).
    pub fields: &'a Fields,
    pub original: &'a syn::Variant,
}

pub fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}

impl<'a> Container<'a> {
    /// The model of `input`, or `None` for a shape the derive cannot model at all (a
    /// tuple struct, a union, an enum for `DynamoItem`), reported in `cx`.
    pub fn from_ast(cx: &Ctxt, input: &'a DeriveInput, derive: Derive) -> Option<Container<'a>> {
        let attrs = attr::container(cx, &input.attrs);
        let entity_option = attrs
            .table
            .as_ref()
            .map(syn::spanned::Spanned::span)
            .or_else(|| attrs.entity_span());
        if let (Some(span), Derive::Value) = (entity_option, derive) {
            cx.at(
                span,
                "entity options (`table`, `entity`, `pk`, `sk`, `index`) belong to \
                 #[derive(DynamoItem)]: an entity is a table item",
            );
        }
        let body = match &input.data {
            Data::Struct(data) => match &data.fields {
                Fields::Named(_) if attrs.transparent.is_some() && derive == Derive::Value => {
                    Body::Newtype(newtype(&data.fields))
                }
                Fields::Named(named) => {
                    let mut data = struct_body(cx, named, &attrs);
                    data.entity = EntityModel::from_attrs(&attrs, &input.ident).map(Box::new);
                    if let Some(entity) = &data.entity {
                        // The primary key's fields are the key: read-only, as key fields are.
                        let key_fields = entity.key_fields();
                        for field in &mut data.fields {
                            if key_fields.contains(&unraw(field.member).as_str()) {
                                field.is_key = true;
                            }
                        }
                    }
                    Body::Struct(data)
                }
                Fields::Unnamed(_) if derive == Derive::Value => {
                    Body::Newtype(newtype(&data.fields))
                }
                _ => {
                    cx.spanned(
                        &input.ident,
                        format!(
                            "{} needs a struct with named fields: each field becomes a named \
                             attribute, and a tuple or unit struct has no field names",
                            derive.name()
                        ),
                    );
                    return None;
                }
            },
            Data::Enum(data) if derive == Derive::Value => match &attrs.tag {
                Some(tag) => Body::Tagged(Tagged {
                    tag: tag.clone(),
                    content: attrs.content.clone(),
                    variants: enum_body(cx, data, &attrs),
                }),
                None => {
                    if let Some(content) = &attrs.content {
                        cx.at(
                            content.span(),
                            "`content` names where a tagged enum keeps its data: add \
                             `tag = \"...\"` to name the attribute holding the variant",
                        );
                    }
                    Body::Enum(enum_body(cx, data, &attrs))
                }
            },
            Data::Enum(_) => {
                cx.spanned(
                    &input.ident,
                    "DynamoItem needs a struct with named fields: a table item is a map of named \
                     attributes (to store an enum as a string, derive DynamoValue on it and use it \
                     as a field)",
                );
                return None;
            }
            Data::Union(_) => {
                cx.spanned(
                    &input.ident,
                    format!("{} cannot be derived for a union", derive.name()),
                );
                return None;
            }
        };
        Some(Container {
            ident: &input.ident,
            vis: &input.vis,
            generics: &input.generics,
            derive,
            transparent: attrs.transparent,
            do_not_recommend: attrs.do_not_recommend.is_some(),
            shape: attrs.shape.clone(),
            body,
        })
    }
}

fn newtype(fields: &Fields) -> Newtype<'_> {
    let first = fields.iter().next();
    let member = match first.and_then(|f| f.ident.clone()) {
        Some(ident) => syn::Member::Named(ident),
        None => syn::Member::Unnamed(syn::Index::from(0)),
    };
    let field_options = first
        .and_then(|f| f.attrs.iter().find(|a| a.path().is_ident("dynamo")))
        .map(syn::spanned::Spanned::span);
    Newtype {
        member,
        ty: first.map(|f| &f.ty),
        field_count: fields.len(),
        field_options,
    }
}

fn struct_body<'a>(
    cx: &Ctxt,
    named: &'a syn::FieldsNamed,
    container: &ContainerAttrs,
) -> Struct<'a> {
    let mut fields: Vec<Field<'a>> = Vec::new();
    for field in &named.named {
        let Some(member) = field.ident.as_ref() else {
            continue;
        };
        let attrs = attr::field(cx, &field.attrs);
        let name = match (&attrs.rename, container.rename_all) {
            (Some(lit), _) => lit.value(),
            (None, Some(rule)) => rule.apply_to_field(&unraw(member)),
            (None, None) => unraw(member),
        };
        // Conflicting options are refused by `check`; the first one stands meanwhile.
        let storage = if attrs.skip.is_some() {
            Storage::Skip
        } else if attrs.default.is_some() {
            Storage::ValueOrDefault
        } else if attrs.serde.is_some() {
            Storage::Serde
        } else if attrs.with.is_some() {
            Storage::With
        } else if attrs.epoch_seconds.is_some() || attrs.epoch_millis.is_some() {
            Storage::Epoch
        } else if attrs.flatten.is_some() {
            Storage::Flatten
        } else {
            Storage::Value
        };
        fields.push(Field {
            member,
            with: attrs.with.as_ref().and_then(|lit| lit.parse().ok()),
            vis: &field.vis,
            ty: &field.ty,
            name,
            storage,
            is_key: attrs.partition_key.is_some() || attrs.sort_key.is_some(),
            is_version: attrs.version.is_some(),
            is_ttl: attrs.ttl.is_some(),
            attrs,
        });
    }
    let first = |marked: fn(&FieldAttrs) -> bool| fields.iter().position(|f| marked(&f.attrs));
    let partition = first(|a| a.partition_key.is_some());
    let sort = first(|a| a.sort_key.is_some() && a.partition_key.is_none());
    let version = first(|a| a.version.is_some());
    let ttl = first(|a| a.ttl.is_some());
    Struct {
        key: partition.map(|partition| Key { partition, sort }),
        version,
        ttl,
        indexes: indexes(&fields),
        fields,
        hide_expired: container.hide_expired,
        validate: container.validate.clone(),
        projection_of: container.projection_of.clone(),
        entity: None,
        aggregates: container.aggregates.clone(),
    }
}

/// Every index the fields take part in, each key's attributes in field order.
fn indexes(fields: &[Field]) -> Vec<Index> {
    let mut indexes: Vec<Index> = Vec::new();
    for (position, field) in fields.iter().enumerate() {
        for (lit, global, is_partition) in index_roles(&field.attrs) {
            let name = lit.value();
            let index = match indexes.iter_mut().position(|i| i.name == name) {
                Some(at) => &mut indexes[at],
                None => {
                    indexes.push(Index {
                        name,
                        global,
                        span: lit.span(),
                        partition: Vec::new(),
                        sort: Vec::new(),
                        markers: Vec::new(),
                        projection: None,
                    });
                    let last = indexes.len() - 1;
                    &mut indexes[last]
                }
            };
            let slot = if is_partition {
                &mut index.partition
            } else {
                &mut index.sort
            };
            if !slot.contains(&position) {
                slot.push(position);
            }
        }
        for (lit, marker) in &field.attrs.index_markers {
            if let Some(index) = indexes.iter_mut().find(|i| i.name == lit.value()) {
                index.markers.push(marker.clone());
            }
        }
        for (lit, projection) in &field.attrs.index_projections {
            if let Some(index) = indexes.iter_mut().find(|i| i.name == lit.value()) {
                index.projection.get_or_insert_with(|| projection.clone());
            }
        }
    }
    indexes
}

/// A field's index mentions: `(index name, global, partition key)`.
pub fn index_roles(attrs: &FieldAttrs) -> impl Iterator<Item = (&syn::LitStr, bool, bool)> {
    attrs
        .gsi_partition_key
        .iter()
        .map(|lit| (lit, true, true))
        .chain(attrs.gsi_sort_key.iter().map(|lit| (lit, true, false)))
        .chain(attrs.lsi_sort_key.iter().map(|lit| (lit, false, false)))
}

fn enum_body<'a>(
    cx: &Ctxt,
    data: &'a syn::DataEnum,
    container: &ContainerAttrs,
) -> Vec<Variant<'a>> {
    data.variants
        .iter()
        .map(|variant| {
            let attrs = attr::variant(cx, &variant.attrs);
            let name = match (&attrs.rename, container.rename_all) {
                (Some(lit), _) => lit.value(),
                (None, Some(rule)) => rule.apply_to_variant(&unraw(&variant.ident)),
                (None, None) => unraw(&variant.ident),
            };
            let data = variant
                .fields
                .iter()
                .enumerate()
                .map(|(i, field)| {
                    let attrs = attr::field(cx, &field.attrs);
                    let (member, name) = match &field.ident {
                        Some(ident) => (
                            syn::Member::Named(ident.clone()),
                            attrs
                                .rename
                                .as_ref()
                                .map_or_else(|| unraw(ident), syn::LitStr::value),
                        ),
                        None => (syn::Member::Unnamed(syn::Index::from(i)), String::new()),
                    };
                    VariantField {
                        member,
                        ty: &field.ty,
                        name,
                        attrs,
                    }
                })
                .collect();
            Variant {
                ident: &variant.ident,
                name,
                data,
                fields: &variant.fields,
                original: variant,
            }
        })
        .collect()
}
