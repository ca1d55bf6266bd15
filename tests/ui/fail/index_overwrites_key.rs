// Every key attribute an entity writes holds one template's value: an inverted index
// (keyed by the table's own `sk` and `pk`) takes the entity's own templates, and two
// indexes sharing an attribute take the same one. Otherwise `insert` would overwrite the
// item's key and `get` would no longer find it.
use dynamap::prelude::*;
use dynamap::DynamoTable;

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk",
         index(Inverted, partition_key = "sk", sort_key = "pk"),
         index(Gsi1, partition_key = "gsi1pk", sort_key = "gsi1sk"),
         index(Gsi2, partition_key = "gsi1pk", sort_key = "gsi2sk"))]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Membership", pk = "GROUP#{group}", sk = "USER#{user}",
         index(Inverted, pk = "MEMBER#{user}", sk = "GROUP#{group}"))]
struct Membership {
    group: String,
    user: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Order", pk = "ORDER#{id}", sk = "ORDER",
         index(Gsi1, pk = "STATUS#{status}", sk = "{id}"),
         index(Gsi2, pk = "CUSTOMER#{customer}", sk = "{id}"))]
struct Order {
    id: String,
    status: String,
    customer: String,
}

// Right: the inverted index stores in `sk` and `pk` what the entity stores there.
#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Follow", pk = "USER#{follower}", sk = "FOLLOWS#{followed}",
         index(Inverted, pk = "FOLLOWS#{followed}", sk = "USER#{follower}"))]
struct Follow {
    follower: String,
    followed: String,
}

fn main() {}
