//! The items of a page that did decode, carried by `Error::UndecodablePage`.

use std::fmt;

/// The items of a page that decoded, kept as their type; taken with
/// [`Error::into_decoded`](super::Error::into_decoded).
pub struct Decoded {
    items: Box<dyn std::any::Any + Send + Sync>,
    count: usize,
}

impl Decoded {
    /// The items, if they are of type `T`.
    pub(super) fn into_vec<T: 'static>(self) -> Option<Vec<T>> {
        self.items.downcast::<Vec<T>>().ok().map(|items| *items)
    }

    pub(crate) fn new<T: Send + Sync + 'static>(items: Vec<T>) -> Self {
        Decoded {
            count: items.len(),
            items: Box::new(items),
        }
    }

    /// How many items decoded.
    ///
    /// ```
    /// # fn f(err: dynamap::Error) {
    /// if let dynamap::Error::UndecodablePage { decoded, .. } = &err {
    ///     println!("{} items decoded", decoded.len());
    /// }
    /// # }
    /// ```
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether no item decoded.
    ///
    /// ```
    /// # fn f(err: dynamap::Error) {
    /// if let dynamap::Error::UndecodablePage { decoded, .. } = &err {
    ///     assert_eq!(decoded.is_empty(), decoded.len() == 0);
    /// }
    /// # }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

impl fmt::Debug for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "<{} items>", self.count)
    }
}
