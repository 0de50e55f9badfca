/** The delivery log (one line per send attempt) and acknowledgments, both append-only. */
import type { EpochMs } from '../../core/brand.ts'
import type { AcknowledgmentRepository, DeliveryLogRepository } from '../../notify/ports.ts'
import type {
  Acknowledgment,
  ChannelKind,
  DeliveryLogEntry,
  DeliveryOutcome,
} from '../../notify/types.ts'
import type { DeliveryLogTable } from '../schema.ts'
import type { Selectable } from 'kysely'
import type { RepositoryContext } from './context.ts'

const entryFromRow = (r: Selectable<DeliveryLogTable>): DeliveryLogEntry => ({
  messageId: r.message_id,
  idempotencyKey: r.idempotency_key,
  alertId: r.alert_id,
  alertVersion: r.alert_version,
  recipient: r.recipient,
  channel: r.channel as ChannelKind,
  address: r.address,
  attempt: r.attempt,
  resend: r.resend,
  at: r.at as EpochMs,
  outcome: r.outcome as DeliveryOutcome,
  providerId: r.provider_id,
  reason: r.reason,
})

/** The delivery-log repository of a store (or of one of its transactions). */
export function deliveryLogRepository(ctx: RepositoryContext): DeliveryLogRepository {
  return {
    async append(e) {
      await ctx.db
        .insertInto('delivery_log')
        .values({
          message_id: e.messageId,
          idempotency_key: e.idempotencyKey,
          alert_id: e.alertId,
          alert_version: e.alertVersion,
          recipient: e.recipient,
          channel: e.channel,
          address: e.address,
          attempt: e.attempt,
          resend: e.resend,
          at: e.at,
          outcome: e.outcome,
          provider_id: e.providerId,
          reason: e.reason,
        })
        .execute()
    },
    async forRecipient(recipient) {
      const rows = await ctx.db
        .selectFrom('delivery_log')
        .selectAll()
        .where('recipient', '=', recipient)
        .orderBy('id')
        .execute()
      return rows.map(entryFromRow)
    },
    async forMessage(messageId) {
      const rows = await ctx.db
        .selectFrom('delivery_log')
        .selectAll()
        .where('message_id', '=', messageId)
        .orderBy('id')
        .execute()
      return rows.map(entryFromRow)
    },
  }
}

/** The acknowledgment repository of a store (or of one of its transactions). */
export function acknowledgmentRepository(ctx: RepositoryContext): AcknowledgmentRepository {
  return {
    async record(a) {
      await ctx.db
        .insertInto('acknowledgments')
        .values({
          message_id: a.messageId,
          alert_id: a.alertId,
          alert_version: a.alertVersion,
          recipient: a.recipient,
          at: a.at,
          via: a.via,
        })
        .execute()
    },
    async forAlert(alertId, alertVersion) {
      const rows = await ctx.db
        .selectFrom('acknowledgments')
        .selectAll()
        .where('alert_id', '=', alertId)
        .where('alert_version', '=', alertVersion)
        .orderBy('id')
        .execute()
      return rows.map((r): Acknowledgment => ({
        messageId: r.message_id,
        alertId: r.alert_id,
        alertVersion: r.alert_version,
        recipient: r.recipient,
        at: r.at as EpochMs,
        via: r.via as Acknowledgment['via'],
      }))
    },
  }
}
