//! One page of a scan or query.

use super::read::RawPage;
use crate::error::{Error, Result};
use crate::key::token::{self, PageToken};
use crate::sdk_item::Item;

/// One page of results, with the token to resume after it.
///
/// ```no_run
/// use futures::TryStreamExt;
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # async fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let mut pages = users.scan().page_size(50).pages();
/// if let Some(page) = pages.try_next().await? {
///     println!("{} users, more: {}", page.len(), page.next_token().is_some());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    items: Vec<T>,
    next_token: Option<PageToken>,
    segment: Option<u32>,
}

impl<T> Page<T> {
    /// Decodes every item; when some do not decode, the error carries the page's
    /// token and the items that did (see [`Error::UndecodablePage`]), so one bad item
    /// never stops a reader on this page.
    pub(crate) fn decode(
        raw: RawPage,
        decode: &impl Fn(Item) -> Result<T>,
        scope: &std::sync::Arc<str>,
    ) -> Result<Self>
    where
        T: Send + Sync + 'static,
    {
        let next_token = match &raw.last_key {
            // A segment's token resumes that segment only: bind it to it.
            Some(key) => Some(PageToken::from_key(
                key,
                &token::scope_with_segment(scope, raw.segment),
            )?),
            None => None,
        };
        let mut items = Vec::with_capacity(raw.items.len());
        let mut failures = Vec::new();
        for (position, item) in raw.items.into_iter().enumerate() {
            match decode(item) {
                Ok(item) => items.push(item),
                Err(error) => failures.push((position, error)),
            }
        }
        if !failures.is_empty() {
            return Err(Error::UndecodablePage {
                next_token,
                failures,
                decoded: crate::error::Decoded::new(items),
            });
        }
        Ok(Page {
            items,
            next_token,
            segment: raw.segment.and_then(|s| u32::try_from(s).ok()),
        })
    }

    /// The items of this page.
    ///
    /// ```no_run
    /// # fn f(page: dynamap::reads::Page<String>) { for item in page.items() { println!("{item}"); } }
    /// ```
    pub fn items(&self) -> &[T] {
        &self.items
    }

    /// The items, owned.
    ///
    /// ```no_run
    /// # fn f(page: dynamap::reads::Page<String>) { let items: Vec<String> = page.into_items(); }
    /// ```
    pub fn into_items(self) -> Vec<T> {
        self.items
    }

    /// How many items the page holds (a page can be empty when a filter removed them all).
    ///
    /// ```no_run
    /// # fn f(page: dynamap::reads::Page<String>) { println!("{}", page.len()); }
    /// ```
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether the page holds no items.
    ///
    /// ```no_run
    /// # fn f(page: dynamap::reads::Page<String>) { if page.is_empty() { println!("filtered out"); } }
    /// ```
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The token to resume after this page; `None` on the last page.
    ///
    /// ```no_run
    /// # fn f(page: dynamap::reads::Page<String>) {
    /// let next: Option<String> = page.next_token().map(|t| t.to_string());
    /// # }
    /// ```
    pub fn next_token(&self) -> Option<&PageToken> {
        self.next_token.as_ref()
    }

    /// The segment this page belongs to, in a parallel scan.
    ///
    /// ```no_run
    /// # fn f(page: dynamap::reads::Page<String>) { println!("{:?}", page.segment()); }
    /// ```
    pub fn segment(&self) -> Option<u32> {
        self.segment
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}
