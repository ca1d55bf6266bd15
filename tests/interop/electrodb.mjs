// ElectroDB's side of the shared-table test (tests/tests/interop/electrodb.rs): one
// command per run, its answer as JSON on stdout. ElectroDB keys items by its own
// attributes `__edb_e__` (the entity) and `__edb_v__` (its version): dynamap's table names
// the first as its entity attribute, and its types store the second.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb'
import { Entity, Service } from 'electrodb'

const [endpoint, table, command, argument] = process.argv.slice(2)
const client = new DynamoDBClient({
  endpoint, region: 'us-east-1',
  credentials: { accessKeyId: 'dynamap', secretAccessKey: 'dynamap' },
})

const now = () => new Date().toISOString()
const stamps = {
  createdAt: { type: 'string', readOnly: true, default: now, set: now },
  updatedAt: { type: 'string', watch: '*', default: now, set: now },
}

const User = new Entity({
  model: { entity: 'User', version: '1', service: 'shop' },
  attributes: {
    userId: { type: 'string', required: true },
    name: { type: 'string', required: true },
    email: { type: 'string', required: true },
    // Not required: dynamap stores an empty set as no attribute, as DynamoDB must.
    tags: { type: 'set', items: 'string' },
    ...stamps,
  },
  indexes: {
    byUser: {
      collection: 'account',
      pk: { field: 'pk', composite: ['userId'], template: 'USER#${userId}', casing: 'none' },
      sk: { field: 'sk', composite: [], template: 'PROFILE', casing: 'none' },
    },
  },
}, { table, client })

const Order = new Entity({
  model: { entity: 'Order', version: '1', service: 'shop' },
  attributes: {
    userId: { type: 'string', required: true },
    placedAt: { type: 'string', required: true },
    orderId: { type: 'string', required: true },
    status: { type: 'string', required: true },
    total: { type: 'number', required: true },
    lines: {
      type: 'list', required: true,
      items: { type: 'map', properties: { sku: { type: 'string' }, qty: { type: 'number' } } },
    },
    notes: { type: 'map', properties: { gift: { type: 'string' } } },
    ...stamps,
  },
  indexes: {
    byUser: {
      collection: 'account',
      pk: { field: 'pk', composite: ['userId'], template: 'USER#${userId}', casing: 'none' },
      sk: { field: 'sk', composite: ['placedAt', 'orderId'], template: 'ORDER#${placedAt}#${orderId}', casing: 'none' },
    },
    byStatus: {
      index: 'gsi1',
      pk: { field: 'gsi1pk', composite: ['status'], template: 'STATUS#${status}', casing: 'none' },
      sk: { field: 'gsi1sk', composite: ['placedAt', 'orderId'], template: '${placedAt}#${orderId}', casing: 'none' },
    },
  },
}, { table, client })

const shop = new Service({ User, Order }, { table, client })

const iso = (millis) => new Date(millis).toISOString()
const arg = argument === undefined ? {} : JSON.parse(argument)

const commands = {
  async put({ users = [], orders = [] }) {
    for (const u of users) await User.put(u).go()
    for (const o of orders) await Order.put({ ...o, placedAt: iso(o.placedAt) }).go()
    return { ok: true }
  },
  async getUser({ userId }) {
    return (await User.get({ userId }).go()).data
  },
  async getOrder({ userId, placedAt, orderId }) {
    return (await Order.get({ userId, placedAt: iso(placedAt), orderId }).go()).data
  },
  // The user's orders placed between two instants (milliseconds), bounds included: on
  // the first composite attribute of the sort key.
  async ordersBetween({ userId, low, high }) {
    const { data } = await Order.query.byUser({ userId })
      .between({ placedAt: iso(low) }, { placedAt: iso(high) })
      .go({ pages: 'all' })
    return data
  },
  async collection({ userId }) {
    const { data } = await shop.collections.account({ userId }).go({ pages: 'all' })
    return data
  },
  async byStatus({ status }) {
    return (await Order.query.byStatus({ status }).go({ pages: 'all' })).data
  },
  async setStatus({ userId, placedAt, orderId, status }) {
    await Order.patch({ userId, placedAt: iso(placedAt), orderId }).set({ status }).go()
    return { ok: true }
  },
}

const answer = await commands[command](arg)
// Sets as sorted arrays, so that JSON can carry them.
process.stdout.write(JSON.stringify(answer, (_, v) => (v instanceof Set ? [...v].sort() : v)))
