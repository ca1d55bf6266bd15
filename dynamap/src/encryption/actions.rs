//! What the encryption SDK does with each attribute of a table, gathered from the types
//! stored in it: their declared actions, their keys (signed) and every other attribute
//! they or dynamap write for them (left as they are).

use std::collections::BTreeMap;

use crate::error::{Error, Result};
use crate::item::{short_type_name, CryptoAction, DynamoItem};

/// The action for each attribute of one table's items, from the types stored in it:
/// keys are [`SignOnly`](CryptoAction::SignOnly), declared fields as declared, and
/// every other attribute a type or dynamap writes for it (entity name, index keys,
/// version, time to live, write token, shape, counts, unique guards) is
/// [`DoNothing`](CryptoAction::DoNothing), which the SDK must also be told to expect
/// unsigned ([`unsigned`](Self::unsigned)).
///
/// Types of one table (a single-table design's entities) are merged with
/// [`with`](Self::with); an attribute two of them treat differently is refused, since
/// the SDK's configuration is per table.
///
/// ```
/// use dynamap::encryption::{CryptoAction, TableActions};
/// #[derive(dynamap::DynamoItem)]
/// struct Card { #[dynamo(partition_key)] id: String, #[dynamo(encrypt)] number: String, label: String }
/// let actions = TableActions::of::<Card>()?;
/// assert_eq!(actions.partition_key(), "id");
/// assert_eq!(actions.action("number"), Some(CryptoAction::EncryptAndSign));
/// assert!(actions.unsigned().any(|name| name == "label"));
/// # Ok::<(), dynamap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableActions {
    partition_key: &'static str,
    sort_key: Option<&'static str>,
    actions: BTreeMap<&'static str, (CryptoAction, &'static str)>,
}

impl TableActions {
    /// The actions of `T`'s items.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Card { #[dynamo(partition_key)] id: String, #[dynamo(sign_only)] label: String }
    /// let actions = dynamap::encryption::TableActions::of::<Card>()?;
    /// assert_eq!(actions.action("label"), Some(dynamap::encryption::CryptoAction::SignOnly));
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn of<T: DynamoItem>() -> Result<Self> {
        let schema = T::KEY_SCHEMA;
        let out = TableActions {
            partition_key: schema.partition_key.name,
            sort_key: schema.sort_key.map(|k| k.name),
            actions: BTreeMap::new(),
        };
        out.with::<T>()
    }

    /// These actions and `T`'s, for a table that stores both (entities of one table).
    /// An attribute the two treat differently, or a different key schema, is
    /// [`Error::Config`].
    ///
    /// ```
    /// # use dynamap::prelude::*;
    /// # #[derive(DynamoTable)]
    /// # #[dynamo(partition_key = "pk", sort_key = "sk")]
    /// # struct App;
    /// # #[derive(DynamoItem)]
    /// # #[dynamo(table = App, pk = "USER#{id}", sk = "PROFILE")]
    /// # struct User { id: String, #[dynamo(encrypt)] email: String }
    /// # #[derive(DynamoItem)]
    /// # #[dynamo(table = App, pk = "USER#{user}", sk = "CARD#{last4}")]
    /// # struct Card { user: String, last4: String, #[dynamo(encrypt)] number: String }
    /// use dynamap::encryption::TableActions;
    /// let actions = TableActions::of::<User>()?.with::<Card>()?;
    /// assert_eq!(actions.unsigned().filter(|n| *n == "_et").count(), 1);
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn with<T: DynamoItem>(mut self) -> Result<Self> {
        let schema = T::KEY_SCHEMA;
        let keys = (schema.partition_key.name, schema.sort_key.map(|k| k.name));
        if keys != (self.partition_key, self.sort_key) {
            return Err(Error::Config(format!(
                "`{}` is keyed by {:?}, not by the table's {:?}: one table's types share its key",
                short_type_name::<T>(),
                keys,
                (self.partition_key, self.sort_key)
            )));
        }
        let name = short_type_name::<T>();
        let mut own: BTreeMap<&'static str, CryptoAction> = schema
            .names()
            .map(|key| (key, CryptoAction::SignOnly))
            .collect();
        own.extend(T::CRYPTO_ACTIONS.iter().copied());
        for attribute in written_by::<T>() {
            own.entry(attribute).or_insert(CryptoAction::DoNothing);
        }
        for (attribute, action) in own {
            self.declare(attribute, action, name)?;
        }
        Ok(self)
    }

    fn declare(
        &mut self,
        attribute: &'static str,
        action: CryptoAction,
        by: &'static str,
    ) -> Result<()> {
        match self.actions.get(attribute) {
            Some((earlier, _)) if *earlier == action => Ok(()),
            Some((earlier, earlier_by)) => Err(Error::Config(format!(
                "attribute `{attribute}` is {earlier} for `{earlier_by}` but {action} for \
                 `{by}`: the encryption SDK's actions are per table, so types of one table \
                 must agree on each attribute (rename one)"
            ))),
            None => {
                self.actions.insert(attribute, (action, by));
                Ok(())
            }
        }
    }

    /// The table's partition key attribute.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Card { #[dynamo(partition_key)] id: String }
    /// assert_eq!(dynamap::encryption::TableActions::of::<Card>()?.partition_key(), "id");
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn partition_key(&self) -> &str {
        self.partition_key
    }

    /// The table's sort key attribute, if it has one.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Card { #[dynamo(partition_key)] id: String }
    /// assert_eq!(dynamap::encryption::TableActions::of::<Card>()?.sort_key(), None);
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn sort_key(&self) -> Option<&str> {
        self.sort_key
    }

    /// The action for `attribute`; `None` for an attribute no type writes.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Card { #[dynamo(partition_key)] id: String }
    /// assert_eq!(dynamap::encryption::TableActions::of::<Card>()?.action("other"), None);
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn action(&self, attribute: &str) -> Option<CryptoAction> {
        self.actions.get(attribute).map(|(action, _)| *action)
    }

    /// Every attribute and its action, by name.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Card { #[dynamo(partition_key)] id: String }
    /// let actions = dynamap::encryption::TableActions::of::<Card>()?;
    /// assert!(actions.actions().any(|(name, _)| name == "id"));
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn actions(&self) -> impl Iterator<Item = (&str, CryptoAction)> + '_ {
        self.actions
            .iter()
            .map(|(name, (action, _))| (*name, *action))
    }

    /// The attributes left unsigned, which the SDK's `allowed_unsigned_attributes` lists.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct Card { #[dynamo(partition_key)] id: String, label: String }
    /// let actions = dynamap::encryption::TableActions::of::<Card>()?;
    /// assert!(actions.unsigned().any(|name| name == "label"));
    /// # Ok::<(), dynamap::Error>(())
    /// ```
    pub fn unsigned(&self) -> impl Iterator<Item = &str> + '_ {
        self.actions()
            .filter(|(_, action)| *action == CryptoAction::DoNothing)
            .map(|(name, _)| name)
    }
}

/// Every attribute dynamap may write in an item of `T`, or in the items it keeps for
/// `T` (unique guards, a parent's counts), beside the keys.
fn written_by<T: DynamoItem>() -> Vec<&'static str> {
    let mut names = T::attribute_names();
    names.extend_from_slice(T::ALIASES);
    names.extend(T::VERSION_ATTRIBUTE);
    names.extend(T::TTL_ATTRIBUTE);
    names.extend(T::SHAPE.map(|shape| shape.attribute));
    names.extend(T::ENTITY.map(|entity| entity.attribute));
    names.push(crate::operations::write_token::ATTRIBUTE);
    for index in T::TABLE_INDEXES {
        names.extend(
            index
                .partition_keys()
                .chain(index.sort_keys())
                .map(|k| k.name),
        );
    }
    names.extend(T::AGGREGATES.iter().map(|aggregate| aggregate.attribute));
    if !T::UNIQUE.is_empty() {
        names.push(crate::operations::invariants::guard::OWNER);
    }
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(dynamap::DynamoItem)]
    #[allow(dead_code)]
    struct Card {
        #[dynamo(partition_key)]
        id: String,
        #[dynamo(encrypt)]
        number: String,
        #[dynamo(sign_only)]
        holder: String,
        #[dynamo(version)]
        version: u32,
        #[dynamo(unique)]
        label: String,
    }

    #[derive(dynamap::DynamoItem)]
    #[allow(dead_code)]
    struct Other {
        #[dynamo(partition_key)]
        id: String,
        number: String,
    }

    #[test]
    fn keys_are_signed_declared_fields_as_declared_the_rest_unsigned() {
        let actions = TableActions::of::<Card>().unwrap();
        let all: Vec<(&str, CryptoAction)> = actions.actions().collect();
        use CryptoAction::*;
        assert_eq!(
            all,
            [
                ("_unique_owner", DoNothing),
                ("_wt", DoNothing),
                ("holder", SignOnly),
                ("id", SignOnly),
                ("label", DoNothing),
                ("number", EncryptAndSign),
                ("version", DoNothing),
            ]
        );
        assert_eq!(actions.action("number"), Some(EncryptAndSign));
        assert_eq!(actions.action("holder"), Some(SignOnly));
        assert_eq!(actions.action("label"), Some(DoNothing));
        assert_eq!(actions.action("nothing"), None);
        assert_eq!(
            actions.unsigned().collect::<Vec<_>>(),
            ["_unique_owner", "_wt", "label", "version"]
        );
    }

    #[derive(dynamap::DynamoItem)]
    #[allow(dead_code)]
    struct Sorted {
        #[dynamo(partition_key)]
        owner: String,
        #[dynamo(sort_key)]
        at: u64,
    }

    #[test]
    fn the_key_attributes_are_the_tables() {
        let card = TableActions::of::<Card>().unwrap();
        assert_eq!((card.partition_key(), card.sort_key()), ("id", None));
        let sorted = TableActions::of::<Sorted>().unwrap();
        assert_eq!(
            (sorted.partition_key(), sorted.sort_key()),
            ("owner", Some("at"))
        );
        // A type keyed otherwise is not of the table.
        assert!(matches!(card.with::<Sorted>(), Err(Error::Config(_))));
    }

    #[test]
    fn types_of_one_table_must_agree() {
        let error = TableActions::of::<Card>()
            .unwrap()
            .with::<Other>()
            .unwrap_err();
        assert!(
            error
                .to_string()
                .contains("`number` is ENCRYPT_AND_SIGN for `Card` but DO_NOTHING for `Other`"),
            "{error}"
        );
        // The same type twice agrees with itself.
        assert!(TableActions::of::<Card>().unwrap().with::<Card>().is_ok());
    }
}
