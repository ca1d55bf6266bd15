//! The validated description of a type to derive for. Everything that can be wrong
//! with the user's attributes is found here, pointing at the user's code.

use std::collections::HashMap;

use proc_macro2::Span;
use syn::{Data, DataEnum, DeriveInput, Fields, Generics, Ident, Type};

use crate::attr::{self, ContainerAttrs};

/// Which derive is running: they accept different shapes and options.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Derive {
    Item,
    Value,
}

impl Derive {
    fn name(self) -> &'static str {
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
    pub body: Body<'a>,
}

pub enum Body<'a> {
    Struct(Struct<'a>),
    /// A unit-only enum stored as a string.
    Enum(Vec<Variant<'a>>),
}

pub struct Struct<'a> {
    pub fields: Vec<Field<'a>>,
    /// Set for `DynamoItem`, which always has a partition key.
    pub key: Option<Key>,
    /// The `#[dynamo(version)]` field, an index into `fields`.
    pub version: Option<usize>,
    /// Secondary indexes, in order of first mention.
    pub indexes: Vec<Index>,
    /// The `#[dynamo(ttl)]` field, an index into `fields`.
    pub ttl: Option<usize>,
}

/// A secondary index; fields are indexes into `Struct::fields`.
pub struct Index {
    pub name: String,
    pub global: bool,
    /// For a global index; a local index uses the table's partition key.
    pub partition: Option<usize>,
    pub sort: Option<usize>,
}

/// An index while its fields are being collected.
struct IndexDraft {
    name: String,
    global: bool,
    span: Span,
    partition: Option<usize>,
    sort: Option<usize>,
}

/// DynamoDB's rule for index names: 3 to 255 of `a-z A-Z 0-9 _ - .`.
fn valid_index_name(name: &str) -> bool {
    (3..=255).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Indexes into `Struct::fields`.
pub struct Key {
    pub partition: usize,
    pub sort: Option<usize>,
}

pub struct Field<'a> {
    pub member: &'a Ident,
    pub vis: &'a syn::Visibility,
    pub ty: &'a Type,
    /// The attribute name as stored.
    pub name: String,
    pub storage: Storage,
    pub is_key: bool,
    pub is_version: bool,
    /// `#[dynamo(ttl)]`: stored as whole epoch seconds.
    pub is_ttl: bool,
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
    /// Not stored; `Default::default()` when read.
    Skip,
}

pub struct Variant<'a> {
    pub ident: &'a Ident,
    pub name: String,
}

/// Collects errors so the user sees all of them at once.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn at(&mut self, span: Span, message: impl std::fmt::Display) {
        self.push(syn::Error::new(span, message));
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }
}

fn unraw(ident: &Ident) -> String {
    let name = ident.to_string();
    name.strip_prefix("r#").map(str::to_owned).unwrap_or(name)
}

/// `Option<...>` by its last path segment: enough to explain this mistake early; the
/// `KeyAttribute` bound on key types is what decides the rest.
fn is_option(ty: &Type) -> bool {
    matches!(ty, Type::Path(p) if p.qself.is_none()
        && p.path.segments.last().is_some_and(|s| s.ident == "Option"))
}

impl<'a> Container<'a> {
    pub fn from_ast(input: &'a DeriveInput, derive: Derive) -> syn::Result<Container<'a>> {
        let mut errors = Errors::default();
        let attrs = attr::container(&input.attrs).unwrap_or_else(|e| {
            errors.push(e);
            ContainerAttrs::default()
        });
        let body =
            match &input.data {
                Data::Struct(data) => match &data.fields {
                    Fields::Named(named) => {
                        Body::Struct(parse_struct(input, named, &attrs, derive, &mut errors))
                    }
                    _ => {
                        return Err(syn::Error::new_spanned(
                            &input.ident,
                            format!(
                                "{} needs a struct with named fields: each field becomes a named \
                             attribute, and a tuple or unit struct has no field names",
                                derive.name()
                            ),
                        ))
                    }
                },
                Data::Enum(data) if derive == Derive::Value => {
                    Body::Enum(parse_enum(input, data, &attrs, &mut errors))
                }
                Data::Enum(_) => return Err(syn::Error::new_spanned(
                    &input.ident,
                    "DynamoItem needs a struct with named fields: a table item is a map of named \
                     attributes (to store an enum as a string, derive DynamoValue on it and use it \
                     as a field)",
                )),
                Data::Union(_) => {
                    return Err(syn::Error::new_spanned(
                        &input.ident,
                        format!("{} cannot be derived for a union", derive.name()),
                    ))
                }
            };
        errors.finish()?;
        Ok(Container {
            ident: &input.ident,
            vis: &input.vis,
            generics: &input.generics,
            body,
        })
    }
}

fn parse_struct<'a>(
    input: &'a DeriveInput,
    named: &'a syn::FieldsNamed,
    container: &ContainerAttrs,
    derive: Derive,
    errors: &mut Errors,
) -> Struct<'a> {
    let mut fields: Vec<Field<'a>> = Vec::new();
    let mut partition: Option<usize> = None;
    let mut sort: Option<usize> = None;
    let mut version: Option<usize> = None;
    let mut drafts: Vec<IndexDraft> = Vec::new();
    let mut ttl: Option<usize> = None;
    let mut names: HashMap<String, &Ident> = HashMap::new();

    for field in &named.named {
        let Some(member) = field.ident.as_ref() else {
            continue;
        };
        let attrs = match attr::field(&field.attrs) {
            Ok(attrs) => attrs,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = match (&attrs.rename, container.rename_all) {
            (Some(lit), _) => lit.value(),
            (None, Some(rule)) => rule.apply_to_field(&unraw(member)),
            (None, None) => unraw(member),
        };
        if let Some(lit) = &attrs.rename {
            if name.is_empty() {
                errors.at(lit.span(), "an attribute name cannot be empty");
            }
        }

        let key_span = attrs.partition_key.or(attrs.sort_key);
        if let Some(span) = key_span {
            if derive == Derive::Value {
                errors.at(
                    span,
                    "keys belong to table items: use #[derive(DynamoItem)] for a struct with \
                     a partition key (DynamoValue structs are nested values)",
                );
            }
            if attrs.partition_key.is_some() && attrs.sort_key.is_some() {
                errors.at(
                    span,
                    format!("`{member}` cannot be both the partition key and the sort key"),
                );
            }
            for (flag, option) in [
                (attrs.skip, "skip"),
                (attrs.default, "default"),
                (attrs.serde, "serde"),
            ] {
                if let Some(span) = flag {
                    errors.at(
                        span,
                        format!("a key field cannot be `{option}`: every item stores its key"),
                    );
                }
            }
            if is_option(&field.ty) {
                errors.push(syn::Error::new_spanned(
                    &field.ty,
                    format!("key field `{member}` cannot be an Option: every item has its key"),
                ));
            }
        }
        let index = fields.len();
        if let Some(span) = attrs.partition_key {
            match partition {
                Some(first) => errors.at(
                    span,
                    format!(
                        "a table has exactly one partition key, but `{}` is already marked \
                         #[dynamo(partition_key)]; did you mean #[dynamo(sort_key)]?",
                        fields[first].member
                    ),
                ),
                None => partition = Some(index),
            }
        }
        if let Some(span) = attrs.sort_key {
            match sort {
                Some(first) => errors.at(
                    span,
                    format!(
                        "a table has at most one sort key, but `{}` is already marked \
                         #[dynamo(sort_key)]",
                        fields[first].member
                    ),
                ),
                None => sort = Some(index),
            }
        }

        if let Some(span) = attrs.version {
            if derive == Derive::Value {
                errors.at(span, "a version belongs to table items: use #[derive(DynamoItem)] for optimistic locking");
            }
            if key_span.is_some() {
                errors.at(
                    span,
                    "a key field cannot be the version: the version changes on every write",
                );
            }
            for (flag, option) in [(attrs.skip, "skip"), (attrs.serde, "serde")] {
                if let Some(span) = flag {
                    errors.at(
                        span,
                        format!(
                            "the version field cannot be `{option}`: dynamap reads and writes it"
                        ),
                    );
                }
            }
            match version {
                Some(first) => errors.at(
                    span,
                    format!(
                        "an item has at most one version, but `{}` is already marked #[dynamo(version)]",
                        fields[first].member
                    ),
                ),
                None => version = Some(fields.len()),
            }
        }

        if let Some(span) = attrs.ttl {
            if derive == Derive::Value {
                errors.at(
                    span,
                    "a time to live belongs to table items: use #[derive(DynamoItem)]",
                );
            }
            if key_span.is_some() || attrs.version.is_some() {
                errors.at(
                    span,
                    "the time-to-live field cannot also be a key or the version",
                );
            }
            for (flag, option) in [(attrs.skip, "skip"), (attrs.serde, "serde")] {
                if flag.is_some() {
                    errors.at(span, format!("the time-to-live field cannot be `{option}`: DynamoDB reads the stored number"));
                }
            }
            match ttl {
                Some(first) => errors.at(
                    span,
                    format!(
                        "a table has one time-to-live attribute, but `{}` is already marked #[dynamo(ttl)]",
                        fields.get(first).map_or_else(String::new, |f: &Field| f.member.to_string())
                    ),
                ),
                None => ttl = Some(fields.len()),
            }
        }

        let index_roles = attrs
            .gsi_partition_key
            .iter()
            .map(|lit| (lit, true, true))
            .chain(attrs.gsi_sort_key.iter().map(|lit| (lit, true, false)))
            .chain(attrs.lsi_sort_key.iter().map(|lit| (lit, false, false)));
        for (lit, global, is_partition) in index_roles {
            let name = lit.value();
            let span = lit.span();
            if derive == Derive::Value {
                errors.at(
                    span,
                    "indexes belong to table items: use #[derive(DynamoItem)]",
                );
                continue;
            }
            if !valid_index_name(&name) {
                errors.at(
                    span,
                    "an index name has 3 to 255 characters among a-z, A-Z, 0-9, `_`, `-` and `.`",
                );
                continue;
            }
            for (flag, option) in [(attrs.skip, "skip"), (attrs.serde, "serde")] {
                if flag.is_some() {
                    errors.at(span, format!("an index key field cannot be `{option}`: DynamoDB indexes the stored attribute"));
                }
            }
            let this = fields.len();
            let draft = match drafts.iter_mut().find(|d| d.name == name) {
                Some(draft) => draft,
                None => {
                    drafts.push(IndexDraft {
                        name: name.clone(),
                        global,
                        span,
                        partition: None,
                        sort: None,
                    });
                    let Some(draft) = drafts.last_mut() else {
                        continue;
                    };
                    draft
                }
            };
            if draft.global != global {
                errors.at(
                    span,
                    format!("index `{name}` is marked both global (gsi_...) and local (lsi_...)"),
                );
                continue;
            }
            let slot = if is_partition {
                &mut draft.partition
            } else {
                &mut draft.sort
            };
            match slot {
                Some(first) if *first != this => errors.at(
                    span,
                    format!(
                        "index `{name}` already has its {} key in `{}`",
                        if is_partition { "partition" } else { "sort" },
                        fields
                            .get(*first)
                            .map_or_else(String::new, |f: &Field| f.member.to_string())
                    ),
                ),
                _ => *slot = Some(this),
            }
        }

        let storage = match (attrs.skip, attrs.default, attrs.serde) {
            (Some(_), None, None) => Storage::Skip,
            (None, Some(_), None) => Storage::ValueOrDefault,
            (None, None, Some(_)) => Storage::Serde,
            (None, None, None) => Storage::Value,
            _ => {
                let span = attrs
                    .default
                    .or(attrs.serde)
                    .unwrap_or_else(Span::call_site);
                errors.at(
                    span,
                    "use at most one of `skip`, `default` and `serde` on a field",
                );
                Storage::Value
            }
        };
        if storage == Storage::Skip {
            if let Some(lit) = &attrs.rename {
                errors.at(
                    lit.span(),
                    "a skipped field is not stored, so it has no name to rename",
                );
            }
        } else if let Some(other) = names.insert(name.clone(), member) {
            errors.push(syn::Error::new_spanned(
                member,
                format!("`{member}` and `{other}` would both be stored as attribute \"{name}\""),
            ));
        }
        fields.push(Field {
            member,
            vis: &field.vis,
            ty: &field.ty,
            name,
            storage,
            is_key: key_span.is_some(),
            is_version: attrs.version.is_some(),
            is_ttl: attrs.ttl.is_some(),
        });
    }

    let mut indexes = Vec::new();
    for draft in drafts {
        if draft.global && draft.partition.is_none() {
            errors.at(
                draft.span,
                format!(
                    "global index `{0}` has no partition key: mark a field #[dynamo(gsi_partition_key = \"{0}\")]",
                    draft.name
                ),
            );
        }
        if !draft.global && sort.is_none() {
            errors.at(
                draft.span,
                format!(
                    "local index `{}` needs a table with a sort key: a local index replaces the sort key",
                    draft.name
                ),
            );
        }
        indexes.push(Index {
            name: draft.name,
            global: draft.global,
            partition: draft.partition,
            sort: draft.sort,
        });
    }

    let key = match (derive, partition) {
        (Derive::Item, Some(partition)) => Some(Key { partition, sort }),
        (Derive::Item, None) => {
            errors.push(syn::Error::new_spanned(
                &input.ident,
                format!(
                    "`{}` has no partition key: mark the field that identifies an item with \
                     #[dynamo(partition_key)]",
                    input.ident
                ),
            ));
            None
        }
        (Derive::Value, _) => None,
    };
    Struct {
        fields,
        key,
        version,
        indexes,
        ttl,
    }
}

fn parse_enum<'a>(
    input: &'a DeriveInput,
    data: &'a DataEnum,
    container: &ContainerAttrs,
    errors: &mut Errors,
) -> Vec<Variant<'a>> {
    if data.variants.is_empty() {
        errors.push(syn::Error::new_spanned(
            &input.ident,
            "DynamoValue needs at least one variant: an enum without variants has no value to store",
        ));
    }
    let mut names: HashMap<String, &Ident> = HashMap::new();
    let mut variants = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            errors.push(syn::Error::new_spanned(
                variant,
                format!(
                    "DynamoValue stores enums as strings, so every variant must be a unit variant, \
                     but `{}` has fields; for enums with data, mark the field #[dynamo(serde)] and \
                     derive serde's traits",
                    variant.ident
                ),
            ));
            continue;
        }
        let attrs = match attr::variant(&variant.attrs) {
            Ok(attrs) => attrs,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let name = match (&attrs.rename, container.rename_all) {
            (Some(lit), _) => lit.value(),
            (None, Some(rule)) => rule.apply_to_variant(&unraw(&variant.ident)),
            (None, None) => unraw(&variant.ident),
        };
        if let Some(other) = names.insert(name.clone(), &variant.ident) {
            errors.push(syn::Error::new_spanned(
                &variant.ident,
                format!(
                    "`{}` and `{other}` would both be stored as \"{name}\"",
                    variant.ident
                ),
            ));
        }
        variants.push(Variant {
            ident: &variant.ident,
            name,
        });
    }
    variants
}
