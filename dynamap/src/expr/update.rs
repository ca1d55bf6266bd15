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
    let all_paths = || actions.iter().map(|(p, _)| p).chain(version);
    for (i, a) in all_paths().enumerate() {
        for b in all_paths().skip(i + 1) {
            if a.is_within(b) || b.is_within(a) {
                return Err(format!(
                    "`{a}` and `{b}` overlap: DynamoDB refuses two changes to one attribute in one update"
                ));
            }
        }
    }

    // Grouped by keyword (a stable sort, so each keyword's clauses keep the caller's
    // order), then written straight into the update's text: clauses are most of an
    // update's cost, and a string per clause, path or keyword cost more than the text.
    // Placeholders are numbered in the order they are written.
    let mut actions = actions;
    actions.sort_by_key(|(_, action)| action.keyword());
    let mut update = UpdateText::default();
    let mut constants = Constants::default();
    let mut version = version;
    for (path, action) in actions {
        let keyword = action.keyword();
        if keyword != Keyword::Set {
            if let Some(version) = version.take() {
                bump(p, &mut constants, update.clause(Keyword::Set), version);
            }
        }
        write_clause(p, &mut constants, update.clause(keyword), &path, action)?;
    }
    if let Some(version) = version {
        bump(p, &mut constants, update.clause(Keyword::Set), version);
    }
    Ok(update.text)
}

/// Every update bumps the version, so a read-modify-write based on the old version
/// (insert, update_with) cannot overwrite this change.
fn bump(p: &mut Placeholders, constants: &mut Constants, out: &mut String, version: &AttrPath) {
    let zero = constants.zero(p);
    let one = p.value(AttributeValue::N("1".to_owned()));
    counted(p, out, version, zero, " + ", one);
}

/// The clause of one action, written at the end of `out`.
fn write_clause(
    p: &mut Placeholders,
    constants: &mut Constants,
    out: &mut String,
    path: &AttrPath,
    action: Action,
) -> Result<(), String> {
    match action {
        Action::Set(v) => {
            let v = p.value(v);
            p.path_into(path, out);
            out.push_str(" = ");
            v.push_to(out);
        }
        Action::SetIfAbsent(v) => {
            let v = p.value(v);
            p.path_into(path, out);
            out.push_str(" = if_not_exists(");
            p.path_into(path, out);
            out.push_str(", ");
            v.push_to(out);
            out.push(')');
        }
        Action::Add(v) => {
            let zero = constants.zero(p);
            let v = p.value(v);
            counted(p, out, path, zero, " + ", v);
        }
        Action::Subtract(v) => {
            let zero = constants.zero(p);
            let v = p.value(v);
            counted(p, out, path, zero, " - ", v);
        }
        Action::Append(v) => {
            let empty = constants.empty_list(p);
            let v = p.value(v);
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
            let empty = constants.empty_list(p);
            let v = p.value(v);
            p.path_into(path, out);
            out.push_str(" = list_append(");
            v.push_to(out);
            out.push_str(", if_not_exists(");
            p.path_into(path, out);
            out.push_str(", ");
            empty.push_to(out);
            out.push_str("))");
        }
        Action::Remove => p.path_into(path, out),
        Action::SetInsert(v) => set_clause(p, out, path, v, "ADD")?,
        Action::SetDelete(v) => set_clause(p, out, path, v, "DELETE")?,
    }
    Ok(())
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

/// `path value`: an ADD or DELETE of set elements, which DynamoDB allows at the top
/// level only.
fn set_clause(
    p: &mut Placeholders,
    out: &mut String,
    path: &AttrPath,
    value: AttributeValue,
    verb: &str,
) -> Result<(), String> {
    if path.segments().len() > 1 {
        return Err(format!(
            "`{path}`: DynamoDB's {verb} works on top-level set attributes only"
        ));
    }
    let value = p.value(value);
    p.path_into(path, out);
    out.push(' ');
    value.push_to(out);
    Ok(())
}

/// The clause keywords, in the order an update lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Keyword {
    Set,
    Remove,
    Add,
    Delete,
}

impl Keyword {
    fn text(self) -> &'static str {
        match self {
            Keyword::Set => "SET ",
            Keyword::Remove => "REMOVE ",
            Keyword::Add => "ADD ",
            Keyword::Delete => "DELETE ",
        }
    }
}

impl Action {
    /// The keyword whose clause the action is written in.
    fn keyword(&self) -> Keyword {
        match self {
            Action::Set(_)
            | Action::SetIfAbsent(_)
            | Action::Add(_)
            | Action::Subtract(_)
            | Action::Append(_)
            | Action::Prepend(_) => Keyword::Set,
            Action::Remove => Keyword::Remove,
            Action::SetInsert(_) => Keyword::Add,
            Action::SetDelete(_) => Keyword::Delete,
        }
    }
}

/// One placeholder each for the constants, however many actions use them.
#[derive(Default)]
struct Constants {
    zero: Option<ValueRef>,
    empty_list: Option<ValueRef>,
}

impl Constants {
    fn zero(&mut self, p: &mut Placeholders) -> ValueRef {
        *self
            .zero
            .get_or_insert_with(|| p.value(AttributeValue::N("0".to_owned())))
    }

    fn empty_list(&mut self, p: &mut Placeholders) -> ValueRef {
        *self
            .empty_list
            .get_or_insert_with(|| p.value(AttributeValue::L(Vec::new())))
    }
}

/// An update's text, written clause by clause, keyword by keyword.
#[derive(Default)]
struct UpdateText {
    text: String,
    keyword: Option<Keyword>,
}

impl UpdateText {
    /// Where the next clause under `keyword` is written, after the keyword or the
    /// separator.
    fn clause(&mut self, keyword: Keyword) -> &mut String {
        if self.keyword == Some(keyword) {
            self.text.push_str(", ");
        } else {
            if self.text.is_empty() {
                self.text.reserve(160);
            } else {
                self.text.push(' ');
            }
            self.text.push_str(keyword.text());
            self.keyword = Some(keyword);
        }
        &mut self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attr_path::PathStep;
    use crate::expr::Renderer;

    fn path(names: &[&str]) -> AttrPath {
        AttrPath::from(
            names
                .iter()
                .map(|n| PathStep::Name(n.to_string().into()))
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
            "SET #n0 = if_not_exists(#n0, :v0) + :v1, #n1 = if_not_exists(#n1, :v0) - :v2, \
             #n2 = if_not_exists(#n2, :v0) + :v3 REMOVE #n3 ADD #n4 :v4 DELETE #n5 :v5"
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
