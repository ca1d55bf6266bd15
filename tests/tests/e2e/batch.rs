//! insert_many, get_many, remove_many: exact counts, last write wins, and nothing lost
//! when DynamoDB leaves items unprocessed or throttles.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use dynamap::prelude::*;
use dynamap::Error;
use dynamap_tests::faults::{faulty_client, Faults};
use dynamap_tests::new_mapping;
use futures::TryStreamExt;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Reading {
    #[dynamo(partition_key)]
    sensor: String,
    #[dynamo(sort_key)]
    seq: u32,
    value: f64,
    note: Option<String>,
}

fn readings(n: u32) -> Vec<Reading> {
    (0..n)
        .map(|i| Reading {
            sensor: format!("s{}", i % 97),
            seq: i,
            value: f64::from(i) / 4.0,
            note: (i % 3 == 0).then(|| format!("note {i}")),
        })
        .collect()
}

/// A full batch goes out while its stream is still open: a stream that pauses (a
/// queue, a change feed) does not hold its writes back until it ends.
#[tokio::test]
async fn a_full_batch_of_a_paused_stream_is_written_before_the_stream_ends() {
    let table = new_mapping::<Reading>("stream-paused").await;
    let (sender, receiver) = futures::channel::mpsc::unbounded();
    let table_ref = &table;
    let watcher = async move {
        for reading in readings(25) {
            sender.unbounded_send(reading).unwrap();
        }
        let last = (readings(25)[24].sensor.clone(), 24);
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
        let mut seen = false;
        while !seen && std::time::Instant::now() < deadline {
            seen = table_ref.contains_key(&last).await.unwrap();
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
        drop(sender); // the stream ends only now
        seen
    };
    let (report, seen) = tokio::join!(table.insert_stream(receiver), watcher);
    assert!(
        seen,
        "the full batch was not written while the stream was open"
    );
    assert_eq!(report.unwrap().written, 25);
    table.delete_table().await.unwrap();
}

#[tokio::test]
async fn ten_thousand_items_in_and_out() {
    let table = new_mapping::<Reading>("bulk").await;
    let all = readings(10_000);
    let batches_seen = Arc::new(AtomicU64::new(0));
    let seen = batches_seen.clone();
    // By reference: the items stay the caller's.
    let report = table
        .insert_many(&all)
        .on_progress(move |p| {
            seen.store(p.batches, Ordering::Relaxed);
        })
        .await
        .unwrap();
    assert_eq!(report.written, 10_000);
    assert_eq!(report.batches, 400);
    assert_eq!(batches_seen.load(Ordering::Relaxed), 400);
    assert_eq!(table.count().await.unwrap(), 10_000);

    // Every item reads back equal.
    let keys: Vec<(String, u32)> = all.iter().map(|r| r.key()).collect();
    let back = table.get_many(keys.clone()).await.unwrap();
    assert_eq!(back, all, "in request order, all equal");

    // 2,500 keys of which 100 are missing: exactly the 2,400 present, in request order.
    let mut asked: Vec<(String, u32)> = keys.iter().step_by(4).take(2_400).cloned().collect();
    for i in 0..100 {
        asked.insert(i * 20, (format!("missing-{i}"), i as u32));
    }
    assert_eq!(asked.len(), 2_500);
    let found = table.get_many(asked.clone()).await.unwrap();
    assert_eq!(found.len(), 2_400);
    let expected: Vec<(String, u32)> = asked
        .iter()
        .filter(|k| !k.0.starts_with("missing"))
        .cloned()
        .collect();
    assert_eq!(found.iter().map(|r| r.key()).collect::<Vec<_>>(), expected);

    // Keyed: every key asked, in request order, each with its item or None, so the
    // caller knows exactly which 100 were unknown.
    let keyed = table.get_many(asked.clone()).keyed().await.unwrap();
    assert_eq!(keyed.len(), 2_500);
    for ((key, reading), asked_key) in keyed.iter().zip(&asked) {
        assert_eq!(key, asked_key);
        match reading {
            Some(r) => assert_eq!(&r.key(), key),
            None => assert!(key.0.starts_with("missing"), "{key:?} was stored"),
        }
    }
    assert_eq!(keyed.iter().filter(|(_, r)| r.is_none()).count(), 100);

    let removed = table.remove_many(keys).await.unwrap();
    assert_eq!(removed.written, 10_000);
    assert_eq!(table.count().await.unwrap(), 0);
}

#[tokio::test]
async fn the_last_write_of_a_key_wins() {
    let table = new_mapping::<Reading>("dupes").await;
    let mut items = readings(60);
    // Repeat keys within one batch and across batches.
    for i in 0..60u32 {
        let mut again = items[i as usize].clone();
        again.value = 1000.0 + f64::from(i);
        items.push(again);
    }
    let report = table.insert_many(items).concurrency(4).await.unwrap();
    assert_eq!(report.written + report.superseded, 120);
    assert_eq!(table.count().await.unwrap(), 60);

    // Repeats inside one batch: the later write replaces the earlier before sending.
    let twice: Vec<Reading> = readings(50)
        .into_iter()
        .flat_map(|r| {
            let mut again = r.clone();
            again.value = 2000.0 + f64::from(r.seq);
            [r, again]
        })
        .collect();
    let report = table.insert_many(twice).concurrency(1).await.unwrap();
    // A batch is sent when it holds 25 keys, so the repeat of its 25th key starts the
    // next one: keys 24 and 48 are written twice, the other 48 repeats replaced.
    assert_eq!((report.written, report.superseded), (52, 48));
    for r in readings(50) {
        let stored = table
            .get(&(r.sensor.clone(), r.seq))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            stored.value,
            2000.0 + f64::from(r.seq),
            "the later write won"
        );
    }
    let stored: Vec<Reading> = table.values().try_collect().await.unwrap();
    assert!(
        stored.iter().all(|r| r.value >= 1000.0),
        "every key holds its last write"
    );

    let streamed = futures::stream::iter(readings(30));
    assert_eq!(table.insert_stream(streamed).await.unwrap().written, 30);
    let found = table
        .get_many(vec![("s1".to_string(), 1), ("s1".to_string(), 1)])
        .await
        .unwrap();
    assert_eq!(found.len(), 1, "a key asked twice is read once");
    let keyed = table
        .get_many(vec![("s1".to_string(), 1), ("s1".to_string(), 1)])
        .keyed()
        .await
        .unwrap();
    assert_eq!(keyed.len(), 1, "a key asked twice is answered once");

    // Repeats a batch apart (keys 0-29 again after 120 others): each key once, in the
    // order first given; `s1`/11 shares its text with `s11`/11 but is another key.
    let mut asked: Vec<(String, u32)> = (0..150).map(|i| (format!("s{i}"), i)).collect();
    asked.extend((0..30).map(|i| (format!("s{i}"), i)));
    asked.push(("s1".to_string(), 11));
    let keyed = table.get_many(asked.clone()).keyed().await.unwrap();
    let answered: Vec<(String, u32)> = keyed.iter().map(|(key, _)| key.clone()).collect();
    let mut distinct = asked[..150].to_vec();
    distinct.push(("s1".to_string(), 11));
    assert_eq!(
        answered, distinct,
        "every distinct key once, first order kept"
    );
    let found: Vec<u32> = keyed
        .iter()
        .filter_map(|(_, r)| r.as_ref())
        .map(|r| r.seq)
        .collect();
    assert_eq!(
        found,
        (0..60).collect::<Vec<_>>(),
        "the table holds s0/0 to s59/59"
    );
}

#[tokio::test]
async fn get_many_streams_in_key_order_taking_keys_only_as_batches_go_out() {
    let table = new_mapping::<Reading>("get-stream").await;
    let all = readings(1_000);
    table.insert_many(all.clone()).await.unwrap();

    // 1,000 stored keys with 50 unknown ones among them, and a key repeated at once.
    let mut asked: Vec<(String, u32)> = all.iter().map(|r| r.key()).collect();
    for i in 0..50u32 {
        asked.insert(i as usize * 20, (format!("missing-{i}"), i));
    }
    asked.insert(1, asked[0].clone());
    let streamed: Vec<Reading> = table
        .get_many(asked.clone())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, all, "every stored item once, in key order");
    assert_eq!(
        streamed,
        table.get_many(asked.clone()).await.unwrap(),
        "as send returns"
    );

    // Progress counts the same whether streamed or awaited whole: 1,050 distinct keys
    // in 11 batches, 1,000 found, nothing resent.
    let mut last = Vec::new();
    for streamed in [true, false] {
        let progress = Arc::new(std::sync::Mutex::new(
            dynamap::batches::BatchProgress::default(),
        ));
        let into = progress.clone();
        let many = table
            .get_many(&asked)
            .on_progress(move |p| *into.lock().unwrap() = p);
        if streamed {
            let _: Vec<Reading> = many.stream().try_collect().await.unwrap();
        } else {
            many.await.unwrap();
        }
        last.push(*progress.lock().unwrap());
    }
    let expected = dynamap::batches::BatchProgress {
        done: 1_000,
        batches: 11,
        retries: 0,
    };
    assert_eq!(last, [expected, expected]);

    let keyed: Vec<((String, u32), Option<Reading>)> = table
        .get_many(asked.clone())
        .keyed()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        keyed.len(),
        asked.len() - 1,
        "the repeat within a batch is answered once"
    );
    assert_eq!(keyed.iter().filter(|(_, r)| r.is_none()).count(), 50);
    for (key, reading) in &keyed {
        match reading {
            Some(r) => assert_eq!(&r.key(), key),
            None => assert!(key.0.starts_with("missing")),
        }
    }

    // Keys are taken as batches go out: after the first item, at most the first batch
    // and the one read ahead (concurrency 1) have been taken from the iterator.
    let taken = Arc::new(AtomicU64::new(0));
    let counter = taken.clone();
    let keys = asked.clone().into_iter().inspect(move |_| {
        counter.fetch_add(1, Ordering::SeqCst);
    });
    let mut lazy = table.get_many(keys).concurrency(1).stream();
    assert!(lazy.try_next().await.unwrap().is_some());
    let after_first = taken.load(Ordering::SeqCst);
    assert!(
        (100..=201).contains(&after_first),
        "{after_first} keys taken"
    );
    drop(lazy);
}

#[tokio::test]
async fn a_streamed_get_many_resends_unprocessed_keys_until_all_are_read() {
    let table = new_mapping::<Reading>("get-stream-faults").await;
    let all = readings(1_500);
    table.insert_many(all.clone()).await.unwrap();
    let faults = Faults::new(0.30, 0.05);
    let faulty = TypedMapping::<Reading>::new(
        faulty_client(table.client(), faults.clone()),
        table.table_name(),
    );
    let retries = Arc::new(AtomicU64::new(0));
    let seen = retries.clone();
    let keys: Vec<(String, u32)> = all.iter().map(|r| r.key()).collect();
    let streamed: Vec<Reading> = faulty
        .get_many(keys.clone())
        .max_attempts(30)
        .on_progress(move |p| seen.store(p.retries, Ordering::SeqCst))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, all);
    assert!(retries.load(Ordering::SeqCst) > 0, "some keys were resent");

    // Out of attempts: the stream ends with the batch's unread keys, not a short read.
    let result: Result<Vec<Reading>, Error> = faulty
        .get_many(keys)
        .max_attempts(1)
        .stream()
        .try_collect()
        .await;
    match result {
        Err(Error::BatchIncomplete { remaining, .. }) => assert!(!remaining.is_empty()),
        other => panic!("expected BatchIncomplete, got {:?}", other.map(|v| v.len())),
    }
}

/// Keys lent by reference are read (and deleted) like owned ones, through resends and
/// lost answers (a lost request is made again from the borrowed key), and `keyed`
/// hands back the very references it was given.
#[tokio::test]
async fn borrowed_keys_are_read_resent_and_handed_back_as_given() {
    let table = new_mapping::<Reading>("get-borrowed").await;
    let all = readings(700);
    table.insert_many(&all).await.unwrap();
    let faults = Faults::new(0.30, 0.05);
    let faulty = TypedMapping::<Reading>::new(
        faulty_client(table.client(), faults.clone()),
        table.table_name(),
    );
    let mut keys: Vec<(String, u32)> = all.iter().map(|r| r.key()).collect();
    keys.push(("missing".to_string(), 0));
    keys.push(keys[3].clone()); // a repeat, read once

    let retries = Arc::new(AtomicU64::new(0));
    let seen = retries.clone();
    let found = faulty
        .get_many(&keys)
        .max_attempts(30)
        .on_progress(move |p| seen.store(p.retries, Ordering::SeqCst))
        .await
        .unwrap();
    assert_eq!(found, all, "in request order, the missing key skipped");
    assert!(retries.load(Ordering::SeqCst) > 0, "some keys were resent");

    let keyed = faulty
        .get_many(&keys)
        .max_attempts(30)
        .keyed()
        .await
        .unwrap();
    assert_eq!(keyed.len(), 701, "every distinct key once");
    for ((key, reading), given) in keyed.iter().zip(&keys) {
        assert!(
            std::ptr::eq(*key, given),
            "the caller's own key, not a copy"
        );
        match reading {
            Some(r) => assert_eq!(&r.key(), given),
            None => assert_eq!(given.0, "missing"),
        }
    }

    let streamed: Vec<Reading> = faulty
        .get_many(keys.iter().take(300))
        .max_attempts(30)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(streamed, all[..300]);

    // Every key bounced but the one the proxy lets through per request (a request is
    // never empty), one attempt allowed: the error counts every distinct key taken
    // (all 701, as `send` reads to the end), the 7 found of the 8 let through (the
    // 8th is the missing key, alone in the last batch with the repeat read once), and
    // hands back the 693 others unread.
    let bounced = TypedMapping::<Reading>::new(
        faulty_client(table.client(), Faults::new(1.0, 0.0)),
        table.table_name(),
    );
    match bounced.get_many(&keys).max_attempts(1).await {
        Err(Error::BatchIncomplete {
            completed,
            read,
            remaining,
            ..
        }) => {
            assert_eq!((completed, read, remaining.len()), (7, 701, 693));
        }
        other => panic!("expected BatchIncomplete, got {:?}", other.map(|v| v.len())),
    }

    // Deletes by borrowed key, resent the same way; the caller still has its keys.
    let removed = faulty.remove_many(&keys).max_attempts(30).await.unwrap();
    assert_eq!(removed.written + removed.superseded, 702);
    assert_eq!(table.count().await.unwrap(), 0);
    assert_eq!(keys.len(), 702);
}

#[tokio::test]
async fn with_30_percent_of_writes_bounced_every_item_lands_exactly_once() {
    let table = new_mapping::<Reading>("faults").await;
    let faults = Faults::new(0.30, 0.05);
    let faulty = TypedMapping::<Reading>::new(
        faulty_client(table.client(), faults.clone()),
        table.table_name(),
    );
    let all = readings(3_000);
    let report = faulty
        .insert_many(all.clone())
        .max_attempts(30)
        .await
        .unwrap();
    assert_eq!(report.written, 3_000);
    assert!(report.retries > 0);
    let bounced = faults.bounced.load(Ordering::Relaxed);
    let throttled = faults.throttled.load(Ordering::Relaxed);
    assert!(bounced > 600, "{bounced} items bounced");
    assert!(throttled > 0, "{throttled} requests throttled");

    // Read back through a clean client: each item once, each equal.
    assert_eq!(table.count().await.unwrap(), 3_000);
    let keys: Vec<(String, u32)> = all.iter().map(|r| r.key()).collect();
    assert_eq!(table.get_many(keys.clone()).await.unwrap(), all);
    // And through the faulty one: unprocessed keys are resent until all are read.
    let retries = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let seen = retries.clone();
    assert_eq!(
        faulty
            .get_many(keys.clone())
            .max_attempts(30)
            .on_progress(move |p| seen.store(p.retries, Ordering::SeqCst))
            .await
            .unwrap(),
        all
    );
    assert!(
        retries.load(Ordering::SeqCst) > 0,
        "the resent keys are counted"
    );
    assert_eq!(
        faulty
            .remove_many(keys)
            .max_attempts(30)
            .await
            .unwrap()
            .written,
        3_000
    );
    assert_eq!(table.count().await.unwrap(), 0);
}

#[tokio::test]
async fn when_retries_run_out_the_error_holds_what_was_not_written() {
    let table = new_mapping::<Reading>("give-up").await;
    // Every write but one per request bounced, and two attempts only.
    let faulty = TypedMapping::<Reading>::new(
        faulty_client(table.client(), Faults::new(1.0, 0.0)),
        table.table_name(),
    );
    let all = readings(100);
    match faulty
        .insert_many(all.clone())
        .max_attempts(2)
        .concurrency(1)
        .await
        .unwrap_err()
    {
        Error::BatchIncomplete {
            completed,
            read,
            remaining,
            operation,
            source,
            ..
        } => {
            assert_eq!(operation, "BatchWriteItem");
            assert_eq!(read, 100, "insert_many reads its whole input");
            assert!(
                matches!(*source, Error::RetriesExhausted { attempts: 2, .. }),
                "{source:?}"
            );
            assert_eq!(
                completed,
                table.count().await.unwrap(),
                "the count says exactly what landed"
            );
            assert_eq!(
                completed + remaining.len() as u64,
                100,
                "nothing is lost silently"
            );
            let unwritten: Vec<Reading> = remaining
                .into_iter()
                .map(|i| Reading::from_item(i).unwrap())
                .collect();
            let stored: Vec<Reading> = table.values().try_collect().await.unwrap();
            assert!(unwritten.iter().all(|r| !stored.contains(r)));
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
}

#[tokio::test]
async fn concurrency_bounds_the_batches_in_flight() {
    let table = new_mapping::<Reading>("in-flight").await;
    for limit in [1_usize, 3] {
        let (client, gauge) = dynamap_tests::in_flight_client(table.client());
        let gauged = TypedMapping::<Reading>::new(client, table.table_name());
        let report = gauged
            .insert_many(readings(500))
            .concurrency(limit)
            .await
            .unwrap();
        assert_eq!(report.written, 500);
        assert!(
            gauge.peak() <= limit,
            "{} in flight with concurrency {limit}",
            gauge.peak()
        );
        assert!(gauge.peak() >= 1);
        if limit > 1 {
            assert!(gauge.peak() > 1, "batches were sent one at a time");
        }
    }
}
