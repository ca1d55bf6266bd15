//! The links a path is made of: where it starts and each step after.

use std::borrow::Cow;
use std::marker::PhantomData;

use super::{AttrPath, PathStep};

/// A link of a path: knows the item type at the root and writes its steps.
///
/// ```
/// use dynamap::path::{PathParent, Root, ListItem};
/// let p = ListItem::new(Root::<()>::new(), 3);
/// let mut path = dynamap::path::AttrPath::default();
/// p.write_path(&mut path);
/// assert_eq!(path.to_string(), "[3]");
/// ```
pub trait PathParent: Copy {
    /// The item type the path starts from.
    type Root;
    /// Appends this link's steps (after its parents') to `path`.
    fn write_path(&self, path: &mut AttrPath);

    /// The whole path to this link when it is known at compile time (the root, a
    /// top-level field), so that building it allocates nothing.
    #[doc(hidden)]
    #[inline]
    fn __static_segments(&self) -> Option<&'static [PathStep]> {
        None
    }
}

// Here rather than beside `AttrPath`, which knows nothing of typed paths.
impl AttrPath {
    /// The path `parent` leads to: borrowed from the derive's constants where the
    /// whole path is known at compile time, built step by step otherwise.
    ///
    /// ```
    /// use dynamap::path::{AttrPath, Field, FieldName, Root};
    /// struct City;
    /// impl FieldName for City { const NAME: &'static str = "city"; }
    /// let path = AttrPath::of_parent(&Field::<_, City>::new(Root::<()>::new()));
    /// assert_eq!(path.to_string(), "city");
    /// ```
    pub fn of_parent<P: PathParent>(parent: &P) -> Self {
        if let Some(segments) = parent.__static_segments() {
            return AttrPath::from_static(segments);
        }
        let mut path = AttrPath::default();
        parent.write_path(&mut path);
        path
    }
}

/// The start of every path: the item itself.
///
/// ```
/// let root = dynamap::path::Root::<String>::new();
/// ```
pub struct Root<R>(PhantomData<fn() -> R>);

impl<R> Root<R> {
    /// The root of items of type `R`.
    ///
    /// ```
    /// let root = dynamap::path::Root::<u8>::new();
    /// ```
    pub const fn new() -> Self {
        Root(PhantomData)
    }
}

impl<R> Default for Root<R> {
    fn default() -> Self {
        Self::new()
    }
}

impl<R> Clone for Root<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Root<R> {}

impl<R> PathParent for Root<R> {
    type Root = R;

    fn write_path(&self, _: &mut AttrPath) {}

    #[inline]
    fn __static_segments(&self) -> Option<&'static [PathStep]> {
        Some(&[])
    }
}

/// A struct field's stored name, as a type: the derive makes one per field so that
/// field paths cost nothing to copy.
///
/// ```
/// struct City;
/// impl dynamap::path::FieldName for City { const NAME: &'static str = "city"; }
/// assert_eq!(<City as dynamap::path::FieldName>::NAME, "city");
/// ```
pub trait FieldName {
    /// The attribute name as stored.
    const NAME: &'static str;
}

/// A step into a named attribute.
///
/// ```
/// use dynamap::path::{Field, FieldName, PathParent, Root, AttrPath};
/// struct City;
/// impl FieldName for City { const NAME: &'static str = "city"; }
/// let mut path = AttrPath::default();
/// Field::<_, City>::new(Root::<()>::new()).write_path(&mut path);
/// assert_eq!(path.to_string(), "city");
/// ```
pub struct Field<P, N> {
    parent: P,
    name: PhantomData<fn() -> N>,
}

impl<P, N> Field<P, N> {
    /// The field `N` under `parent`.
    ///
    /// ```
    /// # struct City;
    /// # impl dynamap::path::FieldName for City { const NAME: &'static str = "city"; }
    /// let field = dynamap::path::Field::<_, City>::new(dynamap::path::Root::<()>::new());
    /// ```
    pub const fn new(parent: P) -> Self {
        Field {
            parent,
            name: PhantomData,
        }
    }
}

impl<P: Copy, N> Clone for Field<P, N> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<P: Copy, N> Copy for Field<P, N> {}

impl<P: PathParent, N: FieldName> PathParent for Field<P, N> {
    type Root = P::Root;

    fn write_path(&self, path: &mut AttrPath) {
        self.parent.write_path(path);
        path.push(PathStep::Name(Cow::Borrowed(N::NAME)));
    }

    #[inline]
    fn __static_segments(&self) -> Option<&'static [PathStep]> {
        match self.parent.__static_segments() {
            Some([]) => Some(TopLevel::<N>::SEGMENTS),
            _ => None,
        }
    }
}

/// The one-step path of a top-level field, made once per field at compile time.
struct TopLevel<N>(PhantomData<N>);

impl<N: FieldName> TopLevel<N> {
    const SEGMENTS: &'static [PathStep] = &[PathStep::Name(Cow::Borrowed(N::NAME))];
}

/// A step to a list position.
///
/// ```
/// let step = dynamap::path::ListItem::new(dynamap::path::Root::<()>::new(), 0);
/// ```
#[derive(Clone, Copy)]
pub struct ListItem<P> {
    parent: P,
    index: usize,
}

impl<P> ListItem<P> {
    /// Position `index` of the list at `parent`.
    ///
    /// ```
    /// let step = dynamap::path::ListItem::new(dynamap::path::Root::<()>::new(), 2);
    /// ```
    pub const fn new(parent: P, index: usize) -> Self {
        ListItem { parent, index }
    }
}

impl<P: PathParent> PathParent for ListItem<P> {
    type Root = P::Root;

    fn write_path(&self, path: &mut AttrPath) {
        self.parent.write_path(path);
        path.push(PathStep::Position(self.index));
    }
}

/// A step to a map entry.
///
/// ```
/// let step = dynamap::path::MapEntry::new(dynamap::path::Root::<()>::new(), "daily");
/// ```
#[derive(Clone, Copy)]
pub struct MapEntry<'k, P> {
    parent: P,
    key: &'k str,
}

impl<'k, P> MapEntry<'k, P> {
    /// The entry `key` of the map at `parent`.
    ///
    /// ```
    /// let step = dynamap::path::MapEntry::new(dynamap::path::Root::<()>::new(), "k");
    /// ```
    pub const fn new(parent: P, key: &'k str) -> Self {
        MapEntry { parent, key }
    }
}

impl<P: PathParent> PathParent for MapEntry<'_, P> {
    type Root = P::Root;

    fn write_path(&self, path: &mut AttrPath) {
        self.parent.write_path(path);
        path.push(PathStep::Name(Cow::Owned(self.key.to_owned())));
    }
}
