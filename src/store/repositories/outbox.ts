/**
 * The outbox: one row per warning version (or notice of an order) on its way to one contact,
 * written in the same transaction as the decision that sends it. Unique by id and by
 * idempotency key; adding a message whose key (or id) is already there skips it.
 */
import type { Selectable } from 'kysely'
import type { EpochMs } from '../../core/brand.ts'
import type { OutboxRepository } from '../../notify/ports.ts'
import type {
  ChannelKind,
  MessageSubject,
  OrderDeadline,
  OrderNoticeKind,
  OutboxMessage,
  OutboxStatus,
  PayloadFormat,
} from '../../notify/types.ts'
import { rowsPerStatement } from '../dialect.ts'
import type { OutboxTable } from '../schema.ts'
import { atomically, type RepositoryContext } from './context.ts'

const toRow = (m: OutboxMessage): OutboxTable => ({
  id: m.id,
  idempotency_key: m.idempotencyKey,
  subject: m.subject,
  notice_kind: m.notice?.kind ?? null,
  notice_post: m.notice?.post ?? null,
  notice_deadline: m.notice?.deadline ?? null,
  alert_id: m.alertId,
  alert_version: m.alertVersion,
  subscription_id: m.subscriptionId,
  recipient: m.recipient,
  contact_index: m.contactIndex,
  channel: m.channel,
  address: m.address,
  language: m.language,
  format: m.format,
  attempts: m.attempts,
  resends: m.resends,
  next_attempt_at: m.nextAttemptAt,
  status: m.status,
  created_at: m.createdAt,
  delivered_at: m.deliveredAt,
  escalated_at: m.escalatedAt,
  last_error: m.lastError,
})

const fromRow = (r: Selectable<OutboxTable>): OutboxMessage => ({
  id: r.id,
  idempotencyKey: r.idempotency_key,
  subject: r.subject as MessageSubject,
  notice:
    r.notice_kind === null
      ? null
      : {
          kind: r.notice_kind as OrderNoticeKind,
          post: r.notice_post ?? '',
          deadline: r.notice_deadline as OrderDeadline | null,
        },
  alertId: r.alert_id,
  alertVersion: r.alert_version,
  subscriptionId: r.subscription_id,
  recipient: r.recipient,
  contactIndex: r.contact_index,
  channel: r.channel as ChannelKind,
  address: r.address,
  language: r.language,
  format: r.format as PayloadFormat,
  attempts: r.attempts,
  resends: r.resends,
  nextAttemptAt: r.next_attempt_at as EpochMs,
  status: r.status as OutboxStatus,
  createdAt: r.created_at as EpochMs,
  deliveredAt: r.delivered_at as EpochMs | null,
  escalatedAt: r.escalated_at as EpochMs | null,
  lastError: r.last_error,
})

const COLUMNS = 23

/** The outbox repository of a store (or of one of its transactions). */
export function outboxRepository(ctx: RepositoryContext): OutboxRepository {
  return {
    async add(messages) {
      // The first of several messages sharing a key or an id wins, as against the stored ones.
      const keys = new Set<string>()
      const ids = new Set<string>()
      const fresh: OutboxMessage[] = []
      for (const m of messages) {
        if (keys.has(m.idempotencyKey) || ids.has(m.id)) continue
        keys.add(m.idempotencyKey)
        ids.add(m.id)
        fresh.push(m)
      }
      if (fresh.length === 0) return []
      const per = rowsPerStatement(ctx.dialect, COLUMNS)
      const added = await atomically(ctx.db, async (trx) => {
        const inserted = new Set<string>()
        for (let i = 0; i < fresh.length; i += per) {
          // No conflict target: a row clashing on either unique key (id, idempotency key) is
          // skipped, also when a concurrent transaction inserted it first.
          const rows = await trx
            .insertInto('outbox')
            .values(fresh.slice(i, i + per).map(toRow))
            .onConflict((oc) => oc.doNothing())
            .returning('id')
            .execute()
          for (const r of rows) inserted.add(r.id)
        }
        return inserted
      })
      return fresh.filter((m) => added.has(m.id))
    },

    async due(now, limit) {
      const rows = await ctx.db
        .selectFrom('outbox')
        .selectAll()
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute()
      return rows.map(fromRow)
    },

    async awaitingAcknowledgment() {
      const rows = await ctx.db
        .selectFrom('outbox')
        .selectAll()
        .where('subject', '=', 'warning')
        .where('status', '<>', 'pending')
        .where('escalated_at', 'is', null)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('acknowledgments as a')
                .select('a.message_id')
                .whereRef('a.alert_id', '=', 'outbox.alert_id')
                .whereRef('a.alert_version', '=', 'outbox.alert_version')
                .whereRef('a.recipient', '=', 'outbox.recipient'),
            ),
          ),
        )
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(fromRow)
    },

    async find(id) {
      const r = await ctx.db
        .selectFrom('outbox')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst()
      return r === undefined ? undefined : fromRow(r)
    },

    async forAlert(alertId, alertVersion) {
      const rows = await ctx.db
        .selectFrom('outbox')
        .selectAll()
        .where('subject', '=', 'warning')
        .where('alert_id', '=', alertId)
        .where('alert_version', '=', alertVersion)
        .orderBy('created_at')
        .orderBy('contact_index')
        .orderBy('id')
        .execute()
      return rows.map(fromRow)
    },

    async forOrder(orderId) {
      const rows = await ctx.db
        .selectFrom('outbox')
        .selectAll()
        .where('subject', '=', 'order')
        .where('alert_id', '=', orderId)
        .orderBy('created_at')
        .orderBy('id')
        .execute()
      return rows.map(fromRow)
    },

    async update(message) {
      const { id, ...rest } = toRow(message)
      const r = await ctx.db.updateTable('outbox').set(rest).where('id', '=', id).executeTakeFirst()
      if (r.numUpdatedRows === 0n) throw new Error(`no outbox row ${id}`)
    },
  }
}
