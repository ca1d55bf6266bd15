use dynamap::DynamoItem;
use dynamap_tests::new_mapping;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct User {
    #[dynamo(partition_key)]
    id: String,
    name: String,
    age: u8,
}

#[tokio::test]
async fn insert_get_remove() {
    let users = new_mapping::<User>("smoke").await;
    let ada = User {
        id: "u1".into(),
        name: "Ada".into(),
        age: 36,
    };
    users.insert(&ada).await.unwrap();
    assert_eq!(
        users.get(&"u1".to_string()).await.unwrap(),
        Some(ada.clone())
    );
    assert!(users.contains_key(&"u1".to_string()).await.unwrap());
    assert_eq!(users.remove(&"u1".to_string()).await.unwrap(), Some(ada));
    assert_eq!(users.get(&"u1".to_string()).await.unwrap(), None);
}
