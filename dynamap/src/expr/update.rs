//! Update text: the changes of one UpdateItem, grouped into its SET, REMOVE, ADD and
//! DELETE clauses.

use aws_sdk_dynamodb::types::AttributeValue;

use super::placeholders::ValueRef;
use super::Placeholders;
use crate::attr_path::AttrPath;

/// One change to one attribute, its value already encoded.
#[derive(Debug, Clone)]
pub(crate) enum Action {
    Set(AttributeValue),
    SetIfAbsent(AttributeValue),
    Add(AttributeValue),
    Subtract(AttributeValue),
    Append(AttributeValue),
    Prepend(AttributeValue),
    Remove,
    SetInsert(AttributeValue),
    SetDelete(AttributeValue),
}

/// Renders `actions`, then the version bump of a versioned item (`version`), refusing
/// what DynamoDB would: nothing to do, two changes to overlapping paths, a set
/// operation below the top level. The error is the problem, for the caller to place.
pub(super) fn render(
    p: &mut Placeholders,
    actions: Vec<(AttrPath, Action)>,
    version: Option<&AttrPath>,
) -> Result<String, String> {
    if actions.is_empty() {
        return Err("an update needs at least one change (set, add, remove, ...)".to_owned());
    }
    if actions.iter().any(|(path, _)| path.segments().is_empty()) {
        return Err(
            "a change names no attribute: a flattened struct's fields are attributes, \
                    the struct is not; change its fields"
                .to_owned(),
        );
    }
    let all_paths: Vec<&AttrPath> = actions.iter().map(|(p, _)| p).chain(version).collect();
    for (i, a) in all_paths.iter().enumerate() {
        for b in all_paths.iter().skip(i + 1) {
            if a.is_within(b) || b.is_within(a) {
                return Err(format!(
                    "`{a}` and `{b}` overlap: DynamoDB refuses two changes to one attribute in one update"
                ));
            }
        }
    }

    let mut set = Clauses::default();
    let mut remove = Clauses::default();
    let mut add = Clauses::default();
    let mut delete = Clauses::default();
    // One placeholder each for the constants, however many actions use them.
    let mut zero = None;
    let mut empty = None;
    let mut zero_ref = |p: &mut Placeholders| {
        *zero.get_or_insert_with(|| p.value(AttributeValue::N("0".to_owned())))
    };
    // Each clause is written straight into its keyword's text: clauses are most of an
    // update's cost, and a string per clause or per path cost more than the text.
    for (path, action) in actions {
        let path = &path;
        let top_level_only = |verb: &str| {
            if path.segments().len() > 1 {
                return Err(format!(
                    "`{path}`: DynamoDB's {verb} works on top-level set attributes only"
                ));
            }
            Ok(())
        };
        match action {
            Action::Set(v) => {
                let v = p.value(v);
                let out = set.next();
                p.path_into(path, out);
                out.push_str(" = ");
                v.push_to(out);
            }
            Action::SetIfAbsent(v) => {
                let v = p.value(v);
                let out = set.next();
                p.path_into(path, out);
                out.push_str(" = if_not_exists(");
                p.path_into(path, out);
                out.push_str(", ");
                v.push_to(out);
                out.push(')');
            }
            Action::Add(v) => {
                let zero = zero_ref(p);
                let v = p.value(v);
                counted(p, set.next(), path, zero, " + ", v);
            }
            Action::Subtract(v) => {
                let zero = zero_ref(p);
                let v = p.value(v);
                counted(p, set.next(), path, zero, " - ", v);
            }
            Action::Append(v) => {
                let empty = *empty.get_or_insert_with(|| p.value(AttributeValue::L(Vec::new())));
                let v = p.value(v);
                let out = set.next();
                p.path_into(path, out);
                out.push_str(" = list_append(if_not_exists(");
                p.path_into(path, out);
                out.push_str(", ");
                empty.push_to(out);
                out.push_str("), ");
                v.push_to(out);
                out.push(')');
            }
            Action::Prepend(v) => {
                let empty = *empty.get_or_insert_with(|| p.value(AttributeValue::L(Vec::new())));
                let v = p.value(v);
                let out = set.next();
                p.path_into(path, out);
                out.push_str(" = list_append(");
                v.push_to(out);
                out.push_str(", if_not_exists(");
                p.path_into(path, out);
                out.push_str(", ");
                empty.push_to(out);
                out.push_str("))");
            }
            Action::Remove => p.path_into(path, remove.next()),
            Action::SetInsert(v) => {
                top_level_only("ADD")?;
                let v = p.value(v);
                let out = add.next();
                p.path_into(path, out);
                out.push(' ');
                v.push_to(out);
            }
            Action::SetDelete(v) => {
                top_level_only("DELETE")?;
                let v = p.value(v);
                let out = delete.next();
                p.path_into(path, out);
                out.push(' ');
                v.push_to(out);
            }
        }
    }
    if let Some(version) = version {
        // Every update bumps the version, so a read-modify-write based on the old
        // version (insert, update_with) cannot overwrite this change.
        let zero = zero_ref(p);
        let one = p.value(AttributeValue::N("1".to_owned()));
        counted(p, set.next(), version, zero, " + ", one);
    }
    let mut update = String::with_capacity(
        [&set, &remove, &add, &delete]
            .iter()
            .map(|c| c.0.len() + 8)
            .sum(),
    );
    for (keyword, clauses) in [
        ("SET", set),
        ("REMOVE", remove),
        ("ADD", add),
        ("DELETE", delete),
    ] {
        if !clauses.0.is_empty() {
            if !update.is_empty() {
                update.push(' ');
            }
            update.push_str(keyword);
            update.push(' ');
            update.push_str(&clauses.0);
        }
    }
    Ok(update)
}

/// `path = if_not_exists(path, 0) ± value`: a counter that starts at zero.
fn counted(
    p: &mut Placeholders,
    out: &mut String,
    path: &AttrPath,
    zero: ValueRef,
    sign: &str,
    value: ValueRef,
) {
    p.path_into(path, out);
    out.push_str(" = if_not_exists(");
    p.path_into(path, out);
    out.push_str(", ");
    zero.push_to(out);
    out.push(')');
    out.push_str(sign);
    value.push_to(out);
}

/// The clauses under one keyword, joined as they come.
#[derive(Default)]
struct Clauses(String);

impl Clauses {
    /// Where the next clause is written, after the separator.
    fn next(&mut self) -> &mut String {
        if self.0.is_empty() {
            self.0.reserve(64);
        } else {
            self.0.push_str(", ");
        }
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr_path::Segment;
    use crate::expr::Renderer;

    fn path(names: &[&str]) -> AttrPath {
        AttrPath::from(
            names
                .iter()
                .map(|n| Segment::Name(n.to_string().into()))
                .collect::<Vec<_>>(),
        )
    }

    fn n(v: &str) -> AttributeValue {
        AttributeValue::N(v.to_owned())
    }

    fn text(actions: &[(AttrPath, Action)], version: Option<&AttrPath>) -> Result<String, String> {
        render(&mut Placeholders::default(), actions.to_vec(), version)
    }

    /// The text DynamoDB receives for each kind of change, pinned.
    #[test]
    fn every_change_kind_renders_as_dynamodb_expects() {
        let a = || path(&["a"]);
        for (action, expected) in [
            (Action::Set(n("1")), "SET #n0 = :v0"),
            (
                Action::SetIfAbsent(n("1")),
                "SET #n0 = if_not_exists(#n0, :v0)",
            ),
            (
                Action::Add(n("1")),
                "SET #n0 = if_not_exists(#n0, :v0) + :v1",
            ),
            (
                Action::Subtract(n("1")),
                "SET #n0 = if_not_exists(#n0, :v0) - :v1",
            ),
            (
                Action::Append(AttributeValue::L(vec![])),
                "SET #n0 = list_append(if_not_exists(#n0, :v0), :v1)",
            ),
            (
                Action::Prepend(AttributeValue::L(vec![])),
                "SET #n0 = list_append(:v1, if_not_exists(#n0, :v0))",
            ),
            (Action::Remove, "REMOVE #n0"),
            (
                Action::SetInsert(AttributeValue::Ss(vec!["x".into()])),
                "ADD #n0 :v0",
            ),
            (
                Action::SetDelete(AttributeValue::Ss(vec!["x".into()])),
                "DELETE #n0 :v0",
            ),
        ] {
            assert_eq!(text(&[(a(), action)], None).unwrap(), expected);
        }
    }

    #[test]
    fn clauses_group_in_order_and_constants_are_shared() {
        let actions = [
            (
                path(&["d"]),
                Action::SetDelete(AttributeValue::Ss(vec!["x".into()])),
            ),
            (path(&["r"]), Action::Remove),
            (path(&["a"]), Action::Add(n("2"))),
            (
                path(&["s"]),
                Action::SetInsert(AttributeValue::Ss(vec!["y".into()])),
            ),
            (path(&["b"]), Action::Subtract(n("3"))),
        ];
        assert_eq!(
            text(&actions, Some(&path(&["v"]))).unwrap(),
            "SET #n2 = if_not_exists(#n2, :v1) + :v2, #n4 = if_not_exists(#n4, :v1) - :v4, \
             #n5 = if_not_exists(#n5, :v1) + :v5 REMOVE #n1 ADD #n3 :v3 DELETE #n0 :v0"
        );
    }

    #[test]
    fn what_dynamodb_refuses_is_refused_here() {
        assert!(text(&[], None).unwrap_err().contains("at least one change"));
        let overlap = text(
            &[
                (path(&["a"]), Action::Remove),
                (path(&["a", "b"]), Action::Set(n("1"))),
            ],
            None,
        )
        .unwrap_err();
        assert!(overlap.contains("`a` and `a.b` overlap"), "{overlap}");
        let version = text(&[(path(&["v"]), Action::Set(n("1")))], Some(&path(&["v"])));
        assert!(version.unwrap_err().contains("overlap"));
        let nested = text(
            &[(
                path(&["m", "s"]),
                Action::SetInsert(AttributeValue::Ss(vec!["x".into()])),
            )],
            None,
        );
        assert!(nested.unwrap_err().contains("top-level"));
    }

    #[test]
    fn an_update_over_4_kb_is_refused_with_its_operation() {
        let actions: Vec<_> = (0..700)
            .map(|i| (path(&[&format!("a{i}")]), Action::Remove))
            .collect();
        let err = Renderer::new("UpdateItem")
            .update(actions, None)
            .unwrap_err();
        assert!(
            matches!(&err, crate::error::Error::InvalidRequest { operation: "UpdateItem", problem } if problem.contains("update expression")),
            "{err}"
        );
    }
}
