//! Transactions across tables: all or nothing, reasons per action, idempotent tokens.

use dynamap::prelude::*;
use dynamap::{error::CancelReason, Error};
use dynamap_tests::new_mapping;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Account {
    #[dynamo(partition_key)]
    id: String,
    balance: i64,
    frozen: bool,
}

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Wallet {
    #[dynamo(partition_key)]
    owner: String,
    #[dynamo(sort_key)]
    currency: String,
    amount: i64,
}

async fn setup() -> (TypedMapping<Account>, TypedMapping<Wallet>) {
    let accounts = new_mapping::<Account>("tx-accounts").await;
    let wallets = new_mapping::<Wallet>("tx-wallets").await;
    accounts
        .insert(&Account {
            id: "alice".into(),
            balance: 100,
            frozen: false,
        })
        .await
        .unwrap();
    wallets
        .insert(&Wallet {
            owner: "bob".into(),
            currency: "EUR".into(),
            amount: 5,
        })
        .await
        .unwrap();
    (accounts, wallets)
}

fn transfer(
    accounts: &TypedMapping<Account>,
    wallets: &TypedMapping<Wallet>,
    alice: &String,
    bob: &(String, String),
    amount: i64,
) -> dynamap::transactions::Transaction {
    let a = Account::fields();
    let w = Wallet::fields();
    dynamap::transaction(accounts.client())
        .modify(accounts, alice, |m| {
            m.subtract(a.balance, amount)
                .when(a.balance.ge(amount) & a.frozen.eq(false))
        })
        .modify(wallets, bob, |m| m.add(w.amount, amount))
}

#[tokio::test]
async fn a_transfer_between_two_tables_is_all_or_nothing() {
    let (accounts, wallets) = setup().await;
    let alice = "alice".to_string();
    let bob = ("bob".to_string(), "EUR".to_string());

    transfer(&accounts, &wallets, &alice, &bob, 30)
        .await
        .unwrap();
    assert_eq!(accounts.get(&alice).await.unwrap().unwrap().balance, 70);
    assert_eq!(wallets.get(&bob).await.unwrap().unwrap().amount, 35);

    // Not enough money: the condition on alice fails, and bob's side is rolled back too.
    match transfer(&accounts, &wallets, &alice, &bob, 500)
        .await
        .unwrap_err()
    {
        Error::TransactionCancelled { actions, .. } => {
            assert_eq!(actions.len(), 2);
            assert_eq!(actions[0].reason, CancelReason::ConditionFailed);
            assert!(
                actions[0]
                    .action
                    .contains("Update on `dynamap-test-tx-accounts"),
                "{}",
                actions[0].action
            );
            let current: Account = actions[0].current().expect("the item as it was").unwrap();
            assert_eq!(current.balance, 70);
            assert_eq!(actions[1].reason, CancelReason::None);
            assert!(actions[1].current::<Account>().is_none());
            let message = Error::TransactionCancelled {
                actions,
                message: None,
            }
            .to_string();
            assert!(
                message.contains("action 0 (Update on `dynamap-test-tx-accounts")
                    && message.contains("failed its condition"),
                "{message}"
            );
        }
        other => panic!("expected TransactionCancelled, got {other:?}"),
    }
    assert_eq!(accounts.get(&alice).await.unwrap().unwrap().balance, 70);
    assert_eq!(wallets.get(&bob).await.unwrap().unwrap().amount, 35);

    // A consistent read of both sides.
    let mut read = dynamap::read_transaction(accounts.client());
    let a = read.get(&accounts, &alice);
    let b = read.get(&wallets, &bob);
    let nobody = read.get(&accounts, "nobody");
    let mut results = read.await.unwrap();
    assert_eq!(results.take(a).unwrap().map(|a| a.balance), Some(70));
    assert_eq!(results.take(b).unwrap().map(|w| w.amount), Some(35));
    assert_eq!(results.take(nobody).unwrap(), None);
}

#[tokio::test]
async fn a_retried_request_token_applies_once() {
    let (accounts, wallets) = setup().await;
    let alice = "alice".to_string();
    let bob = ("bob".to_string(), "EUR".to_string());
    let token = format!("transfer-{}", dynamap_tests::unique_suffix());
    for _ in 0..3 {
        transfer(&accounts, &wallets, &alice, &bob, 10)
            .client_request_token(token.clone())
            .await
            .unwrap();
    }
    assert_eq!(accounts.get(&alice).await.unwrap().unwrap().balance, 90);
    assert_eq!(wallets.get(&bob).await.unwrap().unwrap().amount, 15);
    transfer(&accounts, &wallets, &alice, &bob, 10)
        .client_request_token(format!("transfer-{}", dynamap_tests::unique_suffix()))
        .await
        .unwrap();
    assert_eq!(accounts.get(&alice).await.unwrap().unwrap().balance, 80);
}

#[tokio::test]
async fn puts_removes_and_condition_checks() {
    let (accounts, wallets) = setup().await;
    let alice = "alice".to_string();
    let carol = Account {
        id: "carol".into(),
        balance: 1,
        frozen: false,
    };
    let a = Account::fields();
    dynamap::transaction(accounts.client())
        .condition_check(&accounts, &alice, a.frozen.eq(false))
        .put_if_absent(&accounts, &carol)
        .remove(&wallets, &("bob", "EUR"))
        .await
        .unwrap();
    assert!(accounts.contains_key(&"carol".to_string()).await.unwrap());
    assert_eq!(wallets.count().await.unwrap(), 0);

    // carol exists now: put_if_absent fails, and the put of dave is not applied.
    let dave = Account {
        id: "dave".into(),
        balance: 0,
        frozen: false,
    };
    let err = dynamap::transaction(accounts.client())
        .put(&accounts, &dave)
        .put_if_absent(&accounts, &carol)
        .await
        .unwrap_err();
    match &err {
        Error::TransactionCancelled { actions, .. } => {
            assert_eq!(actions[0].reason, CancelReason::None);
            assert_eq!(actions[1].reason, CancelReason::ConditionFailed);
        }
        other => panic!("expected TransactionCancelled, got {other:?}"),
    }
    assert!(!accounts.contains_key(&"dave".to_string()).await.unwrap());

    let frozen_check = dynamap::transaction(accounts.client())
        .condition_check(&accounts, &alice, a.frozen.eq(true))
        .remove_when(&accounts, "carol", a.balance.eq(1))
        .await;
    assert!(matches!(
        frozen_check,
        Err(Error::TransactionCancelled { .. })
    ));
    assert!(accounts.contains_key(&"carol".to_string()).await.unwrap());
}

#[tokio::test]
async fn what_dynamodb_would_refuse_is_refused_before_sending() {
    let (accounts, _) = setup().await;
    let alice = "alice".to_string();
    let a = Account::fields();
    let same_item = dynamap::transaction(accounts.client())
        .modify(&accounts, &alice, |m| m.add(a.balance, 1))
        .condition_check(&accounts, &alice, a.frozen.eq(false))
        .await;
    assert!(
        matches!(same_item, Err(Error::InvalidRequest { .. })),
        "{same_item:?}"
    );
    let mut too_many = dynamap::transaction(accounts.client());
    let accounts_list: Vec<Account> = (0..101)
        .map(|i| Account {
            id: format!("a{i}"),
            balance: 0,
            frozen: false,
        })
        .collect();
    for account in &accounts_list {
        too_many = too_many.put(&accounts, account);
    }
    assert_eq!(too_many.len(), 101);
    assert!(matches!(too_many.await, Err(Error::InvalidRequest { .. })));
    assert!(matches!(
        dynamap::transaction(accounts.client()).await,
        Err(Error::InvalidRequest { .. })
    ));
}
