//! The table as infrastructure code (#32 item 6): `create_table().resource()` renders
//! CloudFormation (JSON and YAML) and Terraform (JSON) that say, field by field, what
//! the same builder's CreateTable and UpdateTimeToLive requests say on the wire.

use std::time::SystemTime;

use dynamap::prelude::*;
use dynamap::schema::{Billing, StreamView};
use dynamap::{DynamoTable, Error, Table};
use serde_json::{json, Value};

use dynamap_tests::wire::{wire_client, WireLog};
use dynamap_tests::{client, unique_table_name};

/// Every kind of declaration: a sort key, a global index with an included attribute,
/// one of keys only, a local index, time to live.
#[derive(DynamoItem, Debug, Clone, PartialEq)]
struct Order {
    #[dynamo(partition_key)]
    customer: String,
    #[dynamo(sort_key)]
    id: u64,
    #[dynamo(gsi_partition_key(ByStatus, include("total", "note")))]
    status: String,
    #[dynamo(gsi_sort_key(ByStatus), lsi_sort_key(ByTotal))]
    total: u64,
    #[dynamo(gsi_partition_key(ByCoupon, keys_only))]
    coupon: String,
    note: String,
    #[dynamo(ttl)]
    expires_at: SystemTime,
}

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"),
    index(ByName, partition_key = "gsi2pk", include("name"))
)]
struct App;

#[derive(DynamoItem, Debug, Clone, PartialEq)]
#[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE",
         index(Gsi1, pk = "EMAIL#{email}", sk = "USER"), index(ByName, pk = "NAME#{name}"))]
struct User {
    id: String,
    email: String,
    name: String,
}

/// A typed index keyed by two attributes.
#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(ByLadder, partition_key(tenant: String, ladder: String), sort_key(score: u64))
)]
struct Games;

/// A list of objects in a stable order (by `key`), so two renderings compare equal
/// whatever order each lists them in.
fn sorted(value: &Value, key: &str) -> Value {
    let mut items = value.as_array().cloned().unwrap_or_default();
    items.sort_by_key(|item| item[key].to_string());
    Value::Array(items)
}

/// An index as both sides list it, its included attributes sorted.
fn index_form(index: &Value) -> Value {
    let mut index = index.clone();
    let names = index
        .get_mut("Projection")
        .and_then(|p| p.get_mut("NonKeyAttributes"))
        .and_then(Value::as_array_mut);
    if let Some(names) = names {
        names.sort_by_key(|n| n.to_string());
    }
    index
}

fn indexes(value: &Value) -> Value {
    let listed: Vec<Value> = value
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(index_form)
        .collect();
    sorted(&Value::Array(listed), "IndexName")
}

/// The CloudFormation properties match the CreateTable and UpdateTimeToLive requests
/// sent for the same builder, field by field.
fn assert_cloudformation_matches(properties: &Value, wire: &WireLog) {
    let [create] = wire
        .bodies("CreateTable")
        .try_into()
        .expect("one CreateTable");
    assert_eq!(properties["TableName"], create["TableName"]);
    assert_eq!(properties["KeySchema"], create["KeySchema"]);
    assert_eq!(
        sorted(&properties["AttributeDefinitions"], "AttributeName"),
        sorted(&create["AttributeDefinitions"], "AttributeName")
    );
    assert_eq!(properties["BillingMode"], create["BillingMode"]);
    assert_eq!(
        properties.get("ProvisionedThroughput"),
        create.get("ProvisionedThroughput")
    );
    for list in ["GlobalSecondaryIndexes", "LocalSecondaryIndexes"] {
        assert_eq!(indexes(&properties[list]), indexes(&create[list]), "{list}");
    }
    // CloudFormation's stream names its view only; the request turns it on as well.
    match create.get("StreamSpecification") {
        Some(stream) => {
            assert_eq!(stream["StreamEnabled"], json!(true));
            assert_eq!(
                properties["StreamSpecification"],
                json!({ "StreamViewType": stream["StreamViewType"] })
            );
        }
        None => assert!(properties.get("StreamSpecification").is_none()),
    }
    match wire.bodies("UpdateTimeToLive").as_slice() {
        [ttl] => assert_eq!(
            properties["TimeToLiveSpecification"],
            ttl["TimeToLiveSpecification"]
        ),
        [] => assert!(properties.get("TimeToLiveSpecification").is_none()),
        more => panic!("{} UpdateTimeToLive requests", more.len()),
    }
    // Nothing beside what the requests say.
    let rendered: Vec<&String> = properties.as_object().unwrap().keys().collect();
    for name in rendered {
        assert!(
            create.get(name).is_some() || name == "TimeToLiveSpecification",
            "`{name}` is in the template and not in the request"
        );
    }
}

/// Terraform's resource says what the requests say, in its own names.
fn assert_terraform_matches(resource: &Value, wire: &WireLog) {
    let [create] = wire
        .bodies("CreateTable")
        .try_into()
        .expect("one CreateTable");
    let key = |schema: &Value, kind: &str| {
        schema
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["KeyType"] == kind)
            .map(|e| e["AttributeName"].clone())
    };
    assert_eq!(resource["name"], create["TableName"]);
    assert_eq!(
        Some(resource["hash_key"].clone()),
        key(&create["KeySchema"], "HASH")
    );
    assert_eq!(
        resource.get("range_key").cloned(),
        key(&create["KeySchema"], "RANGE")
    );
    assert_eq!(resource["billing_mode"], create["BillingMode"]);
    let throughput = &create["ProvisionedThroughput"];
    assert_eq!(
        resource.get("read_capacity"),
        throughput.get("ReadCapacityUnits")
    );
    assert_eq!(
        resource.get("write_capacity"),
        throughput.get("WriteCapacityUnits")
    );
    let attributes: Vec<Value> = create["AttributeDefinitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| json!({ "name": d["AttributeName"], "type": d["AttributeType"] }))
        .collect();
    assert_eq!(
        sorted(&resource["attribute"], "name"),
        sorted(&Value::Array(attributes), "name")
    );
    for (tf, cf) in [
        ("global_secondary_index", "GlobalSecondaryIndexes"),
        ("local_secondary_index", "LocalSecondaryIndexes"),
    ] {
        let expected: Vec<Value> = create[cf]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .map(|index| {
                let mut out = serde_json::Map::new();
                out.insert("name".into(), index["IndexName"].clone());
                if tf == "global_secondary_index" {
                    out.insert("hash_key".into(), key(&index["KeySchema"], "HASH").unwrap());
                }
                if let Some(range) = key(&index["KeySchema"], "RANGE") {
                    out.insert("range_key".into(), range);
                }
                let projection = &index["Projection"];
                out.insert(
                    "projection_type".into(),
                    projection["ProjectionType"].clone(),
                );
                if let Some(names) = projection.get("NonKeyAttributes") {
                    let mut names = names.as_array().unwrap().clone();
                    names.sort_by_key(|n| n.to_string());
                    out.insert("non_key_attributes".into(), Value::Array(names));
                }
                if let Some(throughput) = index.get("ProvisionedThroughput") {
                    out.insert(
                        "read_capacity".into(),
                        throughput["ReadCapacityUnits"].clone(),
                    );
                    out.insert(
                        "write_capacity".into(),
                        throughput["WriteCapacityUnits"].clone(),
                    );
                }
                Value::Object(out)
            })
            .collect();
        let rendered: Vec<Value> = resource
            .get(tf)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|mut index| {
                if let Some(names) = index
                    .get_mut("non_key_attributes")
                    .and_then(Value::as_array_mut)
                {
                    names.sort_by_key(|n| n.to_string());
                }
                index
            })
            .collect();
        assert_eq!(
            sorted(&Value::Array(rendered), "name"),
            sorted(&Value::Array(expected), "name"),
            "{tf}"
        );
    }
    match create.get("StreamSpecification") {
        Some(stream) => {
            assert_eq!(resource["stream_enabled"], json!(true));
            assert_eq!(resource["stream_view_type"], stream["StreamViewType"]);
        }
        None => assert!(resource.get("stream_enabled").is_none()),
    }
    match wire.bodies("UpdateTimeToLive").as_slice() {
        [ttl] => {
            let spec = &ttl["TimeToLiveSpecification"];
            assert_eq!(
                resource["ttl"],
                json!({ "attribute_name": spec["AttributeName"], "enabled": spec["Enabled"] })
            );
        }
        [] => assert!(resource.get("ttl").is_none()),
        more => panic!("{} UpdateTimeToLive requests", more.len()),
    }
}

/// Renders `create`'s resource three ways, sends it, and compares each with the wire.
async fn check(
    wire: &WireLog,
    create: dynamap::schema::CreateTable<'_>,
    table: &str,
) -> (Value, Value) {
    let resource = create.resource().unwrap();
    let cloudformation: Value =
        serde_json::from_str(&resource.cloudformation_json("Table").unwrap()).unwrap();
    let yaml: Value =
        serde_yaml_ng::from_str(&resource.cloudformation_yaml("Table").unwrap()).unwrap();
    assert_eq!(yaml, cloudformation, "the YAML holds the same template");
    assert_eq!(
        cloudformation["Resources"]["Table"]["Type"],
        "AWS::DynamoDB::Table"
    );
    let terraform: Value =
        serde_json::from_str(&resource.terraform_json("table").unwrap()).unwrap();
    create.send().await.unwrap();
    let properties = cloudformation["Resources"]["Table"]["Properties"].clone();
    assert_eq!(properties["TableName"], table);
    assert_cloudformation_matches(&properties, wire);
    let terraform = terraform["resource"]["aws_dynamodb_table"]["table"].clone();
    assert_terraform_matches(&terraform, wire);
    (properties, terraform)
}

#[tokio::test]
async fn a_plain_types_table_renders_as_its_requests_say_it() {
    let (client, wire) = wire_client(&client().await);
    let orders = TypedMapping::<Order>::new(client, unique_table_name("infra-orders"));
    let (properties, terraform) = check(
        &wire,
        orders
            .create_table()
            .provisioned(7, 3)
            .stream(StreamView::NewAndOldImages),
        orders.table_name(),
    )
    .await;
    // What the checks above compared is all there.
    assert_eq!(
        properties["GlobalSecondaryIndexes"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        properties["LocalSecondaryIndexes"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    assert_eq!(properties["ProvisionedThroughput"]["ReadCapacityUnits"], 7);
    assert_eq!(
        properties["TimeToLiveSpecification"]["AttributeName"],
        "expires_at"
    );
    assert_eq!(terraform["stream_view_type"], "NEW_AND_OLD_IMAGES");
}

#[tokio::test]
async fn a_single_table_design_renders_on_demand_without_a_stream() {
    let (client, wire) = wire_client(&client().await);
    let app = Table::<App>::new(client, unique_table_name("infra-app"));
    let (properties, terraform) = check(
        &wire,
        app.create_table().billing(Billing::OnDemand),
        app.table_name(),
    )
    .await;
    assert_eq!(properties["BillingMode"], "PAY_PER_REQUEST");
    assert!(properties.get("StreamSpecification").is_none());
    assert_eq!(
        terraform["global_secondary_index"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // The design works on the table it describes.
    let users = app.entity::<User>();
    let user = User {
        id: "u1".into(),
        email: "ada@example.com".into(),
        name: "Ada".into(),
    };
    users.insert(&user).await.unwrap();
    assert_eq!(
        users
            .query_index::<Gsi1>("ada@example.com")
            .first()
            .await
            .unwrap(),
        Some(user)
    );
}

#[tokio::test]
async fn terraform_refuses_an_index_of_several_attributes_and_cloudformation_lists_them() {
    let games = Table::<Games>::new(client().await, unique_table_name("infra-games"));
    let resource = games.create_table().resource().unwrap();
    match resource.terraform_json("games") {
        Err(Error::InvalidRequest { problem, .. }) => {
            assert!(
                problem.contains("by_ladder") || problem.contains("ByLadder"),
                "{problem}"
            )
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    let template: Value =
        serde_json::from_str(&resource.cloudformation_json("Games").unwrap()).unwrap();
    let index = &template["Resources"]["Games"]["Properties"]["GlobalSecondaryIndexes"][0];
    let keys: Vec<(&str, &str)> = index["KeySchema"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["AttributeName"].as_str().unwrap(),
                e["KeyType"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        [("tenant", "HASH"), ("ladder", "HASH"), ("score", "RANGE")]
    );
}
