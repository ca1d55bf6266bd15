//! Parsing `#[dynamo(...)]` attributes, without judging how they combine (that is
//! `check`'s job). A malformed option is reported and the rest still parsed.

use syn::spanned::Spanned;
use syn::{Attribute, LitStr};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;

/// Options on the struct or enum.
#[derive(Default)]
pub struct ContainerAttrs {
    pub rename_all: Option<RenameRule>,
    /// `#[dynamo(transparent)]`: a one-field struct stored as its field.
    pub transparent: Option<proc_macro2::Span>,
    /// `tag = "kind"`: an enum with data stored as a map naming its variant there.
    pub tag: Option<LitStr>,
    /// `content = "c"` (with `tag`): the variant's data under this attribute.
    pub content: Option<LitStr>,
    /// `table = App`: the item is an entity of this `DynamoTable`.
    pub table: Option<syn::Path>,
    /// `entity = "Order"`: the name stored in the table's entity attribute.
    pub entity: Option<LitStr>,
    /// `pk = "USER#{id}"`: the partition key's template.
    pub pk: Option<LitStr>,
    /// `sk = "ORDER#{id}"`: the sort key's template.
    pub sk: Option<LitStr>,
    /// `index(Gsi1, pk = "...", sk = "...")`: an index the entity takes part in.
    pub indexes: Vec<EntityIndexAttrs>,
    /// `#[dynamo(hide_expired)]`: reads leave out items past their time to live.
    pub hide_expired: Option<proc_macro2::Span>,
    /// `#[dynamo(do_not_recommend)]`: the derived impls stay out of the compiler's
    /// suggestions (a library's own item types, in its users' error messages).
    pub do_not_recommend: Option<proc_macro2::Span>,
    /// `validate = "path"`: a function every whole-item write runs on the item.
    pub validate: Option<syn::Path>,
    /// `projection_of(ByStatus)`: the indexes whose projection this type reads.
    pub projection_of: Vec<syn::Path>,
    /// `count(Parent, ..)` and `sum(Parent, ..)`: aggregates kept on a parent entity.
    pub aggregates: Vec<AggregateAttr>,
    /// `shape(version = 3, from(V1, V2))`: the stored shape's version and older shapes.
    pub shape: Option<ShapeAttr>,
}

/// `shape(version = 3, from(UserV1, UserV2), attribute = "_shape")`: the version of the
/// shape the type stores, and the types of the older ones, oldest first.
#[derive(Clone)]
pub struct ShapeAttr {
    /// Where `shape` was written.
    pub span: proc_macro2::Span,
    pub version: Option<syn::LitInt>,
    /// The older shapes: `from(..)`'s types, version 1 first.
    pub from: Vec<syn::Type>,
    /// Where `from(..)` was written (for an error about its length).
    pub from_span: Option<proc_macro2::Span>,
    /// `attribute = ".."`: the stored attribute holding the version.
    pub attribute: Option<LitStr>,
}

impl ShapeAttr {
    /// The attribute holding the version: `_shape` unless named.
    pub fn attribute_name(&self) -> String {
        self.attribute
            .as_ref()
            .map_or_else(|| "_shape".to_owned(), LitStr::value)
    }

    /// The declared version, if it is a number that fits.
    pub fn version_number(&self) -> Option<u32> {
        self.version.as_ref()?.base10_parse().ok()
    }
}

/// `count(Order, into = "lines", key(customer, id = order))` or
/// `sum(Order, into = "total", of = amount, key(..))`.
#[derive(Clone)]
pub struct AggregateAttr {
    pub span: proc_macro2::Span,
    /// `sum` (else `count`).
    pub sum: bool,
    /// The parent entity.
    pub parent: Option<syn::Path>,
    /// The parent's stored attribute that keeps it.
    pub into: Option<LitStr>,
    /// The child's field summed.
    pub of: Option<syn::Ident>,
    /// `(parent key field, child field)`.
    pub key: Vec<(syn::Ident, syn::Ident)>,
}

/// What an index holds beside the keys: `keys_only`, or `include("a", "b")`; whole
/// items when neither is given.
#[derive(Clone)]
pub enum ProjectionAttr {
    KeysOnly,
    Include(Vec<LitStr>),
}

impl ProjectionAttr {
    /// The `IndexProjection` this declares, `extra` attributes included too (a
    /// single-table index always holds the entity attribute).
    pub fn tokens(
        projection: Option<&ProjectionAttr>,
        extra: &[String],
    ) -> proc_macro2::TokenStream {
        let include = |names: Vec<String>| quote::quote!(::dynamap::schema::IndexProjection::Include(&[#(#names),*]));
        match projection {
            None => quote::quote!(::dynamap::schema::IndexProjection::All),
            Some(ProjectionAttr::KeysOnly) if extra.is_empty() => {
                quote::quote!(::dynamap::schema::IndexProjection::KeysOnly)
            }
            Some(ProjectionAttr::KeysOnly) => include(extra.to_vec()),
            Some(ProjectionAttr::Include(names)) => {
                let mut all: Vec<String> = names.iter().map(LitStr::value).collect();
                all.extend(
                    extra
                        .iter()
                        .filter(|e| !all.contains(e))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
                include(all)
            }
        }
    }

    /// What an index's marker type says of its projection: `PROJECTED_ATTRIBUTES` (the
    /// `keys` it holds, then what it includes) for an index that holds less than whole
    /// items, `ProjectsAll` for one that holds them.
    pub fn marker_members(
        projection: Option<&ProjectionAttr>,
        keys: impl IntoIterator<Item = String>,
        marker: &syn::Ident,
    ) -> (proc_macro2::TokenStream, proc_macro2::TokenStream) {
        let Some(projection) = projection else {
            let whole = quote::quote! {
                #[automatically_derived]
                impl ::dynamap::single_table::ProjectsAll for #marker {}
            };
            return (proc_macro2::TokenStream::new(), whole);
        };
        let included = match projection {
            ProjectionAttr::Include(names) => names.iter().map(LitStr::value).collect(),
            ProjectionAttr::KeysOnly => Vec::new(),
        };
        let mut names: Vec<String> = Vec::new();
        for name in keys.into_iter().chain(included) {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        let projected = quote::quote! {
            const PROJECTED_ATTRIBUTES: ::core::option::Option<&'static [&'static str]> =
                ::core::option::Option::Some(&[#(#names),*]);
        };
        (projected, proc_macro2::TokenStream::new())
    }

    /// Parses `keys_only` or `include(..)` at `meta`, if it is one.
    pub fn parse(meta: &syn::meta::ParseNestedMeta) -> Option<syn::Result<ProjectionAttr>> {
        if meta.path.is_ident("keys_only") {
            return Some(Ok(ProjectionAttr::KeysOnly));
        }
        if !meta.path.is_ident("include") {
            return None;
        }
        Some(Self::include(meta.input))
    }

    fn include(input: syn::parse::ParseStream) -> syn::Result<ProjectionAttr> {
        let content;
        syn::parenthesized!(content in input);
        let names = content.parse_terminated(|i| i.parse::<LitStr>(), syn::Token![,])?;
        if names.is_empty() {
            return Err(content.error("name the attributes: `include(\"total\", \"status\")`"));
        }
        Ok(ProjectionAttr::Include(names.into_iter().collect()))
    }
}

/// `index(Gsi1, pk = "...", sk = "...")` on an entity.
pub struct EntityIndexAttrs {
    /// The index's marker type, declared by the table.
    pub index: syn::Path,
    pub pk: Option<LitStr>,
    pub sk: Option<LitStr>,
    /// `pk(tenant, region)`: the fields that are a typed index's partition attributes.
    pub pk_fields: Vec<syn::Ident>,
    /// `sk(round)`: the fields that are its sort attributes.
    pub sk_fields: Vec<syn::Ident>,
}

impl ContainerAttrs {
    /// Where the first entity option is, if any is given.
    pub fn entity_span(&self) -> Option<proc_macro2::Span> {
        self.entity
            .as_ref()
            .or(self.pk.as_ref())
            .or(self.sk.as_ref())
            .map(LitStr::span)
            .or_else(|| self.indexes.first().map(|i| i.index.span()))
    }
}

/// Options on a field. Each flag keeps the attribute's span, for errors about it.
#[derive(Default)]
pub struct FieldAttrs {
    pub partition_key: Option<proc_macro2::Span>,
    pub sort_key: Option<proc_macro2::Span>,
    pub rename: Option<LitStr>,
    pub skip: Option<proc_macro2::Span>,
    pub default: Option<proc_macro2::Span>,
    /// `default = "path::to::fn"`: what a missing attribute reads as.
    pub default_fn: Option<syn::Path>,
    /// `validate = "path"`: a function every write runs on the field's value.
    pub validate: Option<syn::Path>,
    /// `alias = "old_name"`: also read from these names (the first name wins).
    pub alias: Vec<LitStr>,
    pub serde: Option<proc_macro2::Span>,
    /// `with = "module"`: the module converting the field to and from a stored type.
    pub with: Option<LitStr>,
    pub version: Option<proc_macro2::Span>,
    pub ttl: Option<proc_macro2::Span>,
    /// `flatten`: a struct field whose attributes sit at this level.
    pub flatten: Option<proc_macro2::Span>,
    /// `created_at`: the time the item was first written, filled from the clock.
    pub created_at: Option<proc_macro2::Span>,
    /// `updated_at`: the time of the last write, filled from the clock.
    pub updated_at: Option<proc_macro2::Span>,
    /// `epoch_seconds`: a time stored as epoch seconds (N).
    pub epoch_seconds: Option<proc_macro2::Span>,
    /// `epoch_millis`: a time stored as epoch milliseconds (N).
    pub epoch_millis: Option<proc_macro2::Span>,
    pub gsi_partition_key: Vec<LitStr>,
    pub gsi_sort_key: Vec<LitStr>,
    pub lsi_sort_key: Vec<LitStr>,
    /// `gsi_partition_key(ByStatus)`: the marker type an index mention declares, with
    /// the index's name (given, or the marker's name in snake case).
    pub index_markers: Vec<(LitStr, syn::Ident)>,
    /// `gsi_partition_key(ByStatus, keys_only)`: what the named index projects.
    pub index_projections: Vec<(LitStr, ProjectionAttr)>,
    /// `no_patch`: left out of the type's `DynamoPatch`.
    pub no_patch: Option<proc_macro2::Span>,
    /// `unique` or `unique(per(field, ..))`: no two items hold one value.
    pub unique: Option<UniqueAttr>,
    /// `generate = "uuid_v4"`, `"uuid_v7"` or `"ulid"`: `create` fills the field when it
    /// holds no id.
    pub generate: Option<LitStr>,
    /// `encrypt`: encrypted and signed by the AWS Database Encryption SDK.
    pub encrypt: Option<proc_macro2::Span>,
    /// `sign_only`: signed (in plain text) by the AWS Database Encryption SDK.
    pub sign_only: Option<proc_macro2::Span>,
}

/// `unique(per(tenant))`: where the option is, and the fields that scope the value.
pub struct UniqueAttr {
    pub span: proc_macro2::Span,
    pub per: Vec<syn::Ident>,
}

/// Options on an enum variant.
#[derive(Default)]
pub struct VariantAttrs {
    pub rename: Option<LitStr>,
}

const CONTAINER_OPTIONS: &str =
    "rename_all, transparent, tag, content, table, entity, pk, sk, index, hide_expired, projection_of, validate, count, sum, shape, do_not_recommend";
const FIELD_OPTIONS: &str = "partition_key, sort_key, rename, alias, skip, default, serde, with, \
     flatten, version, ttl, created_at, updated_at, epoch_seconds, epoch_millis, \
     gsi_partition_key, gsi_sort_key, lsi_sort_key, no_patch, validate, unique, generate, \
     encrypt, sign_only";
const VARIANT_OPTIONS: &str = "rename";

fn dynamo_attrs(attrs: &[Attribute]) -> impl Iterator<Item = &Attribute> {
    attrs.iter().filter(|a| a.path().is_ident("dynamo"))
}

fn unknown(meta: &syn::meta::ParseNestedMeta, expected: &str) -> syn::Error {
    let name = meta
        .path
        .get_ident()
        .map_or_else(|| "?".to_owned(), ToString::to_string);
    meta.error(format!(
        "unknown dynamo option `{name}`; expected one of: {expected}"
    ))
}

fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    meta: &syn::meta::ParseNestedMeta,
) -> syn::Result<()> {
    if slot.is_some() {
        let name = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        return Err(meta.error(format!("duplicate dynamo option `{name}`")));
    }
    *slot = Some(value);
    Ok(())
}

/// Runs `each` on every option of every `#[dynamo(...)]`, reporting every error.
fn parse_all(
    cx: &Ctxt,
    attrs: &[Attribute],
    mut each: impl FnMut(&syn::meta::ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in dynamo_attrs(attrs) {
        if let Err(e) = attr.parse_nested_meta(|meta| each(&meta)) {
            cx.push(e);
        }
    }
}

pub fn container(cx: &Ctxt, attrs: &[Attribute]) -> ContainerAttrs {
    let mut out = ContainerAttrs::default();
    parse_all(cx, attrs, |meta| {
        if meta.path.is_ident("rename_all") {
            let lit: LitStr = meta.value()?.parse()?;
            let rule = RenameRule::parse(&lit.value()).ok_or_else(|| {
                syn::Error::new(
                    lit.span(),
                    format!(
                        "unknown rename_all rule `{}`; expected one of: {}",
                        lit.value(),
                        RenameRule::NAMES
                    ),
                )
            })?;
            set_once(&mut out.rename_all, rule, meta)
        } else if meta.path.is_ident("transparent") {
            set_once(&mut out.transparent, meta.path.span(), meta)
        } else if meta.path.is_ident("tag") {
            let lit: LitStr = meta.value()?.parse()?;
            set_once(&mut out.tag, lit, meta)
        } else if meta.path.is_ident("content") {
            let lit: LitStr = meta.value()?.parse()?;
            set_once(&mut out.content, lit, meta)
        } else if meta.path.is_ident("table") {
            let value = meta.value()?;
            if value.peek(LitStr) {
                let lit: LitStr = value.parse()?;
                return Err(syn::Error::new(
                    lit.span(),
                    "`table` names the #[derive(DynamoTable)] type an entity is stored in \
                     (`table = App`); a table's name is given at run time, to \
                     `TypedMapping::new` or `Table::new`",
                ));
            }
            let path: syn::Path = value.parse()?;
            set_once(&mut out.table, path, meta)
        } else if meta.path.is_ident("entity") {
            let lit: LitStr = meta.value()?.parse()?;
            set_once(&mut out.entity, lit, meta)
        } else if meta.path.is_ident("pk") {
            let lit: LitStr = meta.value()?.parse()?;
            set_once(&mut out.pk, lit, meta)
        } else if meta.path.is_ident("sk") {
            let lit: LitStr = meta.value()?.parse()?;
            set_once(&mut out.sk, lit, meta)
        } else if meta.path.is_ident("index") {
            out.indexes.push(entity_index(meta)?);
            Ok(())
        } else if meta.path.is_ident("hide_expired") {
            set_once(&mut out.hide_expired, meta.path.span(), meta)
        } else if meta.path.is_ident("do_not_recommend") {
            set_once(&mut out.do_not_recommend, meta.path.span(), meta)
        } else if meta.path.is_ident("validate") {
            let function = function_path(meta)?;
            set_once(&mut out.validate, function, meta)
        } else if meta.path.is_ident("count") || meta.path.is_ident("sum") {
            out.aggregates.push(aggregate(meta)?);
            Ok(())
        } else if meta.path.is_ident("shape") {
            let parsed = shape(meta)?;
            set_once(&mut out.shape, parsed, meta)
        } else if meta.path.is_ident("projection_of") {
            meta.parse_nested_meta(|inner| {
                out.projection_of.push(inner.path.clone());
                Ok(())
            })
        } else {
            Err(unknown(meta, CONTAINER_OPTIONS))
        }
    });
    out
}

/// `shape(version = N, from(V1, ..), attribute = "name")`.
fn shape(meta: &syn::meta::ParseNestedMeta) -> syn::Result<ShapeAttr> {
    let mut out = ShapeAttr {
        span: meta.path.span(),
        version: None,
        from: Vec::new(),
        from_span: None,
        attribute: None,
    };
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("version") {
            out.version = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("attribute") {
            out.attribute = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("from") {
            out.from_span = Some(inner.path.span());
            let content;
            syn::parenthesized!(content in inner.input);
            let types = content.parse_terminated(<syn::Type as syn::parse::Parse>::parse, syn::Token![,])?;
            out.from.extend(types);
        } else {
            return Err(inner.error(
                "`shape` takes `version = N`, `from(OlderShapeV1, ..)` (oldest first) and `attribute = \"name\"`",
            ));
        }
        Ok(())
    })?;
    Ok(out)
}

/// `count(Parent, into = "attr", key(..))` / `sum(Parent, into = "attr", of = field, key(..))`.
fn aggregate(meta: &syn::meta::ParseNestedMeta) -> syn::Result<AggregateAttr> {
    let mut out = AggregateAttr {
        span: meta.path.span(),
        sum: meta.path.is_ident("sum"),
        parent: None,
        into: None,
        of: None,
        key: Vec::new(),
    };
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("into") {
            out.into = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("of") {
            out.of = Some(inner.value()?.parse()?);
        } else if inner.path.is_ident("key") {
            inner.parse_nested_meta(|pair| {
                let parent = pair.path.require_ident()?.clone();
                let child = if pair.input.peek(syn::Token![=]) {
                    pair.value()?.parse()?
                } else {
                    parent.clone()
                };
                out.key.push((parent, child));
                Ok(())
            })?;
        } else if out.parent.is_none() && (inner.input.is_empty() || inner.input.peek(syn::Token![,])) {
            out.parent = Some(inner.path.clone());
        } else {
            return Err(inner.error(
                "`count` and `sum` take the parent entity, `into = \"attribute\"`, `key(parent_field = field, ..)`, and for `sum` `of = field`",
            ));
        }
        Ok(())
    })?;
    Ok(out)
}

/// `validate = "path::to::function"`: the function's path.
fn function_path(meta: &syn::meta::ParseNestedMeta) -> syn::Result<syn::Path> {
    let lit: LitStr = meta.value()?.parse()?;
    lit.parse::<syn::Path>().map_err(|_| {
        syn::Error::new(
            lit.span(),
            "`validate = \"...\"` names a function by its path, such as \"valid_email\"",
        )
    })
}

/// `index(Gsi1, pk = "...", sk = "...")`: the index's type first, then its templates.
fn entity_index(meta: &syn::meta::ParseNestedMeta) -> syn::Result<EntityIndexAttrs> {
    let mut index: Option<syn::Path> = None;
    let (mut pk, mut sk) = (None, None);
    let (mut pk_fields, mut sk_fields) = (Vec::new(), Vec::new());
    let field_list = |inner: &syn::meta::ParseNestedMeta| -> syn::Result<Vec<syn::Ident>> {
        let content;
        syn::parenthesized!(content in inner.input);
        let fields = content.parse_terminated(syn::ext::IdentExt::parse_any, syn::Token![,])?;
        Ok(fields.into_iter().collect())
    };
    meta.parse_nested_meta(|inner| {
        if inner.path.is_ident("pk") && inner.input.peek(syn::token::Paren) {
            pk_fields.extend(field_list(&inner)?);
            Ok(())
        } else if inner.path.is_ident("sk") && inner.input.peek(syn::token::Paren) {
            sk_fields.extend(field_list(&inner)?);
            Ok(())
        } else if inner.path.is_ident("pk") {
            let lit: LitStr = inner.value()?.parse()?;
            set_once(&mut pk, lit, &inner)
        } else if inner.path.is_ident("sk") {
            let lit: LitStr = inner.value()?.parse()?;
            set_once(&mut sk, lit, &inner)
        } else if index.is_none() && !inner.input.peek(syn::Token![=]) {
            index = Some(inner.path.clone());
            Ok(())
        } else {
            Err(inner.error(
                "an entity's index is `index(IndexType, pk = \"...\", sk = \"...\")` \
                 (or `pk(field, ..), sk(field, ..)` for a typed index), IndexType being the \
                 marker the table's `index(...)` declares",
            ))
        }
    })?;
    let index = index.ok_or_else(|| {
        meta.error("name the index by its type first: `index(Gsi1, pk = \"...\", sk = \"...\")`")
    })?;
    Ok(EntityIndexAttrs {
        index,
        pk,
        sk,
        pk_fields,
        sk_fields,
    })
}

pub fn field(cx: &Ctxt, attrs: &[Attribute]) -> FieldAttrs {
    let mut out = FieldAttrs::default();
    parse_all(cx, attrs, |meta| {
        let span = meta.path.span();
        if meta.path.is_ident("partition_key") {
            set_once(&mut out.partition_key, span, meta)
        } else if meta.path.is_ident("sort_key") {
            set_once(&mut out.sort_key, span, meta)
        } else if meta.path.is_ident("rename") {
            let lit: LitStr = meta.value()?.parse()?;
            set_once(&mut out.rename, lit, meta)
        } else if meta.path.is_ident("skip") {
            set_once(&mut out.skip, span, meta)
        } else if meta.path.is_ident("default") {
            if meta.input.peek(syn::Token![=]) {
                let lit: LitStr = meta.value()?.parse()?;
                let function = lit.parse::<syn::Path>().map_err(|_| {
                    syn::Error::new(
                        lit.span(),
                        "`default = \"...\"` names a function by its path, such as \"default_plan\"",
                    )
                })?;
                out.default_fn = Some(function);
            }
            set_once(&mut out.default, span, meta)
        } else if meta.path.is_ident("alias") {
            out.alias.push(meta.value()?.parse()?);
            Ok(())
        } else if meta.path.is_ident("validate") {
            let function = function_path(meta)?;
            set_once(&mut out.validate, function, meta)
        } else if meta.path.is_ident("serde") {
            set_once(&mut out.serde, span, meta)
        } else if meta.path.is_ident("with") {
            let lit: LitStr = meta.value()?.parse()?;
            lit.parse::<syn::Path>().map_err(|_| {
                syn::Error::new(
                    lit.span(),
                    "`with` names a module by its path, such as \"crate::codecs::rgb\"",
                )
            })?;
            set_once(&mut out.with, lit, meta)
        } else if meta.path.is_ident("version") {
            set_once(&mut out.version, span, meta)
        } else if meta.path.is_ident("ttl") {
            set_once(&mut out.ttl, span, meta)
        } else if meta.path.is_ident("flatten") {
            set_once(&mut out.flatten, span, meta)
        } else if meta.path.is_ident("created_at") {
            set_once(&mut out.created_at, span, meta)
        } else if meta.path.is_ident("updated_at") {
            set_once(&mut out.updated_at, span, meta)
        } else if meta.path.is_ident("epoch_seconds") {
            set_once(&mut out.epoch_seconds, span, meta)
        } else if meta.path.is_ident("epoch_millis") {
            set_once(&mut out.epoch_millis, span, meta)
        } else if meta.path.is_ident("encrypt") {
            set_once(&mut out.encrypt, span, meta)
        } else if meta.path.is_ident("sign_only") {
            set_once(&mut out.sign_only, span, meta)
        } else if meta.path.is_ident("no_patch") {
            set_once(&mut out.no_patch, span, meta)
        } else if meta.path.is_ident("generate") {
            let lit: LitStr = meta.value()?.parse()?;
            if !matches!(lit.value().as_str(), "uuid_v4" | "uuid_v7" | "ulid") {
                return Err(syn::Error::new(
                    lit.span(),
                    "`generate` takes \"uuid_v4\" (random), \"uuid_v7\" (time-ordered) or \"ulid\" (time-ordered text)",
                ));
            }
            set_once(&mut out.generate, lit, meta)
        } else if meta.path.is_ident("unique") {
            let unique = unique(meta)?;
            set_once(&mut out.unique, unique, meta)
        } else if meta.path.is_ident("gsi_partition_key") {
            index_mention(meta, &mut out, IndexRole::GlobalPartition)
        } else if meta.path.is_ident("gsi_sort_key") {
            index_mention(meta, &mut out, IndexRole::GlobalSort)
        } else if meta.path.is_ident("lsi_sort_key") {
            index_mention(meta, &mut out, IndexRole::LocalSort)
        } else {
            Err(unknown(meta, FIELD_OPTIONS))
        }
    });
    out
}

/// `unique`, or `unique(per(tenant, ..))`: the value is unique among the items with
/// the same values of those fields.
fn unique(meta: &syn::meta::ParseNestedMeta) -> syn::Result<UniqueAttr> {
    let mut out = UniqueAttr {
        span: meta.path.span(),
        per: Vec::new(),
    };
    if meta.input.is_empty() || meta.input.peek(syn::Token![,]) {
        return Ok(out);
    }
    meta.parse_nested_meta(|inner| {
        if !inner.path.is_ident("per") {
            return Err(
                inner.error("`unique` takes `per(field, ..)`: the fields that scope the value")
            );
        }
        let content;
        syn::parenthesized!(content in inner.input);
        let fields =
            content.parse_terminated(<syn::Ident as syn::parse::Parse>::parse, syn::Token![,])?;
        if fields.is_empty() {
            return Err(inner.error("`per(..)` names at least one field"));
        }
        out.per.extend(fields);
        Ok(())
    })?;
    Ok(out)
}

/// `gsi_partition_key = "by_status"` names an index by its name;
/// `gsi_partition_key(ByStatus)` or `gsi_partition_key(ByStatus, name = "status-index")`
/// also declares its marker type, which `query_index::<ByStatus>` names, and may say
/// what the index projects (`keys_only`, `include("total")`).
fn index_mention(
    meta: &syn::meta::ParseNestedMeta,
    out: &mut FieldAttrs,
    role: IndexRole,
) -> syn::Result<()> {
    let names = match role {
        IndexRole::GlobalPartition => &mut out.gsi_partition_key,
        IndexRole::GlobalSort => &mut out.gsi_sort_key,
        IndexRole::LocalSort => &mut out.lsi_sort_key,
    };
    if meta.input.peek(syn::Token![=]) {
        names.push(meta.value()?.parse()?);
        return Ok(());
    }
    let mut marker: Option<syn::Ident> = None;
    let mut name: Option<LitStr> = None;
    let mut projection: Option<ProjectionAttr> = None;
    meta.parse_nested_meta(|inner| {
        if let Some(parsed) = ProjectionAttr::parse(&inner) {
            projection = Some(parsed?);
            Ok(())
        } else if inner.path.is_ident("name") {
            name = Some(inner.value()?.parse()?);
            Ok(())
        } else if let (None, Some(ident), false) = (
            &marker,
            inner.path.get_ident(),
            inner.input.peek(syn::Token![=]),
        ) {
            marker = Some(ident.clone());
            Ok(())
        } else {
            Err(inner.error(
                "an index with a marker type is `(ByStatus)`, with `name = \"status-index\"`, \
                 `keys_only` or `include(\"total\")` if need be",
            ))
        }
    })?;
    let marker = marker.ok_or_else(|| {
        meta.error(
            "name the index's marker type: `(ByStatus)`, or `= \"by_status\"` for a name only",
        )
    })?;
    let name = name.unwrap_or_else(|| {
        LitStr::new(
            &RenameRule::Snake.apply_to_variant(&marker.to_string()),
            marker.span(),
        )
    });
    names.push(name.clone());
    if let Some(projection) = projection {
        out.index_projections.push((name.clone(), projection));
    }
    out.index_markers.push((name, marker));
    Ok(())
}

/// Which key of an index a field's mention makes it.
#[derive(Clone, Copy)]
enum IndexRole {
    GlobalPartition,
    GlobalSort,
    LocalSort,
}

pub fn variant(cx: &Ctxt, attrs: &[Attribute]) -> VariantAttrs {
    let mut out = VariantAttrs::default();
    parse_all(cx, attrs, |meta| {
        if meta.path.is_ident("rename") {
            let lit: LitStr = meta.value()?.parse()?;
            set_once(&mut out.rename, lit, meta)
        } else {
            Err(unknown(meta, VARIANT_OPTIONS))
        }
    });
    out
}
