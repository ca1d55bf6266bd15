// Collection members share one partition template: the odd one out is named.
use dynamap::{DynamoCollection, DynamoItem, DynamoTable};

#[derive(DynamoTable)]
#[dynamo(partition_key = "pk", sort_key = "sk")]
struct App;

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "User", pk = "USER#{id}", sk = "PROFILE")]
struct User {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Team", pk = "TEAM#{id}", sk = "INFO")]
struct Team {
    id: String,
}

#[derive(DynamoItem)]
#[dynamo(table = App, entity = "Visit", pk = "USER#{user}", sk = "VISIT#{at}")]
struct Visit {
    user: u64,
    at: u64,
}

#[derive(DynamoCollection)]
enum UserView {
    User(User),
    Team(Team),
}

#[derive(DynamoCollection)]
enum Visits {
    User(User),
    Visit(Visit),
}

#[derive(DynamoCollection)]
enum Shapes {
    User(User),
    Named { user: User },
}

fn main() {}
