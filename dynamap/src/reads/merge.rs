//! A query of a sharded partition (`pk = "OPEN#{shard:8}"`): one query per shard, sent
//! concurrently, merged into one stream in sort-key order (or reversed). Each shard
//! holds at most one page; a shard fetches its next page only when the merge needs its
//! next item. A page's token holds every shard's position (after the last item the
//! merge took from it, or done), so a read resumed from it goes on in every shard
//! exactly where the merge stopped: nothing read twice, nothing skipped.
//!
//! A stream of items needs no token: its items are decoded as their page arrives, so
//! the merge holds typed values, not every shard's page of raw items at once (holding
//! them cost a fifth more client CPU than a hand-written loop, BENCHMARKS.md).

use std::cmp::Ordering;
use std::collections::VecDeque;
use std::sync::Arc;

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::read::{self, RawPage, ReadRequest};
use crate::error::{Error, Result};
use crate::sdk_item::Item;

/// Where one shard's read stands.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum ShardStart {
    /// Not started: from the shard's first item.
    Fresh,
    /// After this key (the last item taken from the shard, or a page's resume key).
    After(Item),
    /// Every item of the shard taken.
    Done,
}

/// The positions of `count` shards a token's key holds (every shard fresh without
/// one). A shard's key attributes are named `"{shard}:{attribute}"`; a finished shard
/// is `"{shard}!"`.
pub(crate) fn positions(token_key: Option<Item>, count: usize) -> Result<Vec<ShardStart>> {
    let mut out = vec![ShardStart::Fresh; count];
    let Some(key) = token_key else {
        return Ok(out);
    };
    let invalid = |problem: &str| Error::InvalidPageToken {
        problem: problem.to_owned(),
    };
    for (name, value) in key {
        let (shard, attribute) = match name.split_once(':') {
            Some((shard, attribute)) => (shard, Some(attribute)),
            None => (
                name.strip_suffix('!')
                    .ok_or_else(|| invalid("not a token of a sharded query"))?,
                None,
            ),
        };
        let shard: usize = shard
            .parse()
            .map_err(|_| invalid("not a token of a sharded query"))?;
        let slot = out
            .get_mut(shard)
            .ok_or_else(|| invalid("a shard the query does not have"))?;
        match (attribute, &mut *slot) {
            (None, ShardStart::Fresh) => *slot = ShardStart::Done,
            (Some(attribute), ShardStart::Fresh) => {
                *slot = ShardStart::After(Item::from([(attribute.to_owned(), value)]));
            }
            (Some(attribute), ShardStart::After(key)) => {
                key.insert(attribute.to_owned(), value);
            }
            _ => return Err(invalid("a shard both done and not")),
        }
    }
    Ok(out)
}

/// The token key of `positions`; `None` when every shard is done.
fn token_key(positions: &[ShardStart]) -> Option<Item> {
    if positions.iter().all(|p| *p == ShardStart::Done) {
        return None;
    }
    let mut key = Item::new();
    for (shard, position) in positions.iter().enumerate() {
        match position {
            ShardStart::Fresh => {}
            ShardStart::Done => {
                key.insert(format!("{shard}!"), AttributeValue::N("1".to_owned()));
            }
            ShardStart::After(after) => {
                for (name, value) in after {
                    key.insert(format!("{shard}:{name}"), value.clone());
                }
            }
        }
    }
    Some(key)
}

/// One shard's read: its pages, the page being taken from, and its position.
struct Shard<V> {
    pages: Option<BoxStream<'static, Result<RawPage>>>,
    buffer: VecDeque<Pending<V>>,
    /// Whether the page in `buffer` was the shard's last.
    last_page: bool,
    position: ShardStart,
}

impl<V> Shard<V> {
    /// Whether the merge must fetch this shard's next page before choosing.
    fn needs_page(&self) -> bool {
        self.buffer.is_empty() && self.pages.is_some()
    }

    /// Takes the page: its items to merge (each made a `V` as it arrives), its resume
    /// key as the position when it holds none (a filter removed them all), its end as
    /// the shard's.
    fn receive(&mut self, page: Option<RawPage>, sort_key: Option<&str>, arrive: fn(Item) -> V) {
        let Some(page) = page else {
            self.pages = None;
            self.position = ShardStart::Done;
            return;
        };
        self.last_page = page.last_key.is_none();
        if self.last_page {
            self.pages = None;
        }
        if page.items.is_empty() {
            self.position = match page.last_key {
                Some(key) => ShardStart::After(key),
                None => ShardStart::Done,
            };
        }
        self.buffer = page
            .items
            .into_iter()
            .map(|item| Pending::new(item, sort_key, arrive))
            .collect();
    }

    /// The sort key of the item at the head of the buffer.
    fn head(&self) -> Option<&AttributeValue> {
        self.buffer.front()?.sort.as_ref()
    }
}

/// An item waiting in a shard's buffer, beside its sort key: the merge compares heads
/// at every item it takes, without a lookup in the item.
struct Pending<V> {
    sort: Option<AttributeValue>,
    value: V,
}

impl<V> Pending<V> {
    fn new(item: Item, sort_key: Option<&str>, arrive: fn(Item) -> V) -> Pending<V> {
        let sort = sort_key.and_then(|name| item.get(name)).cloned();
        Pending {
            sort,
            value: arrive(item),
        }
    }
}

/// What a merged read needs beside its shards.
pub(crate) struct Merge {
    /// The sort key the shards are ordered by (`None`: shard after shard).
    pub sort_key: Option<String>,
    pub reverse: bool,
    /// Items per merged page (also each shard's request `Limit`).
    pub page_size: Option<usize>,
    pub limit: Option<usize>,
    /// The key attributes of an item: a shard's position after it.
    pub key_names: Vec<String>,
}

struct State<V> {
    shards: Vec<Shard<V>>,
    merge: Arc<Merge>,
    /// What an item becomes as its page arrives.
    arrive: fn(Item) -> V,
    /// The stored item behind a value, whose key is a shard's position after it; `None`
    /// when no token is made (a stream of items), and positions are not kept.
    stored: fn(&V) -> Option<&Item>,
    remaining: Option<usize>,
    emitted_a_page: bool,
}

/// One merged page: its values in order, and the token key of the position after it.
struct MergedPage<V> {
    items: Vec<V>,
    last_key: Option<Item>,
}

impl<V: Send> State<V> {
    /// Fetches, concurrently, the next page of every shard that has none waiting.
    async fn fill(&mut self) -> Result<()> {
        let sort_key = self.merge.sort_key.as_deref();
        let arrive = self.arrive;
        while self.shards.iter().any(Shard::needs_page) {
            let waiting = self.shards.iter_mut().filter(|s| s.needs_page());
            let fetched = futures::future::join_all(waiting.map(|shard| async move {
                let page = match &mut shard.pages {
                    Some(pages) => pages.next().await.transpose()?,
                    None => None,
                };
                shard.receive(page, sort_key, arrive);
                Ok::<(), Error>(())
            }))
            .await;
            fetched.into_iter().collect::<Result<()>>()?;
        }
        Ok(())
    }

    /// The shard whose next item comes first in the merged order.
    fn next_shard(&self) -> Option<usize> {
        let heads = self
            .shards
            .iter()
            .enumerate()
            .filter(|(_, s)| !s.buffer.is_empty())
            .map(|(i, s)| (i, s.head()));
        let order = |a: &(usize, Option<&AttributeValue>), b: &(usize, Option<&AttributeValue>)| {
            let forward = compare(a.1, b.1).then(a.0.cmp(&b.0));
            if self.merge.reverse {
                forward.reverse()
            } else {
                forward
            }
        };
        heads.min_by(order).map(|(i, _)| i)
    }

    /// Takes the next item of shard `i`. Its position moves past the item when the
    /// page is made (`page`): only the last item taken from each shard makes a key.
    fn take(&mut self, i: usize) -> Option<V> {
        let shard = self.shards.get_mut(i)?;
        let item = shard.buffer.pop_front()?.value;
        if shard.buffer.is_empty() && shard.last_page {
            shard.position = ShardStart::Done;
        }
        Some(item)
    }

    /// The next merged page: items in order until the page is full, the limit is
    /// reached, or (without a page size) a shard needs another request.
    async fn page(&mut self) -> Result<Option<MergedPage<V>>> {
        let cap = match (self.merge.page_size, self.remaining) {
            (Some(size), Some(left)) => size.min(left),
            (size, left) => size.or(left).unwrap_or(usize::MAX),
        };
        let mut items = Vec::new();
        // Where in `items` the last item taken from each shard is.
        let mut last_taken: Vec<Option<usize>> = vec![None; self.shards.len()];
        while items.len() < cap {
            if self.shards.iter().any(Shard::needs_page) {
                if !items.is_empty() && self.merge.page_size.is_none() {
                    break;
                }
                self.fill().await?;
            }
            let Some(i) = self.next_shard() else { break };
            if let (Some(item), Some(slot)) = (self.take(i), last_taken.get_mut(i)) {
                *slot = Some(items.len());
                items.push(item);
            }
        }
        let key_names = &self.merge.key_names;
        let stored = self.stored;
        for (shard, taken) in self.shards.iter_mut().zip(&last_taken) {
            let Some(item) = taken.and_then(|at| items.get(at)).and_then(stored) else {
                continue;
            };
            if shard.position != ShardStart::Done {
                shard.position = ShardStart::After(
                    key_names
                        .iter()
                        .filter_map(|name| item.get(name).map(|v| (name.clone(), v.clone())))
                        .collect(),
                );
            }
        }
        if let Some(left) = &mut self.remaining {
            *left = left.saturating_sub(items.len());
        }
        let positions: Vec<ShardStart> = self.shards.iter().map(|s| s.position.clone()).collect();
        let last_key = token_key(&positions);
        if items.is_empty() && self.emitted_a_page {
            return Ok(None);
        }
        self.emitted_a_page = true;
        Ok(Some(MergedPage { items, last_key }))
    }

    fn finished(&self) -> bool {
        self.remaining == Some(0) || self.shards.iter().all(|s| s.position == ShardStart::Done)
    }
}

/// Orders two sort-key values as DynamoDB does: strings and binaries by their bytes,
/// numbers by value; a missing one first.
fn compare(a: Option<&AttributeValue>, b: Option<&AttributeValue>) -> Ordering {
    match (a, b) {
        (Some(AttributeValue::S(a)), Some(AttributeValue::S(b))) => a.as_bytes().cmp(b.as_bytes()),
        (Some(AttributeValue::B(a)), Some(AttributeValue::B(b))) => a.as_ref().cmp(b.as_ref()),
        (Some(AttributeValue::N(a)), Some(AttributeValue::N(b))) => {
            let (a, b) = (a.parse::<f64>(), b.parse::<f64>());
            match (a, b) {
                (Ok(a), Ok(b)) => a.total_cmp(&b),
                _ => Ordering::Equal,
            }
        }
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        _ => Ordering::Equal,
    }
}

/// The merged pages of one query per shard (`requests`, in shard order), each started
/// at its position, with the token key of each page.
pub(crate) fn merged_pages(
    client: Client,
    requests: Vec<ReadRequest>,
    starts: Vec<ShardStart>,
    merge: Merge,
) -> BoxStream<'static, Result<RawPage>> {
    merged(
        client,
        requests,
        starts,
        merge,
        |item| item,
        |item| Some(item),
    )
    .map_ok(|page| RawPage {
        count: page.items.len() as u64,
        items: page.items,
        last_key: page.last_key,
        segment: None,
    })
    .boxed()
}

/// The merged items of one query per shard, decoded by `decode` as each page arrives:
/// no token is made, so no position is kept.
pub(crate) fn merged_items<Out: Send + 'static>(
    client: Client,
    requests: Vec<ReadRequest>,
    starts: Vec<ShardStart>,
    merge: Merge,
    decode: fn(Item) -> Result<Out>,
) -> BoxStream<'static, Result<Out>> {
    merged(client, requests, starts, merge, decode, |_| None)
        .map_ok(|page| stream::iter(page.items))
        .try_flatten()
        .boxed()
}

fn merged<V: Send + 'static>(
    client: Client,
    requests: Vec<ReadRequest>,
    starts: Vec<ShardStart>,
    merge: Merge,
    arrive: fn(Item) -> V,
    stored: fn(&V) -> Option<&Item>,
) -> BoxStream<'static, Result<MergedPage<V>>> {
    let shards = requests
        .into_iter()
        .zip(starts)
        .map(|(request, start)| {
            let pages = match &start {
                ShardStart::Done => None,
                ShardStart::Fresh => {
                    Some(read::pages(client.clone(), Arc::new(request), None).boxed())
                }
                ShardStart::After(key) => {
                    Some(read::pages(client.clone(), Arc::new(request), Some(key.clone())).boxed())
                }
            };
            Shard {
                pages,
                buffer: VecDeque::new(),
                last_page: false,
                position: start,
            }
        })
        .collect();
    let state = State {
        shards,
        remaining: merge.limit,
        merge: Arc::new(merge),
        arrive,
        stored,
        emitted_a_page: false,
    };
    stream::try_unfold((state, false), |(mut state, ended)| async move {
        if ended {
            return Ok(None);
        }
        let page = state.page().await?;
        let ended = state.finished();
        Ok(page.map(|page| (page, (state, ended))))
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> AttributeValue {
        AttributeValue::S(text.to_owned())
    }

    #[test]
    fn positions_round_trip_through_a_token_key() {
        let after = Item::from([("pk".to_owned(), s("a")), ("gsi1sk".to_owned(), s("b"))]);
        let positions = vec![
            ShardStart::Fresh,
            ShardStart::After(after),
            ShardStart::Done,
        ];
        let key = token_key(&positions).unwrap();
        assert_eq!(super::positions(Some(key), 3).unwrap(), positions);
        assert_eq!(token_key(&[ShardStart::Done, ShardStart::Done]), None);
        assert_eq!(
            super::positions(None, 2).unwrap(),
            vec![ShardStart::Fresh; 2]
        );
    }

    #[test]
    fn a_token_of_another_read_is_refused() {
        let plain = Item::from([("pk".to_owned(), s("a"))]);
        assert!(positions(Some(plain), 2).is_err());
        let beyond = Item::from([("5:pk".to_owned(), s("a"))]);
        assert!(positions(Some(beyond), 2).is_err());
        let both = Item::from([
            ("1!".to_owned(), AttributeValue::N("1".to_owned())),
            ("1:pk".to_owned(), s("a")),
        ]);
        assert!(positions(Some(both), 2).is_err());
    }

    mod arbitrary {
        use proptest::prelude::*;

        use super::*;

        /// A token key's attribute names: shard positions, finished shards, shards
        /// beyond any query's, and names of no sharded token at all.
        fn name() -> impl Strategy<Value = String> {
            prop_oneof![
                (0usize..40, "[a-z_]{1,6}").prop_map(|(n, a)| format!("{n}:{a}")),
                (0usize..40).prop_map(|n| format!("{n}!")),
                "[0-9]{15,25}[:!][a-z]{0,3}",
                "[ -~]{0,12}",
            ]
        }

        fn value() -> impl Strategy<Value = AttributeValue> {
            prop_oneof![
                "[ -~]{0,8}".prop_map(AttributeValue::S),
                "-?[0-9]{1,5}".prop_map(AttributeValue::N),
                any::<bool>().prop_map(AttributeValue::Bool),
            ]
        }

        proptest! {
            /// A sealed token only dynamap made opens, but its key is decoded as
            /// untrusted anyway: any key gives positions or `InvalidPageToken`, never a
            /// panic, and positions given make a key that gives them back.
            #[test]
            fn any_token_key_gives_positions_or_a_refusal(
                key in proptest::collection::hash_map(name(), value(), 0..12),
                count in 1usize..=32,
            ) {
                match positions(Some(key.into_iter().collect()), count) {
                    Ok(found) => {
                        prop_assert_eq!(found.len(), count);
                        if let Some(again) = token_key(&found) {
                            prop_assert_eq!(positions(Some(again), count).unwrap(), found);
                        }
                    }
                    Err(e) => prop_assert!(matches!(e, Error::InvalidPageToken { .. }), "{e:?}"),
                }
            }

            /// Sort keys of any stored form compare without a panic, as a total order
            /// on each type.
            #[test]
            fn any_sort_keys_compare(a in value(), b in value()) {
                let forward = compare(Some(&a), Some(&b));
                prop_assert_eq!(forward.reverse(), compare(Some(&b), Some(&a)));
            }
        }
    }

    #[test]
    fn sort_keys_compare_as_dynamodb_orders_them() {
        assert_eq!(compare(Some(&s("a")), Some(&s("b"))), Ordering::Less);
        // By bytes: a code point above U+FFFF sorts after U+FFFD in UTF-8 too.
        assert_eq!(
            compare(Some(&s("\u{fffd}")), Some(&s("\u{10000}"))),
            Ordering::Less
        );
        let n = |v: &str| AttributeValue::N(v.to_owned());
        assert_eq!(compare(Some(&n("9")), Some(&n("10"))), Ordering::Less);
        assert_eq!(compare(None, Some(&s("a"))), Ordering::Less);
        assert_eq!(compare(Some(&s("a")), None), Ordering::Greater);
        // Binary by its bytes, as unsigned: 0x7f before 0x80.
        let b = |bytes: &[u8]| AttributeValue::B(aws_sdk_dynamodb::primitives::Blob::new(bytes));
        assert_eq!(
            compare(Some(&b(&[0x7f])), Some(&b(&[0x80]))),
            Ordering::Less
        );
        assert_eq!(
            compare(Some(&b(&[1, 2])), Some(&b(&[1]))),
            Ordering::Greater
        );
    }
}
