//! DynamoDB's multi-attribute index keys (#33 item 10): a global index keyed by up to
//! four attributes per key, each of its own type, declared on a plain type (several
//! fields naming one marker) and on a single-table design (a typed table index whose
//! attributes are entities' fields). Every query against a Rust-side oracle.

use dynamap::prelude::*;
use dynamap::{DynamoTable, Error, Table};
use futures::TryStreamExt;

use dynamap_tests::{client, unique_table_name};

/// A tournament match, indexed by (tournament, region) and sorted by round (a number:
/// round 10 after round 2), bracket, then start time.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Match {
    #[dynamo(partition_key)]
    id: u32,
    #[dynamo(gsi_partition_key(ByBracket))]
    tournament: String,
    #[dynamo(gsi_partition_key(ByBracket))]
    region: String,
    #[dynamo(gsi_sort_key(ByBracket))]
    round: u32,
    #[dynamo(gsi_sort_key(ByBracket))]
    bracket: String,
    #[dynamo(gsi_sort_key(ByBracket))]
    starts: u64,
    /// Sparse: a match is in `ByWinner` once it has a winner.
    #[dynamo(gsi_partition_key(ByWinner))]
    winner: Option<String>,
    #[dynamo(gsi_sort_key(ByWinner))]
    decided: Option<u64>,
}

const ROUNDS: [u32; 4] = [1, 2, 10, 11];
const BRACKETS: [&str; 3] = ["lower", "upper", "upper-final"];

fn match_data() -> Vec<Match> {
    let mut out = Vec::new();
    let mut id = 0;
    for tournament in ["winter", "summer"] {
        for region in ["eu", "na"] {
            for round in ROUNDS {
                for bracket in BRACKETS {
                    for slot in 0..2u64 {
                        id += 1;
                        let won = id % 3 == 0;
                        out.push(Match {
                            id,
                            tournament: tournament.to_owned(),
                            region: region.to_owned(),
                            round,
                            bracket: bracket.to_owned(),
                            starts: 1_000 + u64::from(id * 7 % 50) * 10 + slot,
                            winner: won.then(|| format!("team{}", id % 4)),
                            decided: won.then_some(u64::from(id)),
                        });
                    }
                }
            }
        }
    }
    out
}

/// The oracle: a partition's matches in index order, those `keep` keeps.
fn expected(data: &[Match], keep: impl Fn(&Match) -> bool) -> Vec<u32> {
    let mut kept: Vec<&Match> = data
        .iter()
        .filter(|m| m.tournament == "winter" && m.region == "eu" && keep(m))
        .collect();
    kept.sort_by(|a, b| {
        (a.round, a.bracket.as_bytes(), a.starts).cmp(&(b.round, b.bracket.as_bytes(), b.starts))
    });
    kept.iter().map(|m| m.id).collect()
}

/// Which matches an oracle keeps.
type Keep = Box<dyn Fn(&Match) -> bool>;

async fn ids(query: dynamap::reads::Query<'_, Match>) -> Vec<u32> {
    query.stream().map_ok(|m| m.id).try_collect().await.unwrap()
}

fn winter_eu(matches: &TypedMapping<Match>) -> dynamap::reads::Query<'_, Match> {
    matches.query_index::<ByBracket>(&("winter", "eu"))
}

#[tokio::test]
async fn a_plain_type_s_multi_attribute_index_is_created_and_queried_exactly() {
    let matches = TypedMapping::<Match>::new(client().await, unique_table_name("multi-key"));
    matches.create_table().await.unwrap();
    matches.ensure_table().await.unwrap();
    let data = match_data();
    dynamap_tests::insert_all(&matches, data.clone()).await;
    let f = Match::fields();

    // The whole partition, in key order: rounds numerically, then bracket, then start.
    let all = expected(&data, |_| true);
    assert_eq!(all.len(), 24);
    assert_eq!(ids(winter_eu(&matches)).await, all);
    let mut reversed = all.clone();
    reversed.reverse();
    assert_eq!(ids(winter_eu(&matches).reverse(true)).await, reversed);
    assert_eq!(ids(winter_eu(&matches).limit(5)).await, all[..5]);

    // Leading equalities, then one condition, on attributes of their own types.
    let cases: Vec<(&str, dynamap::Condition<Match>, Keep)> = vec![
        ("round = 10", f.round.eq(10), Box::new(|m| m.round == 10)),
        ("round > 2", f.round.gt(2), Box::new(|m| m.round > 2)),
        (
            "round between 2 and 10",
            f.round.between(2, 10),
            Box::new(|m| (2..=10).contains(&m.round)),
        ),
        (
            "round = 2, bracket = upper",
            f.round.eq(2) & f.bracket.eq("upper"),
            Box::new(|m| m.round == 2 && m.bracket == "upper"),
        ),
        (
            "round = 11, bracket begins with upper",
            f.bracket.begins_with("upper") & f.round.eq(11),
            Box::new(|m| m.round == 11 && m.bracket.starts_with("upper")),
        ),
        (
            "round = 1, bracket < upper",
            f.round.eq(1) & f.bracket.lt("upper"),
            Box::new(|m| m.round == 1 && m.bracket.as_str() < "upper"),
        ),
        (
            "round = 10, bracket = lower, starts >= 1200",
            f.round.eq(10) & f.bracket.eq("lower") & f.starts.ge(1_200),
            Box::new(|m| m.round == 10 && m.bracket == "lower" && m.starts >= 1_200),
        ),
    ];
    for (what, condition, keep) in cases {
        let want = expected(&data, keep);
        assert!(!want.is_empty(), "{what}: the oracle keeps something");
        let query = winter_eu(&matches).sort_key(condition.clone());
        assert_eq!(ids(query).await, want, "{what}");
        let query = winter_eu(&matches).sort_key(condition.clone());
        assert_eq!(
            query.count().await.unwrap(),
            want.len() as u64,
            "{what}: count"
        );
        let reversed: Vec<u32> = want.iter().rev().copied().collect();
        let query = winter_eu(&matches).sort_key(condition).reverse(true);
        assert_eq!(ids(query).await, reversed, "{what}: reversed");
    }

    // Pages resume from their tokens across the multi-attribute key.
    let (paged, pages) = dynamap_tests::all_pages(|| winter_eu(&matches).page_size(5)).await;
    let paged: Vec<u32> = paged.iter().map(|m| m.id).collect();
    assert_eq!(paged, all);
    assert!(pages >= 5, "24 items in pages of 5: {pages} pages");
}

#[tokio::test]
async fn a_multi_attribute_index_refuses_what_is_not_one_key_range_before_sending() {
    let matches = TypedMapping::<Match>::new(client().await, unique_table_name("multi-refuse"));
    matches.create_table().await.unwrap();
    let f = Match::fields();
    let refusals = [
        (
            "a skipped attribute",
            f.bracket.eq("upper"),
            "needs one on `round`",
        ),
        (
            "a range before a condition",
            f.round.gt(1) & f.bracket.eq("upper"),
            "only the last attribute narrowed may be a range",
        ),
        (
            "two conditions on one attribute",
            f.round.gt(1) & f.round.lt(10),
            "two conditions on sort key attribute `round`",
        ),
        ("a not-equal", f.round.ne(1), "use .filter"),
    ];
    for (what, condition, says) in refusals {
        let err = winter_eu(&matches)
            .sort_key(condition)
            .stream()
            .try_collect::<Vec<_>>()
            .await
            .unwrap_err();
        match err {
            Error::InvalidRequest { problem, .. } => {
                assert!(problem.contains(says), "{what}: {problem}");
            }
            other => panic!("{what}: expected a refusal, got {other:?}"),
        }
    }
    // The string form takes the partition as a tuple, checked against the key's types.
    let err = matches
        .query_index_named::<(String, u32)>("by_bracket", &("winter".to_owned(), 3))
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Key(ref m) if m.contains("region")),
        "{err:?}"
    );
    let err = matches
        .query_index_named::<String>("by_bracket", "winter")
        .stream()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidRequest { ref problem, .. } if problem.contains("tournament, region")),
        "{err:?}"
    );
}

async fn won(matches: &TypedMapping<Match>) -> Vec<u32> {
    let query = matches.query_index::<ByWinner>("team1");
    query.stream().map_ok(|m| m.id).try_collect().await.unwrap()
}

#[tokio::test]
async fn an_optional_attribute_makes_a_multi_attribute_index_sparse_and_modify_moves_items_in() {
    let matches = TypedMapping::<Match>::new(client().await, unique_table_name("multi-sparse"));
    matches.create_table().await.unwrap();
    let mut data = match_data();
    dynamap_tests::insert_all(&matches, data.clone()).await;
    let won_by = |data: &[Match], team: &str| {
        let mut won: Vec<(u64, u32)> = data
            .iter()
            .filter(|m| m.winner.as_deref() == Some(team))
            .map(|m| (m.decided.unwrap(), m.id))
            .collect();
        won.sort();
        won.into_iter().map(|(_, id)| id).collect::<Vec<u32>>()
    };
    assert_eq!(won(&matches).await, won_by(&data, "team1"));

    // A match without a winner is decided: it joins the index.
    let open = data.iter().position(|m| m.winner.is_none()).unwrap();
    let f = Match::fields();
    matches
        .modify(&data[open].id)
        .set(f.winner, Some("team1".to_owned()))
        .set(f.decided, Some(5_000u64))
        .send()
        .await
        .unwrap();
    data[open].winner = Some("team1".to_owned());
    data[open].decided = Some(5_000);
    assert_eq!(won(&matches).await, won_by(&data, "team1"));
    assert_eq!(won(&matches).await.last(), Some(&data[open].id));

    // And leaves it when its winner is removed.
    matches
        .modify(&data[open].id)
        .remove(f.winner)
        .send()
        .await
        .unwrap();
    data[open].winner = None;
    assert_eq!(won(&matches).await, won_by(&data, "team1"));
}

// A single-table design: the table declares the index typed; each entity names the
// fields that are its attributes and stores them as they are.
#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(
        ByLadder,
        partition_key(tenant: String, ladder: String),
        sort_key(score: u64, joined: u64)
    )
)]
struct League;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = League,
    entity = "Player",
    pk = "PLAYER#{id}",
    sk = "PROFILE",
    index(ByLadder, pk(tenant, ladder), sk(score, joined))
)]
struct Player {
    id: u32,
    tenant: String,
    ladder: String,
    score: u64,
    joined: u64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = League,
    entity = "Team",
    pk = "TEAM#{name}",
    sk = "PROFILE",
    index(ByLadder, pk(tenant, division), sk(score, joined))
)]
struct Team {
    name: String,
    tenant: String,
    #[dynamo(rename = "ladder")]
    division: String,
    score: u64,
    joined: u64,
}

#[tokio::test]
async fn entities_share_a_typed_multi_attribute_index_and_each_reads_its_own() {
    let league = Table::<League>::new(client().await, unique_table_name("multi-entity"));
    league.create_table().await.unwrap();
    league.ensure_table().await.unwrap();
    let players = league.entity::<Player>();
    let teams = league.entity::<Team>();
    let mut roster = Vec::new();
    for id in 0..30u32 {
        roster.push(Player {
            id,
            tenant: if id % 2 == 0 { "acme" } else { "globex" }.to_owned(),
            ladder: if id % 3 == 0 { "gold" } else { "silver" }.to_owned(),
            // 9 and 10 and 100: numbers, not text, order the index.
            score: [9, 10, 100, 55][id as usize % 4],
            joined: u64::from(id),
        });
    }
    dynamap_tests::insert_all(&players, roster.clone()).await;
    let squads: Vec<Team> = (0..6)
        .map(|i| Team {
            name: format!("t{i}"),
            tenant: "acme".to_owned(),
            division: "gold".to_owned(),
            score: 10 * i,
            joined: i,
        })
        .collect();
    dynamap_tests::insert_all(&teams, squads.clone()).await;

    let mut want: Vec<&Player> = roster
        .iter()
        .filter(|p| p.tenant == "acme" && p.ladder == "gold")
        .collect();
    want.sort_by_key(|p| (p.score, p.joined));
    let want: Vec<u32> = want.iter().map(|p| p.id).collect();
    let got: Vec<u32> = players
        .query_index::<ByLadder>(&("acme", "gold"))
        .stream()
        .map_ok(|p| p.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(got, want, "players only, by score then joined");

    let f = Player::fields();
    let top: Vec<u64> = players
        .query_index::<ByLadder>(&("acme", "gold"))
        .sort_key(f.score.ge(55))
        .reverse(true)
        .stream()
        .map_ok(|p| p.score)
        .try_collect()
        .await
        .unwrap();
    let mut want_top: Vec<u64> = roster
        .iter()
        .filter(|p| p.tenant == "acme" && p.ladder == "gold" && p.score >= 55)
        .map(|p| p.score)
        .collect();
    want_top.sort();
    want_top.reverse();
    assert_eq!(top, want_top);

    let t = Team::fields();
    let got: Vec<String> = teams
        .query_index::<ByLadder>(&("acme", "gold"))
        .sort_key(t.score.between(10, 30))
        .stream()
        .map_ok(|team| team.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        got,
        ["t1", "t2", "t3"],
        "teams only, a renamed field fills `ladder`"
    );
}

/// `Match`'s table read by a type whose index names the same attributes in another
/// order: another key (the order is the key), which `ensure_table` reports.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct MatchByRegionFirst {
    #[dynamo(partition_key)]
    id: u32,
    #[dynamo(gsi_partition_key = "by_bracket")]
    region: String,
    #[dynamo(gsi_partition_key = "by_bracket")]
    tournament: String,
    #[dynamo(gsi_sort_key = "by_bracket")]
    round: u32,
    #[dynamo(gsi_sort_key = "by_bracket")]
    bracket: String,
    #[dynamo(gsi_sort_key = "by_bracket")]
    starts: u64,
}

#[tokio::test]
async fn ensure_table_tells_a_multi_attribute_key_in_another_order_apart() {
    let client = client().await;
    let name = unique_table_name("multi-order");
    let matches = TypedMapping::<Match>::new(client.clone(), name.clone());
    assert!(matches.ensure_table().await.unwrap().created, "created");
    assert!(
        !matches.ensure_table().await.unwrap().created,
        "matches itself"
    );
    let reordered = TypedMapping::<MatchByRegionFirst>::new(client, name);
    match reordered.ensure_table().await.unwrap_err() {
        Error::SchemaMismatch { details, .. } => assert!(
            details.contains(
                "index `by_bracket`: the table's keys are tournament (S) HASH, region (S) HASH, round (N) RANGE, bracket (S) RANGE, starts (N) RANGE"
            ) && details.contains("declares region (S) HASH, tournament (S) HASH, round (N) RANGE"),
            "{details}"
        ),
        other => panic!("expected SchemaMismatch, got {other:?}"),
    }
}
