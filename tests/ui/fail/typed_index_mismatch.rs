use dynamap::{DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(
    partition_key = "pk",
    sort_key = "sk",
    index(Gsi1, partition_key = "gsi1pk"),
    index(ByLadder, partition_key(tenant: String, ladder: String), sort_key(score: u64))
)]
struct League;

// Fewer partition fields than the index has.
#[derive(DynamoItem)]
#[dynamo(table = League, entity = "Short", pk = "S#{id}", sk = "S",
         index(ByLadder, pk(tenant), sk(score)))]
struct Short { id: u32, tenant: String, score: u64 }

// A field stored under another name than the index's attribute at its place.
#[derive(DynamoItem)]
#[dynamo(table = League, entity = "Misnamed", pk = "M#{id}", sk = "M",
         index(ByLadder, pk(tenant, division), sk(score)))]
struct Misnamed { id: u32, tenant: String, division: String, score: u64 }

// A field of another scalar type: the index sorts `score` as a number.
#[derive(DynamoItem)]
#[dynamo(table = League, entity = "Texty", pk = "T#{id}", sk = "T",
         index(ByLadder, pk(tenant, ladder), sk(score)))]
struct Texty { id: u32, tenant: String, ladder: String, score: String }

// Templates for a typed index, fields for a template index, an unknown field.
#[derive(DynamoItem)]
#[dynamo(table = League, entity = "Crossed", pk = "C#{id}", sk = "C",
         index(ByLadder, pk = "L#{tenant}", sk = "{score}"),
         index(Gsi1, pk(tenant)))]
struct Crossed { id: u32, tenant: String, score: u64 }

#[derive(DynamoItem)]
#[dynamo(table = League, entity = "Unknown", pk = "U#{id}", sk = "U",
         index(ByLadder, pk(tenant, ladderr), sk(score)))]
struct Unknown { id: u32, tenant: String, ladder: String, score: u64 }

fn main() {}
