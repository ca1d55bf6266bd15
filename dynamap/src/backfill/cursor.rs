//! Where a backfill stands: per scan segment, not started, after a key, or done. A
//! string a service stores (a file, an item, a job's state) to resume after a crash or
//! a deadline.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{Error, Result};
use crate::key::token::PageToken;
use crate::sdk_item::Item;

/// Where one segment of the backfill's scan stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Position {
    /// Nothing of it done yet.
    Start,
    /// Every item up to this key (the key of a page's end) is done.
    After(PageToken),
    /// All of it done.
    Done,
}

/// Where a backfill stands, to resume it with
/// [`Backfill::resume_from`](super::Backfill::resume_from): for each segment of its
/// parallel scan, the end of the last page whose items were all done. A page is
/// recorded only once each of its items is rewritten, current or refused, so a resumed
/// backfill skips nothing; what it reads again of an unfinished page is already current
/// and is not rewritten twice. Its text form (`Display`, `FromStr`, serde as a string)
/// is stable across releases of this format.
///
/// ```
/// use dynamap::backfill::BackfillCursor;
/// let cursor: BackfillCursor = "backfill1;start;done".parse()?;
/// assert_eq!(cursor.segments(), 2);
/// assert!(!cursor.is_done());
/// assert_eq!(cursor.to_string(), "backfill1;start;done");
/// # Ok::<(), dynamap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillCursor {
    positions: Vec<Position>,
}

const FORMAT: &str = "backfill1";

impl BackfillCursor {
    pub(super) fn start(segments: u32) -> Self {
        BackfillCursor {
            positions: vec![Position::Start; segments.max(1) as usize],
        }
    }

    pub(super) fn positions(&self) -> &[Position] {
        &self.positions
    }

    /// Records that segment `segment` is done up to `last_key` (its page's end; `None`:
    /// the segment's last page).
    pub(super) fn advance(&mut self, segment: usize, last_key: Option<&Item>) -> Result<()> {
        let position = match last_key {
            None => Position::Done,
            Some(key) => Position::After(PageToken::from_key(key, &scope())?),
        };
        if let Some(slot) = self.positions.get_mut(segment) {
            *slot = position;
        }
        Ok(())
    }

    /// How many segments the scan has (a resumed backfill keeps its count).
    ///
    /// ```
    /// # let cursor: dynamap::backfill::BackfillCursor = "backfill1;start".parse().unwrap();
    /// assert_eq!(cursor.segments(), 1);
    /// ```
    pub fn segments(&self) -> u32 {
        u32::try_from(self.positions.len()).unwrap_or(u32::MAX)
    }

    /// Whether every segment is done: resuming from it does nothing.
    ///
    /// ```
    /// # let cursor: dynamap::backfill::BackfillCursor = "backfill1;done".parse().unwrap();
    /// assert!(cursor.is_done());
    /// ```
    pub fn is_done(&self) -> bool {
        self.positions.iter().all(|p| *p == Position::Done)
    }
}

/// Cursors are not bound to a read the way page tokens are: the scope a token carries
/// is the same for every segment.
fn scope() -> Arc<str> {
    Arc::from("backfill")
}

impl fmt::Display for BackfillCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(FORMAT)?;
        for position in &self.positions {
            match position {
                Position::Start => f.write_str(";start")?,
                Position::Done => f.write_str(";done")?,
                Position::After(token) => write!(f, ";{token}")?,
            }
        }
        Ok(())
    }
}

impl FromStr for BackfillCursor {
    type Err = Error;

    fn from_str(text: &str) -> Result<Self> {
        let invalid = |why: &str| Error::InvalidPageToken {
            problem: format!("a backfill cursor: {why}"),
        };
        let mut parts = text.split(';');
        if parts.next() != Some(FORMAT) {
            return Err(invalid("it does not start with `backfill1`"));
        }
        let mut positions = Vec::new();
        for part in parts {
            positions.push(match part {
                "start" => Position::Start,
                "done" => Position::Done,
                token => {
                    let token: PageToken = token.parse()?;
                    // A token that does not open is refused now, not half-way.
                    token.to_key()?;
                    Position::After(token)
                }
            });
            if positions.len() > super::MAX_SEGMENTS as usize {
                return Err(invalid("more segments than a backfill reads"));
            }
        }
        if positions.is_empty() {
            return Err(invalid("no segment"));
        }
        Ok(BackfillCursor { positions })
    }
}

impl serde::Serialize for BackfillCursor {
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for BackfillCursor {
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_dynamodb::types::AttributeValue;

    #[test]
    fn a_cursor_reads_back_as_written() {
        let mut cursor = BackfillCursor::start(3);
        let key = Item::from([("id".to_owned(), AttributeValue::S("u;1".into()))]);
        cursor.advance(1, Some(&key)).unwrap();
        cursor.advance(2, None).unwrap();
        let text = cursor.to_string();
        let back: BackfillCursor = text.parse().unwrap();
        assert_eq!(back, cursor);
        match &back.positions()[1] {
            Position::After(token) => assert_eq!(token.to_key().unwrap(), key),
            other => panic!("{other:?}"),
        }
        assert!(!back.is_done());
        let json = serde_json::to_string(&back).unwrap();
        assert_eq!(
            serde_json::from_str::<BackfillCursor>(&json).unwrap(),
            cursor
        );
    }

    #[test]
    fn a_cursor_that_is_not_one_is_refused() {
        for text in [
            "",
            "backfill1",
            "backfill2;start",
            "backfill1;start;@@",
            "backfill1;AQ",
        ] {
            assert!(text.parse::<BackfillCursor>().is_err(), "{text}");
        }
    }

    #[test]
    fn a_cursor_counts_its_segments_and_is_done_when_each_is() {
        let parse = |text: &str| text.parse::<BackfillCursor>().unwrap();
        assert_eq!(parse("backfill1;start").segments(), 1);
        assert_eq!(parse("backfill1;start;done;start").segments(), 3);
        assert_eq!(BackfillCursor::start(4).segments(), 4);
        assert_eq!(BackfillCursor::start(0).segments(), 1, "at least one");
        assert!(parse("backfill1;done").is_done());
        assert!(parse("backfill1;done;done").is_done());
        assert!(!parse("backfill1;done;start").is_done());
        assert!(!parse("backfill1;start;done").is_done());
        let mut cursor = BackfillCursor::start(2);
        cursor.advance(0, None).unwrap();
        assert!(!cursor.is_done());
        cursor.advance(1, None).unwrap();
        assert!(cursor.is_done());
    }

    #[test]
    fn a_cursor_of_as_many_segments_as_a_backfill_reads_is_taken_and_one_more_refused() {
        let of = |n: u32| {
            std::iter::once("backfill1")
                .chain(std::iter::repeat_n("done", n as usize))
                .collect::<Vec<_>>()
                .join(";")
        };
        let most = of(super::super::MAX_SEGMENTS)
            .parse::<BackfillCursor>()
            .unwrap();
        assert_eq!(most.segments(), super::super::MAX_SEGMENTS);
        assert!(of(super::super::MAX_SEGMENTS + 1)
            .parse::<BackfillCursor>()
            .is_err());
    }

    proptest::proptest! {
        /// A cursor is text a caller keeps and hands back (a file, an environment
        /// variable): whatever it holds, it reads as a cursor or is refused, never a panic.
        #[test]
        fn any_text_reads_as_a_cursor_or_is_refused(
            parts in proptest::collection::vec(
                proptest::prop_oneof![
                    proptest::strategy::Just("start".to_owned()),
                    proptest::strategy::Just("done".to_owned()),
                    "[A-Za-z0-9_=+/-]{0,40}",
                    ".{0,20}",
                ],
                0..6,
            ),
            head in proptest::prop_oneof![
                proptest::strategy::Just("backfill1".to_owned()),
                ".{0,12}",
            ],
        ) {
            let text = std::iter::once(head).chain(parts).collect::<Vec<_>>().join(";");
            if let Ok(cursor) = text.parse::<BackfillCursor>() {
                // What reads writes back to the same cursor.
                proptest::prop_assert_eq!(cursor.to_string().parse::<BackfillCursor>().ok(), Some(cursor));
            }
        }
    }
}
