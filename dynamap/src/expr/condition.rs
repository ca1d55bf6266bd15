//! Condition text: write conditions, filters and key conditions are one tree, [`Node`],
//! rendered here.

use aws_sdk_dynamodb::types::AttributeValue;

use super::Placeholders;
use crate::attr_path::AttrPath;
use crate::error::ConversionError;
use crate::error::{Error, Result};

/// The most values DynamoDB takes in one `IN`.
pub(crate) const MAX_IN_VALUES: usize = 100;

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cmp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl Cmp {
    pub(super) fn symbol(self) -> &'static str {
        match self {
            Cmp::Eq => "=",
            Cmp::Ne => "<>",
            Cmp::Lt => "<",
            Cmp::Le => "<=",
            Cmp::Gt => ">",
            Cmp::Ge => ">=",
        }
    }
}

/// A condition as a tree, before rendering; what the typed [`Condition`](crate::Condition)
/// holds.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Compare(AttrPath, Cmp, AttributeValue),
    /// Two attributes of the item compared with each other.
    ComparePaths(AttrPath, Cmp, AttrPath),
    /// `path IN (v1, v2, ...)`: 1 to 100 values (checked when rendered).
    In(AttrPath, Vec<AttributeValue>),
    Between(AttrPath, AttributeValue, AttributeValue),
    BeginsWith(AttrPath, AttributeValue),
    Contains(AttrPath, AttributeValue),
    Exists(AttrPath),
    NotExists(AttrPath),
    /// `attribute_type`, with DynamoDB's code for the type (`S`, `NS`, ...).
    Type(AttrPath, &'static str),
    Size(AttrPath, Cmp, u64),
    SizeBetween(AttrPath, u64, u64),
    And(Vec<Node>),
    Or(Vec<Node>),
    Not(Box<Node>),
    /// A value that could not be encoded; reported when the request is sent.
    Invalid(ConversionError),
}

impl Node {
    /// The conditions ANDed in this node (itself when it is not an `and`), nested
    /// `and`s flattened: what a sort-key condition joins with `&`.
    pub(crate) fn conjuncts(&self) -> Vec<&Node> {
        fn collect<'n>(node: &'n Node, out: &mut Vec<&'n Node>) {
            match node {
                Node::And(nodes) => nodes.iter().for_each(|n| collect(n, out)),
                other => out.push(other),
            }
        }
        let mut out = Vec::new();
        collect(self, &mut out);
        out
    }

    /// For a condition a key condition can hold (eq, lt, le, gt, ge, between or
    /// begins_with): the path it narrows, and whether it is an equality.
    pub(crate) fn key_condition_path(&self) -> Option<(&AttrPath, bool)> {
        match self {
            Node::Compare(path, cmp, _) if *cmp != Cmp::Ne => Some((path, *cmp == Cmp::Eq)),
            Node::Between(path, ..) | Node::BeginsWith(path, _) => Some((path, false)),
            _ => None,
        }
    }

    /// Refuses a path with no attribute in it (a whole flattened struct), which
    /// DynamoDB cannot name.
    pub(super) fn check_paths(&self) -> Result<()> {
        let empty = |path: &AttrPath| path.segments().is_empty();
        let bad = match self {
            Node::Compare(path, ..)
            | Node::In(path, _)
            | Node::Between(path, ..)
            | Node::BeginsWith(path, _)
            | Node::Contains(path, _)
            | Node::Exists(path)
            | Node::NotExists(path)
            | Node::Type(path, _)
            | Node::Size(path, ..)
            | Node::SizeBetween(path, ..) => empty(path),
            Node::ComparePaths(left, _, right) => empty(left) || empty(right),
            Node::And(nodes) | Node::Or(nodes) => {
                for node in nodes {
                    node.check_paths()?;
                }
                false
            }
            Node::Not(node) => return node.check_paths(),
            Node::Invalid(_) => false,
        };
        if bad {
            return Err(Error::InvalidRequest {
                operation: "a condition",
                problem: "a condition names no attribute: a flattened struct's fields are \
                          attributes, the struct is not; compare its fields"
                    .to_owned(),
            });
        }
        Ok(())
    }

    pub(super) fn render(&self, p: &mut Placeholders) -> Result<String> {
        Ok(match self {
            Node::Compare(path, cmp, value) => {
                format!(
                    "{} {} {}",
                    p.path(path),
                    cmp.symbol(),
                    p.value(value.clone())
                )
            }
            Node::ComparePaths(left, cmp, right) => {
                if left == right {
                    return Err(Error::InvalidRequest {
                        operation: "a condition",
                        problem: format!(
                            "`{left}` is compared with itself, which DynamoDB refuses: compare two attributes"
                        ),
                    });
                }
                format!("{} {} {}", p.path(left), cmp.symbol(), p.path(right))
            }
            Node::In(path, values) => {
                if values.is_empty() || values.len() > MAX_IN_VALUES {
                    return Err(Error::InvalidRequest {
                        operation: "a condition",
                        problem: format!(
                            "`is_in` on `{path}` takes 1 to {MAX_IN_VALUES} values (DynamoDB's limit), not {}; \
                             split a longer list with `|`",
                            values.len()
                        ),
                    });
                }
                let mut text = p.path(path);
                text.push_str(" IN (");
                for (i, value) in values.iter().enumerate() {
                    if i > 0 {
                        text.push_str(", ");
                    }
                    p.value(value.clone()).push_to(&mut text);
                }
                text.push(')');
                text
            }
            Node::Between(path, low, high) => format!(
                "{} BETWEEN {} AND {}",
                p.path(path),
                p.value(low.clone()),
                p.value(high.clone())
            ),
            Node::BeginsWith(path, prefix) => {
                format!("begins_with({}, {})", p.path(path), p.value(prefix.clone()))
            }
            Node::Contains(path, needle) => {
                format!("contains({}, {})", p.path(path), p.value(needle.clone()))
            }
            // Written without `format!`: every modify sends an existence check.
            Node::Exists(path) => function_of("attribute_exists(", path, p),
            Node::NotExists(path) => function_of("attribute_not_exists(", path, p),
            Node::Type(path, kind) => format!(
                "attribute_type({}, {})",
                p.path(path),
                p.value(AttributeValue::S((*kind).to_owned()))
            ),
            Node::Size(path, cmp, n) => format!(
                "size({}) {} {}",
                p.path(path),
                cmp.symbol(),
                p.value(AttributeValue::N(n.to_string()))
            ),
            Node::SizeBetween(path, low, high) => format!(
                "size({}) BETWEEN {} AND {}",
                p.path(path),
                p.value(AttributeValue::N(low.to_string())),
                p.value(AttributeValue::N(high.to_string()))
            ),
            Node::And(nodes) => join(nodes, " AND ", p)?,
            Node::Or(nodes) => join(nodes, " OR ", p)?,
            Node::Not(node) => format!("NOT ({})", node.render(p)?),
            Node::Invalid(e) => return Err(Error::Conversion(e.clone())),
        })
    }
}

/// All of `nodes`, or `None` when there are none.
pub(crate) fn all_of(mut nodes: Vec<Node>) -> Option<Node> {
    match nodes.len() {
        0 => None,
        1 => nodes.pop(),
        _ => Some(Node::And(nodes)),
    }
}

fn join(nodes: &[Node], separator: &str, p: &mut Placeholders) -> Result<String> {
    let mut out = String::new();
    for (i, node) in nodes.iter().enumerate() {
        if i > 0 {
            out.push_str(separator);
        }
        out.push('(');
        out.push_str(&node.render(p)?);
        out.push(')');
    }
    Ok(out)
}

/// `function(path)`: `opening` is the function's name and its parenthesis.
fn function_of(opening: &str, path: &AttrPath, p: &mut Placeholders) -> String {
    let mut out = String::with_capacity(opening.len() + 16);
    out.push_str(opening);
    p.path_into(path, &mut out);
    out.push(')');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr_path::PathStep;
    use crate::expr::Renderer;

    fn path(name: &str) -> AttrPath {
        AttrPath::from(vec![PathStep::Name(name.to_owned().into())])
    }

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    fn text(node: Node) -> String {
        rendered(node).condition.unwrap()
    }

    fn rendered(node: Node) -> crate::expr::Rendered {
        let mut r = Renderer::new("PutItem");
        r.condition(Some(&node)).unwrap();
        r.finish()
    }

    #[test]
    fn in_lists_and_attribute_comparisons_render_and_their_limits_hold() {
        assert_eq!(
            text(Node::In(path("a"), vec![s("x"), s("y"), s("x")])),
            "#n0 IN (:v0, :v1, :v2)"
        );
        assert_eq!(text(Node::In(path("a"), vec![s("x")])), "#n0 IN (:v0)");
        let hundred: Vec<AttributeValue> = (0..MAX_IN_VALUES).map(|i| s(&i.to_string())).collect();
        assert!(text(Node::In(path("a"), hundred.clone())).ends_with(":v99)"));
        let refused = |node: Node| {
            let mut r = Renderer::new("Scan");
            match r.filter(Some(&node)) {
                Err(Error::InvalidRequest { problem, .. }) => problem,
                other => panic!("expected a refusal, got {other:?}"),
            }
        };
        let mut over = hundred;
        over.push(s("one more"));
        assert!(refused(Node::In(path("a"), over)).contains("not 101"));
        assert!(refused(Node::In(path("a"), Vec::new())).contains("not 0"));
        for (cmp, symbol) in [
            (Cmp::Eq, "="),
            (Cmp::Ne, "<>"),
            (Cmp::Lt, "<"),
            (Cmp::Ge, ">="),
        ] {
            assert_eq!(
                text(Node::ComparePaths(path("a"), cmp, path("b"))),
                format!("#n0 {symbol} #n1")
            );
        }
        assert!(refused(Node::ComparePaths(path("a"), Cmp::Lt, path("a"))).contains("with itself"));
        let empty = AttrPath::from(Vec::new());
        assert!(Node::ComparePaths(path("a"), Cmp::Lt, empty.clone())
            .check_paths()
            .is_err());
        assert!(Node::ComparePaths(empty.clone(), Cmp::Lt, path("a"))
            .check_paths()
            .is_err());
        assert!(Node::In(empty, vec![s("x")]).check_paths().is_err());
    }

    /// The text DynamoDB receives for each kind of condition, pinned.
    #[test]
    fn every_condition_kind_renders_as_dynamodb_expects() {
        for (cmp, symbol) in [
            (Cmp::Eq, "="),
            (Cmp::Ne, "<>"),
            (Cmp::Lt, "<"),
            (Cmp::Le, "<="),
            (Cmp::Gt, ">"),
            (Cmp::Ge, ">="),
        ] {
            assert_eq!(
                text(Node::Compare(path("a"), cmp, s("x"))),
                format!("#n0 {symbol} :v0")
            );
            assert_eq!(
                text(Node::Size(path("a"), cmp, 3)),
                format!("size(#n0) {symbol} :v0")
            );
        }
        assert_eq!(
            text(Node::Between(path("a"), s("1"), s("9"))),
            "#n0 BETWEEN :v0 AND :v1"
        );
        assert_eq!(
            text(Node::BeginsWith(path("a"), s("p"))),
            "begins_with(#n0, :v0)"
        );
        assert_eq!(
            text(Node::Contains(path("a"), s("p"))),
            "contains(#n0, :v0)"
        );
        assert_eq!(text(Node::Exists(path("a"))), "attribute_exists(#n0)");
        assert_eq!(
            text(Node::NotExists(path("a"))),
            "attribute_not_exists(#n0)"
        );
        assert_eq!(
            text(Node::SizeBetween(path("a"), 1, 2)),
            "size(#n0) BETWEEN :v0 AND :v1"
        );
        assert_eq!(
            text(Node::Not(Box::new(Node::Exists(path("a"))))),
            "NOT (attribute_exists(#n0))"
        );
        let both = Node::And(vec![Node::Exists(path("a")), Node::NotExists(path("b"))]);
        assert_eq!(
            text(both),
            "(attribute_exists(#n0)) AND (attribute_not_exists(#n1))"
        );
        let either = Node::Or(vec![
            Node::Exists(path("a")),
            Node::Exists(path("b")),
            Node::Exists(path("a")),
        ]);
        assert_eq!(
            text(either),
            "(attribute_exists(#n0)) OR (attribute_exists(#n1)) OR (attribute_exists(#n0))"
        );
    }

    #[test]
    fn a_condition_on_no_attribute_is_refused_wherever_it_sits() {
        let nowhere = AttrPath::default();
        for node in [
            Node::Exists(nowhere.clone()),
            Node::Compare(nowhere.clone(), Cmp::Eq, s("x")),
            Node::And(vec![
                Node::Exists(path("a")),
                Node::NotExists(nowhere.clone()),
            ]),
            Node::Or(vec![Node::Exists(path("a")), Node::Exists(nowhere.clone())]),
            Node::Not(Box::new(Node::Exists(nowhere.clone()))),
        ] {
            let err = Renderer::new("PutItem").condition(Some(&node)).unwrap_err();
            assert!(
                matches!(&err, Error::InvalidRequest { problem, .. } if problem.contains("no attribute")),
                "{node:?}: {err}"
            );
        }
        assert!(Renderer::new("PutItem")
            .condition(Some(&Node::Not(Box::new(Node::Exists(path("a"))))))
            .is_ok());
    }

    #[test]
    fn all_of_makes_one_node_from_many() {
        assert!(all_of(vec![]).is_none());
        assert!(matches!(
            all_of(vec![Node::Exists(path("a"))]),
            Some(Node::Exists(_))
        ));
        assert!(matches!(
            all_of(vec![Node::Exists(path("a")), Node::Exists(path("b"))]),
            Some(Node::And(nodes)) if nodes.len() == 2
        ));
    }

    #[test]
    fn the_condition_length_limit_is_checked() {
        let long = "n".repeat(5000);
        let short = Node::And(vec![
            Node::Compare(path("a"), Cmp::Eq, s("x")),
            Node::BeginsWith(path(&long), s("x")),
        ]);
        // Names are placeholders: a long name does not make a long expression.
        assert!(Renderer::new("PutItem").condition(Some(&short)).is_ok());
        let many = (0..400)
            .map(|i| Node::Exists(path(&format!("a{i}"))))
            .collect();
        let err = Renderer::new("PutItem")
            .condition(Some(&Node::And(many)))
            .unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { operation: "PutItem", problem } if problem.contains("4096")),
            "{err}"
        );
    }
}
