//! Expression rendering, for every request dynamap sends: conditions, updates,
//! filters, key conditions and projections become text with `#nK`/`:vK` placeholders,
//! collected in one [`Rendered`] that single operations, the untyped `Mapping` and
//! every transaction action apply to their SDK builders the same way.

mod apply;
mod condition;
mod placeholders;
mod update;

pub(crate) use apply::Apply;
pub(crate) use condition::{all_of, Cmp, Node};
pub(crate) use placeholders::{NameMap, Placeholders, ValueMap};
pub(crate) use update::Action;

use crate::attr_path::AttrPath;
use crate::error::{Error, Result};

/// The expressions of one request and the placeholders they share, as the SDK takes
/// them (`None` where a request has no such expression, or no names or values).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rendered {
    pub update: Option<String>,
    pub condition: Option<String>,
    pub filter: Option<String>,
    pub key_condition: Option<String>,
    pub projection: Option<String>,
    pub names: Option<NameMap>,
    pub values: Option<ValueMap>,
}

/// Renders the expressions of one request, in the order the caller adds them
/// (placeholders are numbered in that order), refusing what DynamoDB would refuse.
#[derive(Debug)]
pub(crate) struct Renderer {
    /// The request being rendered, such as `UpdateItem`: named in every refusal.
    operation: &'static str,
    placeholders: Placeholders,
    rendered: Rendered,
}

impl Renderer {
    pub(crate) fn new(operation: &'static str) -> Self {
        Renderer {
            operation,
            placeholders: Placeholders::default(),
            rendered: Rendered::default(),
        }
    }

    fn refuse(&self, problem: String) -> Error {
        Error::InvalidRequest {
            operation: self.operation,
            problem,
        }
    }

    fn node(&mut self, kind: &str, node: Option<&Node>) -> Result<Option<String>> {
        let Some(node) = node else { return Ok(None) };
        node.check_paths()?;
        let text = node.render(&mut self.placeholders)?;
        placeholders::check_size(kind, &text).map_err(|problem| self.refuse(problem))?;
        Ok(Some(text))
    }

    /// A write's condition (`ConditionExpression`).
    pub(crate) fn condition(&mut self, node: Option<&Node>) -> Result<&mut Self> {
        self.rendered.condition = self.node("condition", node)?;
        Ok(self)
    }

    /// A scan's or query's filter (`FilterExpression`).
    pub(crate) fn filter(&mut self, node: Option<&Node>) -> Result<&mut Self> {
        self.rendered.filter = self.node("filter", node)?;
        Ok(self)
    }

    /// A query's key condition (`KeyConditionExpression`).
    pub(crate) fn key_condition(&mut self, node: Option<&Node>) -> Result<&mut Self> {
        self.rendered.key_condition = self.node("key condition", node)?;
        Ok(self)
    }

    /// An update (`UpdateExpression`): `actions`, then the version bump of a
    /// versioned item.
    pub(crate) fn update(
        &mut self,
        actions: Vec<(AttrPath, Action)>,
        version: Option<&AttrPath>,
    ) -> Result<&mut Self> {
        let text = update::render(&mut self.placeholders, actions, version)
            .and_then(|text| placeholders::check_size("update", &text).map(|()| text))
            .map_err(|problem| self.refuse(problem))?;
        self.rendered.update = Some(text);
        Ok(self)
    }

    /// The attributes to read (`ProjectionExpression`).
    pub(crate) fn projection<'p>(
        &mut self,
        paths: impl IntoIterator<Item = &'p AttrPath>,
    ) -> Result<&mut Self> {
        let mut text = String::new();
        for path in paths {
            if !text.is_empty() {
                text.push_str(", ");
            }
            self.placeholders.path_into(path, &mut text);
        }
        placeholders::check_size("projection", &text).map_err(|problem| self.refuse(problem))?;
        self.rendered.projection = Some(text);
        Ok(self)
    }

    /// The request's expressions with their names and values.
    pub(crate) fn finish(mut self) -> Rendered {
        let (names, values) = self.placeholders.take_maps();
        Rendered {
            names,
            values,
            ..self.rendered
        }
    }
}

#[cfg(test)]
mod tests {
    use aws_sdk_dynamodb::types::AttributeValue;

    use super::*;
    use crate::attr_path::PathStep;

    fn path(name: &str) -> AttrPath {
        AttrPath::from(vec![PathStep::Name(name.to_owned().into())])
    }

    /// Every expression of one request shares one set of placeholders, numbered in the
    /// order the parts were rendered.
    #[test]
    fn the_parts_of_one_request_share_their_placeholders() {
        let mut r = Renderer::new("Query");
        r.key_condition(Some(&Node::Compare(
            path("pk"),
            Cmp::Eq,
            AttributeValue::S("a".into()),
        )))
        .unwrap()
        .filter(Some(&Node::Exists(path("status"))))
        .unwrap()
        .projection(&[path("pk"), path("status"), path("total")])
        .unwrap();
        let rendered = r.finish();
        assert_eq!(rendered.key_condition.as_deref(), Some("#n0 = :v0"));
        assert_eq!(rendered.filter.as_deref(), Some("attribute_exists(#n1)"));
        assert_eq!(rendered.projection.as_deref(), Some("#n0, #n1, #n2"));
        assert_eq!(rendered.update, None);
        assert_eq!(rendered.condition, None);
        let names = rendered.names.unwrap();
        assert_eq!(names.len(), 3);
        assert_eq!(names["#n1"], "status");
        assert_eq!(rendered.values.unwrap().len(), 1);
    }

    #[test]
    fn an_update_and_its_condition_render_together() {
        let mut r = Renderer::new("UpdateItem");
        r.update(
            vec![(path("views"), Action::Add(AttributeValue::N("1".into())))],
            None,
        )
        .unwrap()
        .condition(Some(&Node::Exists(path("url"))))
        .unwrap();
        let rendered = r.finish();
        assert_eq!(
            rendered.update.as_deref(),
            Some("SET #n0 = if_not_exists(#n0, :v0) + :v1")
        );
        assert_eq!(rendered.condition.as_deref(), Some("attribute_exists(#n1)"));
    }

    #[test]
    fn nothing_rendered_sends_no_maps() {
        let rendered = Renderer::new("DeleteItem").finish();
        assert_eq!(rendered, Rendered::default());
        let mut r = Renderer::new("DeleteItem");
        r.condition(None).unwrap();
        assert_eq!(r.finish(), Rendered::default());
    }

    #[test]
    fn a_projection_over_4_kb_is_refused() {
        let paths: Vec<AttrPath> = (0..700).map(|i| path(&format!("a{i}"))).collect();
        let err = Renderer::new("Scan").projection(&paths).unwrap_err();
        assert!(
            matches!(&err, Error::InvalidRequest { operation: "Scan", problem } if problem.contains("projection")),
            "{err}"
        );
    }
}
