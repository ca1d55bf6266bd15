//! Placeholders for expressions: every attribute name becomes `#nK` and every value
//! `:vK`, so reserved words (`status`, `name`, `size`), dots, dashes and any Unicode in
//! names just work, and values never meet the expression text.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::path::{AttrPath, Segment};

/// DynamoDB's limit on the length of one expression string.
pub(crate) const MAX_EXPRESSION_BYTES: usize = 4096;

/// Refuses an expression DynamoDB would refuse for its length, before sending.
pub(crate) fn check_size(kind: &str, expression: &str) -> crate::Result<()> {
    if expression.len() > MAX_EXPRESSION_BYTES {
        return Err(crate::Error::Expression(format!(
            "the {kind} expression is {} bytes, over DynamoDB's limit of {MAX_EXPRESSION_BYTES}; \
             split the change into several requests",
            expression.len()
        )));
    }
    Ok(())
}

/// `ExpressionAttributeNames`.
pub(crate) type NameMap = HashMap<String, String>;
/// `ExpressionAttributeValues`.
pub(crate) type ValueMap = HashMap<String, AttributeValue>;

/// Names and values of one request, shared by all its expressions (update, condition,
/// filter, key condition, projection).
#[derive(Debug, Default)]
pub(crate) struct Placeholders {
    names: HashMap<String, String>,
    /// Placeholder by name, so a name used twice gets one placeholder.
    name_index: HashMap<String, String>,
    values: HashMap<String, AttributeValue>,
}

impl Placeholders {
    pub(crate) fn name(&mut self, name: &str) -> String {
        if let Some(placeholder) = self.name_index.get(name) {
            return placeholder.clone();
        }
        let placeholder = format!("#n{}", self.names.len());
        self.names.insert(placeholder.clone(), name.to_owned());
        self.name_index.insert(name.to_owned(), placeholder.clone());
        placeholder
    }

    pub(crate) fn path(&mut self, path: &AttrPath) -> String {
        let mut out = String::new();
        for segment in path.segments() {
            match segment {
                Segment::Name(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(&self.name(name));
                }
                Segment::Index(index) => {
                    out.push('[');
                    out.push_str(itoa::Buffer::new().format(*index));
                    out.push(']');
                }
            }
        }
        out
    }

    pub(crate) fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// The maps for the request; `None` when empty, since DynamoDB refuses empty maps.
    pub(crate) fn into_maps(self) -> (Option<NameMap>, Option<ValueMap>) {
        let names = (!self.names.is_empty()).then_some(self.names);
        let values = (!self.values.is_empty()).then_some(self.values);
        (names, values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_shared_and_values_are_not() {
        let mut p = Placeholders::default();
        let path = AttrPath::from(vec![
            Segment::Name("status".into()),
            Segment::Index(3),
            Segment::Name("a.b".into()),
        ]);
        assert_eq!(p.path(&path), "#n0[3].#n1");
        assert_eq!(p.name("status"), "#n0");
        assert_eq!(p.value(AttributeValue::Bool(true)), ":v0");
        assert_eq!(p.value(AttributeValue::Bool(true)), ":v1");
        let (names, values) = p.into_maps();
        assert_eq!(names.map(|n| n.len()), Some(2));
        assert_eq!(values.map(|v| v.len()), Some(2));
        assert_eq!(Placeholders::default().into_maps(), (None, None));
    }
}
