//! Items past their time to live, which DynamoDB deletes only some time after they
//! expire (within days, AWS says): what reads that hide them leave out.

use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;

use crate::attr_path::AttrPath;
use crate::expr::{Cmp, Node};
use crate::item::DynamoItem;
use crate::sdk_item::Item;

/// A type with a `#[dynamo(ttl)]` field, whose reads can hide expired items with
/// `.hide_expired(true)` (or by default, with `#[dynamo(hide_expired)]` on the type).
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct Session { #[dynamo(partition_key)] id: String, #[dynamo(ttl)] expires: std::time::SystemTime }
/// fn expiring<T: dynamap::schema::Expiring>() {}
/// expiring::<Session>();
/// ```
#[diagnostic::on_unimplemented(
    message = "`{Self}` has no time to live, so none of its items expire",
    label = "only a type with a `#[dynamo(ttl)]` field hides expired items",
    note = "mark the expiry field `#[dynamo(ttl)]`"
)]
pub trait Expiring: DynamoItem {}

/// Whole epoch seconds at `now`, as DynamoDB compares a TTL attribute with them.
fn epoch_seconds(now: SystemTime) -> u64 {
    now.duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_secs())
}

/// The filter that leaves out `T`'s items expired at `now`: those whose TTL attribute
/// is a number at or before it (DynamoDB expires numbers only; another type, or no
/// attribute, never expires). `None` for a type without a TTL attribute.
pub(crate) fn unexpired<T: DynamoItem>(now: SystemTime) -> Option<Node> {
    let attribute = T::TTL_ATTRIBUTE?;
    let path = AttrPath::top_level_name(attribute);
    let expired = Node::And(vec![
        Node::Type(path.clone(), "N"),
        Node::Compare(
            path,
            Cmp::Le,
            AttributeValue::N(epoch_seconds(now).to_string()),
        ),
    ]);
    Some(Node::Not(Box::new(expired)))
}

/// Whether `item`, one of `T`'s, has expired at `now`, as [`unexpired`] decides it.
pub(crate) fn is_expired<T: DynamoItem>(item: &Item, now: SystemTime) -> bool {
    let Some(AttributeValue::N(text)) = T::TTL_ATTRIBUTE.and_then(|name| item.get(name)) else {
        return false;
    };
    // A number DynamoDB stored is decimal text; compared as a float it is exact enough
    // at a second's resolution, and text that is no number never expires.
    match text.parse::<f64>() {
        Ok(at) => at <= epoch_seconds(now) as f64,
        Err(_) => false,
    }
}

/// `hide_expired`, written once for every read that offers it; `$read` builds the read
/// in the doc example from `sessions`, a `TypedMapping<Session>`.
macro_rules! hide_expired_setter {
    ($read:literal) => {
        /// Leaves out items past their time to live (`on`), or shows them (`false`, the
        /// default unless the type says `#[dynamo(hide_expired)]`). DynamoDB deletes an
        /// expired item only some time after it expires; until then it is read like any
        /// other. An item is expired when its TTL attribute is a number of epoch seconds
        /// at or before the mapping's clock's now (as the read starts); another type of
        /// value never expires, as for DynamoDB. Scans and queries filter on the server
        /// (the expired items are still read and billed).
        ///
        #[doc = concat!(
            "```no_run
",
            "# #[derive(dynamap::DynamoItem)]
",
            "# struct Session { #[dynamo(partition_key)] id: String, #[dynamo(ttl)] expires: std::time::SystemTime }
",
            "# fn f(sessions: dynamap::TypedMapping<Session>) {
",
            "let live = ", $read, ".hide_expired(true);
",
            "# }
```"
        )]
        pub fn hide_expired(mut self, on: bool) -> Self
        where
            T: crate::expiry::Expiring,
        {
            self.hide_expired = on;
            self
        }
    };
}

pub(crate) use hide_expired_setter;

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[derive(crate::DynamoItem)]
    #[allow(dead_code)]
    struct Session {
        #[dynamo(partition_key)]
        id: String,
        #[dynamo(ttl)]
        expires: Option<SystemTime>,
    }

    fn with_ttl(value: AttributeValue) -> Item {
        Item::from([("expires".to_owned(), value)])
    }

    #[test]
    fn an_item_expires_at_its_second_and_only_as_a_number() {
        let now = UNIX_EPOCH + Duration::from_millis(1_000_500);
        let n = |s: &str| with_ttl(AttributeValue::N(s.to_owned()));
        assert!(is_expired::<Session>(&n("999"), now));
        assert!(is_expired::<Session>(&n("1000"), now), "at its second");
        assert!(is_expired::<Session>(&n("999.5"), now));
        assert!(!is_expired::<Session>(&n("1001"), now));
        assert!(!is_expired::<Session>(&n("1e400"), now));
        assert!(is_expired::<Session>(&n("-5"), now));
        assert!(!is_expired::<Session>(&n("soon"), now));
        assert!(!is_expired::<Session>(
            &with_ttl(AttributeValue::S("999".into())),
            now
        ));
        assert!(!is_expired::<Session>(&Item::new(), now));
        assert!(unexpired::<Session>(now).is_some());
    }
}
