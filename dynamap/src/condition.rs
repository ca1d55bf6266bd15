//! Typed conditions, one builder for every place DynamoDB takes one: conditions on
//! writes, filters on scans and queries, and sort-key conditions.

use std::marker::PhantomData;
use std::ops;

use aws_sdk_dynamodb::types::AttributeValue;

use crate::error::ConversionError;
use crate::error::Result;
use crate::expr::{Cmp, Node, Renderer};
use crate::path::{AttrPath, Containable, IntoValue, TypedPath};

/// A condition on items of type `R`, built from typed paths.
///
/// ```
/// use dynamap::prelude::*;
///
/// #[derive(DynamoItem)]
/// struct Order {
///     #[dynamo(partition_key)]
///     id: String,
///     #[dynamo(rename = "status")]
///     state: String,
///     total_cents: i64,
///     note: Option<String>,
/// }
///
/// let f = Order::fields();
/// let paid_and_large = f.state.eq("paid") & f.total_cents.gt(10_000);
/// let unnoted = f.note.not_exists() | f.note.eq("");
/// let either: Condition<Order> = paid_and_large | !unnoted;
/// ```
#[must_use = "a condition does nothing until given to a request"]
pub struct Condition<R> {
    node: Node,
    root: PhantomData<fn() -> R>,
}

impl<R> Clone for Condition<R> {
    fn clone(&self) -> Self {
        Condition {
            node: self.node.clone(),
            root: PhantomData,
        }
    }
}

impl<R> std::fmt::Debug for Condition<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

/// A rendered expression: the text and its placeholders, as the SDK takes them.
///
/// ```
/// use dynamap::prelude::*;
/// # #[derive(DynamoItem)]
/// # struct T { #[dynamo(partition_key)] id: String }
/// let e: dynamap::condition::Expression = T::fields().id.exists().to_expression()?;
/// assert_eq!(e.text, "attribute_exists(#n0)");
/// assert!(e.values.is_empty());
/// # Ok::<(), dynamap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    /// The expression, such as `#n0 = :v0`.
    pub text: String,
    /// `ExpressionAttributeNames`.
    pub names: std::collections::HashMap<String, String>,
    /// `ExpressionAttributeValues`.
    pub values: std::collections::HashMap<String, AttributeValue>,
}

/// DynamoDB's attribute types, for [`PathExt::attribute_type`].
///
/// ```
/// use dynamap::prelude::*;
/// # #[derive(DynamoItem)]
/// # struct Doc { #[dynamo(partition_key)] id: String, body: String }
/// let is_text = Doc::fields().body.attribute_type(AttributeType::String);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttributeType {
    /// `S`
    String,
    /// `N`
    Number,
    /// `B`
    Binary,
    /// `BOOL`
    Bool,
    /// `NULL`
    Null,
    /// `L`
    List,
    /// `M`
    Map,
    /// `SS`
    StringSet,
    /// `NS`
    NumberSet,
    /// `BS`
    BinarySet,
}

impl AttributeType {
    pub(crate) fn code(self) -> &'static str {
        match self {
            AttributeType::String => "S",
            AttributeType::Number => "N",
            AttributeType::Binary => "B",
            AttributeType::Bool => "BOOL",
            AttributeType::Null => "NULL",
            AttributeType::List => "L",
            AttributeType::Map => "M",
            AttributeType::StringSet => "SS",
            AttributeType::NumberSet => "NS",
            AttributeType::BinarySet => "BS",
        }
    }
}

impl<R> Condition<R> {
    pub(crate) fn from_node(node: Node) -> Self {
        Condition {
            node,
            root: PhantomData,
        }
    }

    pub(crate) fn into_node(self) -> Node {
        self.node
    }

    /// Both conditions (also written `a & b`).
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, a: u8, b: u8 }
    /// let f = T::fields();
    /// let both = f.a.eq(1).and(f.b.eq(2));
    /// ```
    pub fn and(self, other: Condition<R>) -> Condition<R> {
        let node = match (self.node, other.node) {
            (Node::And(mut left), Node::And(right)) => {
                left.extend(right);
                Node::And(left)
            }
            (Node::And(mut left), right) => {
                left.push(right);
                Node::And(left)
            }
            (left, right) => Node::And(vec![left, right]),
        };
        Condition::from_node(node)
    }

    /// Either condition (also written `a | b`).
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, a: u8 }
    /// let f = T::fields();
    /// let one_or_two = f.a.eq(1).or(f.a.eq(2));
    /// ```
    pub fn or(self, other: Condition<R>) -> Condition<R> {
        let node = match (self.node, other.node) {
            (Node::Or(mut left), Node::Or(right)) => {
                left.extend(right);
                Node::Or(left)
            }
            (Node::Or(mut left), right) => {
                left.push(right);
                Node::Or(left)
            }
            (left, right) => Node::Or(vec![left, right]),
        };
        Condition::from_node(node)
    }

    /// The negation (also written `!a`).
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, a: u8 }
    /// let not_one = T::fields().a.eq(1).not();
    /// ```
    #[allow(clippy::should_implement_trait)] // it is implemented too, as `!`
    pub fn not(self) -> Condition<R> {
        Condition::from_node(Node::Not(Box::new(self.node)))
    }

    /// Renders the condition as DynamoDB expression text, with its placeholders, for
    /// logging or for raw SDK calls.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, #[dynamo(rename = "status")] s: String }
    /// let expression = T::fields().s.eq("paid").to_expression()?;
    /// assert_eq!(expression.text, "#n0 = :v0");
    /// assert_eq!(expression.names["#n0"], "status");
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn to_expression(&self) -> Result<Expression> {
        let mut renderer = Renderer::new("a condition");
        renderer.condition(Some(&self.node))?;
        let rendered = renderer.finish();
        Ok(Expression {
            text: rendered.condition.unwrap_or_default(),
            names: rendered.names.unwrap_or_default(),
            values: rendered.values.unwrap_or_default(),
        })
    }
}

impl<R> ops::BitAnd for Condition<R> {
    type Output = Condition<R>;

    fn bitand(self, other: Condition<R>) -> Condition<R> {
        self.and(other)
    }
}

impl<R> ops::BitOr for Condition<R> {
    type Output = Condition<R>;

    fn bitor(self, other: Condition<R>) -> Condition<R> {
        self.or(other)
    }
}

impl<R> ops::Not for Condition<R> {
    type Output = Condition<R>;

    fn not(self) -> Condition<R> {
        Condition::from_node(Node::Not(Box::new(self.node)))
    }
}

/// Encodes a comparison value for `path`, or records why it cannot be.
fn operand<P: TypedPath>(
    path: &P,
    value: P::Value,
) -> std::result::Result<AttributeValue, ConversionError> {
    match P::encode(&value) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(ConversionError::new(
            "a value to compare with",
            "an absent value (None or an empty set)",
        )
        .at_path(&path.attr_path())),
        Err(e) => Err(e.at_path(&path.attr_path())),
    }
}

fn compare<P: TypedPath>(path: &P, cmp: Cmp, value: P::Value) -> Condition<P::Root> {
    let absent = matches!(P::encode(&value), Ok(None));
    let node = match (cmp, absent) {
        // `= None` means "no attribute"; `<> None` means "some attribute".
        (Cmp::Eq, true) => Node::NotExists(path.attr_path()),
        (Cmp::Ne, true) => Node::Exists(path.attr_path()),
        _ => match operand(path, value) {
            Ok(v) => Node::Compare(path.attr_path(), cmp, v),
            Err(e) => Node::Invalid(e),
        },
    };
    Condition::from_node(node)
}

fn compare_paths<P: TypedPath, Q: TypedPath>(path: &P, cmp: Cmp, other: &Q) -> Condition<P::Root> {
    Condition::from_node(Node::ComparePaths(path.attr_path(), cmp, other.attr_path()))
}

/// Two attribute types DynamoDB compares with each other: the same type, or the same
/// type where one side is optional (an absent attribute makes the comparison false).
/// What [`PathExt::lt_path`] and its siblings require of their two paths.
///
/// ```
/// fn comparable<A: dynamap::condition::Comparable<B>, B>() {}
/// comparable::<u32, u32>();
/// comparable::<Option<u32>, u32>();
/// comparable::<u32, Option<u32>>();
/// ```
#[diagnostic::on_unimplemented(
    message = "an attribute of type `{Self}` cannot be compared with one of type `{Other}`",
    label = "compare attributes of one type (either may be an `Option`)"
)]
pub trait Comparable<Other> {}

impl<V> Comparable<V> for V {}
impl<V> Comparable<Option<V>> for V {}
impl<V> Comparable<V> for Option<V> {}

/// Conditions on any typed path: `f.status.eq(Status::Paid)`, `f.total.between(1, 9)`.
/// In scope through `use dynamap::prelude::*`.
///
/// ```
/// use dynamap::prelude::*;
/// # #[derive(DynamoItem)]
/// # struct Order { #[dynamo(partition_key)] id: String, total: i64, tags: std::collections::HashSet<String> }
/// let f = Order::fields();
/// let c = f.total.between(100, 200) & f.tags.contains("gift") & f.id.begins_with("2026-");
/// ```
pub trait PathExt: TypedPath {
    /// `path = value`; with `None`, the attribute is absent.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, nick: Option<String> }
    /// let no_nick = T::fields().nick.eq(None);
    /// ```
    fn eq(&self, value: impl IntoValue<Self::Value>) -> Condition<Self::Root> {
        compare(self, Cmp::Eq, value.into_value())
    }

    /// `path <> value`; with `None`, the attribute is present.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, n: u8 }
    /// let c = T::fields().n.ne(0);
    /// ```
    fn ne(&self, value: impl IntoValue<Self::Value>) -> Condition<Self::Root> {
        compare(self, Cmp::Ne, value.into_value())
    }

    /// `path < value`.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, n: u8 }
    /// let c = T::fields().n.lt(10);
    /// ```
    fn lt(&self, value: impl IntoValue<Self::Value>) -> Condition<Self::Root> {
        compare(self, Cmp::Lt, value.into_value())
    }

    /// `path <= value`.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, n: u8 }
    /// let c = T::fields().n.le(10);
    /// ```
    fn le(&self, value: impl IntoValue<Self::Value>) -> Condition<Self::Root> {
        compare(self, Cmp::Le, value.into_value())
    }

    /// `path > value`.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, n: u8 }
    /// let c = T::fields().n.gt(10);
    /// ```
    fn gt(&self, value: impl IntoValue<Self::Value>) -> Condition<Self::Root> {
        compare(self, Cmp::Gt, value.into_value())
    }

    /// `path >= value`.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, n: u8 }
    /// let c = T::fields().n.ge(10);
    /// ```
    fn ge(&self, value: impl IntoValue<Self::Value>) -> Condition<Self::Root> {
        compare(self, Cmp::Ge, value.into_value())
    }

    /// `path BETWEEN low AND high` (both included).
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, n: u8 }
    /// let c = T::fields().n.between(1, 9);
    /// ```
    fn between(
        &self,
        low: impl IntoValue<Self::Value>,
        high: impl IntoValue<Self::Value>,
    ) -> Condition<Self::Root> {
        let node = match (
            operand(self, low.into_value()),
            operand(self, high.into_value()),
        ) {
            (Ok(low), Ok(high)) => Node::Between(self.attr_path(), low, high),
            (Err(e), _) | (_, Err(e)) => Node::Invalid(e),
        };
        Condition::from_node(node)
    }

    /// `path IN (v1, v2, ...)`: the attribute equals one of `values` (1 to 100 of them,
    /// DynamoDB's limit; more, or none, is an [`Error::InvalidRequest`] when sent).
    ///
    /// [`Error::InvalidRequest`]: crate::Error::InvalidRequest
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Order { #[dynamo(partition_key)] id: String, status: String }
    /// let open = Order::fields().status.is_in(["placed", "paid"]);
    /// ```
    fn is_in<V: IntoValue<Self::Value>>(
        &self,
        values: impl IntoIterator<Item = V>,
    ) -> Condition<Self::Root> {
        let values: std::result::Result<Vec<_>, _> = values
            .into_iter()
            .map(|value| operand(self, value.into_value()))
            .collect();
        Condition::from_node(match values {
            Ok(values) => Node::In(self.attr_path(), values),
            Err(e) => Node::Invalid(e),
        })
    }

    /// `path = other`: two attributes of the same item, of comparable types (the same
    /// type, or one of them optional), compared by the server.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Stock { #[dynamo(partition_key)] sku: String, reserved: u32, on_hand: u32 }
    /// let f = Stock::fields();
    /// let sold_out = f.reserved.eq_path(&f.on_hand);
    /// ```
    fn eq_path<Q>(&self, other: &Q) -> Condition<Self::Root>
    where
        Q: TypedPath<Root = Self::Root>,
        Q::Value: Comparable<Self::Value>,
    {
        compare_paths(self, Cmp::Eq, other)
    }

    /// `path <> other`, two attributes of the same item.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Copy { #[dynamo(partition_key)] id: String, draft: String, published: Option<String> }
    /// let f = Copy::fields();
    /// let unpublished_changes = f.draft.ne_path(&f.published);
    /// ```
    fn ne_path<Q>(&self, other: &Q) -> Condition<Self::Root>
    where
        Q: TypedPath<Root = Self::Root>,
        Q::Value: Comparable<Self::Value>,
    {
        compare_paths(self, Cmp::Ne, other)
    }

    /// `path < other`, two attributes of the same item.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Stock { #[dynamo(partition_key)] sku: String, on_hand: u32, reorder_at: u32 }
    /// let f = Stock::fields();
    /// let reorder = f.on_hand.lt_path(&f.reorder_at);
    /// ```
    fn lt_path<Q>(&self, other: &Q) -> Condition<Self::Root>
    where
        Q: TypedPath<Root = Self::Root>,
        Q::Value: Comparable<Self::Value>,
    {
        compare_paths(self, Cmp::Lt, other)
    }

    /// `path <= other`, two attributes of the same item.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Stock { #[dynamo(partition_key)] sku: String, reserved: u32, on_hand: u32 }
    /// let f = Stock::fields();
    /// let coverable = f.reserved.le_path(&f.on_hand);
    /// ```
    fn le_path<Q>(&self, other: &Q) -> Condition<Self::Root>
    where
        Q: TypedPath<Root = Self::Root>,
        Q::Value: Comparable<Self::Value>,
    {
        compare_paths(self, Cmp::Le, other)
    }

    /// `path > other`, two attributes of the same item.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Bid { #[dynamo(partition_key)] id: String, offer: u64, best: Option<u64> }
    /// let f = Bid::fields();
    /// let better = f.offer.gt_path(&f.best);
    /// ```
    fn gt_path<Q>(&self, other: &Q) -> Condition<Self::Root>
    where
        Q: TypedPath<Root = Self::Root>,
        Q::Value: Comparable<Self::Value>,
    {
        compare_paths(self, Cmp::Gt, other)
    }

    /// `path >= other`, two attributes of the same item.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Account { #[dynamo(partition_key)] id: String, balance: i64, hold: i64 }
    /// let f = Account::fields();
    /// let covered = f.balance.ge_path(&f.hold);
    /// ```
    fn ge_path<Q>(&self, other: &Q) -> Condition<Self::Root>
    where
        Q: TypedPath<Root = Self::Root>,
        Q::Value: Comparable<Self::Value>,
    {
        compare_paths(self, Cmp::Ge, other)
    }

    /// `begins_with(path, prefix)`, for strings and binary values.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String }
    /// let c = T::fields().id.begins_with("user#");
    /// ```
    fn begins_with(&self, prefix: impl IntoValue<Self::Value>) -> Condition<Self::Root> {
        let node = match operand(self, prefix.into_value()) {
            Ok(prefix) => Node::BeginsWith(self.attr_path(), prefix),
            Err(e) => Node::Invalid(e),
        };
        Condition::from_node(node)
    }

    /// `contains(path, needle)`: a substring of a string, an element of a set or list.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, tags: Vec<String> }
    /// let c = T::fields().tags.contains("urgent");
    /// ```
    fn contains(
        &self,
        needle: impl IntoValue<<Self::Value as Containable>::Needle>,
    ) -> Condition<Self::Root>
    where
        Self::Value: Containable,
    {
        use crate::value::DynamoValue;
        let node = match needle.into_value().to_attribute_value() {
            Ok(Some(needle)) => Node::Contains(self.attr_path(), needle),
            Ok(None) => Node::Invalid(
                ConversionError::new("a value to search for", "an absent value")
                    .at_path(&self.attr_path()),
            ),
            Err(e) => Node::Invalid(e.at_path(&self.attr_path())),
        };
        Condition::from_node(node)
    }

    /// `attribute_exists(path)`.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, nick: Option<String> }
    /// let c = T::fields().nick.exists();
    /// ```
    fn exists(&self) -> Condition<Self::Root> {
        Condition::from_node(Node::Exists(self.attr_path()))
    }

    /// `attribute_not_exists(path)`.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String }
    /// let absent = T::fields().id.not_exists();
    /// ```
    fn not_exists(&self) -> Condition<Self::Root> {
        Condition::from_node(Node::NotExists(self.attr_path()))
    }

    /// `attribute_type(path, type)`: useful on data other clients wrote.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, n: u8 }
    /// let c = T::fields().n.attribute_type(AttributeType::Number);
    /// ```
    fn attribute_type(&self, kind: AttributeType) -> Condition<Self::Root> {
        Condition::from_node(Node::Type(self.attr_path(), kind.code()))
    }

    /// `size(path)`: a string's or binary's length, a collection's element count.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, tags: Vec<String> }
    /// let few = T::fields().tags.size().lt(10);
    /// ```
    fn size(&self) -> Size<Self::Root> {
        Size {
            path: self.attr_path(),
            root: PhantomData,
        }
    }
}

impl<P: TypedPath> PathExt for P {}

/// `size(path)`, to compare with a number; from [`PathExt::size`].
///
/// ```
/// use dynamap::prelude::*;
/// # #[derive(DynamoItem)]
/// # struct T { #[dynamo(partition_key)] id: String, body: String }
/// let short = T::fields().body.size().le(280);
/// ```
pub struct Size<R> {
    path: AttrPath,
    root: PhantomData<fn() -> R>,
}

macro_rules! size_comparisons {
    ($($(#[$doc:meta])* $name:ident => $cmp:ident),*) => {$(
        $(#[$doc])*
        pub fn $name(self, n: u64) -> Condition<R> {
            Condition::from_node(Node::Size(self.path, Cmp::$cmp, n))
        }
    )*};
}

impl<R> Size<R> {
    size_comparisons!(
        /// `size(path) = n`.
        ///
        /// ```
        /// use dynamap::prelude::*;
        /// # #[derive(DynamoItem)]
        /// # struct T { #[dynamo(partition_key)] id: String, body: String }
        /// let c = T::fields().body.size().eq(0);
        /// ```
        eq => Eq,
        /// `size(path) <> n`.
        ///
        /// ```
        /// use dynamap::prelude::*;
        /// # #[derive(DynamoItem)]
        /// # struct T { #[dynamo(partition_key)] id: String, body: String }
        /// let c = T::fields().body.size().ne(0);
        /// ```
        ne => Ne,
        /// `size(path) < n`.
        ///
        /// ```
        /// use dynamap::prelude::*;
        /// # #[derive(DynamoItem)]
        /// # struct T { #[dynamo(partition_key)] id: String, body: String }
        /// let c = T::fields().body.size().lt(10);
        /// ```
        lt => Lt,
        /// `size(path) <= n`.
        ///
        /// ```
        /// use dynamap::prelude::*;
        /// # #[derive(DynamoItem)]
        /// # struct T { #[dynamo(partition_key)] id: String, body: String }
        /// let c = T::fields().body.size().le(10);
        /// ```
        le => Le,
        /// `size(path) > n`.
        ///
        /// ```
        /// use dynamap::prelude::*;
        /// # #[derive(DynamoItem)]
        /// # struct T { #[dynamo(partition_key)] id: String, body: String }
        /// let c = T::fields().body.size().gt(10);
        /// ```
        gt => Gt,
        /// `size(path) >= n`.
        ///
        /// ```
        /// use dynamap::prelude::*;
        /// # #[derive(DynamoItem)]
        /// # struct T { #[dynamo(partition_key)] id: String, body: String }
        /// let c = T::fields().body.size().ge(10);
        /// ```
        ge => Ge
    );

    /// `size(path) BETWEEN low AND high`.
    ///
    /// ```
    /// use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct T { #[dynamo(partition_key)] id: String, body: String }
    /// let c = T::fields().body.size().between(1, 280);
    /// ```
    pub fn between(self, low: u64, high: u64) -> Condition<R> {
        Condition::from_node(Node::SizeBetween(self.path, low, high))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::path::PathStep;

    fn path(name: &str) -> AttrPath {
        AttrPath::from(vec![PathStep::Name(name.to_owned().into())])
    }

    #[test]
    fn attribute_types_render_as_their_codes() {
        for (kind, code) in [
            (AttributeType::String, "S"),
            (AttributeType::Number, "N"),
            (AttributeType::Binary, "B"),
            (AttributeType::Bool, "BOOL"),
            (AttributeType::Null, "NULL"),
            (AttributeType::List, "L"),
            (AttributeType::Map, "M"),
            (AttributeType::StringSet, "SS"),
            (AttributeType::NumberSet, "NS"),
            (AttributeType::BinarySet, "BS"),
        ] {
            let expression = Condition::<()>::from_node(Node::Type(path("a"), kind.code()))
                .to_expression()
                .unwrap();
            assert_eq!(expression.text, "attribute_type(#n0, :v0)");
            assert_eq!(expression.values[":v0"], AttributeValue::S(code.to_owned()));
        }
    }

    #[derive(Clone, Copy)]
    struct Nick;

    impl TypedPath for Nick {
        type Root = ();
        type Value = Option<String>;

        fn attr_path(&self) -> AttrPath {
            path("nick")
        }

        fn encode(value: &Option<String>) -> Result<Option<AttributeValue>, ConversionError> {
            crate::value::DynamoValue::to_attribute_value(value)
        }
    }

    #[test]
    fn comparing_with_none_means_absence() {
        assert_eq!(
            compare(&Nick, Cmp::Eq, None).to_expression().unwrap().text,
            "attribute_not_exists(#n0)"
        );
        assert_eq!(
            compare(&Nick, Cmp::Ne, None).to_expression().unwrap().text,
            "attribute_exists(#n0)"
        );
        assert_eq!(
            compare(&Nick, Cmp::Eq, Some("x".into()))
                .to_expression()
                .unwrap()
                .text,
            "#n0 = :v0"
        );
        let debug = format!("{:?}", compare(&Nick, Cmp::Eq, None));
        assert!(debug.contains("NotExists"), "{debug}");
    }
}
