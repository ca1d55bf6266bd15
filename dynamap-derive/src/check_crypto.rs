//! The rules for `#[dynamo(encrypt)]` and `#[dynamo(sign_only)]`: what the AWS Database
//! Encryption SDK would refuse (or leak) at run time is refused here, at the field.
//! DynamoDB must read keys, index keys and the time to live in plain text; the SDK
//! refuses UpdateItem on signed attributes, so whatever dynamap changes in place (the
//! version, write times, a shape's upgrade) stays unsigned.

use proc_macro2::Span;

use crate::ast::{Body, Container, Derive, EntityModel, Field, Storage, Struct};
use crate::ctxt::Ctxt;

pub fn check(cx: &Ctxt, container: &Container) {
    let Body::Struct(data) = &container.body else {
        return;
    };
    for field in &data.fields {
        let Some((span, action)) = action(field) else {
            continue;
        };
        one_action(cx, field);
        declared_on_items(cx, container, span);
        stored_as_one_attribute(cx, field, span);
        if data.entity.is_none() {
            // An entity's key fields are its templates' (reported with the template).
            key_is_not_encrypted(cx, field, action, span);
        }
        index_key_is_not_encrypted(cx, field, action, span);
        updated_in_place_stays_unsigned(cx, field, span);
        unique_is_not_encrypted(cx, field, action, span);
        if let Some(entity) = &data.entity {
            template_field_is_not_encrypted(cx, entity, field, action, span);
        }
        summed_field_is_not_encrypted(cx, data, field, action, span);
    }
    shape_has_no_signed_fields(cx, container, data);
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Action {
    Encrypt,
    SignOnly,
}

fn action(field: &Field) -> Option<(Span, Action)> {
    let attrs = &field.attrs;
    attrs
        .encrypt
        .map(|s| (s, Action::Encrypt))
        .or(attrs.sign_only.map(|s| (s, Action::SignOnly)))
}

fn member_name(field: &Field) -> String {
    field.member.to_string().trim_start_matches("r#").to_owned()
}

fn one_action(cx: &Ctxt, field: &Field) {
    if let (Some(_), Some(sign_only)) = (field.attrs.encrypt, field.attrs.sign_only) {
        cx.at(
            sign_only,
            "a field is either `encrypt` (encrypted and signed) or `sign_only` (signed in plain text), not both",
        );
    }
}

fn declared_on_items(cx: &Ctxt, container: &Container, span: Span) {
    if container.derive == Derive::Value {
        cx.at(
            span,
            "encryption is declared on an item's fields (`#[derive(DynamoItem)]`): mark the \
             item's field that holds this value, which encrypts the value as a whole",
        );
    }
}

fn stored_as_one_attribute(cx: &Ctxt, field: &Field, span: Span) {
    let problem = match field.storage {
        Storage::Skip => "a skipped field is not stored, so there is nothing to encrypt or sign",
        Storage::Flatten => {
            "a flattened field cannot be encrypted or signed: its struct's attributes sit \
             beside the item's own; store the struct as one attribute (without `flatten`) \
             to encrypt it whole"
        }
        _ => return,
    };
    cx.at(span, problem);
}

fn key_is_not_encrypted(cx: &Ctxt, field: &Field, action: Action, span: Span) {
    if field.is_key && action == Action::Encrypt {
        cx.at(
            span,
            "a key attribute cannot be encrypted: DynamoDB reads it to find the item; the \
             encryption SDK signs keys (`sign_only`) already",
        );
    }
}

fn index_key_is_not_encrypted(cx: &Ctxt, field: &Field, action: Action, span: Span) {
    let a = &field.attrs;
    let in_index =
        !a.gsi_partition_key.is_empty() || !a.gsi_sort_key.is_empty() || !a.lsi_sort_key.is_empty();
    if in_index && action == Action::Encrypt {
        cx.at(
            span,
            "an index key cannot be encrypted: DynamoDB reads it to index the item; use \
             `sign_only` to sign it in plain text",
        );
    }
}

fn updated_in_place_stays_unsigned(cx: &Ctxt, field: &Field, span: Span) {
    let a = &field.attrs;
    let role = if a.version.is_some() {
        "the version: every write bumps it with UpdateItem"
    } else if a.ttl.is_some() {
        "the time to live: DynamoDB reads it to expire the item and `modify` changes it"
    } else if a.created_at.is_some() || a.updated_at.is_some() {
        "a write time: `modify` sets it with UpdateItem"
    } else {
        return;
    };
    cx.at(
        span,
        format!(
            "this field is {role}, and the encryption SDK refuses UpdateItem on signed \
             attributes, so it stays unsigned (neither `encrypt` nor `sign_only`)"
        ),
    );
}

fn unique_is_not_encrypted(cx: &Ctxt, field: &Field, action: Action, span: Span) {
    if field.attrs.unique.is_some() && action == Action::Encrypt {
        cx.at(
            span,
            "a unique value is kept in the key of a guard item, in plain text: an \
             encrypted field cannot be `unique`",
        );
    }
}

fn template_field_is_not_encrypted(
    cx: &Ctxt,
    entity: &EntityModel,
    field: &Field,
    action: Action,
    span: Span,
) {
    if action != Action::Encrypt {
        return;
    }
    let name = member_name(field);
    let in_template = entity
        .templates()
        .find(|t| t.distinct_fields().contains(&name.as_str()));
    let in_typed_index = entity
        .indexes
        .iter()
        .any(|i| i.pk_fields.iter().chain(&i.sk_fields).any(|f| *f == name));
    if let Some(template) = in_template {
        cx.at(
            span,
            format!(
                "`{name}` is in the key template \"{}\", which DynamoDB reads in plain text: \
                 it cannot be encrypted (use `sign_only`)",
                template.lit.value()
            ),
        );
    } else if in_typed_index {
        cx.at(
            span,
            format!(
                "`{name}` is an index key, which DynamoDB reads in plain text: it cannot be \
                 encrypted (use `sign_only`)"
            ),
        );
    }
}

fn summed_field_is_not_encrypted(
    cx: &Ctxt,
    data: &Struct,
    field: &Field,
    action: Action,
    span: Span,
) {
    if action != Action::Encrypt {
        return;
    }
    let name = member_name(field);
    if data
        .aggregates
        .iter()
        .any(|a| a.of.as_ref().is_some_and(|of| *of == name))
    {
        cx.at(
            span,
            format!(
                "`{name}` is summed on its parent in plain text (`sum(.., of = {name})`): it \
                 cannot be encrypted"
            ),
        );
    }
}

fn shape_has_no_signed_fields(cx: &Ctxt, container: &Container, data: &Struct) {
    if container.shape.is_none() {
        return;
    }
    if let Some((span, _)) = data.fields.iter().find_map(action) {
        cx.at(
            span,
            "an item whose shape changes is upgraded in place with UpdateItem, which the \
             encryption SDK refuses on signed attributes: a type with `shape(..)` cannot \
             have encrypted or signed fields",
        );
    }
}
