"""The same workloads through boto3 and the Python seed, dynamodb-mapping, against the
server named by AWS_ENDPOINT_URL_DYNAMODB; prints Markdown rows (ops/s)."""
import os
import time
import uuid

import boto3
from dynamodb_mapping import DynamoDBMapping

QUICK = os.environ.get("BENCH_QUICK") == "1"
N = 200 if QUICK else 2000
# The Rust rows' sizes: 2,000 sequential operations, a bulk load of 20,000 items.
BULK = 2000 if QUICK else 20000

dynamodb = boto3.resource("dynamodb")
client = boto3.client("dynamodb")
name = f"bench-py-{uuid.uuid4().hex[:8]}"
client.create_table(
    TableName=name,
    KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
    AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
    BillingMode="PAY_PER_REQUEST",
)
table = dynamodb.Table(name)
mapping = DynamoDBMapping(table_name=name)


def item(i):
    return {
        "id": f"o{i}",
        "status": "shipped",
        "total_cents": 12345 + i,
        "gift": i % 2 == 0,
        "tags": {"priority", "fragile"},
        "lines": [{"sku": f"SKU-{l:04}", "quantity": l + 1} for l in range(3)],
        "attributes": {"channel": "web"},
    }


def rate(n, f):
    t = time.perf_counter()
    f()
    return n / (time.perf_counter() - t)


rows = []
for _ in range(200):  # warm-up
    table.put_item(Item=item(10**7 + _))
rows.append(("PutItem sequential", "boto3", rate(N, lambda: [table.put_item(Item=item(i)) for i in range(N)])))
rows.append(("PutItem sequential", "dynamodb-mapping (seed)", rate(N, lambda: [mapping.__setitem__(f"o{i}", item(i)) for i in range(N)])))
rows.append(("GetItem sequential", "boto3", rate(N, lambda: [table.get_item(Key={"id": f"o{i}"}) for i in range(N)])))
rows.append(("GetItem sequential", "dynamodb-mapping (seed)", rate(N, lambda: [mapping[f"o{i}"] for i in range(N)])))


def batch():
    with table.batch_writer() as writer:
        for i in range(BULK):
            writer.put_item(Item=item(10**6 + i))


rows.append((f"bulk load of {BULK} items", "boto3 batch_writer", rate(BULK, batch)))
# The seed's bulk path is a loop of single puts, over the same keys the batch writer wrote.
rows.append((f"bulk load of {BULK} items", "dynamodb-mapping (seed): a loop of puts",
             rate(BULK, lambda: [mapping.__setitem__(f"o{10**6 + i}", item(10**6 + i)) for i in range(BULK)])))
total = len(list(mapping.keys()))
rows.append((f"full scan of {total} items", "boto3 scan pagination",
             rate(total, lambda: [x for page in client.get_paginator("scan").paginate(TableName=name) for x in page["Items"]])))
rows.append((f"full scan of {total} items", "dynamodb-mapping (seed) values()", rate(total, lambda: list(mapping.values()))))
client.delete_table(TableName=name)

print()
print("| workload (Python, same server) | contender | ops/s |")
print("|---|---|---:|")
for workload, contender, ops in rows:
    print(f"| {workload} | {contender} | {ops:.0f} |")
