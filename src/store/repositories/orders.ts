/**
 * Orders and the record of each recipient. An order row holds the immutable `Order`; each
 * recipient's record is a row with its state and `version`, the optimistic-concurrency check:
 * an answer updates the row only `where version = <the version read>`, so of two writers that
 * read the same version one updates it and the other finds no row to update (PostgreSQL: it
 * waits on the first one's row lock, then sees the new version; SQLite serialises write
 * transactions) and gets a ConflictError with nothing written. Every event is also appended to
 * `order_events`; a recipient's event carries the version it produced, unique per recipient.
 */
import type { EpochMs } from '../../core/brand.ts'
import {
  applyRecipientEvent,
  type Order,
  type OrderEvent,
  type OrderState,
  type RecipientState,
  type RecipientStatus,
} from '../../command/orders.ts'
import { ConflictError, type OrderRepository } from '../../command/ports.ts'
import type { OrderId, PostId } from '../../command/types.ts'
import { fromJson, toJson } from '../codec.ts'
import { rowsPerStatement } from '../dialect.ts'
import type { OrderRecipientsTable } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'

type RecipientColumns = Omit<OrderRecipientsTable, 'order_id' | 'post_id' | 'position'>

const recipientColumns = (r: RecipientState): RecipientColumns => ({
  version: r.version,
  status: r.status,
  answered_at: r.answeredAt,
  accepted_at: r.acceptedAt,
  completed_at: r.completedAt,
  unable_reason: r.unableReason,
  report: r.report,
  escalated_ack: r.escalated.ack,
  escalated_completion: r.escalated.completion,
})

const recipientOf = (r: OrderRecipientsTable): RecipientState => ({
  post: r.post_id as PostId,
  status: r.status as RecipientStatus,
  version: r.version,
  answeredAt: r.answered_at as EpochMs | null,
  acceptedAt: r.accepted_at as EpochMs | null,
  completedAt: r.completed_at as EpochMs | null,
  unableReason: r.unable_reason,
  report: r.report,
  escalated: {
    ack: r.escalated_ack as EpochMs | null,
    completion: r.escalated_completion as EpochMs | null,
  },
})

const NEW_RECIPIENT: RecipientColumns = {
  version: 0,
  status: 'issued',
  answered_at: null,
  accepted_at: null,
  completed_at: null,
  unable_reason: null,
  report: null,
  escalated_ack: null,
  escalated_completion: null,
}

const record = (orderId: OrderId, post: PostId): string => `order ${orderId}, recipient ${post}`

/** The order repository of a store (or of one of its transactions). */
export function orderRepository(ctx: RepositoryContext): OrderRepository {
  const { dialect } = ctx
  const orderOf = (doc: unknown): Order => fromJson(dialect, doc) as Order

  async function recipientRow(
    db: RepositoryContext['db'],
    orderId: OrderId,
    post: PostId,
  ): Promise<OrderRecipientsTable | undefined> {
    return db
      .selectFrom('order_recipients')
      .selectAll()
      .where('order_id', '=', orderId)
      .where('post_id', '=', post)
      .executeTakeFirst()
  }

  const newest = (limit: number | undefined) => {
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0))
      throw new Error(`limit must be a non-negative integer, not ${limit}`)
    return limit
  }

  return {
    async create(issued) {
      const o = issued.order
      if (issued.orderId !== o.id)
        throw new Error(`issued event of ${issued.orderId} carries order ${o.id}`)
      const orderDoc = toJson(o, `order ${o.id}`)
      const eventDoc = toJson(issued, `issued event of order ${o.id}`)
      const recipients = o.recipients.map((post, position) => ({
        order_id: o.id,
        post_id: post,
        position,
        ...NEW_RECIPIENT,
      }))
      await atomically(ctx.db, async (trx) => {
        const created = await trx
          .insertInto('orders')
          .values({
            id: o.id,
            issuer_post: o.issuerPost,
            issued_at: o.issuedAt,
            ack_deadline: o.ackDeadline,
            completion_deadline: o.completionDeadline,
            order_doc: orderDoc,
            superseded_by: null,
          })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .execute()
        if (created.length === 0) throw new ConflictError(`order ${o.id}`, 0, 1)
        const per = rowsPerStatement(dialect, 12)
        for (let i = 0; i < recipients.length; i += per)
          await trx
            .insertInto('order_recipients')
            .values(recipients.slice(i, i + per))
            .execute()
        await trx
          .insertInto('order_events')
          .values({
            order_id: o.id,
            post_id: null,
            version: null,
            at: issued.at,
            kind: issued.kind,
            event: eventDoc,
          })
          .execute()
      })
    },

    async appendRecipientEvent(orderId, post, expectedVersion, event) {
      if (event.orderId !== orderId || event.post !== post)
        throw new Error(
          `event of order ${event.orderId}, recipient ${event.post} appended to ${record(orderId, post)}`,
        )
      if (!Number.isSafeInteger(expectedVersion) || expectedVersion < 0)
        throw new Error(`expectedVersion must be a non-negative integer, not ${expectedVersion}`)
      const doc = toJson(event, `${event.kind} event of ${record(orderId, post)}`)
      return atomically(ctx.db, async (trx) => {
        const row = await recipientRow(trx, orderId, post)
        if (row === undefined)
          throw new Error(`${record(orderId, post)}: no such order or recipient`)
        if (row.version !== expectedVersion)
          throw new ConflictError(record(orderId, post), expectedVersion, row.version)
        // The domain's own transition: an event that does not follow the record is refused.
        const next = applyRecipientEvent(recipientOf(row), event)
        const updated = await trx
          .updateTable('order_recipients')
          .set(recipientColumns(next))
          .where('order_id', '=', orderId)
          .where('post_id', '=', post)
          .where('version', '=', expectedVersion)
          .executeTakeFirst()
        // Another writer updated the record between our read and our update (PostgreSQL).
        if (updated.numUpdatedRows === 0n)
          throw new ConflictError(
            record(orderId, post),
            expectedVersion,
            (await recipientRow(trx, orderId, post))?.version ?? expectedVersion + 1,
          )
        await trx
          .insertInto('order_events')
          .values({
            order_id: orderId,
            post_id: post,
            version: next.version,
            at: event.at,
            kind: event.kind,
            event: doc,
          })
          .execute()
        return next.version
      })
    },

    async supersede(event) {
      const doc = toJson(event, `superseded event of order ${event.orderId}`)
      await atomically(ctx.db, async (trx) => {
        const updated = await trx
          .updateTable('orders')
          .set({ superseded_by: event.correction })
          .where('id', '=', event.orderId)
          .where('superseded_by', 'is', null)
          .executeTakeFirst()
        if (updated.numUpdatedRows === 0n) {
          const row = await trx
            .selectFrom('orders')
            .select('superseded_by')
            .where('id', '=', event.orderId)
            .executeTakeFirst()
          if (row === undefined) throw new Error(`order ${event.orderId}: no such order`)
          // Corrected already (by another writer, or before): one correction per order.
          throw new ConflictError(`order ${event.orderId}, superseded`, 0, 1)
        }
        await trx
          .insertInto('order_events')
          .values({
            order_id: event.orderId,
            post_id: null,
            version: null,
            at: event.at,
            kind: event.kind,
            event: doc,
          })
          .execute()
      })
    },

    async find(orderId) {
      const o = await ctx.db
        .selectFrom('orders')
        .select(['order_doc', 'superseded_by'])
        .where('id', '=', orderId)
        .executeTakeFirst()
      if (o === undefined) return undefined
      const rows = await ctx.db
        .selectFrom('order_recipients')
        .selectAll()
        .where('order_id', '=', orderId)
        .orderBy('position')
        .execute()
      const recipients = new Map<PostId, RecipientState>()
      for (const r of rows) recipients.set(r.post_id as PostId, recipientOf(r))
      const state: OrderState = {
        order: orderOf(o.order_doc),
        recipients,
        supersededBy: o.superseded_by as OrderId | null,
      }
      return state
    },

    async findRecipient(orderId, post) {
      const r = await recipientRow(ctx.db, orderId, post)
      return r === undefined ? undefined : recipientOf(r)
    },

    async events(orderId) {
      const rows = await ctx.db
        .selectFrom('order_events')
        .select('event')
        .where('order_id', '=', orderId)
        .orderBy('id')
        .execute()
      return rows.map((r) => fromJson(dialect, r.event) as OrderEvent)
    },

    async withDueEscalations(now) {
      // What dueEscalations() would escalate: a recipient still `issued` past the acknowledgment
      // deadline, or neither completed nor unable past the completion deadline (strictly after
      // each), not yet escalated for that deadline, of an order not superseded.
      const rows = await ctx.db
        .selectFrom('orders as o')
        .innerJoin('order_recipients as r', 'r.order_id', 'o.id')
        .select('o.id')
        .distinct()
        .where('o.superseded_by', 'is', null)
        .where('r.status', 'not in', ['completed', 'unable'])
        .where((eb) =>
          eb.or([
            eb.and([
              eb('r.status', '=', 'issued'),
              eb('o.ack_deadline', '<', now),
              eb('r.escalated_ack', 'is', null),
            ]),
            eb.and([
              eb('o.completion_deadline', '<', now),
              eb('r.escalated_completion', 'is', null),
            ]),
          ]),
        )
        .orderBy('o.id')
        .execute()
      return rows.map((r) => r.id as OrderId)
    },

    async issuedBy(post, limit) {
      let q = ctx.db
        .selectFrom('orders')
        .select('order_doc')
        .where('issuer_post', '=', post)
        .orderBy('issued_at', 'desc')
        .orderBy('id', 'desc')
      const n = newest(limit)
      if (n !== undefined) q = q.limit(n)
      return (await q.execute()).map((r) => orderOf(r.order_doc))
    },

    async addressedTo(post, limit) {
      let q = ctx.db
        .selectFrom('order_recipients as r')
        .innerJoin('orders as o', 'o.id', 'r.order_id')
        .select('o.order_doc')
        .where('r.post_id', '=', post)
        .orderBy('o.issued_at', 'desc')
        .orderBy('o.id', 'desc')
      const n = newest(limit)
      if (n !== undefined) q = q.limit(n)
      return (await q.execute()).map((r) => orderOf(r.order_doc))
    },
  }
}
