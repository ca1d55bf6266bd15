//! Key templates (`USER#{user_id}`, `ORDER#{placed_at}#{id}`) as the derive describes
//! them, and what the runtime does with them: a query's partition rendered from the
//! values given, a typed condition on a field turned into a condition on the composed
//! sort key, the index keys a `modify` must rewrite.
//!
//! Writes do not come here: the derive renders an item's keys straight from its
//! fields (as fast as a hand-written `format!`).

use aws_sdk_dynamodb::types::AttributeValue;

use super::segment::check_separator;
use crate::attr_path::{AttrPath, PathStep};
use crate::entity_def::{EntityDef, KeyTemplates, Part, SegmentDef, Template};
use crate::error::{Error, Result};
use crate::expr::{Cmp, Node};

impl Template {
    /// The template's fields, in order.
    pub(crate) fn fields(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts.iter().filter_map(|part| match part {
            Part::Field(i) => Some(*i),
            Part::Text(_) | Part::Shard { .. } => None,
        })
    }

    /// The template's shard, if it has one: `(count, random)`.
    pub(crate) fn shard(&self) -> Option<(u32, bool)> {
        self.parts.iter().find_map(|part| match part {
            Part::Shard { count, random } => Some((*count, *random)),
            _ => None,
        })
    }

    /// The first character after part `at`, which a variable-width segment there must
    /// not contain.
    fn separator_after(&self, at: usize) -> Option<char> {
        match self.parts.get(at + 1) {
            Some(Part::Text(text)) => text.chars().next(),
            _ => None,
        }
    }

    /// The text before the first field (all of it, without fields).
    fn prefix(&self) -> String {
        self.parts
            .iter()
            .map_while(|part| match part {
                Part::Text(text) => Some(*text),
                Part::Field(_) | Part::Shard { .. } => None,
            })
            .collect()
    }

    /// Renders the template, the value of field `i` given by `value(i)` and its shard
    /// (if it has one) by `shard`.
    pub(crate) fn render<'v>(
        &self,
        entity: &EntityDef,
        shard: Option<u32>,
        mut value: impl FnMut(usize) -> Result<&'v AttributeValue>,
    ) -> Result<String> {
        let mut out = String::with_capacity(self.text.len() + 40);
        for (at, part) in self.parts.iter().enumerate() {
            match part {
                Part::Text(text) => out.push_str(text),
                Part::Shard { count, .. } => {
                    let shard = shard.ok_or_else(|| entity.unsharded(self))?;
                    super::shard::push_shard(&mut out, shard, *count);
                }
                Part::Field(i) => {
                    let segment = entity.segment(*i)?;
                    let start = out.len();
                    (segment.from_value)(value(*i)?, &mut out)
                        .map_err(|e| e.in_attribute(segment.name))?;
                    if !segment.fixed_width {
                        check_separator(&out[start..], segment.name, self.separator_after(at))?;
                    }
                }
            }
        }
        Ok(out)
    }
}

impl EntityDef {
    /// Field `i` of the templates.
    fn segment(&self, i: usize) -> Result<&SegmentDef> {
        self.segments.get(i).ok_or_else(|| self.inconsistent(i))
    }

    fn segment_name(&self, i: usize) -> &'static str {
        self.segments.get(i).map_or("?", |s| s.name)
    }

    /// A sharded template rendered without its shard: only dynamap's own code could.
    fn unsharded(&self, template: &Template) -> Error {
        Error::InvalidRequest {
            operation: "Query",
            problem: format!(
                "the template `{}` of `{}` was rendered without its shard",
                template.text, self.name
            ),
        }
    }

    /// A description whose templates name a field it does not list: only a
    /// hand-written one can be so.
    fn inconsistent(&self, i: usize) -> Error {
        Error::InvalidRequest {
            operation: "Query",
            problem: format!(
                "the description of entity `{}` names template field {i}, which it does not list",
                self.name
            ),
        }
    }

    /// The templates of the table's key (`index` `None`) or of an index.
    pub(crate) fn templates(&self, index: Option<&str>) -> Result<&KeyTemplates> {
        match index {
            None => Ok(&self.primary),
            Some(name) => self
                .indexes
                .iter()
                .find(|i| i.name == name)
                .map(|i| &i.templates)
                .ok_or_else(|| Error::UnknownIndex {
                    index: name.to_owned(),
                    item: self.name,
                    declared: self.indexes.iter().map(|i| i.name).collect(),
                }),
        }
    }

    /// The partition key values for a query, from the values of the partition
    /// template's fields, given in the template's order: one value, or one per shard
    /// (in shard order) for a sharded template.
    pub(crate) fn partition_values(
        &self,
        index: Option<&str>,
        values: &[AttributeValue],
    ) -> Result<Vec<AttributeValue>> {
        let template = &self.templates(index)?.partition;
        let fields: Vec<usize> = template.fields().collect();
        if fields.len() != values.len() {
            let names: Vec<&str> = fields.iter().map(|i| self.segment_name(*i)).collect();
            return Err(Error::InvalidRequest {
                operation: "Query",
                problem: format!(
                    "the partition template `{}` of `{}` takes {} value(s) ({}), the query gave {}",
                    template.text,
                    self.name,
                    fields.len(),
                    names.join(", "),
                    values.len()
                ),
            });
        }
        let value = |i: usize| {
            fields
                .iter()
                .position(|f| *f == i)
                .and_then(|position| values.get(position))
                .ok_or_else(|| self.inconsistent(i))
        };
        let shards = match template.shard() {
            Some((count, _)) => (0..count).map(Some).collect(),
            None => vec![None],
        };
        shards
            .into_iter()
            .map(|shard| Ok(AttributeValue::S(template.render(self, shard, value)?)))
            .collect()
    }

    /// The shard a write of the item whose key fields are `key` puts in `template`'s
    /// partition: computed from its primary key as the derive computes it on `insert`,
    /// or drawn at random. `None` for a template without a shard.
    fn shard_for(&self, template: &Template, key: &crate::sdk_item::Item) -> Result<Option<u32>> {
        let Some((count, random)) = template.shard() else {
            return Ok(None);
        };
        if random {
            return Ok(Some(super::shard::random_shard(count)));
        }
        let value = |i: usize| {
            let name = self.segment_name(i);
            key.get(name).ok_or_else(|| self.inconsistent(i))
        };
        let partition = self.primary.partition.render(self, None, value)?;
        let sort = match &self.primary.sort {
            Some(sort) => sort.render(self, None, value)?,
            None => String::new(),
        };
        Ok(Some(super::shard::shard_of(&partition, &sort, count)))
    }

    /// The condition on the sort key attribute `key`: the caller's condition on a field
    /// of the sort template turned into one on the composed key, or, without one, what
    /// keeps the query to this entity's items (its literal prefix).
    pub(crate) fn sort_condition(
        &self,
        index: Option<&str>,
        key: &'static str,
        condition: Option<&Node>,
    ) -> Result<Option<Node>> {
        let Some(template) = &self.templates(index)?.sort else {
            return match condition {
                None => Ok(None),
                Some(_) => Err(refused(format!(
                    "a sort-key condition on `{}`, whose key has no sort key",
                    self.name
                ))),
            };
        };
        let path = AttrPath::top_level_name(key);
        let Some(condition) = condition else {
            return Ok(default_sort(template, path));
        };
        let (range, condition) = SortRange::new(self, template, condition)?;
        range.render(condition, path)
    }

    /// The entity condition scans and queries of the entity filter on.
    pub(crate) fn filter(&self) -> Node {
        Node::Compare(
            AttrPath::top_level_name(self.attribute),
            Cmp::Eq,
            AttributeValue::S(self.name.to_owned()),
        )
    }

    /// The index key attributes a `modify` must rewrite (`Some`) or remove (`None`): for
    /// every index whose template names a field the update sets, the rendered keys;
    /// for a sparse index whose optional field the update removes, the removal of its
    /// keys (the item leaves the index). Every field of a rewritten index's templates
    /// must be set by the same update or be one of the key's fields (`key`, which
    /// cannot change), and no other change may touch one. An index whose key
    /// attributes the update already sets or removes (a read-modify-write renders them
    /// from the whole item) is left as it is.
    pub(crate) fn index_updates(
        &self,
        sets: &[(&str, &AttributeValue)],
        removes: &[&str],
        others: &[&str],
        key: &crate::sdk_item::Item,
    ) -> Result<Vec<(&'static str, Option<AttributeValue>)>> {
        let mut updates = Vec::new();
        for index in self.indexes {
            let (partition_name, sort_name) = index.attributes;
            let is_key = |name: &str| name == partition_name || Some(name) == sort_name;
            let rendered = sets.iter().any(|(name, _)| is_key(name))
                || removes.iter().any(|name| is_key(name));
            if rendered {
                continue;
            }
            let KeyTemplates { partition, sort } = &index.templates;
            let templates: Vec<&Template> = std::iter::once(partition).chain(sort).collect();
            let fields: Vec<&SegmentDef> = templates
                .iter()
                .flat_map(|t| t.fields())
                .filter_map(|i| self.segments.get(i))
                .collect();
            let names: Vec<&str> = fields.iter().map(|f| f.name).collect();
            let touched = |name: &str| names.contains(&name);
            let optional = |name: &str| fields.iter().any(|f| f.name == name && f.optional);
            if let Some(other) = others
                .iter()
                .chain(removes.iter().filter(|name| !optional(name)))
                .find(|name| touched(name))
            {
                return Err(refused_update(format!(
                    "`{other}` is part of index `{}`'s key: only `set` can change it (the index key is rendered anew)",
                    index.name
                )));
            }
            if removes.iter().any(|name| touched(name)) {
                if !index.local {
                    updates.push((partition_name, None));
                }
                updates.extend(sort_name.map(|name| (name, None)));
                continue;
            }
            if !sets.iter().any(|(name, _)| touched(name)) {
                continue;
            }
            let value = |i: usize| {
                let name = self.segment_name(i);
                sets.iter()
                    .find(|(set, _)| *set == name)
                    .map(|(_, v)| *v)
                    .or_else(|| key.get(name))
                    .ok_or_else(|| {
                        refused_update(format!(
                            "changing index `{}`'s key needs every field of its templates in the same update; `{name}` is not set (set it too, or use update_with, which renders the index keys from the whole item)",
                            index.name
                        ))
                    })
            };
            if !index.local {
                let shard = self.shard_for(partition, key)?;
                updates.push((
                    partition_name,
                    Some(AttributeValue::S(partition.render(self, shard, value)?)),
                ));
            }
            if let (Some(template), Some(name)) = (sort, sort_name) {
                let rendered = template.render(self, None, value)?;
                updates.push((name, Some(AttributeValue::S(rendered))));
            }
        }
        Ok(updates)
    }
}

fn refused(problem: String) -> Error {
    Error::InvalidRequest {
        operation: "Query",
        problem,
    }
}

fn refused_update(problem: String) -> Error {
    Error::InvalidRequest {
        operation: "UpdateItem",
        problem,
    }
}

/// Without a condition: all of a literal template, or its prefix up to the first field.
fn default_sort(template: &Template, path: AttrPath) -> Option<Node> {
    if template.fields().next().is_none() {
        return Some(Node::Compare(
            path,
            Cmp::Eq,
            AttributeValue::S(template.text.to_owned()),
        ));
    }
    let prefix = template.prefix();
    (!prefix.is_empty()).then(|| Node::BeginsWith(path, AttributeValue::S(prefix)))
}

/// The smallest text above every text that starts with `text` (its last character
/// moved up by one); `None` if there is none to move.
fn above(text: &str) -> Option<String> {
    let mut chars: Vec<char> = text.chars().collect();
    let last = chars.pop()?;
    let next = (u32::from(last) + 1..=u32::from(char::MAX)).find_map(char::from_u32)?;
    chars.push(next);
    Some(chars.into_iter().collect())
}

/// The largest text of `text`'s length below it (its last character moved down by one).
fn below(text: &str) -> Option<String> {
    let mut chars: Vec<char> = text.chars().collect();
    let last = chars.pop()?;
    let previous = (0..u32::from(last)).rev().find_map(char::from_u32)?;
    chars.push(previous);
    Some(chars.into_iter().collect())
}

/// The field a sort-key condition is on, if it is of a kind a key condition allows.
fn condition_field(condition: &Node) -> Result<&str> {
    if let Node::Invalid(e) = condition {
        return Err(Error::Conversion(e.clone()));
    }
    let path = match condition.key_condition_path() {
        Some((path, _)) => path,
        None => {
            return Err(refused(
                "a sort-key condition must be eq, lt, le, gt, ge, between or begins_with on a field of the sort template (several joined with &: equality on the leading fields, then one on the next); use .filter(..) for other conditions".to_owned(),
            ))
        }
    };
    Ok(match path.segments() {
        [PathStep::Name(name)] => &**name,
        _ => "",
    })
}

/// The refusal of conditions that are not on the template's leading fields: field
/// `position` of the template has none, or (`usize::MAX`) some name no field of it.
fn not_leading(
    entity: &EntityDef,
    template: &Template,
    left: &[(&str, &Node)],
    position: usize,
) -> Error {
    let names: Vec<String> = left.iter().map(|(n, _)| format!("`{n}`")).collect();
    let first = template.fields().next().map(|i| entity.segment_name(i));
    if position == 0 && left.len() == 1 {
        let expected = first.map_or_else(
            || format!("`{}` has no field", template.text),
            |field| format!("its first field is `{field}`"),
        );
        return refused(format!(
            "a sort-key condition on {}: a query of `{}` narrows the first field of the sort template `{}` ({expected}); use .filter(..) for other fields",
            names.join(", "),
            entity.name,
            template.text
        ));
    }
    let missing = template
        .fields()
        .nth(position)
        .map_or_else(String::new, |i| {
            format!(" (`{}` has none)", entity.segment_name(i))
        });
    refused(format!(
        "a sort-key condition on {}: a query of `{}` narrows the sort template `{}` by equality on its leading fields, then one condition on the next, each field in turn{missing}; use .filter(..) for other fields",
        names.join(", "),
        entity.name,
        template.text
    ))
}

/// Where a condition's field sits in the sort template.
struct SortRange<'e> {
    /// Whether equalities on leading fields came before the field.
    compound: bool,
    /// The text before the field, with the leading fields' segments in a compound range.
    prefix: String,
    /// The field.
    segment: &'e SegmentDef,
    /// The template's text after the field up to the next field, and whether another
    /// field follows.
    after: Option<(&'static str, bool)>,
    /// The character the field's segment may not hold.
    separator: Option<char>,
}

impl<'e> SortRange<'e> {
    /// The range the conditions select: one condition on the sort template's first
    /// field, or a compound one (`a.eq(x) & b.between(y, z)`): equality on the leading
    /// fields, whose segments join the prefix, then one condition on the next field.
    /// Returns the range and the condition on its field.
    fn new<'n>(
        entity: &'e EntityDef,
        template: &Template,
        condition: &'n Node,
    ) -> Result<(Self, &'n Node)> {
        let conditions = condition.conjuncts();
        let mut named = Vec::with_capacity(conditions.len());
        for node in conditions {
            named.push((condition_field(node)?, node));
        }
        for (at, (name, _)) in named.iter().enumerate() {
            if named.iter().take(at).any(|(earlier, _)| earlier == name) {
                return Err(refused(format!(
                    "two sort-key conditions on `{name}`: give one (between for a range)"
                )));
            }
        }
        let mut prefix = template.prefix();
        let fields = template
            .parts
            .iter()
            .enumerate()
            .filter_map(|(at, part)| match part {
                Part::Field(i) => Some((at, *i)),
                Part::Text(_) | Part::Shard { .. } => None,
            });
        for (position, (at, field)) in fields.enumerate() {
            let name = entity.segment_name(field);
            let Some(found) = named.iter().position(|(n, _)| *n == name) else {
                return Err(not_leading(entity, template, &named, position));
            };
            let (_, node) = named.remove(found);
            let segment = entity.segment(field)?;
            let separator = template.separator_after(at);
            if named.is_empty() {
                let after = match template.parts.get(at + 1) {
                    None => None,
                    Some(Part::Text(text)) => Some((*text, template.parts.len() > at + 2)),
                    Some(Part::Field(_) | Part::Shard { .. }) => Some(("", true)),
                };
                let range = SortRange {
                    compound: position > 0,
                    prefix,
                    segment,
                    after,
                    separator,
                };
                return Ok((range, node));
            }
            let Node::Compare(_, Cmp::Eq, value) = node else {
                return Err(refused(format!(
                    "a compound sort-key condition on `{}` takes equality on each field before the last one it narrows; `{name}` has a range (put the range on the last field, or use .filter(..))",
                    template.text
                )));
            };
            let start = prefix.len();
            (segment.from_value)(value, &mut prefix).map_err(|e| e.in_attribute(segment.name))?;
            if !segment.fixed_width {
                check_separator(&prefix[start..], segment.name, separator)?;
            }
            if let Some(Part::Text(text)) = template.parts.get(at + 1) {
                prefix.push_str(text);
            }
        }
        Err(not_leading(entity, template, &named, usize::MAX))
    }

    fn segment(&self) -> &SegmentDef {
        self.segment
    }

    /// The prefix and the value's segment.
    fn key(&self, value: &AttributeValue) -> Result<String> {
        let segment = self.segment();
        let mut out = self.prefix.clone();
        let start = out.len();
        (segment.from_value)(value, &mut out).map_err(|e| e.in_attribute(segment.name))?;
        if !segment.fixed_width {
            check_separator(&out[start..], segment.name, self.separator)?;
        }
        Ok(out)
    }

    fn render(&self, condition: &Node, path: AttrPath) -> Result<Option<Node>> {
        let fixed = self.segment().fixed_width;
        // Closed: the field ends the template, so a key with value v is exactly the
        // prefix and v's segment.
        let closed = self.after.is_none();
        let node = match condition {
            Node::BeginsWith(_, AttributeValue::S(start)) => {
                if !closed {
                    check_separator(start, self.segment().name, self.separator)?;
                }
                Node::BeginsWith(path, s(format!("{}{start}", self.prefix)))
            }
            Node::BeginsWith(..) => {
                return Err(refused("begins_with takes a string".to_owned()));
            }
            Node::Compare(_, Cmp::Eq, value) => {
                let key = self.key(value)?;
                match self.after {
                    None => Node::Compare(path, Cmp::Eq, s(key)),
                    Some((text, false)) => Node::Compare(path, Cmp::Eq, s(key + text)),
                    Some((text, true)) => Node::BeginsWith(path, s(key + text)),
                }
            }
            _ if !fixed && !closed => {
                return Err(refused(format!(
                    "a range on `{}` is not exact: its segments vary in width and more of the sort template follows, so key order is not `{}` order; use eq or begins_with, or put the field last",
                    self.segment().name,
                    self.segment().name
                )))
            }
            Node::Between(_, low, high) => {
                let low = self.key(low)?;
                let high = self.upper(self.key(high)?, closed)?;
                Node::Between(path, s(low), s(high))
            }
            Node::Compare(_, cmp, value) => {
                let key = self.key(value)?;
                self.compare(path, *cmp, key, fixed, closed)?
            }
            _ => unreachable!("checked in `new`"),
        };
        Ok(Some(node))
    }

    /// The highest key with the value whose key (prefix and segment) is `key`.
    fn upper(&self, key: String, closed: bool) -> Result<String> {
        if closed {
            return Ok(key);
        }
        above(&key).ok_or_else(|| refused("a key segment ends in the last character".to_owned()))
    }

    fn compare(
        &self,
        path: AttrPath,
        cmp: Cmp,
        key: String,
        fixed: bool,
        closed: bool,
    ) -> Result<Node> {
        let prefix = (!self.prefix.is_empty()).then(|| self.prefix.clone());
        let prefix_end = prefix.as_deref().and_then(above);
        let node = match cmp {
            Cmp::Ge => match prefix_end {
                Some(end) => Node::Between(path, s(key), s(end)),
                None => Node::Compare(path, Cmp::Ge, s(key)),
            },
            // After equalities the range must stop at the prefix's end: the smallest
            // text above `key` is `key` and U+0000.
            Cmp::Gt if !fixed && self.compound => match prefix_end {
                Some(end) => Node::Between(path, s(format!("{key}\u{0}")), s(end)),
                None => Node::Compare(path, Cmp::Gt, s(key)),
            },
            Cmp::Gt if !fixed => Node::Compare(path, Cmp::Gt, s(key)),
            Cmp::Gt => {
                let start = self.upper_exclusive(&key)?;
                match prefix_end {
                    Some(end) => Node::Between(path, s(start), s(end)),
                    None => Node::Compare(path, Cmp::Ge, s(start)),
                }
            }
            Cmp::Le => {
                let end = self.upper(key, closed)?;
                match prefix {
                    Some(start) => Node::Between(path, s(start), s(end)),
                    None => Node::Compare(path, Cmp::Le, s(end)),
                }
            }
            // No text is the largest below `key`, so after equalities (which must
            // bound the range below) a `lt` on text of any width has no exact range.
            Cmp::Lt if !fixed && self.compound => {
                return Err(refused(format!(
                    "lt on `{}` after equalities on the fields before it is not one exact key range (its segments vary in width); use le or between",
                    self.segment().name
                )))
            }
            Cmp::Lt if !fixed => Node::Compare(path, Cmp::Lt, s(key)),
            Cmp::Lt => match prefix {
                None => Node::Compare(path, Cmp::Lt, s(key)),
                Some(start) => {
                    let mut end = below(&key).ok_or_else(|| {
                        refused("a key segment starts at the first character".to_owned())
                    })?;
                    if !closed {
                        // Longer keys with the value just below continue after it.
                        end.push(char::MAX);
                    }
                    Node::Between(path, s(start), s(end))
                }
            },
            Cmp::Eq | Cmp::Ne => unreachable!("handled by the caller"),
        };
        Ok(node)
    }

    /// The lowest key above every key with the value whose key is `key` (fixed width).
    fn upper_exclusive(&self, key: &str) -> Result<String> {
        above(key).ok_or_else(|| refused("a key segment ends in the last character".to_owned()))
    }
}

fn s(text: String) -> AttributeValue {
    AttributeValue::S(text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::entity_def::IndexTemplates;
    use crate::key::segment::segment_from_value;
    use crate::sdk_item::Item;

    static SEGMENTS: [SegmentDef; 3] = [
        SegmentDef {
            name: "user_id",
            fixed_width: false,
            optional: false,
            from_value: segment_from_value::<String>,
        },
        SegmentDef {
            name: "day",
            fixed_width: true,
            optional: false,
            from_value: segment_from_value::<u32>,
        },
        SegmentDef {
            name: "id",
            fixed_width: false,
            optional: false,
            from_value: segment_from_value::<String>,
        },
    ];

    static ORDER: EntityDef = EntityDef {
        name: "Order",
        attribute: "_et",
        segments: &SEGMENTS,
        primary: KeyTemplates {
            partition: Template {
                text: "USER#{user_id}",
                parts: &[Part::Text("USER#"), Part::Field(0)],
            },
            sort: Some(Template {
                text: "ORDER#{day}#{id}",
                parts: &[
                    Part::Text("ORDER#"),
                    Part::Field(1),
                    Part::Text("#"),
                    Part::Field(2),
                ],
            }),
        },
        indexes: &[],
        key_fields: &["user_id", "day", "id"],
    };

    fn n(v: u32) -> AttributeValue {
        AttributeValue::N(v.to_string())
    }

    fn sort(condition: Node) -> Result<Option<Node>> {
        ORDER.sort_condition(None, "sk", Some(&condition))
    }

    /// Nodes hold errors, which do not compare: their debug forms do.
    fn same(a: Option<Node>, b: Option<Node>) {
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }

    fn day() -> AttrPath {
        AttrPath::top_level_name("day")
    }

    fn sk(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    /// A value rendered at run time (a query's partition, a `modify`'s index keys) is
    /// refused when a variable-width field holds the character that ends it in the
    /// template: `a#b` in `T#{user_id}#{id}` would read as another key.
    #[test]
    fn a_variable_width_value_holding_its_separator_is_refused() {
        let template = Template {
            text: "T#{user_id}#{id}",
            parts: &[
                Part::Text("T#"),
                Part::Field(0),
                Part::Text("#"),
                Part::Field(2),
            ],
        };
        let values = |user: &str| [sk(user), n(0), sk("x#y")];
        let render = |user: &str| {
            let values = values(user);
            template.render(&ORDER, None, |i| Ok(&values[i]))
        };
        assert_eq!(
            render("ab").unwrap(),
            "T#ab#x#y",
            "the last field ends the key"
        );
        match render("a#b") {
            Err(Error::Conversion(e)) => {
                assert!(e.to_string().contains("without `#`"), "{e}");
                assert!(e.to_string().contains("user_id"), "{e}");
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    /// A sale whose index is sparse by its optional coupon and sorted by its status.
    static SALE_SEGMENTS: [SegmentDef; 3] = [
        SegmentDef {
            name: "id",
            fixed_width: false,
            optional: false,
            from_value: segment_from_value::<String>,
        },
        SegmentDef {
            name: "coupon",
            fixed_width: false,
            optional: true,
            from_value: segment_from_value::<String>,
        },
        SegmentDef {
            name: "status",
            fixed_width: false,
            optional: false,
            from_value: segment_from_value::<String>,
        },
    ];

    static SALE: EntityDef = EntityDef {
        name: "Sale",
        attribute: "_et",
        segments: &SALE_SEGMENTS,
        primary: KeyTemplates {
            partition: Template {
                text: "SALE#{id}",
                parts: &[Part::Text("SALE#"), Part::Field(0)],
            },
            sort: None,
        },
        indexes: &[IndexTemplates {
            name: "by_coupon",
            local: false,
            attributes: ("gsi1pk", Some("gsi1sk")),
            templates: KeyTemplates {
                partition: Template {
                    text: "COUPON#{coupon}",
                    parts: &[Part::Text("COUPON#"), Part::Field(1)],
                },
                sort: Some(Template {
                    text: "{status}",
                    parts: &[Part::Field(2)],
                }),
            },
        }],
        key_fields: &["id"],
    };

    /// Removing the optional field takes the item out of the sparse index; removing a
    /// required field of its templates is refused (the keys could not be rendered),
    /// though another field of the index is optional.
    #[test]
    fn only_an_optional_field_s_removal_takes_the_item_out_of_its_index() {
        let key = Item::from([("id".to_owned(), sk("s1"))]);
        let out = SALE.index_updates(&[], &["coupon"], &[], &key).unwrap();
        assert_eq!(out, [("gsi1pk", None), ("gsi1sk", None)]);
        let err = SALE.index_updates(&[], &["status"], &[], &key).unwrap_err();
        assert!(
            err.to_string()
                .contains("`status` is part of index `by_coupon`"),
            "{err}"
        );
        let coupon = sk("SPRING");
        let status = sk("paid");
        let out = SALE
            .index_updates(&[("coupon", &coupon), ("status", &status)], &[], &[], &key)
            .unwrap();
        assert_eq!(
            out,
            [
                ("gsi1pk", Some(sk("COUPON#SPRING"))),
                ("gsi1sk", Some(sk("paid")))
            ]
        );
    }

    #[test]
    fn the_partition_is_rendered_from_its_fields() {
        let value = ORDER
            .partition_values(None, &[AttributeValue::S("u1".into())])
            .unwrap();
        assert_eq!(value, [sk("USER#u1")]);
        let err = ORDER.partition_values(None, &[]).unwrap_err();
        assert!(err.to_string().contains("takes 1 value"), "{err}");
    }

    #[test]
    fn without_a_condition_a_query_keeps_to_the_literal_prefix() {
        let node = ORDER.sort_condition(None, "sk", None).unwrap();
        same(
            node,
            Some(Node::BeginsWith(
                AttrPath::top_level_name("sk"),
                sk("ORDER#"),
            )),
        );
    }

    #[test]
    fn conditions_on_a_fixed_width_field_followed_by_more_are_exact_ranges() {
        let path = AttrPath::top_level_name("sk");
        let key = "ORDER#0000000005";
        same(
            sort(Node::Compare(day(), Cmp::Eq, n(5))).unwrap(),
            Some(Node::BeginsWith(path.clone(), sk(&format!("{key}#")))),
        );
        same(
            sort(Node::Compare(day(), Cmp::Ge, n(5))).unwrap(),
            Some(Node::Between(path.clone(), sk(key), sk("ORDER$"))),
        );
        same(
            sort(Node::Compare(day(), Cmp::Gt, n(5))).unwrap(),
            Some(Node::Between(
                path.clone(),
                sk("ORDER#0000000006"),
                sk("ORDER$"),
            )),
        );
        same(
            sort(Node::Compare(day(), Cmp::Le, n(5))).unwrap(),
            Some(Node::Between(
                path.clone(),
                sk("ORDER#"),
                sk("ORDER#0000000006"),
            )),
        );
        same(
            sort(Node::Compare(day(), Cmp::Lt, n(5))).unwrap(),
            Some(Node::Between(
                path.clone(),
                sk("ORDER#"),
                sk(&format!("ORDER#0000000004{}", char::MAX)),
            )),
        );
        same(
            sort(Node::Between(day(), n(3), n(5))).unwrap(),
            Some(Node::Between(
                path,
                sk("ORDER#0000000003"),
                sk("ORDER#0000000006"),
            )),
        );
    }

    #[test]
    fn a_condition_on_another_field_is_refused() {
        let err = sort(Node::Compare(
            AttrPath::top_level_name("id"),
            Cmp::Eq,
            sk("x"),
        ))
        .unwrap_err();
        assert!(err.to_string().contains("first field is `day`"), "{err}");
        let err = sort(Node::Compare(day(), Cmp::Ne, n(1))).unwrap_err();
        assert!(err.to_string().contains(".filter"), "{err}");
    }

    fn id() -> AttrPath {
        AttrPath::top_level_name("id")
    }

    fn and(nodes: Vec<Node>) -> Node {
        Node::And(nodes)
    }

    #[test]
    fn equalities_on_leading_fields_then_one_condition_are_one_exact_range() {
        let path = AttrPath::top_level_name("sk");
        let on_5 = || Node::Compare(day(), Cmp::Eq, n(5));
        let key = "ORDER#0000000005#";
        same(
            sort(and(vec![on_5(), Node::Between(id(), sk("a"), sk("c"))])).unwrap(),
            Some(Node::Between(
                path.clone(),
                sk(&format!("{key}a")),
                sk(&format!("{key}c")),
            )),
        );
        // In any order, nested, both equal: the whole key.
        same(
            sort(and(vec![
                Node::Compare(id(), Cmp::Eq, sk("x")),
                and(vec![on_5()]),
            ]))
            .unwrap(),
            Some(Node::Compare(path.clone(), Cmp::Eq, sk(&format!("{key}x")))),
        );
        // Bounded above by the prefix's end: the next day's keys are not read.
        same(
            sort(and(vec![on_5(), Node::Compare(id(), Cmp::Gt, sk("b"))])).unwrap(),
            Some(Node::Between(
                path.clone(),
                sk(&format!("{key}b\u{0}")),
                sk("ORDER#0000000005$"),
            )),
        );
        same(
            sort(and(vec![on_5(), Node::Compare(id(), Cmp::Ge, sk("b"))])).unwrap(),
            Some(Node::Between(
                path.clone(),
                sk(&format!("{key}b")),
                sk("ORDER#0000000005$"),
            )),
        );
        same(
            sort(and(vec![on_5(), Node::Compare(id(), Cmp::Le, sk("b"))])).unwrap(),
            Some(Node::Between(path.clone(), sk(key), sk(&format!("{key}b")))),
        );
        same(
            sort(and(vec![on_5(), Node::BeginsWith(id(), sk("b"))])).unwrap(),
            Some(Node::BeginsWith(path, sk(&format!("{key}b")))),
        );
    }

    #[test]
    fn compound_conditions_that_are_not_one_exact_range_are_refused() {
        let on_5 = || Node::Compare(day(), Cmp::Eq, n(5));
        let refusal = |node: Node| sort(node).unwrap_err().to_string();
        let lt = refusal(and(vec![on_5(), Node::Compare(id(), Cmp::Lt, sk("b"))]));
        assert!(lt.contains("use le or between"), "{lt}");
        let range_first = refusal(and(vec![
            Node::Compare(day(), Cmp::Ge, n(5)),
            Node::Compare(id(), Cmp::Eq, sk("b")),
        ]));
        assert!(range_first.contains("`day` has a range"), "{range_first}");
        let twice = refusal(and(vec![on_5(), Node::Compare(day(), Cmp::Le, n(9))]));
        assert!(
            twice.contains("two sort-key conditions on `day`"),
            "{twice}"
        );
        let gap = refusal(and(vec![
            Node::Compare(id(), Cmp::Eq, sk("b")),
            Node::Compare(AttrPath::top_level_name("user_id"), Cmp::Eq, sk("u")),
        ]));
        assert!(gap.contains("(`day` has none)"), "{gap}");
        let not_key = refusal(and(vec![on_5(), Node::Exists(id())]));
        assert!(not_key.contains(".filter"), "{not_key}");
    }

    #[test]
    fn above_and_below_move_the_last_character() {
        assert_eq!(above("ab").as_deref(), Some("ac"));
        assert_eq!(below("ab").as_deref(), Some("aa"));
        assert_eq!(above(""), None);
        assert_eq!(below("\0"), None);
        assert_eq!(above("\u{d7ff}").as_deref(), Some("\u{e000}"));
    }
}
