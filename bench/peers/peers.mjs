// The peer bench's JavaScript contenders: the AWS SDK for JavaScript v3 (its document
// client, by hand), dynamodb-toolbox 2.x and ElectroDB 3.x, each on the design of
// `bench/src/bin/peers.rs`. Usage: node peers.mjs ENDPOINT TABLE LIBRARY QUICK(0|1).
// Prints one JSON line per row: operations, wall seconds, this process's CPU seconds
// (user + system) and the machine's busy CPU seconds over the row.
import { readFileSync } from 'node:fs'
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import {
  DynamoDBDocumentClient, PutCommand, GetCommand, UpdateCommand, BatchWriteCommand,
  BatchGetCommand, paginateScan, paginateQuery,
} from '@aws-sdk/lib-dynamodb'
import {
  Table, Entity, item, string, number, boolean, list, map, set,
  GetItemCommand, PutItemCommand, UpdateItemCommand, QueryCommand, ScanCommand,
  BatchWriteCommand as TbBatchWrite, BatchGetCommand as TbBatchGet, BatchPutRequest,
  BatchGetRequest, executeBatchWrite, executeBatchGet,
} from 'dynamodb-toolbox'
import { Entity as EdbEntity, Service } from 'electrodb'

const [endpoint, tableName, library, quick] = process.argv.slice(2)
const Q = quick === '1'
const N = Q ? 200 : 2000
const USERS = 20
const PER_USER = Q ? 100 : 1000
const BATCH_GET = Q ? 500 : 5000
const BASE = Date.UTC(2024, 4, 1)
// Reads are short: each read row repeats its read, so that it lasts long enough to time.
const SCANS = 2
const QUERIES = Q ? 5 : 20

const client = new DynamoDBClient({
  endpoint, region: 'us-east-1', maxAttempts: 10,
  credentials: { accessKeyId: 'dynamap', secretAccessKey: 'dynamap' },
})
const doc = DynamoDBDocumentClient.from(client)

// The 10-field order; `n` numbers it within its user.
const order = (userId, n) => ({
  userId,
  orderId: `o${String(n).padStart(6, '0')}`,
  placedAt: new Date(BASE + n).toISOString(),
  status: 'open',
  total: 1000 + n,
  currency: 'EUR',
  channel: 'web',
  gift: n % 2 === 0,
  tags: ['fragile', 'priority'],
  lines: [0, 1, 2].map((l) => ({ sku: `SKU-${l}`, qty: l + 1 })),
})
const user = (userId) => ({ userId, name: `name of ${userId}`, email: `${userId}@example.com` })
const keyOf = (o) => ({ pk: `USER#${o.userId}`, sk: `ORDER#${o.placedAt}#${o.orderId}` })

// ---- the contenders: each the same ten operations --------------------------------------

function sdkV3() {
  const stored = (o) => ({
    ...o, ...keyOf(o), tags: new Set(o.tags), _et: 'Order',
    gsi1pk: `STATUS#${o.status}`, gsi1sk: `${o.placedAt}#${o.orderId}`,
  })
  const storedUser = (u) => ({ ...u, pk: `USER#${u.userId}`, sk: 'PROFILE', _et: 'User' })
  const writeAll = async (requests) => {
    for (let i = 0; i < requests.length; i += 25) {
      let batch = { [tableName]: requests.slice(i, i + 25) }
      while (batch && Object.keys(batch).length > 0) {
        const answer = await doc.send(new BatchWriteCommand({ RequestItems: batch }))
        batch = answer.UnprocessedItems
      }
    }
  }
  return {
    put: (o) => doc.send(new PutCommand({ TableName: tableName, Item: stored(o) })),
    get: async (o) => (await doc.send(new GetCommand({ TableName: tableName, Key: keyOf(o) }))).Item,
    modify: (o) => doc.send(new UpdateCommand({
      TableName: tableName, Key: keyOf(o),
      UpdateExpression: 'SET #s = :s, #t = :t, #c = :c, gsi1pk = :g',
      ConditionExpression: '#s = :open',
      ExpressionAttributeNames: { '#s': 'status', '#t': 'total', '#c': 'channel' },
      ExpressionAttributeValues: { ':s': 'paid', ':t': o.total + 1, ':c': 'app', ':g': 'STATUS#paid', ':open': 'open' },
    })),
    batchWrite: (users, orders) => writeAll([
      ...users.map((u) => ({ PutRequest: { Item: storedUser(u) } })),
      ...orders.map((o) => ({ PutRequest: { Item: stored(o) } })),
    ]),
    batchGet: async (orders) => {
      let got = 0
      for (let i = 0; i < orders.length; i += 100) {
        let keys = { [tableName]: { Keys: orders.slice(i, i + 100).map(keyOf) } }
        while (keys && Object.keys(keys).length > 0) {
          const answer = await doc.send(new BatchGetCommand({ RequestItems: keys }))
          got += answer.Responses[tableName].length
          keys = answer.UnprocessedKeys
        }
      }
      return got
    },
    scan: async () => {
      let n = 0
      for await (const page of paginateScan({ client: doc }, { TableName: tableName })) {
        n += page.Items.filter((i) => i._et === 'Order').length
      }
      return n
    },
    query: async (userId) => {
      let n = 0
      const input = {
        TableName: tableName, KeyConditionExpression: 'pk = :p AND begins_with(sk, :o)',
        ExpressionAttributeValues: { ':p': `USER#${userId}`, ':o': 'ORDER#' },
      }
      for await (const page of paginateQuery({ client: doc }, input)) n += page.Items.length
      return n
    },
    collection: async (userId) => {
      let n = 0
      const input = { TableName: tableName, KeyConditionExpression: 'pk = :p', ExpressionAttributeValues: { ':p': `USER#${userId}` } }
      for await (const page of paginateQuery({ client: doc }, input)) n += page.Items.length
      return n
    },
  }
}

function toolbox() {
  const table = new Table({
    name: tableName, documentClient: doc,
    partitionKey: { name: 'pk', type: 'string' }, sortKey: { name: 'sk', type: 'string' },
    indexes: { gsi1: { type: 'global', partitionKey: { name: 'gsi1pk', type: 'string' }, sortKey: { name: 'gsi1sk', type: 'string' } } },
    entityAttributeSavedAs: '_et',
  })
  const User = new Entity({
    name: 'User', table, timestamps: false,
    schema: item({ userId: string().key(), name: string(), email: string() }),
    computeKey: ({ userId }) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
  })
  const Order = new Entity({
    name: 'Order', table, timestamps: false,
    schema: item({
      userId: string().key(), placedAt: string().key(), orderId: string().key(),
      status: string(), total: number(), currency: string(), channel: string(), gift: boolean(),
      tags: set(string()), lines: list(map({ sku: string(), qty: number() })),
    }).and(() => ({
      gsi1pk: string().link(({ status }) => `STATUS#${status}`),
      gsi1sk: string().link(({ placedAt, orderId }) => `${placedAt}#${orderId}`),
    })),
    computeKey: ({ userId, placedAt, orderId }) => ({ pk: `USER#${userId}`, sk: `ORDER#${placedAt}#${orderId}` }),
  })
  const input = (o) => ({ ...o, tags: new Set(o.tags) })
  const key = (o) => ({ userId: o.userId, placedAt: o.placedAt, orderId: o.orderId })
  const pages = async (command) => {
    let n = 0
    let page = await command.send()
    n += page.Items.length
    while (page.LastEvaluatedKey) {
      page = await command.options({ exclusiveStartKey: page.LastEvaluatedKey }).send()
      n += page.Items.length
    }
    return n
  }
  return {
    put: (o) => Order.build(PutItemCommand).item(input(o)).send(),
    get: async (o) => (await Order.build(GetItemCommand).key(key(o)).send()).Item,
    modify: (o) => Order.build(UpdateItemCommand)
      .item({ ...key(o), status: 'paid', total: o.total + 1, channel: 'app', gsi1pk: 'STATUS#paid' })
      .options({ condition: { attr: 'status', eq: 'open' } })
      .send(),
    batchWrite: async (users, orders) => {
      const requests = [
        ...users.map((u) => User.build(BatchPutRequest).item(u)),
        ...orders.map((o) => Order.build(BatchPutRequest).item(input(o))),
      ]
      for (let i = 0; i < requests.length; i += 25) {
        await executeBatchWrite({ maxAttempts: 10 }, table.build(TbBatchWrite).requests(...requests.slice(i, i + 25)))
      }
    },
    batchGet: async (orders) => {
      let got = 0
      for (let i = 0; i < orders.length; i += 100) {
        const requests = orders.slice(i, i + 100).map((o) => Order.build(BatchGetRequest).key(key(o)))
        const { Responses } = await executeBatchGet({ maxAttempts: 10 }, table.build(TbBatchGet).requests(...requests))
        got += Responses[0].length
      }
      return got
    },
    scan: () => pages(table.build(ScanCommand).entities(Order)),
    query: (userId) => pages(table.build(QueryCommand).entities(Order).query({ partition: `USER#${userId}`, range: { beginsWith: 'ORDER#' } })),
    collection: (userId) => pages(table.build(QueryCommand).entities(User, Order).query({ partition: `USER#${userId}` })),
  }
}

function electrodb() {
  const keys = (sk, composite) => ({
    pk: { field: 'pk', composite: ['userId'], template: 'USER#${userId}', casing: 'none' },
    sk: { field: 'sk', composite, template: sk, casing: 'none' },
    collection: 'account',
  })
  const User = new EdbEntity({
    model: { entity: 'User', version: '1', service: 'shop' },
    attributes: { userId: { type: 'string', required: true }, name: { type: 'string' }, email: { type: 'string' } },
    indexes: { byUser: keys('PROFILE', []) },
  }, { table: tableName, client })
  const Order = new EdbEntity({
    model: { entity: 'Order', version: '1', service: 'shop' },
    attributes: {
      userId: { type: 'string', required: true }, placedAt: { type: 'string', required: true },
      orderId: { type: 'string', required: true }, status: { type: 'string', required: true },
      total: { type: 'number' }, currency: { type: 'string' }, channel: { type: 'string' },
      gift: { type: 'boolean' }, tags: { type: 'set', items: 'string' },
      lines: { type: 'list', items: { type: 'map', properties: { sku: { type: 'string' }, qty: { type: 'number' } } } },
    },
    indexes: {
      byUser: keys('ORDER#${placedAt}#${orderId}', ['placedAt', 'orderId']),
      byStatus: {
        index: 'gsi1',
        pk: { field: 'gsi1pk', composite: ['status'], template: 'STATUS#${status}', casing: 'none' },
        sk: { field: 'gsi1sk', composite: ['placedAt', 'orderId'], template: '${placedAt}#${orderId}', casing: 'none' },
      },
    },
  }, { table: tableName, client })
  const shop = new Service({ User, Order }, { table: tableName, client })
  const key = (o) => ({ userId: o.userId, placedAt: o.placedAt, orderId: o.orderId })
  return {
    put: (o) => Order.put(o).go(),
    get: async (o) => (await Order.get(key(o)).go()).data,
    modify: (o) => Order.patch(key(o)).set({ status: 'paid', total: o.total + 1, channel: 'app' })
      .where(({ status }, { eq }) => eq(status, 'open')).go(),
    batchWrite: async (users, orders) => {
      await User.put(users).go()
      await Order.put(orders).go()
    },
    batchGet: async (orders) => (await Order.get(orders.map(key)).go()).data.length,
    scan: async () => (await Order.scan.go({ pages: 'all' })).data.length,
    query: async (userId) => (await Order.query.byUser({ userId }).go({ pages: 'all' })).data.length,
    collection: async (userId) => {
      const { data } = await shop.collections.account({ userId }).go({ pages: 'all' })
      return data.User.length + data.Order.length
    },
  }
}

// ---- measuring ---------------------------------------------------------------------------

const busy = () => {
  const [cpu] = readFileSync('/proc/stat', 'utf8').split('\n')
  const [user, nice, system, , , irq, softirq, steal] = cpu.trim().split(/\s+/).slice(1).map(Number)
  return (user + nice + system + irq + softirq + steal) / 100
}
const row = async (name, ops, body) => {
  const [t0, c0, b0] = [process.hrtime.bigint(), process.cpuUsage(), busy()]
  const count = await body()
  const wall = Number(process.hrtime.bigint() - t0) / 1e9
  const c = process.cpuUsage(c0)
  const b = busy() - b0
  if (count !== undefined && count !== ops) throw new Error(`${name}: ${count} items, not ${ops}`)
  process.stdout.write(JSON.stringify({ row: name, ops, wall, cpu: (c.user + c.system) / 1e6, busy: b }) + '\n')
}

const lib = { 'sdk-v3': sdkV3, 'dynamodb-toolbox': toolbox, electrodb }[library]()
const single = Array.from({ length: N }, (_, i) => order('single', i))
const users = Array.from({ length: USERS }, (_, u) => user(`b${u}`))
const bulk = users.flatMap((u) => Array.from({ length: PER_USER }, (_, i) => order(u.userId, i)))
for (let i = 0; i < 50; i++) await lib.put(order('warm', i)) // warm-up: connections, JIT
await row('put', N, async () => { for (const o of single) await lib.put(o) })
await row('get', N, async () => { for (const o of single) if (!(await lib.get(o))) throw new Error('missing') })
await row('conditional modify of 3 fields', N, async () => { for (const o of single) await lib.modify(o) })
await row(`batch write of ${bulk.length + USERS}`, bulk.length + USERS, () => lib.batchWrite(users, bulk))
await row(`batch get of ${BATCH_GET}`, BATCH_GET, () => lib.batchGet(bulk.slice(0, BATCH_GET)))
// Every library reads the whole table and keeps the orders.
const orders = N + 50 + bulk.length
const repeat = async (times, read) => {
  let n = 0
  for (let i = 0; i < times; i++) n += await read()
  return n
}
await row(`full scan (${orders} orders of ${orders + USERS} items), ${SCANS} times`, SCANS * orders, () => repeat(SCANS, lib.scan))
await row(`partition query of ${PER_USER}, ${QUERIES} times`, QUERIES * PER_USER, () => repeat(QUERIES, () => lib.query('b7')))
await row(`collection query (user + ${PER_USER} orders), ${QUERIES} times`, QUERIES * (PER_USER + 1), () => repeat(QUERIES, () => lib.collection('b7')))
