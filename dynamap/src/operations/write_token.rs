//! A conditional write's own mark, so that a retry after a lost answer can tell this
//! call's write from another writer's equal one.
//!
//! Equal values prove nothing: two deposits of 10 from 100 both write 110 at version 2,
//! and only one of them landed. So every conditional write that dynamap retries itself
//! (`insert` with a condition or a version, `update_with`) also stores a random token in
//! [`ATTRIBUTE`]; when a retry fails its condition, the item DynamoDB returns is this
//! call's write exactly when it holds this call's token.

use aws_sdk_dynamodb::types::AttributeValue;

use crate::sdk_item::Item;

/// The attribute that holds the token of the last conditional write dynamap retried
/// itself. Undeclared, so typed reads never see it; a whole-item `insert` without a
/// condition drops it.
pub(crate) const ATTRIBUTE: &str = "_wt";

/// One call's token: 128 random bits, as 32 hex digits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct WriteToken(String);

impl WriteToken {
    /// A new token, unique to the call that makes it.
    pub(crate) fn new() -> Self {
        WriteToken(format!("{:032x}", fastrand::u128(..)))
    }

    /// The token as stored.
    pub(crate) fn value(&self) -> AttributeValue {
        AttributeValue::S(self.0.clone())
    }

    /// Whether `stored` (an item DynamoDB returned) carries this token: this call's
    /// write landed.
    pub(crate) fn is_on(&self, stored: &Item) -> bool {
        matches!(stored.get(ATTRIBUTE), Some(AttributeValue::S(s)) if *s == self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_recognised_only_on_an_item_that_carries_it() {
        let ours = WriteToken::new();
        let theirs = WriteToken::new();
        assert_ne!(ours, theirs);
        let mut item = Item::new();
        assert!(!ours.is_on(&item));
        item.insert(ATTRIBUTE.to_owned(), ours.value());
        assert!(ours.is_on(&item));
        assert!(!theirs.is_on(&item));
        item.insert(ATTRIBUTE.to_owned(), AttributeValue::N("1".into()));
        assert!(!ours.is_on(&item));
    }
}
