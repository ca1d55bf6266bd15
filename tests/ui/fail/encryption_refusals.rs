// What the encryption SDK refuses does not compile: a condition or filter on an
// encrypted field, `modify` of an encrypted or signed field, and `update_with`,
// `move_item` and `backfill` of a type that has either.
use dynamap::prelude::*;

#[derive(DynamoItem, Clone)]
struct Patient {
    #[dynamo(partition_key)]
    id: String,
    #[dynamo(encrypt)]
    diagnosis: String,
    #[dynamo(sign_only)]
    ward: String,
    nickname: String,
}

async fn uses(patients: TypedMapping<Patient>) {
    let f = Patient::fields();
    let _ = patients.remove_when("p1", f.diagnosis.eq("flu")).await;
    let _ = patients.modify("p1").set(f.diagnosis, "flu").await;
    let _ = patients.modify("p1").set(f.ward, "C").await;
    let _ = patients.update_with("p1", |p| p.nickname.push('!')).await;
    let _ = patients.move_item("p1", |p| p.id.push('!')).await;
    let _ = patients.backfill().await;
    // What still compiles: a condition on a signed field, `modify` of the rest.
    let _ = patients
        .modify("p1")
        .set(f.nickname, "n")
        .when(f.ward.eq("B"))
        .await;
}

fn main() {}
