//! Encrypted and signed attributes (#36): fields declared `encrypt` or `sign_only` are
//! encrypted and signed by the AWS Database Encryption SDK's interceptor on every write
//! and decrypted and verified on every read; the stored item holds ciphertext; items
//! written by the SDK used directly read back through dynamap and the other way round;
//! a changed stored attribute is an error, never a value; a client without the
//! interceptor sends nothing. A raw AES keyring: no KMS needed.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use aws_sdk_dynamodb::config::Intercept;
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

#[derive(DynamoValue, Debug, Clone, Copy, PartialEq)]
enum Triage {
    Urgent,
    Routine,
}

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
    #[dynamo(encrypt)]
    record: uuid::Uuid,
    #[dynamo(encrypt)]
    admitted: chrono::DateTime<chrono::Utc>,
    #[dynamo(encrypt)]
    owed: rust_decimal::Decimal,
    #[dynamo(encrypt)]
    triage: Triage,
    #[dynamo(sign_only)]
    ward: String,
    nickname: String,
    visits: u32,
    #[dynamo(version)]
    version: u32,
}

/// `Patient`'s encrypted attributes, as a user of the SDK alone lists them.
const ENCRYPTED: [&str; 14] = [
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
    "record",
    "admitted",
    "owed",
    "triage",
];

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
        record: uuid::Uuid::from_u128(0x1234_5678_9abc_4def_8123_4567_89ab_cdef),
        admitted: chrono::DateTime::from_timestamp(1_700_000_000, 123_456_789).unwrap(),
        owed: "1234.56".parse().unwrap(),
        triage: if id.len().is_multiple_of(2) {
            Triage::Urgent
        } else {
            Triage::Routine
        },
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

/// `T`'s items in `table`, encrypted with the test key.
async fn encryption_of<T: DynamoItem>(table: &str) -> Encryption {
    Encryption::builder()
        .keyring(keyring().await)
        .item::<T>(table)
        .build()
        .unwrap()
}

/// A new table of `T` (with a stream of both images when `stream`), its encrypting
/// mapping, its encryption, and a plain client to see what is stored.
async fn encrypted<T: DynamoItem>(
    prefix: &str,
    stream: bool,
) -> (TypedMapping<T>, Encryption, Client) {
    let table = unique_table_name(prefix);
    let plain = client().await;
    let create = TypedMapping::<T>::new(plain.clone(), &table);
    let create = create.create_table();
    if stream {
        create
            .stream(dynamap::schema::StreamView::NewAndOldImages)
            .await
            .unwrap();
    } else {
        create.await.unwrap();
    }
    let encryption = encryption_of::<T>(&table).await;
    let encrypting = encrypting_client(&encryption).await;
    (TypedMapping::new(encrypting, table), encryption, plain)
}

/// An encrypting client that reaches the test server through `proxy`, retrying fast.
async fn encrypting_through(
    proxy: &dynamap_tests::proxy::FaultProxy,
    encryption: Encryption,
) -> Client {
    dynamap::connect()
        .local(proxy.url.clone())
        .retry(
            dynamap::config::RetryPolicy::default()
                .max_attempts(5)
                .initial_backoff(std::time::Duration::from_millis(5)),
        )
        .encryption(encryption)
        .await
        .unwrap()
}

/// A new table of patients, its encrypting mapping, and a plain client.
async fn patients() -> (TypedMapping<Patient>, Client) {
    let (patients, _, plain) = encrypted::<Patient>("encrypted", false).await;
    (patients, plain)
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
    for encrypted in ENCRYPTED {
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

#[tokio::test]
async fn every_read_and_write_path_encrypts_and_verifies() {
    let (patients, plain) = patients().await;
    let f = Patient::fields();
    let all: Vec<Patient> = (0..30).map(|i| patient(&format!("p{i:02}"))).collect();

    // Batches.
    let report = patients.insert_many(&all).await.unwrap();
    assert_eq!(report.written, 30);
    let keys: Vec<(String, String)> = all.iter().map(|p| p.key()).collect();
    let back = patients.get_many(keys).await.unwrap();
    assert_eq!(back.len(), 30);
    for (read, written) in back.iter().zip(&all) {
        assert_eq!(read.diagnosis, written.diagnosis);
        assert_eq!(read.address, written.address);
    }
    assert!(matches!(
        stored(&plain, patients.table_name(), "p07").await["diagnosis"],
        AttributeValue::B(_)
    ));

    // Queries (paged) and scans.
    let queried: Vec<Patient> = patients
        .query("north")
        .page_size(7)
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(queried.len(), 30);
    assert_eq!(queried[3].diagnosis, "secret diagnosis of p03");
    let scanned: Vec<Patient> = patients.scan().stream().try_collect().await.unwrap();
    assert_eq!(scanned.len(), 30);
    // A filter on a signed (plain) attribute.
    let in_b: Vec<Patient> = patients
        .query("north")
        .filter(f.ward.eq("B"))
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(in_b.len(), 30);

    // `modify` of attributes left as they are; the whole item comes back verified.
    let changed = patients
        .modify(&("north", "p01"))
        .set(f.nickname, "renamed")
        .add(f.visits, 2)
        .return_new()
        .await
        .unwrap();
    assert_eq!((changed.nickname.as_str(), changed.visits), ("renamed", 3));
    assert_eq!(changed.diagnosis, "secret diagnosis of p01");
    assert_eq!(changed.version, 2);

    // A conditional write on a signed attribute; a whole rewrite of encrypted fields.
    let mut moved = changed.clone();
    moved.ward = "C".into();
    moved.diagnosis = "a new secret".into();
    patients.insert_when(&moved, f.ward.eq("B")).await.unwrap();
    let read = patients.get(&("north", "p01")).await.unwrap().unwrap();
    assert_eq!(
        (read.ward.as_str(), read.diagnosis.as_str()),
        ("C", "a new secret")
    );
    let refused = patients.insert_when(&read, f.ward.eq("B")).await;
    assert!(
        matches!(refused, Err(Error::ConditionFailed { .. })),
        "{refused:?}"
    );

    // Transactions, both ways.
    let mut fresh = patient("tx");
    dynamap::transaction(patients.client())
        .put(&patients, &fresh)
        .await
        .unwrap();
    fresh.version = 1;
    let mut read = dynamap::read_transaction(patients.client());
    let got = read.get(&patients, &("north", "tx"));
    let mut results = read.await.unwrap();
    assert_eq!(results.take(got).unwrap(), Some(fresh.clone()));

    // A removal returns the item, decrypted.
    assert_eq!(
        patients.remove(&("north", "tx")).await.unwrap(),
        Some(fresh)
    );
    assert_eq!(patients.get(&("north", "tx")).await.unwrap(), None);
}

#[tokio::test]
async fn a_changed_stored_attribute_is_an_error_never_a_value() {
    let (patients, plain) = patients().await;
    for id in ["signed", "encrypted", "unsigned"] {
        patients.insert(&patient(id)).await.unwrap();
    }
    let table = patients.table_name().to_owned();
    let change = |id: &str, attribute: &str, value: AttributeValue| {
        plain
            .update_item()
            .table_name(&table)
            .key("clinic", AttributeValue::S("north".into()))
            .key("id", AttributeValue::S(id.into()))
            .update_expression("SET #a = :v")
            .expression_attribute_names("#a", attribute)
            .expression_attribute_values(":v", value)
            .send()
    };
    // A signed attribute changed in plain text.
    change("signed", "ward", AttributeValue::S("Z".into()))
        .await
        .unwrap();
    // An encrypted attribute swapped for another item's ciphertext.
    let other = stored(&plain, &table, "signed").await["diagnosis"].clone();
    change("encrypted", "diagnosis", other).await.unwrap();
    // An attribute outside the signature: a change is read as it is (that is what
    // leaving it unsigned means).
    change("unsigned", "nickname", AttributeValue::S("changed".into()))
        .await
        .unwrap();

    for id in ["signed", "encrypted"] {
        match patients.get(&("north", id)).await {
            Err(Error::Encryption {
                operation,
                table: t,
                key,
                ..
            }) => {
                assert_eq!((operation, t.as_str()), ("GetItem", table.as_str()));
                // The item is named by its key.
                let named = Patient::key_from_item(&key.expect("the key")).unwrap();
                assert_eq!(named, ("north".to_owned(), id.to_owned()));
            }
            other => panic!("{id}: expected Error::Encryption, got {other:?}"),
        }
    }
    let unsigned = patients.get(&("north", "unsigned")).await.unwrap().unwrap();
    assert_eq!(unsigned.nickname, "changed");
    // A page holding a changed item is refused whole: no item of it is returned.
    let page: Result<Vec<Patient>, Error> = patients.query("north").stream().try_collect().await;
    assert!(matches!(page, Err(Error::Encryption { .. })), "{page:?}");
}

/// The actions a user of the SDK alone writes by hand for `Patient`'s table.
fn hand_written_actions() -> HashMap<String, aws_db_esdk::CryptoAction> {
    use aws_db_esdk::CryptoAction::*;
    let mut actions: HashMap<String, aws_db_esdk::CryptoAction> = ENCRYPTED
        .into_iter()
        .map(|name| (name.to_owned(), EncryptAndSign))
        .collect();
    actions.insert("clinic".into(), SignOnly);
    actions.insert("id".into(), SignOnly);
    actions.insert("ward".into(), SignOnly);
    for unsigned in ["nickname", "visits", "version", "_wt"] {
        actions.insert(unsigned.into(), DoNothing);
    }
    actions
}

/// A table moving to encryption (docs/encryption.md): a reader with the plaintext
/// override reads the plain items stored before, and writes new ones encrypted; without
/// it, a plain item is refused. The encryption shows its tables and override, not its
/// keys, and tells each table's actions.
#[tokio::test]
async fn a_table_moving_to_encryption_reads_its_plain_items_with_the_override() {
    use aws_db_esdk::dynamodb::types::PlaintextOverride;
    let table = unique_table_name("encrypted-moving");
    let plain = client().await;
    TypedMapping::<Patient>::new(plain.clone(), &table)
        .create_table()
        .await
        .unwrap();
    // Stored before the move, around dynamap (which refuses to write `Patient` plain).
    plain
        .put_item()
        .table_name(&table)
        .set_item(Some(patient("p1").to_item().unwrap()))
        .send()
        .await
        .unwrap();

    let strict = encryption_of::<Patient>(&table).await;
    let strict = TypedMapping::<Patient>::new(encrypting_client(&strict).await, &table);
    let refused = strict.get(&("north".to_owned(), "p1".to_owned())).await;
    assert!(
        refused.is_err(),
        "a plain item read without the override: {refused:?}"
    );

    let moving = Encryption::builder()
        .keyring(keyring().await)
        .item::<Patient>(&table)
        .plaintext_override(PlaintextOverride::ForbidPlaintextWriteAllowPlaintextRead)
        .build()
        .unwrap();
    let shown = format!("{moving:?}");
    assert!(
        shown.contains(&table) && shown.contains("ForbidPlaintextWriteAllowPlaintextRead"),
        "{shown}"
    );
    let actions = moving.actions(&table).unwrap();
    assert_eq!(
        actions.actions().find(|(name, _)| *name == "diagnosis"),
        Some(("diagnosis", CryptoAction::EncryptAndSign))
    );
    assert_eq!(
        actions.actions().find(|(name, _)| *name == "ward"),
        Some(("ward", CryptoAction::SignOnly))
    );
    assert!(moving.actions("another-table").is_none());

    let moving = TypedMapping::<Patient>::new(encrypting_client(&moving).await, &table);
    assert_eq!(
        moving
            .get(&("north".to_owned(), "p1".to_owned()))
            .await
            .unwrap(),
        Some(patient("p1"))
    );
    moving.insert(&patient("p2")).await.unwrap();
    let written = stored(&plain, &table, "p2").await;
    assert!(
        matches!(written.get("diagnosis"), Some(AttributeValue::B(_))),
        "a new item is written encrypted: {written:?}"
    );
    assert_eq!(
        strict
            .get(&("north".to_owned(), "p2".to_owned()))
            .await
            .unwrap()
            .map(|p| (p.id, p.diagnosis)),
        Some(("p2".to_owned(), patient("p2").diagnosis))
    );
}

#[tokio::test]
async fn items_of_the_sdk_used_directly_read_back_and_the_other_way_round() {
    use aws_db_esdk::dynamodb::types::DynamoDbTableEncryptionConfig;
    let (patients, _) = patients().await;
    let table = patients.table_name().to_owned();

    // dynamap's actions are the ones a careful user writes by hand.
    let derived = TableActions::of::<Patient>().unwrap();
    let derived: HashMap<String, aws_db_esdk::CryptoAction> = derived
        .actions()
        .map(|(name, action)| {
            let action = match action {
                CryptoAction::EncryptAndSign => aws_db_esdk::CryptoAction::EncryptAndSign,
                CryptoAction::SignOnly => aws_db_esdk::CryptoAction::SignOnly,
                _ => aws_db_esdk::CryptoAction::DoNothing,
            };
            (name.to_owned(), action)
        })
        .collect();
    assert_eq!(derived, hand_written_actions());

    // A client configured by hand, as the SDK's own examples do.
    let config = DynamoDbTableEncryptionConfig::builder()
        .logical_table_name(&table)
        .partition_key_name("clinic")
        .sort_key_name("id")
        .attribute_actions_on_encrypt(hand_written_actions())
        .allowed_unsigned_attributes(
            ["nickname", "visits", "version", "_wt"]
                .map(String::from)
                .to_vec(),
        )
        .keyring(keyring().await)
        .build()
        .unwrap();
    let tables = aws_db_esdk::DynamoDbTablesEncryptionConfig::builder()
        .table_encryption_configs(HashMap::from([(table.clone(), config)]))
        .build()
        .unwrap();
    let by_hand = client()
        .await
        .config()
        .to_builder()
        .interceptor(aws_db_esdk::intercept::DbEsdkInterceptor::new(tables).unwrap())
        .build();
    let by_hand = Client::from_conf(by_hand);

    // Written by hand, read by dynamap.
    let mut written = patient("by-hand");
    written.version = 1;
    by_hand
        .put_item()
        .table_name(&table)
        .set_item(Some(written.to_item().unwrap()))
        .send()
        .await
        .unwrap();
    assert_eq!(
        patients.get(&("north", "by-hand")).await.unwrap(),
        Some(written)
    );

    // Written by dynamap, read by hand.
    let ours = patient("ours");
    patients.insert(&ours).await.unwrap();
    let read = by_hand
        .get_item()
        .table_name(&table)
        .key("clinic", AttributeValue::S("north".into()))
        .key("id", AttributeValue::S("ours".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let mut expected = ours.clone();
    expected.version = 1;
    assert_eq!(Patient::from_item(read).unwrap(), expected);
}

/// How many interceptors of dynamap's own (the refusal, or the size check) `mapping`'s
/// client carries.
fn dynamaps_interceptors<T: DynamoItem>(mapping: &TypedMapping<T>) -> usize {
    mapping
        .client()
        .config()
        .interceptors()
        .filter(|interceptor| interceptor.name().starts_with("dynamap::"))
        .count()
}

/// A mapping made from an encrypting one (another meter, clock or retry policy) keeps
/// its client's size check: the client is checked once per request, not once more per
/// mapping made from it.
#[tokio::test]
async fn mappings_made_from_an_encrypting_one_measure_each_item_once() {
    let (patients, _) = patients().await;
    assert_eq!(dynamaps_interceptors(&patients), 1);
    let made = patients
        .with_capacity_meter(&dynamap::observe::CapacityMeter::new())
        .with_key_tracing(true)
        .with_retry(dynamap::config::RetryPolicy::default());
    assert_eq!(dynamaps_interceptors(&made), 1);
    let all = |m: &TypedMapping<Patient>| m.client().config().interceptors().count();
    assert_eq!(all(&made), all(&patients));
    made.insert(&patient("made")).await.unwrap();
    assert!(made.get(&("north", "made")).await.unwrap().is_some());
}

#[tokio::test]
async fn a_client_without_the_interceptor_sends_nothing() {
    let (encrypted, plain) = patients().await;
    // The same table through a plain client: every item call refused, nothing written.
    let careless = TypedMapping::<Patient>::new(plain.clone(), encrypted.table_name());
    let refused = careless.insert(&patient("leak")).await;
    match refused {
        Err(Error::Encryption {
            operation, problem, ..
        }) => {
            assert_eq!(operation, "PutItem");
            assert!(problem.contains("no encryption interceptor"), "{problem}");
        }
        other => panic!("expected Error::Encryption, got {other:?}"),
    }
    let leaked = plain
        .scan()
        .table_name(encrypted.table_name())
        .send()
        .await
        .unwrap();
    assert_eq!(leaked.count, 0, "nothing was written in plain text");
    assert!(matches!(
        careless.get(&("north", "leak")).await,
        Err(Error::Encryption { .. })
    ));
    let f = Patient::fields();
    assert!(matches!(
        careless.modify(&("north", "x")).set(f.nickname, "n").await,
        Err(Error::Encryption { .. })
    ));
    // A mapping derived from it (another meter) keeps the refusal, and adds none.
    let metered = careless.with_capacity_meter(&dynamap::observe::CapacityMeter::new());
    assert!(matches!(
        metered.insert(&patient("leak")).await,
        Err(Error::Encryption { .. })
    ));
    assert_eq!(dynamaps_interceptors(&metered), 1);
    // Describing the table sends no item.
    careless.describe_table().await.unwrap();
}

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk")
)]
struct Clinic;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Clinic,
    entity = "Member",
    pk = "MEMBER#{id}",
    sk = "PROFILE",
    index(Gsi1, pk = "PLAN#{plan}", sk = "MEMBER#{id}")
)]
struct Member {
    id: String,
    #[dynamo(sign_only)]
    plan: String,
    #[dynamo(encrypt)]
    email: String,
    #[dynamo(version)]
    version: u32,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Clinic, entity = "Card", pk = "MEMBER#{member}", sk = "CARD#{last4}")]
struct Card {
    member: String,
    last4: String,
    #[dynamo(encrypt)]
    number: String,
    label: String,
}

#[derive(DynamoCollection, Debug, PartialEq)]
enum Wallet {
    Member(Member),
    Card(Card),
}

#[tokio::test]
async fn entities_of_one_table_share_its_configuration() {
    let table = unique_table_name("encrypted-app");
    Table::<Clinic>::new(client().await, &table)
        .create_table()
        .await
        .unwrap();
    let encryption = Encryption::builder()
        .keyring(keyring().await)
        .item::<Member>(&table)
        .item::<Card>(&table)
        .build()
        .unwrap();
    // Built the way a service builds its client.
    let encrypting = dynamap::connect()
        .local(dynamap_tests::endpoint())
        .encryption(encryption)
        .await
        .unwrap();
    let app = Table::<Clinic>::new(encrypting, &table);
    let (members, cards) = (app.entity::<Member>(), app.entity::<Card>());
    let mut ada = Member {
        id: "ada".into(),
        plan: "gold".into(),
        email: "ada@example.com".into(),
        version: 0,
    };
    ada.version = members.insert(&ada).await.unwrap().unwrap() as u32;
    let card = Card {
        member: "ada".into(),
        last4: "4242".into(),
        number: "4242424242424242".into(),
        label: "work".into(),
    };
    cards.insert(&card).await.unwrap();

    // One query returns both entities, decrypted.
    let wallet: Vec<Wallet> = app
        .collection::<Wallet>()
        .query(&"ada".to_owned())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        wallet,
        [Wallet::Card(card.clone()), Wallet::Member(ada.clone())]
    );
    // The index (keys rendered from a signed field) finds the member.
    let gold: Vec<Member> = members
        .query_index::<Gsi1>(&"gold".to_owned())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(gold, [ada.clone()]);
    // Stored encrypted.
    let plain = client().await;
    let raw = plain
        .get_item()
        .table_name(&table)
        .key("pk", AttributeValue::S("MEMBER#ada".into()))
        .key("sk", AttributeValue::S("CARD#4242".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert!(matches!(raw["number"], AttributeValue::B(_)));
    assert_eq!(raw["label"], AttributeValue::S("work".into()));
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Blob {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(encrypt)]
    data: Vec<u8>,
}

#[tokio::test]
async fn the_size_limit_is_checked_on_the_item_as_encrypted() {
    let (blobs, _, plain) = encrypted::<Blob>("encrypted-size", false).await;
    let table = blobs.table_name().to_owned();

    // What encryption adds, measured on a small item as stored.
    let small = Blob {
        id: "small".into(),
        data: vec![7; 1000],
    };
    blobs.insert(&small).await.unwrap();
    let raw = plain
        .get_item()
        .table_name(&table)
        .key("id", AttributeValue::S("small".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    let overhead =
        dynamap::value::item_size(&raw) - dynamap::value::item_size(&small.to_item().unwrap());
    assert!(overhead > 100, "header and signatures: {overhead} bytes");

    // Fits in plain text, not once encrypted: refused before sending, with its size.
    let limit = dynamap::value::MAX_ITEM_SIZE;
    let plain_size = |blob: &Blob| dynamap::value::item_size(&blob.to_item().unwrap());
    let mut large = Blob {
        id: "large".into(),
        data: Vec::new(),
    };
    large.data = vec![7; limit - plain_size(&large) - overhead / 2];
    assert!(plain_size(&large) < limit);
    match blobs.insert(&large).await {
        Err(Error::ItemTooLarge {
            size: Some(size),
            limit: l,
        }) => {
            assert_eq!(l, limit);
            assert_eq!(size, plain_size(&large) + overhead, "measured as stored");
        }
        other => panic!("expected ItemTooLarge with its size, got {other:?}"),
    }
    // A batch holding it: nothing written, the item left for the caller.
    match blobs.insert_many([&large]).await {
        Err(Error::BatchIncomplete {
            completed,
            remaining,
            source,
            ..
        }) => {
            assert_eq!((completed, remaining.len()), (0, 1));
            assert!(
                matches!(*source, Error::ItemTooLarge { size: Some(_), .. }),
                "{source:?}"
            );
        }
        other => panic!("expected BatchIncomplete, got {other:?}"),
    }
    assert_eq!(blobs.get("large").await.unwrap(), None);

    // The largest item that fits once encrypted is stored.
    large.data = vec![
        7;
        limit
            - plain_size(&Blob {
                id: "large".into(),
                data: Vec::new()
            })
            - overhead
    ];
    blobs.insert(&large).await.unwrap();
    assert_eq!(blobs.get("large").await.unwrap(), Some(large));
}

/// A stored item as DynamoDB JSON, as a stream record carries it (the attribute types
/// an encrypted item holds).
fn dynamodb_json(item: &HashMap<String, AttributeValue>) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for (name, value) in item {
        let typed = match value {
            AttributeValue::S(s) => serde_json::json!({ "S": s }),
            AttributeValue::N(n) => serde_json::json!({ "N": n }),
            AttributeValue::B(b) => {
                serde_json::json!({ "B": aws_smithy_types::base64::encode(b.as_ref()) })
            }
            other => panic!("not in an encrypted Patient: {other:?}"),
        };
        out.insert(name.clone(), typed);
    }
    serde_json::Value::Object(out)
}

fn stream_record(new_image: &HashMap<String, AttributeValue>) -> serde_json::Value {
    serde_json::json!({
        "eventID": "1",
        "eventName": "INSERT",
        "eventVersion": "1.1",
        "eventSource": "aws:dynamodb",
        "awsRegion": "us-east-1",
        "dynamodb": {
            "ApproximateCreationDateTime": 1_700_000_000.0,
            "Keys": { "clinic": { "S": "north" }, "id": { "S": "ada" } },
            "NewImage": dynamodb_json(new_image),
            "SequenceNumber": "100",
            "SizeBytes": 120,
            "StreamViewType": "NEW_AND_OLD_IMAGES"
        },
        "eventSourceARN": "arn:aws:dynamodb:us-east-1:123456789012:table/patients/stream/2026-01-01T00:00:00.000"
    })
}

#[tokio::test]
async fn change_feeds_and_stream_records_are_decrypted_never_read_as_ciphertext() {
    use dynamap::changes::{Change, RawChange};
    use futures::StreamExt;
    use std::time::Duration;

    let (patients, encryption, plain) = encrypted::<Patient>("encrypted-feed", true).await;
    let table = patients.table_name().to_owned();
    let mut ada = patient("ada");
    patients.insert(&ada).await.unwrap();
    ada.version = 1;

    // The typed feed decrypts each record's images.
    let mut feed = patients
        .changes()
        .decrypt(encryption.clone())
        .poll_interval(Duration::from_millis(100))
        .stream();
    let next = tokio::time::timeout(Duration::from_secs(10), feed.next()).await;
    let change: Change<Patient> = next.unwrap().unwrap().unwrap();
    assert_eq!(change.new, Some(ada.clone()));

    // Without decryption, a record is an error, never values read from ciphertext.
    let mut undecrypted = patients
        .changes()
        .poll_interval(Duration::from_millis(100))
        .stream();
    let next = tokio::time::timeout(Duration::from_secs(10), undecrypted.next()).await;
    match next.unwrap().unwrap() {
        Err(Error::UndecodableChange { source, .. }) => match *source {
            Error::Conversion(e) => assert_eq!(e.attribute(), "aws_dbe_head"),
            other => panic!("expected a conversion error, got {other:?}"),
        },
        other => panic!("expected UndecodableChange, got {other:?}"),
    }

    // A Lambda event or DynamoDB JSON holding the stored item.
    let stored_item = stored(&plain, &table, "ada").await;
    let record = stream_record(&stored_item);
    let event = serde_json::json!({ "Records": [record] });
    let event: aws_lambda_events::event::dynamodb::Event = serde_json::from_value(event).unwrap();
    let refused = dynamap::changes::from_lambda_record::<Patient>(&event.records[0]);
    assert!(refused.is_err(), "{refused:?}");
    let raw = RawChange::from_json(&record.to_string()).unwrap();
    assert!(raw.clone().decode::<Patient>().is_err());
    let change = encryption
        .decrypt_change(&table, raw)
        .await
        .unwrap()
        .decode::<Patient>()
        .unwrap()
        .unwrap();
    assert_eq!(change.new, Some(ada.clone()));
    assert_eq!(
        Patient::from_item(
            encryption
                .decrypt_item(&table, stored_item.clone())
                .await
                .unwrap()
        )
        .unwrap(),
        ada
    );

    // A record changed on the way does not verify.
    let mut tampered = stored_item;
    tampered.insert("ward".into(), AttributeValue::S("Z".into()));
    let raw = RawChange::from_json(&stream_record(&tampered).to_string()).unwrap();
    match encryption.decrypt_change(&table, raw).await {
        Err(Error::Encryption { key: Some(key), .. }) => assert_eq!(
            Patient::key_from_item(&key).unwrap(),
            ("north".to_owned(), "ada".to_owned())
        ),
        other => panic!("expected Error::Encryption naming the item, got {other:?}"),
    }
}

#[tokio::test]
async fn items_written_with_either_algorithm_suite_read_with_either() {
    use aws_db_esdk::material_providers::types::DbeAlgorithmSuiteId;
    let (default_suite, _) = patients().await;
    let table = default_suite.table_name().to_owned();
    let hmac_only = Encryption::builder()
        .keyring(keyring().await)
        .item::<Patient>(&table)
        .algorithm_suite(DbeAlgorithmSuiteId::AlgAes256GcmHkdfSha512CommitKeySymsigHmacSha384)
        .build()
        .unwrap();
    let hmac_only = TypedMapping::<Patient>::new(encrypting_client(&hmac_only).await, &table);
    let (mut a, mut b) = (patient("a"), patient("b"));
    default_suite.insert(&a).await.unwrap();
    hmac_only.insert(&b).await.unwrap();
    (a.version, b.version) = (1, 1);
    for reader in [&default_suite, &hmac_only] {
        assert_eq!(reader.get(&("north", "a")).await.unwrap(), Some(a.clone()));
        assert_eq!(reader.get(&("north", "b")).await.unwrap(), Some(b.clone()));
    }
}

#[tokio::test]
async fn a_conditional_insert_whose_answer_is_lost_is_applied_once() {
    use dynamap_tests::proxy::{self, cut_first_answer};
    if !proxy::possible("a_conditional_insert_whose_answer_is_lost_is_applied_once") {
        return;
    }
    let (patients, plain) = patients().await;
    let table = patients.table_name().to_owned();
    let proxy = cut_first_answer(&["PutItem"]).await;
    let encryption = encryption_of::<Patient>(&table).await;
    let through_proxy = encrypting_through(&proxy, encryption).await;
    let patients = TypedMapping::<Patient>::new(through_proxy, &table);
    // Versioned: a put conditional on the item being absent. Its answer is cut after
    // DynamoDB applied it; the retry fails its condition on our own write, and the
    // returned item (stored encrypted) holds our write token, which is unsigned.
    let ada = patient("ada");
    let version = patients.insert(&ada).await.unwrap();
    assert_eq!(version, Some(1));
    assert_eq!(proxy.stats.faults(), 1, "the first answer was cut");
    let raw = stored(&plain, &table, "ada").await;
    assert_eq!(
        raw["version"],
        AttributeValue::N("1".into()),
        "applied once"
    );
    let mut expected = ada;
    expected.version = 1;
    assert_eq!(
        patients.get(&("north", "ada")).await.unwrap(),
        Some(expected)
    );
}

/// A unique attribute beside an encrypted one: the guard items are written, moved and
/// deleted in the same transactions, through the encrypting client.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Subscriber {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(unique)]
    email: String,
    #[dynamo(encrypt)]
    card: String,
}

fn subscriber(id: &str, email: &str) -> Subscriber {
    Subscriber {
        id: id.into(),
        email: email.into(),
        card: format!("card of {id}"),
    }
}

/// Every stored item's partition key, sorted.
async fn stored_keys(plain: &Client, table: &str, key: &str) -> Vec<String> {
    let scan = plain
        .scan()
        .table_name(table)
        .consistent_read(true)
        .send()
        .await
        .unwrap();
    let mut keys: Vec<String> = scan
        .items()
        .iter()
        .map(|item| match &item[key] {
            AttributeValue::S(s) => s.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    keys.sort();
    keys
}

#[tokio::test]
async fn unique_values_of_an_encrypted_type_are_kept_through_the_interceptor() {
    let (subscribers, _, plain) = encrypted::<Subscriber>("encrypted-unique", false).await;
    let table = subscribers.table_name().to_owned();
    subscribers
        .insert(&subscriber("s1", "ada@example.com"))
        .await
        .unwrap();
    subscribers
        .insert(&subscriber("s2", "bob@example.com"))
        .await
        .unwrap();
    // A value another item holds: refused, naming its owner; nothing written.
    let taken = subscribers
        .insert(&subscriber("s3", "ada@example.com"))
        .await;
    match taken {
        Err(Error::NotUnique { field, owner, .. }) => {
            assert_eq!(field, "email");
            assert_eq!(owner["id"], AttributeValue::S("s1".into()));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(subscribers.get(&"s3".to_owned()).await.unwrap(), None);
    // A new value moves the guard: the old value is free again. The item returned is
    // the one stored, its encrypted field decrypted.
    let moved = subscribers
        .modify(&"s1".to_owned())
        .set(Subscriber::fields().email, "ada@new.example".to_owned())
        .return_new()
        .await
        .unwrap();
    assert_eq!(moved, subscriber("s1", "ada@new.example"));
    subscribers
        .insert(&subscriber("s3", "ada@example.com"))
        .await
        .unwrap();
    // The card is still encrypted and still reads back.
    let s1 = subscribers.get(&"s1".to_owned()).await.unwrap().unwrap();
    assert_eq!(s1.email, "ada@new.example");
    assert_eq!(s1.card, "card of s1");
    let raw = plain
        .get_item()
        .table_name(&table)
        .key("id", AttributeValue::S("s1".into()))
        .send()
        .await
        .unwrap()
        .item
        .unwrap();
    assert!(matches!(raw["card"], AttributeValue::B(_)));
    // Removing an item frees its value, and gives the item back.
    assert_eq!(
        subscribers.remove(&"s2".to_owned()).await.unwrap(),
        Some(subscriber("s2", "bob@example.com"))
    );
    assert_eq!(
        stored_keys(&plain, &table, "id").await,
        [
            "_unique#email#ada@example.com",
            "_unique#email#ada@new.example",
            "s1",
            "s3"
        ]
    );
}

/// Removes `s1`, stored with ada's email, through a proxy that cuts the remove's
/// transaction before it reaches the server and holds its retry while another writer
/// stores `replacement`: what the remove returned, and the keys then left in the table.
async fn remove_raced_by(
    prefix: &str,
    replacement: Subscriber,
) -> (Option<Subscriber>, Vec<String>) {
    use dynamap_tests::proxy::cut_first_request_then_hold;
    let (subscribers, encryption, plain) = encrypted::<Subscriber>(prefix, false).await;
    let table = subscribers.table_name().to_owned();
    subscribers
        .insert(&subscriber("s1", "ada@example.com"))
        .await
        .unwrap();
    let (proxy, hold) = cut_first_request_then_hold(&["TransactWriteItems"]).await;
    let through_proxy = encrypting_through(&proxy, encryption).await;
    let racing = TypedMapping::<Subscriber>::new(through_proxy, &table);
    let remove = tokio::spawn(async move { racing.remove(&"s1".to_owned()).await });
    while proxy
        .stats
        .dropped_before
        .load(std::sync::atomic::Ordering::Relaxed)
        == 0
    {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    subscribers.insert(&replacement).await.unwrap();
    hold.add_permits(100);
    let removed = remove.await.unwrap().unwrap();
    assert_eq!(subscribers.get(&"s1".to_owned()).await.unwrap(), None);
    (removed, stored_keys(&plain, &table, "id").await)
}

/// The narrower promise for encrypted types (docs/encryption.md): a `remove` whose
/// item is replaced between its read and its write, with only encrypted fields
/// changed, still lands (its condition cannot name encrypted attributes) and returns
/// the item as it read it; the unique value is freed all the same.
#[tokio::test]
async fn a_remove_racing_a_change_of_only_encrypted_fields_returns_the_item_as_read() {
    if !dynamap_tests::proxy::possible(
        "a_remove_racing_a_change_of_only_encrypted_fields_returns_the_item_as_read",
    ) {
        return;
    }
    let mut replaced = subscriber("s1", "ada@example.com");
    replaced.card = "a new card".into();
    let (removed, left) = remove_raced_by("encrypted-remove-race", replaced).await;
    assert_eq!(
        removed,
        Some(subscriber("s1", "ada@example.com")),
        "the item as the remove read it, its card the old one"
    );
    assert_eq!(
        left,
        Vec::<String>::new(),
        "the item and its unique value's guard are gone"
    );
}

/// Beside it, the promise kept whole: a `remove` of an encrypted type whose item has
/// a field it can name (here the unique email) changed between its read and its write
/// is redone from a new read, returns the item as found, and frees the new value's
/// guard, not the old one's.
#[tokio::test]
async fn a_remove_racing_a_change_of_a_plain_field_is_redone_with_the_item_found() {
    if !dynamap_tests::proxy::possible(
        "a_remove_racing_a_change_of_a_plain_field_is_redone_with_the_item_found",
    ) {
        return;
    }
    let replaced = subscriber("s1", "lovelace@example.com");
    let (removed, left) = remove_raced_by("encrypted-remove-race-plain", replaced.clone()).await;
    assert_eq!(removed, Some(replaced));
    assert_eq!(
        left,
        Vec::<String>::new(),
        "the item and the new value's guard are gone"
    );
}

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct Ledger;

/// A parent with an encrypted field and counts its children keep on it.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = Ledger, entity = "Account", pk = "ACCOUNT#{id}", sk = "ACCOUNT")]
struct LedgerAccount {
    id: String,
    #[dynamo(encrypt)]
    holder: String,
    #[dynamo(default)]
    entries: u32,
    #[dynamo(default)]
    balance: i64,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(
    table = Ledger,
    entity = "Entry",
    pk = "ACCOUNT#{account}",
    sk = "ENTRY#{seq}",
    count(LedgerAccount, into = "entries", key(id = account)),
    sum(LedgerAccount, into = "balance", of = amount, key(id = account))
)]
struct Entry {
    account: String,
    seq: u32,
    amount: i64,
    #[dynamo(encrypt)]
    memo: String,
}

#[tokio::test]
async fn counts_and_sums_on_an_encrypted_parent_are_kept_through_the_interceptor() {
    let table = unique_table_name("encrypted-aggregates");
    Table::<Ledger>::new(client().await, &table)
        .create_table()
        .await
        .unwrap();
    let encryption = Encryption::builder()
        .keyring(keyring().await)
        .item::<LedgerAccount>(&table)
        .item::<Entry>(&table)
        .build()
        .unwrap();
    let ledger = Table::<Ledger>::new(encrypting_client(&encryption).await, &table);
    let (accounts, entries) = (ledger.entity::<LedgerAccount>(), ledger.entity::<Entry>());
    accounts
        .insert(&LedgerAccount {
            id: "a1".into(),
            holder: "Ada Lovelace".into(),
            entries: 0,
            balance: 0,
        })
        .await
        .unwrap();
    let entry = |seq: u32, amount: i64| Entry {
        account: "a1".into(),
        seq,
        amount,
        memo: format!("memo {seq}"),
    };
    entries.insert(&entry(1, 100)).await.unwrap();
    entries.insert(&entry(2, 250)).await.unwrap();
    entries.insert(&entry(3, -30)).await.unwrap();
    entries.remove(&("a1".to_owned(), 2)).await.unwrap();
    let kept = accounts.get(&"a1".to_owned()).await.unwrap().unwrap();
    assert_eq!((kept.entries, kept.balance), (2, 70));
    // The parent's encrypted field survived its children's updates, and verifies.
    assert_eq!(kept.holder, "Ada Lovelace");
    let read_back: Vec<Entry> = entries
        .query(&"a1".to_owned())
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(read_back, [entry(1, 100), entry(3, -30)]);
}
