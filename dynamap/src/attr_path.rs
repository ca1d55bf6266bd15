//! Untyped document paths: what a typed path becomes on its way into an expression.

use std::borrow::Cow;
use std::fmt;

/// One step of a document path.
///
/// ```
/// use dynamap::path::PathStep;
/// let step = PathStep::Name("city".into());
/// assert_eq!(step, PathStep::Name("city".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An attribute name or a map key.
    Name(Cow<'static, str>),
    /// A list position.
    Position(usize),
}

/// A document path such as `address.city` or `items[2].sku`.
///
/// ```
/// use dynamap::path::{AttrPath, PathStep};
/// let path = AttrPath::from(vec![PathStep::Name("items".into()), PathStep::Position(2)]);
/// assert_eq!(path.to_string(), "items[2]");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AttrPath {
    // Borrowed for a top-level field, whose one step the derive knows at compile time
    // (see `AttrPath::of_parent`): such paths are built for every change and condition,
    // and cost no allocation.
    segments: Cow<'static, [PathStep]>,
}

impl AttrPath {
    /// The steps, outermost first.
    ///
    /// ```
    /// use dynamap::path::{AttrPath, PathStep};
    /// let path = AttrPath::from(vec![PathStep::Name("a".into())]);
    /// assert_eq!(path.segments().len(), 1);
    /// ```
    pub fn segments(&self) -> &[PathStep] {
        &self.segments
    }

    /// Whether `self` is `other` or lies inside it (`a.b` is within `a`).
    ///
    /// ```
    /// use dynamap::path::{AttrPath, PathStep};
    /// let a = AttrPath::from(vec![PathStep::Name("a".into())]);
    /// let ab = AttrPath::from(vec![PathStep::Name("a".into()), PathStep::Name("b".into())]);
    /// assert!(ab.is_within(&a) && a.is_within(&a) && !a.is_within(&ab));
    /// ```
    pub fn is_within(&self, other: &AttrPath) -> bool {
        self.segments.starts_with(&other.segments)
    }

    /// The top-level attribute the path starts at.
    ///
    /// ```
    /// use dynamap::path::{AttrPath, PathStep};
    /// let path = AttrPath::from(vec![PathStep::Name("a".into()), PathStep::Position(0)]);
    /// assert_eq!(path.top_level(), Some("a"));
    /// ```
    pub fn top_level(&self) -> Option<&str> {
        match self.segments.first() {
            Some(PathStep::Name(name)) => Some(name),
            _ => None,
        }
    }

    /// The path of the top-level attribute `name`.
    ///
    /// ```
    /// use dynamap::path::AttrPath;
    /// assert_eq!(AttrPath::top_level_name("status").to_string(), "status");
    /// ```
    pub fn top_level_name(name: &'static str) -> Self {
        AttrPath {
            segments: Cow::Owned(vec![PathStep::Name(Cow::Borrowed(name))]),
        }
    }

    /// A path known at compile time, borrowed rather than built.
    pub(crate) const fn from_static(segments: &'static [PathStep]) -> Self {
        AttrPath {
            segments: Cow::Borrowed(segments),
        }
    }

    pub(crate) fn push(&mut self, segment: PathStep) {
        self.segments.to_mut().push(segment);
    }
}

impl From<String> for AttrPath {
    /// The path of the top-level attribute of that name.
    fn from(name: String) -> Self {
        AttrPath {
            segments: Cow::Owned(vec![PathStep::Name(Cow::Owned(name))]),
        }
    }
}

impl From<Vec<PathStep>> for AttrPath {
    fn from(segments: Vec<PathStep>) -> Self {
        AttrPath {
            segments: Cow::Owned(segments),
        }
    }
}

impl fmt::Display for AttrPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.segments.iter().enumerate() {
            match segment {
                PathStep::Name(name) if i == 0 => f.write_str(name)?,
                PathStep::Name(name) => write!(f, ".{name}")?,
                PathStep::Position(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}
