//! Sharded partitions: one logical partition (every open order) spread over `count`
//! physical ones (`OPEN#0` … `OPEN#7`), so that no single partition takes every write.
//! The shard is a template part: computed from the item's own key, so rewriting an
//! item keeps its shard, or drawn at random on every write. A query of a sharded
//! template reads every shard and merges them (`reads::merge`).

use aws_sdk_dynamodb::types::AttributeValue;

use crate::sdk_item::Item;

/// The most shards a template declares (the derive holds to it): a query sends one
/// request per shard, and its page token holds one key per shard.
pub(crate) const MAX_SHARDS: u32 = 32;

/// The shard of the item whose primary key renders to `partition` and `sort`: FNV-1a
/// (64-bit) over both, reduced to `count`. Fixed forever: a stored item's shard must
/// not move when dynamap is upgraded.
pub(crate) fn shard_of(partition: &str, sort: &str, count: u32) -> u32 {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash = OFFSET;
    // 0xff is no byte of UTF-8 text: ("a", "bc") and ("ab", "c") differ.
    for byte in partition.bytes().chain([0xff]).chain(sort.bytes()) {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(PRIME);
    }
    u32::try_from(hash % u64::from(count.max(1))).unwrap_or(0)
}

/// The shard of an item whose primary key is already in `item` (strings, as an
/// entity's keys are); a missing key counts as empty text.
pub fn shard_of_item(item: &Item, partition_key: &str, sort_key: &str, count: u32) -> u32 {
    let text = |name: &str| match item.get(name) {
        Some(AttributeValue::S(text)) => text.as_str(),
        _ => "",
    };
    shard_of(text(partition_key), text(sort_key), count)
}

/// A shard drawn at random.
pub fn random_shard(count: u32) -> u32 {
    fastrand::u32(0..count.max(1))
}

/// Appends `shard` as decimal digits, zero-padded to the width of `count - 1`, so that
/// every shard of a template renders to one width.
pub fn push_shard(out: &mut String, shard: u32, count: u32) {
    let width = count.saturating_sub(1).max(1).ilog10() as usize + 1;
    let digits = shard.to_string();
    for _ in digits.len()..width {
        out.push('0');
    }
    out.push_str(&digits);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_are_stable_spread_and_padded() {
        // Pinned: a stored item's shard never moves.
        assert_eq!(
            shard_of("USER#ada", "ORDER#1", 8),
            shard_of("USER#ada", "ORDER#1", 8)
        );
        assert_eq!(shard_of("", "", 1), 0);
        let pinned: Vec<u32> = (0..6)
            .map(|i| shard_of(&format!("USER#{i}"), "ORDER", 8))
            .collect();
        assert_eq!(pinned, [2, 5, 4, 7, 6, 1]); // FNV-1a 64, checked against another implementation
        assert_ne!(shard_of("a", "bc", 1 << 20), shard_of("ab", "c", 1 << 20));
        let mut seen = [0u32; 8];
        for i in 0..8_000 {
            seen[shard_of(&format!("USER#{i}"), "PROFILE", 8) as usize] += 1;
        }
        assert!(seen.iter().all(|n| (800..1200).contains(n)), "{seen:?}");
        let mut text = String::new();
        push_shard(&mut text, 3, 8);
        push_shard(&mut text, 7, 32);
        push_shard(&mut text, 31, 32);
        assert_eq!(text, "30731");
        assert!((0..100).all(|_| random_shard(4) < 4));
    }
}
