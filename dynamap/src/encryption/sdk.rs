//! The encryption SDK's configuration, built from the types: one
//! `DynamoDbTableEncryptionConfig` per table, with the actions [`TableActions`]
//! gathers, and the interceptor that applies them.

use std::collections::{BTreeMap, HashMap};

use aws_db_esdk::dynamodb::types::{DynamoDbTableEncryptionConfig, PlaintextOverride};
use aws_db_esdk::intercept::DbEsdkInterceptor;
use aws_db_esdk::item_encryptor::client::Client as ItemEncryptor;
use aws_db_esdk::item_encryptor::types::dynamo_db_item_encryptor_config::DynamoDbItemEncryptorConfig;
use aws_db_esdk::material_providers::types::keyring::KeyringRef;
use aws_db_esdk::material_providers::types::DbeAlgorithmSuiteId;
use aws_db_esdk::DynamoDbTablesEncryptionConfig;

use super::TableActions;
use crate::error::{Error, Result};
use crate::item::CryptoAction;
use crate::item::DynamoItem;
use crate::sdk_item::Item;

/// One table's settings on either of the SDK's two configuration builders (the
/// interceptor's and the item encryptor's), which have the same setters but no trait.
macro_rules! configured {
    ($builder:expr, $encryption:expr, $table:expr, $actions:expr) => {{
        let (on_encrypt, unsigned) = sdk_actions($actions);
        $builder
            .logical_table_name($table)
            .partition_key_name($actions.partition_key())
            .set_sort_key_name($actions.sort_key().map(str::to_owned))
            .attribute_actions_on_encrypt(on_encrypt)
            .allowed_unsigned_attributes(unsigned)
            .keyring($encryption.keyring.clone())
            .set_plaintext_override($encryption.plaintext)
            .set_algorithm_suite_id($encryption.suite)
    }};
}

/// Which tables' items are encrypted, with which keyring: give it to
/// [`connect`](crate::connect)`().encryption(..)`, or put its
/// [`interceptor`](Self::interceptor) on an SDK client of your own.
///
/// ```no_run
/// # use dynamap::prelude::*;
/// # #[derive(DynamoItem, Clone)]
/// # struct Patient { #[dynamo(partition_key)] id: String, #[dynamo(encrypt)] diagnosis: String }
/// # async fn f(keyring: dynamap::encryption::aws_db_esdk::material_providers::types::keyring::KeyringRef) -> dynamap::Result<()> {
/// use dynamap::encryption::Encryption;
/// let encryption = Encryption::builder()
///     .keyring(keyring)
///     .item::<Patient>("patients")
///     .build()?;
/// let client = dynamap::connect().encryption(encryption).await?;
/// let patients = TypedMapping::<Patient>::new(client, "patients");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Encryption {
    keyring: KeyringRef,
    tables: BTreeMap<String, TableActions>,
    plaintext: Option<PlaintextOverride>,
    suite: Option<DbeAlgorithmSuiteId>,
    /// Each table's item encryptor, for items read without the interceptor.
    decryptors: BTreeMap<String, ItemEncryptor>,
}

/// The tables and their actions; the keyring and the SDK's clients say nothing useful.
impl std::fmt::Debug for Encryption {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Encryption")
            .field("tables", &self.tables)
            .field("plaintext", &self.plaintext)
            .field("suite", &self.suite)
            .finish_non_exhaustive()
    }
}

/// Builds an [`Encryption`]: a keyring and the types of each table.
///
/// ```
/// let builder = dynamap::encryption::Encryption::builder();
/// ```
#[derive(Debug, Default)]
#[must_use = "an EncryptionBuilder does nothing until built"]
pub struct EncryptionBuilder {
    keyring: Option<KeyringRef>,
    tables: BTreeMap<String, Result<TableActions>>,
    plaintext: Option<PlaintextOverride>,
    suite: Option<DbeAlgorithmSuiteId>,
}

impl Encryption {
    /// Starts an [`Encryption`].
    ///
    /// ```
    /// let builder = dynamap::encryption::Encryption::builder();
    /// ```
    pub fn builder() -> EncryptionBuilder {
        EncryptionBuilder::default()
    }

    /// The actions of `table`'s attributes, if it is encrypted.
    ///
    /// ```no_run
    /// # fn f(encryption: dynamap::encryption::Encryption) {
    /// if let Some(actions) = encryption.actions("patients") {
    ///     for (attribute, action) in actions.actions() {
    ///         println!("{attribute}: {action}");
    ///     }
    /// }
    /// # }
    /// ```
    pub fn actions(&self, table: &str) -> Option<&TableActions> {
        self.tables.get(table)
    }

    /// The SDK's configuration of every table.
    ///
    /// ```no_run
    /// # fn f(encryption: dynamap::encryption::Encryption) -> dynamap::Result<()> {
    /// let config = encryption.tables_config()?;
    /// # Ok(()) }
    /// ```
    pub fn tables_config(&self) -> Result<DynamoDbTablesEncryptionConfig> {
        let mut configs = HashMap::new();
        for (table, actions) in &self.tables {
            configs.insert(table.clone(), self.table_config(table, actions)?);
        }
        DynamoDbTablesEncryptionConfig::builder()
            .table_encryption_configs(configs)
            .build()
            .map_err(|e| Error::Config(format!("encryption: {e}")))
    }

    fn table_config(
        &self,
        table: &str,
        actions: &TableActions,
    ) -> Result<DynamoDbTableEncryptionConfig> {
        configured!(
            DynamoDbTableEncryptionConfig::builder(),
            self,
            table,
            actions
        )
        .build()
        .map_err(|e| Error::Config(format!("encryption of `{table}`: {e}")))
    }

    fn item_encryptor(&self, table: &str, actions: &TableActions) -> Result<ItemEncryptor> {
        let config = configured!(DynamoDbItemEncryptorConfig::builder(), self, table, actions)
            .build()
            .map_err(|e| Error::Config(format!("encryption of `{table}`: {e}")))?;
        ItemEncryptor::from_conf(config)
            .map_err(|e| Error::Config(format!("encryption of `{table}`: {e:?}")))
    }

    /// Decrypts and verifies an item of `table` as stored, read without the interceptor
    /// (a stream record's image, a Lambda event's, an export's line); an item whose
    /// signature does not verify is [`Error::Encryption`].
    ///
    /// ```no_run
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoItem)]
    /// # struct Patient { #[dynamo(partition_key)] id: String, #[dynamo(encrypt)] diagnosis: String }
    /// # async fn f(encryption: dynamap::encryption::Encryption, stored: dynamap::value::Item) -> dynamap::Result<()> {
    /// let patient = Patient::from_item(encryption.decrypt_item("patients", stored).await?)?;
    /// # Ok(()) }
    /// ```
    pub async fn decrypt_item(&self, table: &str, item: Item) -> Result<Item> {
        let key: Option<Box<Item>> = self.tables.get(table).map(|actions| {
            let names = [Some(actions.partition_key()), actions.sort_key()];
            let key = names
                .into_iter()
                .flatten()
                .filter_map(|name| item.get(name).map(|v| (name.to_owned(), v.clone())))
                .collect();
            Box::new(key)
        });
        let refused = |problem: String| Error::Encryption {
            operation: "DecryptItem",
            table: table.to_owned(),
            key: key.clone(),
            problem,
        };
        let decryptor = self
            .decryptors
            .get(table)
            .ok_or_else(|| refused("the table is not one this encryption names".to_owned()))?;
        let output = decryptor
            .decrypt_item()
            .encrypted_item(item)
            .send()
            .await
            .map_err(|e| refused(format!("{e:?}")))?;
        output
            .plaintext_item
            .ok_or_else(|| refused("the SDK returned no item".to_owned()))
    }

    /// Decrypts and verifies both images of a stream record of `table` (from a change
    /// feed, a Lambda event or DynamoDB JSON); decode it afterwards.
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct Patient { #[dynamo(partition_key)] id: String, #[dynamo(encrypt)] diagnosis: String }
    /// # async fn f(encryption: dynamap::encryption::Encryption, text: &str) -> dynamap::Result<()> {
    /// let raw = dynamap::changes::RawChange::from_json(text)?;
    /// let change = encryption.decrypt_change("patients", raw).await?.decode::<Patient>()?;
    /// # Ok(()) }
    /// ```
    pub async fn decrypt_change(
        &self,
        table: &str,
        mut change: crate::changes::RawChange,
    ) -> Result<crate::changes::RawChange> {
        if let Some(image) = change.new_image.take() {
            change.new_image = Some(self.decrypt_item(table, image).await?);
        }
        if let Some(image) = change.old_image.take() {
            change.old_image = Some(self.decrypt_item(table, image).await?);
        }
        Ok(change)
    }

    /// The SDK's interceptor, for an SDK client built by hand:
    /// `aws_sdk_dynamodb::config::Builder::interceptor(encryption.interceptor()?)`.
    ///
    /// ```no_run
    /// # async fn f(encryption: dynamap::encryption::Encryption) -> dynamap::Result<()> {
    /// let shared = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    /// let config = aws_sdk_dynamodb::config::Builder::from(&shared)
    ///     .interceptor(encryption.interceptor()?)
    ///     .build();
    /// let client = aws_sdk_dynamodb::Client::from_conf(config);
    /// # Ok(()) }
    /// ```
    pub fn interceptor(&self) -> Result<DbEsdkInterceptor> {
        DbEsdkInterceptor::new(self.tables_config()?)
            .map_err(|e| Error::Config(format!("encryption: {e:?}")))
    }
}

impl EncryptionBuilder {
    /// The keyring that protects the data keys, made with the SDK's material providers
    /// client: AWS KMS in production (`create_aws_kms_keyring`, see the README), a raw
    /// AES key in tests.
    ///
    /// ```no_run
    /// # async fn f() -> Result<(), Box<dyn std::error::Error>> {
    /// use dynamap::encryption::aws_db_esdk::material_providers::client::Client;
    /// use dynamap::encryption::aws_db_esdk::material_providers::types::material_providers_config::MaterialProvidersConfig;
    /// use dynamap::encryption::aws_db_esdk::material_providers::types::AesWrappingAlg;
    /// let providers = Client::from_conf(MaterialProvidersConfig::builder().build()?)?;
    /// let keyring = providers
    ///     .create_raw_aes_keyring()
    ///     .key_namespace("tests")
    ///     .key_name("aes-1")
    ///     .wrapping_key(vec![7u8; 32])
    ///     .wrapping_alg(AesWrappingAlg::AlgAes256GcmIv12Tag16)
    ///     .send()
    ///     .await?;
    /// let builder = dynamap::encryption::Encryption::builder().keyring(keyring);
    /// # Ok(()) }
    /// ```
    pub fn keyring(mut self, keyring: KeyringRef) -> Self {
        self.keyring = Some(keyring);
        self
    }

    /// Stores `T`'s items in `table` encrypted as `T` declares; call it once per type
    /// stored in the table (each entity of a single-table design).
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Patient { #[dynamo(partition_key)] id: String, #[dynamo(encrypt)] diagnosis: String }
    /// let builder = dynamap::encryption::Encryption::builder().item::<Patient>("patients");
    /// ```
    pub fn item<T: DynamoItem>(mut self, table: impl Into<String>) -> Self {
        let table = table.into();
        let merged = match self.tables.remove(&table) {
            Some(Ok(actions)) => actions.with::<T>(),
            Some(Err(e)) => Err(e),
            None => TableActions::of::<T>(),
        };
        self.tables.insert(table, merged);
        self
    }

    /// How items without encryption are treated, for a table being moved to encryption
    /// (the SDK's `PlaintextOverride`; by default plain items are neither written nor
    /// read).
    ///
    /// ```
    /// use dynamap::encryption::aws_db_esdk::dynamodb::types::PlaintextOverride;
    /// let builder = dynamap::encryption::Encryption::builder()
    ///     .plaintext_override(PlaintextOverride::ForbidPlaintextWriteAllowPlaintextRead);
    /// ```
    pub fn plaintext_override(mut self, plaintext: PlaintextOverride) -> Self {
        self.plaintext = Some(plaintext);
        self
    }

    /// The SDK's algorithm suite. Its default signs each item twice: a symmetric
    /// signature (HMAC) and an asymmetric one (ECDSA P-384), so that a reader holding
    /// only decryption rights can tell the item was written by a writer; the ECDSA
    /// signature is most of encryption's CPU (BENCHMARKS.md). Where every reader may also
    /// write, `AlgAes256GcmHkdfSha512CommitKeySymsigHmacSha384` keeps the HMAC alone.
    /// Items written with either suite read with either.
    ///
    /// ```
    /// use dynamap::encryption::aws_db_esdk::material_providers::types::DbeAlgorithmSuiteId;
    /// let builder = dynamap::encryption::Encryption::builder()
    ///     .algorithm_suite(DbeAlgorithmSuiteId::AlgAes256GcmHkdfSha512CommitKeySymsigHmacSha384);
    /// ```
    pub fn algorithm_suite(mut self, suite: DbeAlgorithmSuiteId) -> Self {
        self.suite = Some(suite);
        self
    }

    /// The [`Encryption`]; [`Error::Config`] without a keyring, without a table, or when
    /// types of one table disagree on an attribute.
    ///
    /// ```
    /// let missing = dynamap::encryption::Encryption::builder().build();
    /// assert!(matches!(missing, Err(dynamap::Error::Config(_))));
    /// ```
    pub fn build(self) -> Result<Encryption> {
        let keyring = self
            .keyring
            .ok_or_else(|| Error::Config("encryption needs a keyring".into()))?;
        if self.tables.is_empty() {
            return Err(Error::Config(
                "encryption needs the types it encrypts: `.item::<T>(table)`".into(),
            ));
        }
        let mut tables = BTreeMap::new();
        for (table, actions) in self.tables {
            tables.insert(table, actions?);
        }
        let mut encryption = Encryption {
            keyring,
            tables,
            plaintext: self.plaintext,
            suite: self.suite,
            decryptors: BTreeMap::new(),
        };
        for (table, actions) in &encryption.tables {
            let decryptor = encryption.item_encryptor(table, actions)?;
            encryption.decryptors.insert(table.clone(), decryptor);
        }
        Ok(encryption)
    }
}

/// The SDK's attribute actions and its list of unsigned attributes.
fn sdk_actions(
    actions: &TableActions,
) -> (HashMap<String, aws_db_esdk::CryptoAction>, Vec<String>) {
    let on_encrypt = actions
        .actions()
        .map(|(name, action)| (name.to_owned(), sdk_action(action)))
        .collect();
    let unsigned = actions.unsigned().map(str::to_owned).collect();
    (on_encrypt, unsigned)
}

impl crate::config::Connect {
    /// Encrypts and signs the items of the tables `encryption` names, as their types
    /// declare, through the AWS Database Encryption SDK's interceptor.
    ///
    /// ```no_run
    /// # async fn f(encryption: dynamap::encryption::Encryption) -> dynamap::Result<()> {
    /// let client = dynamap::connect().region("eu-west-1").encryption(encryption).await?;
    /// # Ok(()) }
    /// ```
    pub fn encryption(self, encryption: Encryption) -> Self {
        let interceptor = encryption
            .interceptor()
            .map(aws_sdk_dynamodb::config::SharedInterceptor::new)
            .map_err(|e| e.to_string());
        self.with_interceptor(interceptor)
    }
}

#[cfg(feature = "change-feed")]
impl<T: crate::changes::Changed> crate::changes::Changes<T> {
    /// Decrypts and verifies each record's images with `encryption` before decoding
    /// them: the feed of a type with encrypted fields needs it (without it, each such
    /// record is an [`Error::UndecodableChange`], never a value read from ciphertext).
    /// A record whose images do not verify is an [`Error::UndecodableChange`] whose
    /// source is [`Error::Encryption`].
    ///
    /// ```no_run
    /// # #[derive(dynamap::DynamoItem, Debug)]
    /// # struct Patient { #[dynamo(partition_key)] id: String, #[dynamo(encrypt)] diagnosis: String }
    /// # async fn f(patients: dynamap::TypedMapping<Patient>, encryption: dynamap::encryption::Encryption) {
    /// let feed = patients.changes().decrypt(encryption).stream();
    /// # }
    /// ```
    pub fn decrypt(self, encryption: Encryption) -> Self {
        let table = self.table_name().to_owned();
        self.with_decryption(std::sync::Arc::new(move |raw| {
            let (encryption, table) = (encryption.clone(), table.clone());
            Box::pin(async move { encryption.decrypt_change(&table, raw).await })
        }))
    }
}

fn sdk_action(action: CryptoAction) -> aws_db_esdk::CryptoAction {
    match action {
        CryptoAction::EncryptAndSign => aws_db_esdk::CryptoAction::EncryptAndSign,
        CryptoAction::SignOnly => aws_db_esdk::CryptoAction::SignOnly,
        CryptoAction::DoNothing => aws_db_esdk::CryptoAction::DoNothing,
    }
}
