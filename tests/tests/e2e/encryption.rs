//! Encrypted and signed attributes (#36): fields declared `encrypt` or `sign_only` are
//! encrypted and signed by the AWS Database Encryption SDK's interceptor on every write
//! and decrypted and verified on every read; the stored item holds ciphertext; items
//! written by the SDK used directly read back through dynamap and the other way round;
//! a changed stored attribute is an error, never a value; a client without the
//! interceptor sends nothing. A raw AES keyring: no KMS needed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::types::AttributeValue;
use aws_sdk_dynamodb::Client;
use dynamap::encryption::aws_db_esdk;
use dynamap::encryption::{CryptoAction, Encryption, TableActions};
use dynamap::prelude::*;
use dynamap::Error;
use futures::TryStreamExt;

use aws_db_esdk::material_providers::client::Client as MaterialProviders;
use aws_db_esdk::material_providers::types::keyring::KeyringRef;
use aws_db_esdk::material_providers::types::material_providers_config::MaterialProvidersConfig;
use aws_db_esdk::material_providers::types::AesWrappingAlg;

use dynamap_tests::{client, unique_table_name};

#[derive(DynamoValue, Debug, Clone, PartialEq)]
struct Address {
    street: String,
    city: String,
}

/// Every kind of field, encrypted: text, numbers, binary, lists, sets, maps, nested
/// structs, options; one signed in plain text, one left alone, and the version.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Patient {
    #[dynamo(partition_key)]
    clinic: String,
    #[dynamo(sort_key)]
    id: String,
    #[dynamo(encrypt)]
    diagnosis: String,
    #[dynamo(encrypt)]
    born: u32,
    #[dynamo(encrypt)]
    weight: f64,
    #[dynamo(encrypt)]
    scan: Vec<u8>,
    #[dynamo(encrypt)]
    notes: Vec<String>,
    #[dynamo(encrypt)]
    allergies: BTreeSet<String>,
    #[dynamo(encrypt)]
    doses: BTreeMap<String, u32>,
    #[dynamo(encrypt)]
    address: Address,
    #[dynamo(encrypt)]
    insurer: Option<String>,
    #[dynamo(encrypt)]
    consented: bool,
    #[dynamo(sign_only)]
    ward: String,
    nickname: String,
    visits: u32,
    #[dynamo(version)]
    version: u32,
}

fn patient(id: &str) -> Patient {
    Patient {
        clinic: "north".into(),
        id: id.into(),
        diagnosis: format!("secret diagnosis of {id}"),
        born: 1984,
        weight: 71.5,
        scan: vec![0, 1, 2, 255],
        notes: vec!["first".into(), "second".into()],
        allergies: BTreeSet::from(["nuts".to_owned(), "penicillin".to_owned()]),
        doses: BTreeMap::from([("ibuprofen".to_owned(), 400)]),
        address: Address {
            street: "1 Hidden Lane".into(),
            city: "Secretville".into(),
        },
        insurer: Some("Acme Health".into()),
        consented: true,
        ward: "B".into(),
        nickname: format!("nick-{id}"),
        visits: 1,
        version: 0,
    }
}

/// The test key: 32 fixed bytes (a real service fetches its key from KMS).
async fn keyring() -> KeyringRef {
    let providers =
        MaterialProviders::from_conf(MaterialProvidersConfig::builder().build().unwrap()).unwrap();
    providers
        .create_raw_aes_keyring()
        .key_namespace("dynamap-tests")
        .key_name("aes-256")
        .wrapping_key((1u8..=32).collect::<Vec<u8>>())
        .wrapping_alg(AesWrappingAlg::AlgAes256GcmIv12Tag16)
        .send()
        .await
        .unwrap()
}

/// The test client with `encryption`'s interceptor on it.
async fn encrypting_client(encryption: &Encryption) -> Client {
    let plain = client().await;
    let config = plain
        .config()
        .to_builder()
        .interceptor(encryption.interceptor().unwrap())
        .build();
    Client::from_conf(config)
}

/// A new table of patients, its encrypting mapping, and a plain client to see what is
/// stored.
async fn patients() -> (TypedMapping<Patient>, Client) {
    let table = unique_table_name("encrypted");
    let plain = client().await;
    TypedMapping::<Patient>::new(plain.clone(), &table)
        .create_table()
        .await
        .unwrap();
    let encryption = Encryption::builder()
        .keyring(keyring().await)
        .item::<Patient>(&table)
        .build()
        .unwrap();
    let encrypting = encrypting_client(&encryption).await;
    (TypedMapping::new(encrypting, table), plain)
}

async fn stored(plain: &Client, table: &str, id: &str) -> HashMap<String, AttributeValue> {
    plain
        .get_item()
        .table_name(table)
        .key("clinic", AttributeValue::S("north".into()))
        .key("id", AttributeValue::S(id.into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .expect("the item is stored")
}

#[tokio::test]
async fn every_field_kind_round_trips_and_is_stored_encrypted() {
    let (patients, plain) = patients().await;
    let ada = patient("ada");
    patients.insert(&ada).await.unwrap();
    let mut expected = ada.clone();
    expected.version = 1;
    assert_eq!(
        patients.get(&("north", "ada")).await.unwrap(),
        Some(expected.clone())
    );

    let raw = stored(&plain, patients.table_name(), "ada").await;
    for encrypted in [
        "diagnosis",
        "born",
        "weight",
        "scan",
        "notes",
        "allergies",
        "doses",
        "address",
        "insurer",
        "consented",
    ] {
        match &raw[encrypted] {
            AttributeValue::B(ciphertext) => {
                let bytes = ciphertext.as_ref();
                assert!(
                    !bytes.windows(6).any(|w| w == b"secret" || w == b"Hidden"),
                    "{encrypted} holds plain text"
                );
            }
            other => panic!("{encrypted} is stored as {other:?}, not ciphertext"),
        }
    }
    // Signed and untouched attributes stay readable; keys too.
    assert_eq!(raw["ward"], AttributeValue::S("B".into()));
    assert_eq!(raw["nickname"], AttributeValue::S("nick-ada".into()));
    assert_eq!(raw["id"], AttributeValue::S("ada".into()));
    // The SDK's header and signature footer.
    assert!(raw.contains_key("aws_dbe_head"), "{:?}", raw.keys());
    assert!(raw.contains_key("aws_dbe_foot"), "{:?}", raw.keys());
}
