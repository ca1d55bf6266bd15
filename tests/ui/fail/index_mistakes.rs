use dynamap::DynamoItem;

#[derive(DynamoItem)]
struct NoSortKey {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(lsi_sort_key = "by_day")]
    day: String,
    #[dynamo(gsi_sort_key = "by_total")]
    total: i64,
    #[dynamo(gsi_partition_key = "x")]
    short_name: String,
}

#[derive(DynamoItem)]
struct Mixed {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(sort_key)]
    at: u64,
    #[dynamo(gsi_partition_key = "by_kind")]
    kind: String,
    #[dynamo(lsi_sort_key = "by_kind")]
    day: String,
}

#[derive(DynamoItem)]
struct BadKeyType {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(gsi_partition_key = "by_flag")]
    flag: bool,
}

fn main() {}
