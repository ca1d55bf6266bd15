"""The peer bench's Python contenders: boto3 (by hand) and pydynox (an ORM with a Rust
core), each on the design of bench/src/bin/peers.rs. Usage:
python peers.py ENDPOINT TABLE LIBRARY QUICK(0|1). Prints one JSON line per row:
operations, wall seconds, this process's CPU seconds (user + system, every thread) and
the machine's busy CPU seconds over the row."""
import json
import sys
import time
from datetime import datetime, timedelta, timezone

endpoint, table_name, library, quick = sys.argv[1:5]
Q = quick == "1"
N = 200 if Q else 2000
USERS = 20
PER_USER = 100 if Q else 1000
BATCH_GET = 500 if Q else 5000
BASE = datetime(2024, 5, 1, tzinfo=timezone.utc)
# Reads are short: each read row repeats its read, so that it lasts long enough to time.
SCANS = 2
QUERIES = 5 if Q else 20
CREDENTIALS = dict(region="us-east-1", access_key="dynamap", secret_key="dynamap")


def iso(n):
    # JavaScript's toISOString(): 3 fraction digits and Z, as the other contenders write.
    return (BASE + timedelta(milliseconds=n)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def order(user_id, n):
    return {
        "userId": user_id,
        "orderId": f"o{n:06}",
        "placedAt": iso(n),
        "status": "open",
        "total": 1000 + n,
        "currency": "EUR",
        "channel": "web",
        "gift": n % 2 == 0,
        "tags": {"fragile", "priority"},
        "lines": [{"sku": f"SKU-{l}", "qty": l + 1} for l in range(3)],
    }


def user(user_id):
    return {"userId": user_id, "name": f"name of {user_id}", "email": f"{user_id}@example.com"}


def key_of(o):
    return {"pk": f"USER#{o['userId']}", "sk": f"ORDER#{o['placedAt']}#{o['orderId']}"}


class Boto3:
    def __init__(self):
        import boto3
        from botocore.config import Config

        resource = boto3.resource(
            "dynamodb", endpoint_url=endpoint, region_name="us-east-1",
            aws_access_key_id="dynamap", aws_secret_access_key="dynamap",
            config=Config(retries={"max_attempts": 10, "mode": "standard"}),
        )
        self.table = resource.Table(table_name)
        self.client = resource.meta.client

    def stored(self, o):
        return {**o, **key_of(o), "_et": "Order", "gsi1pk": f"STATUS#{o['status']}",
                "gsi1sk": f"{o['placedAt']}#{o['orderId']}"}

    def put(self, o):
        self.table.put_item(Item=self.stored(o))

    def get(self, o):
        return self.table.get_item(Key=key_of(o)).get("Item")

    def modify(self, o):
        self.table.update_item(
            Key=key_of(o),
            UpdateExpression="SET #s = :s, #t = :t, #c = :c, gsi1pk = :g",
            ConditionExpression="#s = :open",
            ExpressionAttributeNames={"#s": "status", "#t": "total", "#c": "channel"},
            ExpressionAttributeValues={":s": "paid", ":t": o["total"] + 1, ":c": "app",
                                       ":g": "STATUS#paid", ":open": "open"},
        )

    def batch_write(self, users, orders):
        with self.table.batch_writer() as writer:
            for u in users:
                writer.put_item(Item={**u, "pk": f"USER#{u['userId']}", "sk": "PROFILE", "_et": "User"})
            for o in orders:
                writer.put_item(Item=self.stored(o))

    def batch_get(self, orders):
        got = 0
        for i in range(0, len(orders), 100):
            keys = {table_name: {"Keys": [key_of(o) for o in orders[i:i + 100]]}}
            while keys:
                answer = self.client.batch_get_item(RequestItems=keys)
                got += len(answer["Responses"][table_name])
                keys = answer.get("UnprocessedKeys")
        return got

    def pages(self, method, **kwargs):
        for page in self.client.get_paginator(method).paginate(TableName=table_name, **kwargs):
            yield from page["Items"]

    def scan(self):
        return sum(1 for i in self.pages("scan") if i["_et"] == "Order")

    def query(self, user_id):
        return sum(1 for _ in self.pages("query", KeyConditionExpression="pk = :p AND begins_with(sk, :o)",
                                         ExpressionAttributeValues={":p": f"USER#{user_id}", ":o": "ORDER#"}))

    def collection(self, user_id):
        return sum(1 for _ in self.pages("query", KeyConditionExpression="pk = :p",
                                         ExpressionAttributeValues={":p": f"USER#{user_id}"}))


class Pydynox:
    def __init__(self):
        from pydynox import Collection, DynamoDBClient, Model, ModelConfig, SyncBatchWriter
        from pydynox.attributes import (BooleanAttribute, ListAttribute, NumberAttribute,
                                        StringAttribute, StringSetAttribute)
        from pydynox.indexes import GlobalSecondaryIndex

        client = DynamoDBClient(endpoint_url=endpoint, **CREDENTIALS)
        config = ModelConfig(table=table_name, client=client)

        class User(Model):
            model_config = config
            pk = StringAttribute(partition_key=True, template="USER#{userId}")
            sk = StringAttribute(sort_key=True, template="PROFILE")
            _et = StringAttribute(discriminator=True)
            userId = StringAttribute()
            name = StringAttribute()
            email = StringAttribute()

        class Order(Model):
            model_config = config
            pk = StringAttribute(partition_key=True, template="USER#{userId}")
            sk = StringAttribute(sort_key=True, template="ORDER#{placedAt}#{orderId}")
            _et = StringAttribute(discriminator=True)
            gsi1pk = StringAttribute(template="STATUS#{status}")
            gsi1sk = StringAttribute(template="{placedAt}#{orderId}")
            userId = StringAttribute()
            orderId = StringAttribute()
            placedAt = StringAttribute()
            status = StringAttribute()
            total = NumberAttribute()
            currency = StringAttribute()
            channel = StringAttribute()
            gift = BooleanAttribute()
            tags = StringSetAttribute()
            lines = ListAttribute()
            by_status = GlobalSecondaryIndex(index_name="gsi1", partition_key="gsi1pk", sort_key="gsi1sk")

        self.User, self.Order, self.client = User, Order, client
        self.accounts = Collection([User, Order])
        self.writer = SyncBatchWriter

    def put(self, o):
        self.Order(**o).sync_save()

    def get(self, o):
        return self.Order.sync_get(**key_of(o))

    def modify(self, o):
        self.Order.sync_update_by_key(
            condition=self.Order.status == "open",
            **key_of(o), status="paid", total=o["total"] + 1, channel="app", gsi1pk="STATUS#paid")

    def batch_write(self, users, orders):
        with self.writer(self.client, table_name) as writer:
            for u in users:
                writer.put(self.User(**u).to_dict())
            for o in orders:
                writer.put(self.Order(**o).to_dict())

    def batch_get(self, orders):
        return len(self.Order.sync_batch_get([key_of(o) for o in orders]))

    def scan(self):
        return sum(1 for _ in self.Order.sync_scan(filter_condition=self.Order._et == "Order"))

    def query(self, user_id):
        return sum(1 for _ in self.Order.sync_query(
            partition_key=f"USER#{user_id}", sort_key_condition=self.Order.sk.begins_with("ORDER#")))

    def collection(self, user_id):
        result = self.accounts.sync_query(pk=f"USER#{user_id}")
        return len(result.get(self.User)) + len(result.get(self.Order))


def busy():
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user_, nice, system, _idle, _iowait, irq, softirq, steal = fields[:8]
    return (user_ + nice + system + irq + softirq + steal) / 100


def row(name, ops, body):
    t0, c0, b0 = time.perf_counter(), time.process_time(), busy()
    count = body()
    wall, cpu, b = time.perf_counter() - t0, time.process_time() - c0, busy() - b0
    if count is not None and count != ops:
        raise SystemExit(f"{name}: {count} items, not {ops}")
    print(json.dumps({"row": name, "ops": ops, "wall": wall, "cpu": cpu, "busy": b}), flush=True)


lib = {"boto3": Boto3, "pydynox": Pydynox}[library]()
single = [order("single", i) for i in range(N)]
users = [user(f"b{u}") for u in range(USERS)]
bulk = [order(u["userId"], i) for u in users for i in range(PER_USER)]
for i in range(50):  # warm-up: connections
    lib.put(order("warm", i))


def each(f, items):
    for o in items:
        f(o)


def gets():
    for o in single:
        if not lib.get(o):
            raise SystemExit("missing")


row("put", N, lambda: each(lib.put, single))
row("get", N, gets)
row("conditional modify of 3 fields", N, lambda: each(lib.modify, single))
row(f"batch write of {len(bulk) + USERS}", len(bulk) + USERS, lambda: lib.batch_write(users, bulk))
row(f"batch get of {BATCH_GET}", BATCH_GET, lambda: lib.batch_get(bulk[:BATCH_GET]))
orders = N + 50 + len(bulk)
def repeat(times, read):
    return sum(read() for _ in range(times))


row(f"full scan ({orders} orders of {orders + USERS} items), {SCANS} times", SCANS * orders,
    lambda: repeat(SCANS, lib.scan))
row(f"partition query of {PER_USER}, {QUERIES} times", QUERIES * PER_USER,
    lambda: repeat(QUERIES, lambda: lib.query("b7")))
row(f"collection query (user + {PER_USER} orders), {QUERIES} times", QUERIES * (PER_USER + 1),
    lambda: repeat(QUERIES, lambda: lib.collection("b7")))
