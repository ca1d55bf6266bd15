// dynamodb-toolbox's side of the shared-table test (tests/tests/interop.rs): one command
// per run, its answer as JSON on stdout. The design is the one `interop.rs` declares for
// dynamap: users and their orders in one partition, `ORDER#{placedAt}#{orderId}`, one GSI.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb'
import {
  Table, Entity, item, string, number, list, map, set,
  GetItemCommand, PutItemCommand, UpdateItemCommand, QueryCommand,
} from 'dynamodb-toolbox'

const [endpoint, tableName, command, argument] = process.argv.slice(2)
const client = new DynamoDBClient({
  endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'dynamap', secretAccessKey: 'dynamap' },
})
const documentClient = DynamoDBDocumentClient.from(client)

const table = new Table({
  name: tableName,
  documentClient,
  partitionKey: { name: 'pk', type: 'string' },
  sortKey: { name: 'sk', type: 'string' },
  indexes: {
    gsi1: {
      type: 'global',
      partitionKey: { name: 'gsi1pk', type: 'string' },
      sortKey: { name: 'gsi1sk', type: 'string' },
    },
  },
  entityAttributeSavedAs: '_et',
})

const User = new Entity({
  name: 'User',
  table,
  schema: item({
    userId: string().key(),
    name: string(),
    email: string(),
    tags: set(string()).optional(),
  }),
  computeKey: ({ userId }) => ({ pk: `USER#${userId}`, sk: 'PROFILE' }),
})

const Order = new Entity({
  name: 'Order',
  table,
  schema: item({
    userId: string().key(),
    placedAt: string().key(),
    orderId: string().key(),
    status: string(),
    total: number(),
    lines: list(map({ sku: string(), qty: number() })),
    notes: map({ gift: string().optional() }).optional(),
  }).and((schema) => ({
    gsi1pk: string().link(({ status }) => `STATUS#${status}`),
    gsi1sk: string().link(({ placedAt, orderId }) => `${placedAt}#${orderId}`),
  })),
  computeKey: ({ userId, placedAt, orderId }) => ({
    pk: `USER#${userId}`,
    sk: `ORDER#${placedAt}#${orderId}`,
  }),
})

const arg = argument === undefined ? {} : JSON.parse(argument)
// What each library returns, without the generated key attributes, which differ only in
// how a library names them.
const plain = ({ gsi1pk, gsi1sk, ...rest }) => rest

const commands = {
  // Puts users and orders (each order's `placedAt` a Date in milliseconds).
  async put({ users = [], orders = [] }) {
    for (const u of users) {
      const tags = u.tags === undefined ? undefined : new Set(u.tags)
      await User.build(PutItemCommand).item({ ...u, tags }).send()
    }
    for (const o of orders) {
      await Order.build(PutItemCommand).item({ ...o, placedAt: new Date(o.placedAt).toISOString() }).send()
    }
    return { ok: true }
  },
  async getUser({ userId }) {
    const { Item } = await User.build(GetItemCommand).key({ userId }).send()
    return Item ?? null
  },
  async getOrder({ userId, placedAt, orderId }) {
    const { Item } = await Order.build(GetItemCommand)
      .key({ userId, placedAt: new Date(placedAt).toISOString(), orderId })
      .send()
    return Item ? plain(Item) : null
  },
  // The user's orders placed between two instants (milliseconds), bounds included.
  async ordersBetween({ userId, low, high }) {
    const { Items } = await table.build(QueryCommand)
      .entities(Order)
      .query({
        partition: `USER#${userId}`,
        range: {
          between: [
            `ORDER#${new Date(low).toISOString()}#`,
            `ORDER#${new Date(high).toISOString()}#\uffff`,
          ],
        },
      })
      .send()
    return Items.map(plain)
  },
  // The user and their orders: one query of the partition.
  async collection({ userId }) {
    const { Items } = await table.build(QueryCommand)
      .entities(User, Order)
      .query({ partition: `USER#${userId}` })
      .send()
    return Items.map(plain)
  },
  async byStatus({ status }) {
    const { Items } = await table.build(QueryCommand)
      .entities(Order)
      .query({ index: 'gsi1', partition: `STATUS#${status}` })
      .send()
    return Items.map(plain)
  },
  async setStatus({ userId, placedAt, orderId, status }) {
    // toolbox computes a linked attribute on puts only: an update sets the index key too.
    await Order.build(UpdateItemCommand)
      .item({ userId, placedAt: new Date(placedAt).toISOString(), orderId, status, gsi1pk: `STATUS#${status}` })
      .options({ condition: { attr: 'status', exists: true } })
      .send()
    return { ok: true }
  },
}

const answer = await commands[command](arg)
// Sets as sorted arrays, so that JSON can carry them.
process.stdout.write(JSON.stringify(answer, (_, v) => (v instanceof Set ? [...v].sort() : v)))
