//! Placeholders: every attribute name becomes `#nK` and every value `:vK`, so
//! reserved words (`status`, `name`, `size`), dots, dashes and any Unicode in names
//! just work, and values never meet the expression text.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use smallvec::SmallVec;

use crate::attr_path::{AttrPath, PathStep};

use crate::limits::MAX_EXPRESSION_BYTES;

/// Why an expression DynamoDB would refuse for its length is refused before sending.
pub(crate) fn check_size(kind: &str, expression: &str) -> Result<(), String> {
    if expression.len() > MAX_EXPRESSION_BYTES {
        return Err(format!(
            "the {kind} expression is {} bytes, over DynamoDB's limit of {MAX_EXPRESSION_BYTES}; \
             split the change into several requests",
            expression.len()
        ));
    }
    Ok(())
}

/// `ExpressionAttributeNames`.
pub(crate) type NameMap = HashMap<String, String>;
/// `ExpressionAttributeValues`.
pub(crate) type ValueMap = HashMap<String, AttributeValue>;

/// Names and values of one request, shared by all its expressions (update, condition,
/// filter, key condition, projection). Placeholders are positions, written as text only
/// where they appear, so building an expression allocates little beyond the maps the
/// SDK takes.
#[derive(Debug, Default)]
pub(crate) struct Placeholders {
    /// Attribute names by position: `#n3` is `names[3]`. Looked up linearly: an
    /// expression has a handful of names, and at most a few hundred under the 4 KB limit.
    /// A typical request's fit inline: they only pass through here on their way into
    /// the maps the SDK takes, so a heap copy of them would be pure cost.
    names: SmallVec<[String; 8]>,
    /// Values by position: `:v3` is `values[3]`.
    values: SmallVec<[AttributeValue; 8]>,
}

/// `#nK`, written where it is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameRef(usize);

/// `:vK`, written where it is formatted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValueRef(usize);

/// `prefix` and the position's digits, without the formatting machinery: placeholders
/// are most of what an expression's text is made of. The first ones, which nearly
/// every request uses, are copied from `common`.
fn placeholder(prefix: &str, common: &[&str], position: usize) -> String {
    if let Some(text) = common.get(position) {
        return (*text).to_owned();
    }
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(position);
    let mut out = String::with_capacity(prefix.len() + digits.len());
    out.push_str(prefix);
    out.push_str(digits);
    out
}

const COMMON_NAMES: [&str; 16] = [
    "#n0", "#n1", "#n2", "#n3", "#n4", "#n5", "#n6", "#n7", "#n8", "#n9", "#n10", "#n11", "#n12",
    "#n13", "#n14", "#n15",
];

const COMMON_VALUES: [&str; 16] = [
    ":v0", ":v1", ":v2", ":v3", ":v4", ":v5", ":v6", ":v7", ":v8", ":v9", ":v10", ":v11", ":v12",
    ":v13", ":v14", ":v15",
];

impl NameRef {
    fn push_to(self, out: &mut String) {
        match COMMON_NAMES.get(self.0) {
            Some(text) => out.push_str(text),
            None => {
                out.push_str("#n");
                out.push_str(itoa::Buffer::new().format(self.0));
            }
        }
    }
}

impl ValueRef {
    pub(crate) fn push_to(self, out: &mut String) {
        match COMMON_VALUES.get(self.0) {
            Some(text) => out.push_str(text),
            None => {
                out.push_str(":v");
                out.push_str(itoa::Buffer::new().format(self.0));
            }
        }
    }
}

impl std::fmt::Display for NameRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("#n")?;
        f.write_str(itoa::Buffer::new().format(self.0))
    }
}

impl std::fmt::Display for ValueRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(":v")?;
        f.write_str(itoa::Buffer::new().format(self.0))
    }
}

impl Placeholders {
    pub(crate) fn name(&mut self, name: &str) -> NameRef {
        if let Some(i) = self.names.iter().position(|n| n == name) {
            return NameRef(i);
        }
        self.names.push(name.to_owned());
        NameRef(self.names.len() - 1)
    }

    pub(crate) fn path(&mut self, path: &AttrPath) -> String {
        let mut out = String::new();
        self.path_into(path, &mut out);
        out
    }

    /// The path's placeholders written at the end of `out`: a name that is already
    /// there gets its placeholder again, so a path written twice reads the same.
    pub(crate) fn path_into(&mut self, path: &AttrPath, out: &mut String) {
        for (i, segment) in path.segments().iter().enumerate() {
            match segment {
                PathStep::Name(name) => {
                    if i > 0 {
                        out.push('.');
                    }
                    self.name(name).push_to(out);
                }
                PathStep::Position(index) => {
                    out.push('[');
                    out.push_str(itoa::Buffer::new().format(*index));
                    out.push(']');
                }
            }
        }
    }

    pub(crate) fn value(&mut self, value: AttributeValue) -> ValueRef {
        self.values.push(value);
        ValueRef(self.values.len() - 1)
    }

    /// The maps for the request; `None` when empty, since DynamoDB refuses empty maps.
    /// Taken through `&mut`: the placeholders are inline, and moving them is a copy.
    pub(crate) fn take_maps(&mut self) -> (Option<NameMap>, Option<ValueMap>) {
        let names = (!self.names.is_empty()).then(|| {
            self.names
                .drain(..)
                .enumerate()
                .map(|(i, name)| (placeholder("#n", &COMMON_NAMES, i), name))
                .collect()
        });
        let values = (!self.values.is_empty()).then(|| {
            self.values
                .drain(..)
                .enumerate()
                .map(|(i, value)| (placeholder(":v", &COMMON_VALUES, i), value))
                .collect()
        });
        (names, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expression_limit_is_4096_bytes_inclusive() {
        assert!(check_size("update", &"x".repeat(4096)).is_ok());
        let err = check_size("update", &"x".repeat(4097)).unwrap_err();
        assert!(err.contains("4097 bytes"), "{err}");
        // Bytes, not characters.
        assert!(check_size("condition", &"é".repeat(2048)).is_ok());
        assert!(check_size("condition", &"é".repeat(2049)).is_err());
    }

    #[test]
    fn names_are_shared_and_values_are_not() {
        let mut p = Placeholders::default();
        let path = AttrPath::from(vec![
            PathStep::Name("status".into()),
            PathStep::Position(3),
            PathStep::Name("a.b".into()),
        ]);
        assert_eq!(p.path(&path), "#n0[3].#n1");
        assert_eq!(p.name("status").to_string(), "#n0");
        assert_eq!(p.value(AttributeValue::Bool(true)).to_string(), ":v0");
        assert_eq!(p.value(AttributeValue::Bool(true)).to_string(), ":v1");
        let (names, values) = p.take_maps();
        assert_eq!(names.map(|n| n.len()), Some(2));
        assert_eq!(values.map(|v| v.len()), Some(2));
        assert_eq!(Placeholders::default().take_maps(), (None, None));
    }

    /// Past the constants, placeholders are written digit by digit, the same way.
    #[test]
    fn placeholders_past_the_common_ones_read_the_same() {
        let mut p = Placeholders::default();
        let mut text = String::new();
        for i in 0..20 {
            let path = AttrPath::from(format!("a{i}"));
            text.clear();
            p.path_into(&path, &mut text);
            assert_eq!(text, format!("#n{i}"));
            text.clear();
            p.value(AttributeValue::Bool(true)).push_to(&mut text);
            assert_eq!(text, format!(":v{i}"));
        }
        let (names, values) = p.take_maps();
        let (names, values) = (names.unwrap(), values.unwrap());
        for i in 0..20 {
            assert_eq!(names[&format!("#n{i}")], format!("a{i}"));
            assert!(values.contains_key(&format!(":v{i}")));
        }
    }
}
