//! A sort-key condition checked against the sort key it narrows: one attribute, or the
//! attributes of a multi-attribute key, narrowed left to right as DynamoDB requires.

use crate::error::{Error, Result};
use crate::expr::Node;
use crate::item::KeyDefinition;
use crate::path::{AttrPath, PathStep};
use crate::value::ScalarType;

fn is_path(path: &AttrPath, name: &str) -> bool {
    matches!(path.segments(), [PathStep::Name(n)] if n == name)
}

fn refused(problem: String) -> Error {
    Error::InvalidRequest {
        operation: "Query",
        problem,
    }
}

/// One condition of a sort-key condition: the attribute it narrows, its position
/// among the sort key's attributes, and whether it is an equality.
struct Narrowed {
    position: usize,
    key: KeyDefinition,
    equality: bool,
    node: Node,
}

/// What `node` narrows; `None` for a condition a key condition cannot hold.
fn narrowed(node: &Node, keys: &[KeyDefinition]) -> Option<Narrowed> {
    let (path, equality) = node.key_condition_path()?;
    let (position, key) = keys
        .iter()
        .enumerate()
        .find(|(_, key)| is_path(path, key.name))?;
    Some(Narrowed {
        position,
        key: *key,
        equality,
        node: node.clone(),
    })
}

fn name_at(keys: &[KeyDefinition], i: usize) -> &'static str {
    keys.get(i).map_or("?", |key| key.name)
}

/// The caller's sort-key condition as a key condition: on a one-attribute sort key,
/// one of eq, lt, le, gt, ge, between or begins_with; on a multi-attribute one, those
/// conditions joined with `&` on the leading attributes, each an equality but the
/// last, none skipped (DynamoDB's rule). Anything else is refused before sending, so
/// no query reads a wider range than asked.
pub(crate) fn sort_condition(sort: Option<&Node>, keys: &[KeyDefinition]) -> Result<Option<Node>> {
    let Some(sort) = sort else {
        return Ok(None);
    };
    if keys.is_empty() {
        return Err(refused(
            "a sort-key condition on a key schema without a sort key".to_owned(),
        ));
    }
    let parts = sort.conjuncts();
    let names: Vec<&str> = keys.iter().map(|k| k.name).collect();
    let mut ordered: Vec<Narrowed> = Vec::with_capacity(parts.len());
    for part in parts {
        if let Node::Invalid(e) = part {
            return Err(Error::Conversion(e.clone()));
        }
        let is_prefix = matches!(part, Node::BeginsWith(..));
        let Some(narrowed) = narrowed(part, keys) else {
            return Err(refused(format!(
                "a sort-key condition must be eq, lt, le, gt, ge, between or begins_with on the sort key `{}`; use .filter(..) for other conditions",
                names.join("`, `")
            )));
        };
        let name = narrowed.key.name;
        if is_prefix && narrowed.key.scalar_type == ScalarType::Number {
            return Err(refused(format!(
                "begins_with on `{name}`, a number: a sort-key prefix is for strings and binary"
            )));
        }
        if ordered.iter().any(|n| n.position == narrowed.position) {
            return Err(refused(format!(
                "two conditions on sort key attribute `{name}`: give one (between for a range)"
            )));
        }
        ordered.push(narrowed);
    }
    ordered.sort_by_key(|n| n.position);
    let last = ordered.len().saturating_sub(1);
    for (i, narrowed) in ordered.iter().enumerate() {
        if narrowed.position != i {
            return Err(refused(format!(
                "a condition on `{}` needs one on `{}` before it: a multi-attribute sort key is narrowed left to right",
                narrowed.key.name,
                name_at(keys, i)
            )));
        }
        if i < last && !narrowed.equality {
            return Err(refused(format!(
                "the condition on `{}` is a range, but `{}` after it is narrowed too: only the last attribute narrowed may be a range",
                narrowed.key.name,
                name_at(keys, i + 1)
            )));
        }
    }
    let mut nodes: Vec<Node> = ordered.into_iter().map(|n| n.node).collect();
    Ok(Some(match nodes.pop() {
        Some(only) if nodes.is_empty() => only,
        Some(last) => {
            nodes.push(last);
            Node::And(nodes)
        }
        None => Node::And(nodes),
    }))
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;
    use crate::expr::Cmp;

    const KEYS: [KeyDefinition; 3] = [
        KeyDefinition {
            name: "round",
            scalar_type: ScalarType::Number,
        },
        KeyDefinition {
            name: "bracket",
            scalar_type: ScalarType::String,
        },
        KeyDefinition {
            name: "at",
            scalar_type: ScalarType::Number,
        },
    ];

    fn cmp(name: &'static str, cmp: Cmp, n: &str) -> Node {
        Node::Compare(
            AttrPath::top_level_name(name),
            cmp,
            AttributeValue::N(n.into()),
        )
    }

    fn prefix(name: &'static str, s: &str) -> Node {
        Node::BeginsWith(AttrPath::top_level_name(name), AttributeValue::S(s.into()))
    }

    fn problem(sort: Node) -> String {
        match sort_condition(Some(&sort), &KEYS) {
            Err(Error::InvalidRequest { problem, .. }) => problem,
            other => panic!("expected a refusal, got {other:?}"),
        }
    }

    #[test]
    fn leading_equalities_then_one_range_are_taken_in_key_order() {
        let sort = Node::And(vec![Node::And(vec![
            prefix("bracket", "b"),
            cmp("round", Cmp::Eq, "1"),
        ])]);
        let Some(Node::And(nodes)) = sort_condition(Some(&sort), &KEYS).unwrap() else {
            panic!("two conditions joined");
        };
        assert!(matches!(&nodes[0], Node::Compare(p, Cmp::Eq, _) if is_path(p, "round")));
        assert!(matches!(&nodes[1], Node::BeginsWith(p, _) if is_path(p, "bracket")));
        let one = sort_condition(Some(&cmp("round", Cmp::Gt, "1")), &KEYS).unwrap();
        assert!(matches!(one, Some(Node::Compare(_, Cmp::Gt, _))));
        assert!(sort_condition(None, &KEYS).unwrap().is_none());
    }

    #[test]
    fn a_skipped_attribute_is_refused() {
        let skipped = Node::And(vec![cmp("round", Cmp::Eq, "1"), cmp("at", Cmp::Gt, "5")]);
        assert!(problem(skipped).contains("`at` needs one on `bracket`"));
        assert!(problem(prefix("bracket", "b")).contains("needs one on `round`"));
    }

    #[test]
    fn a_range_before_another_condition_is_refused() {
        let sort = Node::And(vec![cmp("round", Cmp::Ge, "1"), prefix("bracket", "b")]);
        assert!(problem(sort).contains("only the last attribute narrowed may be a range"));
    }

    #[test]
    fn two_conditions_on_one_attribute_are_refused() {
        let sort = Node::And(vec![cmp("round", Cmp::Ge, "1"), cmp("round", Cmp::Le, "3")]);
        assert!(problem(sort).contains("two conditions on sort key attribute `round`"));
    }

    #[test]
    fn conditions_a_key_condition_cannot_hold_are_refused() {
        assert!(problem(cmp("round", Cmp::Ne, "1")).contains("use .filter"));
        assert!(problem(cmp("other", Cmp::Eq, "1")).contains("use .filter"));
        assert!(problem(Node::Or(vec![cmp("round", Cmp::Eq, "1")])).contains("use .filter"));
        assert!(problem(prefix("round", "1")).contains("a number"));
        let none = sort_condition(Some(&cmp("round", Cmp::Eq, "1")), &[]);
        assert!(matches!(none, Err(Error::InvalidRequest { .. })));
    }
}
