//! `ConversionError`: a value that is not what its Rust type needs, with the document
//! path where it sits.

use std::borrow::Cow;
use std::fmt;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::attr_path::{AttrPath, PathStep};

/// A value that could not be converted, with where it sits in the item.
///
/// ```
/// # #[derive(dynamap::DynamoItem, Debug)]
/// # struct User { #[dynamo(partition_key)] id: String, age: u8 }
/// use aws_sdk_dynamodb::types::AttributeValue;
/// use dynamap::DynamoItem;
/// use std::collections::HashMap;
///
/// let item = HashMap::from([
///     ("id".to_string(), AttributeValue::S("u1".into())),
///     ("age".to_string(), AttributeValue::N("300".into())),
/// ]);
/// let err = User::from_item(item).unwrap_err();
/// assert_eq!(
///     err.to_string(),
///     "attribute `age`: expected an integer that fits u8, found number 300"
/// );
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct ConversionError(Box<ConversionDetails>);

/// Boxed so that `Result<T, ConversionError>` stays as small as `T` allows: every
/// field conversion returns one, and the error path is the rare one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct ConversionDetails {
    /// Innermost segment first: errors are built where they happen and get their
    /// enclosing attribute names on the way out.
    path: Vec<PathStep>,
    expected: Cow<'static, str>,
    found: String,
}

impl ConversionError {
    /// A value was found that is not what the Rust type needs; for hand-written
    /// [`DynamoValue`](crate::DynamoValue) implementations.
    ///
    /// ```
    /// let e = dynamap::error::ConversionError::new("an ISO date", "\"yesterday\"");
    /// assert_eq!(e.to_string(), "expected an ISO date, found \"yesterday\"");
    /// ```
    pub fn new(expected: impl Into<Cow<'static, str>>, found: impl Into<String>) -> Self {
        ConversionError(Box::new(ConversionDetails {
            path: Vec::new(),
            expected: expected.into(),
            found: found.into(),
        }))
    }

    /// The attribute value is not of the DynamoDB type expected.
    ///
    /// ```
    /// use aws_sdk_dynamodb::types::AttributeValue;
    /// let e = dynamap::error::ConversionError::unexpected("a string (S)", &AttributeValue::N("7".into()));
    /// assert_eq!(e.found(), "number 7");
    /// ```
    pub fn unexpected(expected: impl Into<Cow<'static, str>>, found: &AttributeValue) -> Self {
        Self::new(expected, describe_value(found))
    }

    /// A required attribute is absent.
    ///
    /// ```
    /// let e = dynamap::error::ConversionError::missing("a string (S)").in_attribute("name");
    /// assert_eq!(e.to_string(), "attribute `name`: expected a string (S), found no attribute");
    /// ```
    pub fn missing(expected: impl Into<Cow<'static, str>>) -> Self {
        Self::new(expected, "no attribute")
    }

    /// Places this error inside the attribute (or map entry) `name`. Call it from the
    /// inside out: the innermost name first.
    ///
    /// ```
    /// let e = dynamap::error::ConversionError::new("a string (S)", "number 7")
    ///     .in_attribute("city")
    ///     .in_attribute("address");
    /// assert_eq!(e.attribute(), "address.city");
    /// ```
    pub fn in_attribute(mut self, name: impl Into<Cow<'static, str>>) -> Self {
        self.0.path.push(PathStep::Name(name.into()));
        self
    }

    /// Places this error at the document path `path` (outermost step first).
    ///
    /// ```
    /// use dynamap::path::{AttrPath, PathStep};
    /// let path = AttrPath::from(vec![PathStep::Name("items".into()), PathStep::Position(1)]);
    /// let e = dynamap::error::ConversionError::new("x", "y").at_path(&path);
    /// assert_eq!(e.attribute(), "items[1]");
    /// ```
    pub fn at_path(mut self, path: &AttrPath) -> Self {
        self.0.path.extend(path.segments().iter().rev().cloned());
        self
    }

    /// Places this error at position `index` of a list.
    ///
    /// ```
    /// let e = dynamap::error::ConversionError::new("a string (S)", "number 7")
    ///     .at_index(2)
    ///     .in_attribute("tags");
    /// assert_eq!(e.attribute(), "tags[2]");
    /// ```
    pub fn at_index(mut self, index: usize) -> Self {
        self.0.path.push(PathStep::Position(index));
        self
    }

    /// The attribute's document path, such as `items[2].sku`; empty for a bare value.
    ///
    /// ```
    /// let e = dynamap::error::ConversionError::new("x", "y").in_attribute("sku").at_index(2).in_attribute("items");
    /// assert_eq!(e.attribute(), "items[2].sku");
    /// ```
    pub fn attribute(&self) -> String {
        let mut out = String::new();
        for segment in self.0.path.iter().rev() {
            match segment {
                PathStep::Name(name) => {
                    if !out.is_empty() {
                        out.push('.');
                    }
                    out.push_str(name);
                }
                PathStep::Position(i) => {
                    out.push('[');
                    out.push_str(itoa::Buffer::new().format(*i));
                    out.push(']');
                }
            }
        }
        out
    }

    /// What the Rust type needed.
    ///
    /// ```
    /// assert_eq!(dynamap::error::ConversionError::new("a boolean (BOOL)", "null").expected(), "a boolean (BOOL)");
    /// ```
    pub fn expected(&self) -> &str {
        &self.0.expected
    }

    /// What was there instead.
    ///
    /// ```
    /// assert_eq!(dynamap::error::ConversionError::new("a boolean (BOOL)", "null").found(), "null");
    /// ```
    pub fn found(&self) -> &str {
        &self.0.found
    }
}

/// What was found is stored data: `Debug` (which ends up in logs and panics without the
/// caller choosing it) names only its kind and size; `Display`, which a caller prints
/// on purpose, shows a prefix of it.
///
/// ```
/// use aws_sdk_dynamodb::types::AttributeValue;
/// let e = dynamap::error::ConversionError::unexpected("a number (N)", &AttributeValue::S("4111 1111".into()));
/// assert!(!format!("{e:?}").contains("4111"));
/// assert!(format!("{e:?}").contains("string"));
/// ```
impl fmt::Debug for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const KINDS: [&str; 13] = [
            "string set",
            "number set",
            "binary set",
            "string",
            "number",
            "binary",
            "boolean",
            "null",
            "list",
            "map",
            "no attribute",
            "an attribute type unknown",
            "a value",
        ];
        let found = &self.0.found;
        let kind = KINDS
            .iter()
            .find(|kind| found.starts_with(*kind))
            .unwrap_or(&"a value");
        f.debug_struct("ConversionError")
            .field("attribute", &self.attribute())
            .field("expected", &self.0.expected)
            .field(
                "found",
                &format_args!("{kind} ({} bytes described)", found.len()),
            )
            .finish()
    }
}

impl fmt::Display for ConversionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.path.is_empty() {
            write!(f, "expected {}, found {}", self.0.expected, self.0.found)
        } else {
            write!(
                f,
                "attribute `{}`: expected {}, found {}",
                self.attribute(),
                self.0.expected,
                self.0.found
            )
        }
    }
}

impl std::error::Error for ConversionError {}

/// A short description of an attribute value for error messages: its type and a
/// prefix of its content, never the whole of a large value.
pub(crate) fn describe_value(value: &AttributeValue) -> String {
    fn clip(s: &str) -> String {
        const MAX: usize = 40;
        match s.char_indices().nth(MAX) {
            Some((cut, _)) => format!("{:?}...", &s[..cut]),
            None => format!("{s:?}"),
        }
    }
    match value {
        AttributeValue::S(s) => format!("string {}", clip(s)),
        AttributeValue::N(n) => format!("number {}", clip(n).trim_matches('"')),
        AttributeValue::B(b) => format!("binary of {} bytes", b.as_ref().len()),
        AttributeValue::Bool(b) => format!("boolean {b}"),
        AttributeValue::Null(_) => "null".to_owned(),
        AttributeValue::L(l) => format!("list of {} elements", l.len()),
        AttributeValue::M(m) => format!("map of {} attributes", m.len()),
        AttributeValue::Ss(s) => format!("string set of {} elements", s.len()),
        AttributeValue::Ns(s) => format!("number set of {} elements", s.len()),
        AttributeValue::Bs(s) => format!("binary set of {} elements", s.len()),
        _ => "an attribute type unknown to this SDK version".to_owned(),
    }
}
