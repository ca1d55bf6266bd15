//! What encryption costs per item: the same 10-attribute patient record written and read
//! with five fields encrypted and one signed (`#[dynamo(encrypt)]`, `sign_only`, through
//! the AWS Database Encryption SDK's interceptor with a raw AES keyring) and without,
//! alternating, in one run; encrypted twice: with the SDK's default algorithm suite
//! (HMAC and ECDSA P-384 signatures) and with the HMAC alone. Rows: `insert`, `get`, a
//! query of 25 items. Each row gives throughput and client CPU per item. A fourth side
//! sends the same items (`to_item`) through the SDK's client alone, with the same
//! interceptor: what the SDK costs without dynamap's mapping around it.
//!
//! `cargo run --release -p dynamap-bench --features encryption --bin encryption [-- --quick]`;
//! DynamoDB Local by default (a process of its own: the CPU measured is the client's),
//! `DYNAMAP_SERVER=embedded` for the embedded server (in this process: CPU includes it).

use dynamap::encryption::aws_db_esdk::material_providers::client::Client as MaterialProviders;
use dynamap::encryption::aws_db_esdk::material_providers::types::material_providers_config::MaterialProvidersConfig;
use dynamap::encryption::aws_db_esdk::material_providers::types::{
    AesWrappingAlg, DbeAlgorithmSuiteId,
};
use dynamap::encryption::Encryption;
use dynamap::prelude::*;
use dynamap_bench::measure::{median, timed, Run};
use futures::TryStreamExt;

const ROUNDS: usize = 5;

macro_rules! patient {
    ($name:ident $(, $encrypt:meta, $sign:meta)?) => {
        #[derive(DynamoItem, Debug, Clone, PartialEq)]
        struct $name {
            #[dynamo(partition_key)]
            clinic: String,
            #[dynamo(sort_key)]
            id: String,
            $(#[$encrypt])?
            diagnosis: String,
            $(#[$encrypt])?
            notes: Vec<String>,
            $(#[$encrypt])?
            born: u32,
            $(#[$encrypt])?
            insurer: Option<String>,
            $(#[$encrypt])?
            address: String,
            $(#[$sign])?
            ward: String,
            nickname: String,
            visits: u32,
        }

        impl $name {
            fn new(round: usize, i: usize) -> Self {
                $name {
                    clinic: format!("r{round}"),
                    id: format!("p{i:05}"),
                    diagnosis: "a diagnosis of some sixty characters, as a clinic writes one".into(),
                    notes: vec!["first visit".into(), "second visit, all well".into()],
                    born: 1984,
                    insurer: Some("Acme Health".into()),
                    address: "1 Hidden Lane, Secretville".into(),
                    ward: "B".into(),
                    nickname: "ada".into(),
                    visits: 2,
                }
            }
        }
    };
}

patient!(Plain);
patient!(Encrypted, dynamo(encrypt), dynamo(sign_only));

trait Side {
    async fn insert_all(&self, round: usize, n: usize);
    async fn get_all(&self, round: usize, n: usize);
    async fn query_all(&self, round: usize) -> usize;
}

macro_rules! side {
    ($ty:ident) => {
        impl Side for TypedMapping<$ty> {
            async fn insert_all(&self, round: usize, n: usize) {
                for i in 0..n {
                    self.insert(&$ty::new(round, i)).await.expect("insert");
                }
            }

            async fn get_all(&self, round: usize, n: usize) {
                for i in 0..n {
                    let key = (format!("r{round}"), format!("p{i:05}"));
                    self.get(&key).await.expect("get").expect("stored");
                }
            }

            async fn query_all(&self, round: usize) -> usize {
                let all: Vec<$ty> = self
                    .query(&format!("r{round}"))
                    .page_size(25)
                    .stream()
                    .try_collect()
                    .await
                    .expect("query");
                all.len()
            }
        }
    };
}

side!(Plain);
side!(Encrypted);

/// The SDK alone on the encrypting client: each item converted, then put as it is.
struct Raw {
    client: aws_sdk_dynamodb::Client,
    table: String,
}

impl Raw {
    async fn insert_all(&self, round: usize, n: usize) {
        let items: Vec<dynamap::value::Item> = (0..n)
            .map(|i| Encrypted::new(round, i).to_item().expect("item"))
            .collect();
        for item in items {
            self.client
                .put_item()
                .table_name(&self.table)
                .set_item(Some(item))
                .send()
                .await
                .expect("put");
        }
    }

    async fn get_all(&self, round: usize, n: usize) {
        use aws_sdk_dynamodb::types::AttributeValue;
        for i in 0..n {
            self.client
                .get_item()
                .table_name(&self.table)
                .key("clinic", AttributeValue::S(format!("r{round}")))
                .key("id", AttributeValue::S(format!("p{i:05}")))
                .send()
                .await
                .expect("get")
                .item
                .expect("stored");
        }
    }

    async fn query_all(&self, round: usize) -> usize {
        use aws_sdk_dynamodb::types::AttributeValue;
        let pages = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("clinic = :c")
            .expression_attribute_values(":c", AttributeValue::S(format!("r{round}")))
            .limit(25)
            .into_paginator()
            .send();
        let pages: Vec<_> = pages.try_collect().await.expect("query");
        pages.iter().map(|p| p.items().len()).sum()
    }
}

#[derive(Clone, Copy)]
enum Row {
    Insert,
    Get,
    Query,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let quick = std::env::args().any(|a| a == "--quick");
    let n = if quick { 50 } else { 300 };
    let server = dynamap_bench::server::in_process_or_local()?;
    println!("Server: {}", server.kind());
    let client = server.client().await?;
    let id = std::process::id();
    let plain = TypedMapping::<Plain>::new(client.clone(), format!("bench-plain-{id}"));
    let encrypted_table = format!("bench-encrypted-{id}");
    TypedMapping::<Encrypted>::new(client.clone(), &encrypted_table)
        .create_table()
        .await?;
    plain.create_table().await?;
    let providers = MaterialProviders::from_conf(MaterialProvidersConfig::builder().build()?)?;
    let keyring = providers
        .create_raw_aes_keyring()
        .key_namespace("bench")
        .key_name("aes-256")
        .wrapping_key(vec![9u8; 32])
        .wrapping_alg(AesWrappingAlg::AlgAes256GcmIv12Tag16)
        .send()
        .await?;
    let encrypting = |suite: Option<DbeAlgorithmSuiteId>| {
        let mut builder = Encryption::builder()
            .keyring(keyring.clone())
            .item::<Encrypted>(&encrypted_table);
        if let Some(suite) = suite {
            builder = builder.algorithm_suite(suite);
        }
        let encryption = builder.build().expect("encryption");
        let config = client
            .config()
            .to_builder()
            .interceptor(encryption.interceptor().expect("interceptor"))
            .build();
        TypedMapping::<Encrypted>::new(
            aws_sdk_dynamodb::Client::from_conf(config),
            &encrypted_table,
        )
    };
    let encrypted = encrypting(None);
    let raw = Raw {
        client: encrypted.client().clone(),
        table: encrypted_table.clone(),
    };
    let hmac_only = encrypting(Some(
        DbeAlgorithmSuiteId::AlgAes256GcmHkdfSha512CommitKeySymsigHmacSha384,
    ));
    // Warm both paths.
    plain.insert_all(99, 20).await;
    encrypted.insert_all(99, 20).await;
    let size = |item: &dynamap::value::Item| dynamap::value::item_size(item);
    let stored = |table: &str| {
        client
            .get_item()
            .table_name(table)
            .key(
                "clinic",
                aws_sdk_dynamodb::types::AttributeValue::S("r99".into()),
            )
            .key(
                "id",
                aws_sdk_dynamodb::types::AttributeValue::S("p00000".into()),
            )
            .send()
    };
    let plain_size = size(&stored(plain.table_name()).await?.item.unwrap_or_default());
    let encrypted_size = size(&stored(&encrypted_table).await?.item.unwrap_or_default());
    println!(
        "Stored item: {plain_size} bytes plain, {encrypted_size} bytes encrypted ({:.2}×)",
        encrypted_size as f64 / plain_size as f64
    );

    println!(
        "| operation | side | items/s | client CPU µs/item | CPU vs plain | CPU vs the SDK alone |"
    );
    println!("|---|---|---:|---:|---:|---:|");
    for row in [Row::Insert, Row::Get, Row::Query] {
        let mut runs: [Vec<Run>; 4] = [Vec::new(), Vec::new(), Vec::new(), Vec::new()];
        for round in 0..ROUNDS {
            for offset in 0..4 {
                let which = (round + offset) % 4;
                // Each encrypted side writes rounds of its own (10 + round, 20 + round).
                let own = round + 10 * which;
                let run = timed(|| async {
                    match (row, which) {
                        (Row::Insert, 0) => plain.insert_all(own, n).await,
                        (Row::Insert, 1) => encrypted.insert_all(own, n).await,
                        (Row::Insert, 2) => hmac_only.insert_all(own, n).await,
                        (Row::Insert, _) => raw.insert_all(own, n).await,
                        (Row::Get, 0) => plain.get_all(own, n).await,
                        (Row::Get, 1) => encrypted.get_all(own, n).await,
                        (Row::Get, 2) => hmac_only.get_all(own, n).await,
                        (Row::Get, _) => raw.get_all(own, n).await,
                        (Row::Query, 0) => return plain.query_all(own).await as u64,
                        (Row::Query, 1) => return encrypted.query_all(own).await as u64,
                        (Row::Query, 2) => return hmac_only.query_all(own).await as u64,
                        (Row::Query, _) => return raw.query_all(own).await as u64,
                    }
                    n as u64
                })
                .await;
                runs[which].push(run);
            }
        }
        let [plain_runs, encrypted_runs, hmac_runs, raw_runs] = runs;
        let (p, e, h, r) = (
            median(plain_runs),
            median(encrypted_runs),
            median(hmac_runs),
            median(raw_runs),
        );
        let name = match row {
            Row::Insert => "`insert`",
            Row::Get => "`get`",
            Row::Query => "a query, pages of 25",
        };
        for (label, run) in [
            ("plain", p),
            ("encrypted (default suite: HMAC + ECDSA)", e),
            ("encrypted (HMAC only)", h),
            ("encrypted, the SDK's client alone (default suite)", r),
        ] {
            let ratio = if label == "plain" {
                "baseline".to_owned()
            } else {
                format!("**{}**", run.cpu_ratio(&p))
            };
            println!(
                "| {name} | {label} | {:.0} | {:.1} | {ratio} | {} |",
                run.ops_per_second(),
                run.cpu_us_per_op(),
                if label == "plain" {
                    "".to_owned()
                } else {
                    run.cpu_ratio(&r)
                },
            );
        }
    }
    plain.delete_table().await?;
    encrypted.delete_table().await?;
    Ok(())
}
