//! The table a type declares as infrastructure code: a CloudFormation
//! `AWS::DynamoDB::Table` resource (JSON or YAML) or Terraform's `aws_dynamodb_table`
//! (JSON syntax), rendered from the CreateTable request `create_table()` sends, so the
//! two can never say different things.

use aws_sdk_dynamodb::operation::create_table::builders::CreateTableInputBuilder;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, KeySchemaElement, KeyType, Projection, ProvisionedThroughput,
};
use serde_json::{json, Map, Value};

use crate::error::{Error, Result};

/// A table as infrastructure code; from [`CreateTable::resource`](super::CreateTable::resource)
/// (its billing and stream settings included). Renders CloudFormation (JSON, YAML) and
/// Terraform (JSON).
///
/// ```
/// # #[derive(dynamap::DynamoItem)]
/// # struct User { #[dynamo(partition_key)] id: String }
/// # fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
/// let resource = users.create_table().resource()?;
/// let terraform = resource.terraform_json("users")?; // users.tf.json
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct TableResource {
    request: CreateTableInputBuilder,
    ttl: Option<&'static str>,
}

impl TableResource {
    pub(super) fn new(request: CreateTableInputBuilder, ttl: Option<&'static str>) -> Result<Self> {
        if request.get_table_name().is_none() {
            return Err(Error::InvalidRequest {
                operation: "CreateTable",
                problem: "a table without a name".to_owned(),
            });
        }
        Ok(TableResource { request, ttl })
    }

    /// The template's `Properties` of the `AWS::DynamoDB::Table` resource: DynamoDB's
    /// own field names, as CreateTable takes them.
    fn cloudformation_properties(&self) -> Value {
        let r = &self.request;
        let mut properties = Map::new();
        properties.insert("TableName".into(), json!(r.get_table_name()));
        properties.insert(
            "AttributeDefinitions".into(),
            Value::Array(definitions(r.get_attribute_definitions())),
        );
        properties.insert("KeySchema".into(), key_schema(r.get_key_schema()));
        if let Some(mode) = r.get_billing_mode() {
            properties.insert("BillingMode".into(), json!(mode.as_str()));
        }
        if let Some(throughput) = r.get_provisioned_throughput() {
            properties.insert("ProvisionedThroughput".into(), capacity(throughput));
        }
        let globals: Vec<Value> = r
            .get_global_secondary_indexes()
            .iter()
            .flatten()
            .map(|index| {
                let mut out = Map::new();
                out.insert("IndexName".into(), json!(index.index_name()));
                out.insert(
                    "KeySchema".into(),
                    key_schema(&Some(index.key_schema().to_vec())),
                );
                out.insert("Projection".into(), projection(index.projection()));
                if let Some(throughput) = index.provisioned_throughput() {
                    out.insert("ProvisionedThroughput".into(), capacity(throughput));
                }
                Value::Object(out)
            })
            .collect();
        if !globals.is_empty() {
            properties.insert("GlobalSecondaryIndexes".into(), Value::Array(globals));
        }
        let locals: Vec<Value> = r
            .get_local_secondary_indexes()
            .iter()
            .flatten()
            .map(|index| {
                json!({
                    "IndexName": index.index_name(),
                    "KeySchema": key_schema(&Some(index.key_schema().to_vec())),
                    "Projection": projection(index.projection()),
                })
            })
            .collect();
        if !locals.is_empty() {
            properties.insert("LocalSecondaryIndexes".into(), Value::Array(locals));
        }
        if let Some(view) = stream_view(&self.request) {
            properties.insert(
                "StreamSpecification".into(),
                json!({ "StreamViewType": view }),
            );
        }
        if let Some(attribute) = self.ttl {
            properties.insert(
                "TimeToLiveSpecification".into(),
                json!({ "AttributeName": attribute, "Enabled": true }),
            );
        }
        Value::Object(properties)
    }

    /// A CloudFormation template holding the table as the resource `logical_id`.
    fn cloudformation(&self, logical_id: &str) -> Value {
        json!({
            "AWSTemplateFormatVersion": "2010-09-09",
            "Resources": {
                logical_id: {
                    "Type": "AWS::DynamoDB::Table",
                    "Properties": self.cloudformation_properties(),
                }
            }
        })
    }

    /// A CloudFormation template (JSON) holding the table as the resource `logical_id`.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let json = users.create_table().resource()?.cloudformation_json("UsersTable")?;
    /// assert!(json.contains("AWS::DynamoDB::Table"));
    /// # Ok(()) }
    /// ```
    pub fn cloudformation_json(&self, logical_id: &str) -> Result<String> {
        pretty(&self.cloudformation(logical_id))
    }

    /// The same template as YAML.
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let yaml = users.create_table().resource()?.cloudformation_yaml("UsersTable")?;
    /// assert!(yaml.contains("Type: AWS::DynamoDB::Table"));
    /// # Ok(()) }
    /// ```
    pub fn cloudformation_yaml(&self, logical_id: &str) -> Result<String> {
        serde_yaml_ng::to_string(&self.cloudformation(logical_id))
            .map_err(|e| Error::Config(format!("the template as YAML: {e}")))
    }

    /// Terraform's `aws_dynamodb_table` resource named `name`, in Terraform's JSON
    /// syntax (a `.tf.json` file). Terraform's index blocks name one hash key and one
    /// range key: an index keyed by several attributes is refused with
    /// [`Error::InvalidRequest`].
    ///
    /// ```
    /// # #[derive(dynamap::DynamoItem)]
    /// # struct User { #[dynamo(partition_key)] id: String }
    /// # fn f(users: dynamap::TypedMapping<User>) -> dynamap::Result<()> {
    /// let tf = users.create_table().resource()?.terraform_json("users")?;
    /// assert!(tf.contains("aws_dynamodb_table"));
    /// # Ok(()) }
    /// ```
    pub fn terraform_json(&self, name: &str) -> Result<String> {
        let r = &self.request;
        let mut table = Map::new();
        table.insert("name".into(), json!(r.get_table_name()));
        if let Some(mode) = r.get_billing_mode() {
            table.insert("billing_mode".into(), json!(mode.as_str()));
        }
        terraform_capacity(&mut table, r.get_provisioned_throughput().as_ref());
        let (hash, range) = terraform_keys(
            "the table",
            r.get_key_schema().as_deref().unwrap_or_default(),
        )?;
        table.insert("hash_key".into(), json!(hash));
        if let Some(range) = range {
            table.insert("range_key".into(), json!(range));
        }
        let attributes: Vec<Value> = r
            .get_attribute_definitions()
            .iter()
            .flatten()
            .map(|d| json!({ "name": d.attribute_name(), "type": d.attribute_type().as_str() }))
            .collect();
        table.insert("attribute".into(), Value::Array(attributes));
        let mut globals = Vec::new();
        for index in r.get_global_secondary_indexes().iter().flatten() {
            let (hash, range) = terraform_keys(index.index_name(), index.key_schema())?;
            let mut out = Map::new();
            out.insert("name".into(), json!(index.index_name()));
            out.insert("hash_key".into(), json!(hash));
            if let Some(range) = range {
                out.insert("range_key".into(), json!(range));
            }
            terraform_projection(&mut out, index.projection());
            terraform_capacity(&mut out, index.provisioned_throughput());
            globals.push(Value::Object(out));
        }
        if !globals.is_empty() {
            table.insert("global_secondary_index".into(), Value::Array(globals));
        }
        let mut locals = Vec::new();
        for index in r.get_local_secondary_indexes().iter().flatten() {
            let (_, range) = terraform_keys(index.index_name(), index.key_schema())?;
            let mut out = Map::new();
            out.insert("name".into(), json!(index.index_name()));
            out.insert("range_key".into(), json!(range));
            terraform_projection(&mut out, index.projection());
            locals.push(Value::Object(out));
        }
        if !locals.is_empty() {
            table.insert("local_secondary_index".into(), Value::Array(locals));
        }
        if let Some(view) = stream_view(r) {
            table.insert("stream_enabled".into(), json!(true));
            table.insert("stream_view_type".into(), json!(view));
        }
        if let Some(attribute) = self.ttl {
            table.insert(
                "ttl".into(),
                json!({ "attribute_name": attribute, "enabled": true }),
            );
        }
        pretty(&json!({ "resource": { "aws_dynamodb_table": { name: table } } }))
    }
}

fn pretty(value: &Value) -> Result<String> {
    serde_json::to_string_pretty(value)
        .map_err(|e| Error::Config(format!("the template as JSON: {e}")))
}

fn definitions(definitions: &Option<Vec<AttributeDefinition>>) -> Vec<Value> {
    definitions
        .iter()
        .flatten()
        .map(|d| {
            json!({
                "AttributeName": d.attribute_name(),
                "AttributeType": d.attribute_type().as_str(),
            })
        })
        .collect()
}

fn key_schema(elements: &Option<Vec<KeySchemaElement>>) -> Value {
    elements
        .iter()
        .flatten()
        .map(|e| json!({ "AttributeName": e.attribute_name(), "KeyType": e.key_type().as_str() }))
        .collect()
}

fn capacity(throughput: &ProvisionedThroughput) -> Value {
    json!({
        "ReadCapacityUnits": throughput.read_capacity_units(),
        "WriteCapacityUnits": throughput.write_capacity_units(),
    })
}

fn projection(projection: Option<&Projection>) -> Value {
    let mut out = Map::new();
    if let Some(kind) = projection.and_then(Projection::projection_type) {
        out.insert("ProjectionType".into(), json!(kind.as_str()));
    }
    let names = projection
        .map(Projection::non_key_attributes)
        .unwrap_or_default();
    if !names.is_empty() {
        out.insert("NonKeyAttributes".into(), json!(names));
    }
    Value::Object(out)
}

fn terraform_capacity(out: &mut Map<String, Value>, throughput: Option<&ProvisionedThroughput>) {
    if let Some(throughput) = throughput {
        out.insert(
            "read_capacity".into(),
            json!(throughput.read_capacity_units()),
        );
        out.insert(
            "write_capacity".into(),
            json!(throughput.write_capacity_units()),
        );
    }
}

fn terraform_projection(out: &mut Map<String, Value>, projection: Option<&Projection>) {
    if let Some(kind) = projection.and_then(Projection::projection_type) {
        out.insert("projection_type".into(), json!(kind.as_str()));
    }
    let names = projection
        .map(Projection::non_key_attributes)
        .unwrap_or_default();
    if !names.is_empty() {
        out.insert("non_key_attributes".into(), json!(names));
    }
}

fn stream_view(request: &CreateTableInputBuilder) -> Option<&str> {
    let stream = request.get_stream_specification().as_ref()?;
    if !stream.stream_enabled() {
        return None;
    }
    stream.stream_view_type().map(|view| view.as_str())
}

/// The one hash key and the optional range key Terraform's blocks take.
fn terraform_keys<'k>(
    owner: &str,
    elements: &'k [KeySchemaElement],
) -> Result<(&'k str, Option<&'k str>)> {
    let of = |kind: KeyType| -> Vec<&'k str> {
        elements
            .iter()
            .filter(|e| *e.key_type() == kind)
            .map(KeySchemaElement::attribute_name)
            .collect()
    };
    match (of(KeyType::Hash).as_slice(), of(KeyType::Range).as_slice()) {
        ([hash], []) => Ok((hash, None)),
        ([hash], [range]) => Ok((hash, Some(range))),
        _ => Err(Error::InvalidRequest {
            operation: "CreateTable",
            problem: format!(
                "`{owner}` is keyed by several attributes per key, which Terraform's `aws_dynamodb_table` blocks cannot declare (one hash_key, one range_key): render it as CloudFormation"
            ),
        }),
    }
}
