use dynamap::DynamoItem;

mod upper {
    pub fn to_stored(v: &String) -> Result<String, dynamap::error::ConversionError> {
        Ok(v.to_uppercase())
    }
    pub fn from_stored(v: String) -> Result<String, dynamap::error::ConversionError> {
        Ok(v)
    }
}

#[derive(DynamoItem)]
struct User {
    #[dynamo(partition_key, with = "upper")]
    id: String,
    #[dynamo(serde, with = "upper")]
    name: String,
    #[dynamo(with = "not a path")]
    nick: String,
}

fn main() {}
