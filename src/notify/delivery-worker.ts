/**
 * The delivery use cases over ports: publish a warning version to the outbox, deliver what is
 * due (with retries), escalate what is not acknowledged in time, take acknowledgments and
 * resend by hand. Pure orchestration: time comes from the Clock, jitter from the Rng, and
 * every effect goes through a port.
 */
import type { Clock } from '../core/clock.ts'
import type { Rng } from '../core/rng.ts'
import { fail, ok, type Result } from '../core/result.ts'
import { acknowledgmentOf, readAckToken } from './ack.ts'
import { escalate, type EscalationPolicy } from './escalation.ts'
import { fanOut } from './fan-out.ts'
import { recordAttempt, resend } from './outbox.ts'
import type {
  AcknowledgmentRepository,
  AlertLookup,
  ChannelPort,
  ContentRenderer,
  DeliveryLogRepository,
  OutboxRepository,
  SendResult,
  Signer,
  SubscriptionRepository,
} from './ports.ts'
import type { RetryPolicy } from './retry.ts'
import type { Acknowledgment, AlertSummary, ChannelKind, OutboxMessage } from './types.ts'

export interface DeliveryWorkerDeps {
  readonly clock: Clock
  readonly rng: Rng
  readonly outbox: OutboxRepository
  readonly log: DeliveryLogRepository
  readonly acks: AcknowledgmentRepository
  readonly subscriptions: SubscriptionRepository
  readonly alerts: AlertLookup
  readonly renderer: ContentRenderer
  /** A channel missing here makes its messages fail for good. */
  readonly channels: Readonly<Partial<Record<ChannelKind, ChannelPort>>>
  /** Signs acknowledgment tokens. */
  readonly signer: Signer
  readonly retry: RetryPolicy
  readonly escalation: EscalationPolicy
}

export interface DeliveryWorker {
  /**
   * Writes the outbox rows of a warning version (see fanOut). In production the store calls
   * fanOut inside the transaction that publishes the warning; this is the same step without it.
   * @returns the rows added (rows whose idempotency key exists already are skipped)
   */
  publish(alert: AlertSummary): Promise<readonly OutboxMessage[]>
  /**
   * Makes one attempt for each due message, `concurrency` at a time, and records each in the
   * log. Run one delivery loop per outbox: two loops could both take the same due message
   * (receivers then drop the copy by its idempotency key).
   * @param limit at most this many messages (default 100)
   * @param concurrency attempts in flight at once (default 8)
   * @returns the messages as they are after their attempt, in the order they were due
   */
  deliverDue(limit?: number, concurrency?: number): Promise<readonly OutboxMessage[]>
  /**
   * Escalates every delivered-but-unacknowledged warning message past its deadline, and every
   * warning message that failed for good, to its subscription's next contact. Order messages
   * are left alone: the order's deadlines escalate them (see escalation.ts).
   * @returns the new messages for the next contacts
   */
  escalateDue(): Promise<readonly OutboxMessage[]>
  /**
   * Acknowledges by the token of an acknowledgment link. A message of an order is refused (it
   * is answered through the command API).
   */
  acknowledgeByToken(token: string): Promise<Result<Acknowledgment>>
  /** Acknowledges by message id (an authenticated API call); refuses an order's message. */
  acknowledge(messageId: string): Promise<Result<Acknowledgment>>
  /** Sends a message again, with the same idempotency key, in a new round of attempts. */
  resend(messageId: string): Promise<Result<OutboxMessage>>
}

/** Builds the delivery use cases over their ports. */
export function createDeliveryWorker(deps: DeliveryWorkerDeps): DeliveryWorker {
  const attempt = async (m: OutboxMessage): Promise<SendResult> => {
    const channel = deps.channels[m.channel]
    if (channel === undefined) {
      return { ok: false, retryable: false, reason: `no ${m.channel} channel configured` }
    }
    const content = await deps.renderer.render(m)
    if (content === undefined) {
      return {
        ok: false,
        retryable: false,
        reason:
          m.subject === 'order'
            ? `unknown order ${m.alertId} or post ${m.notice?.post ?? '?'}`
            : `unknown warning ${m.alertId} v${m.alertVersion}`,
      }
    }
    try {
      return await channel.send(m, content)
    } catch (e) {
      // A channel should return failures, not throw them; an exception is treated as transient.
      return { ok: false, retryable: true, reason: `channel threw: ${String(e)}` }
    }
  }

  const ackMessage = async (
    messageId: string,
    via: Acknowledgment['via'],
  ): Promise<Result<Acknowledgment>> => {
    const m = await deps.outbox.find(messageId)
    if (m === undefined) return fail([{ path: ['messageId'], message: 'no such message' }])
    if (m.subject !== 'warning')
      return fail([
        {
          path: ['messageId'],
          message: 'an order is answered through the command API, not acknowledged',
        },
      ])
    const ack = acknowledgmentOf(m, deps.clock.now(), via)
    await deps.acks.record(ack)
    return ok(ack)
  }

  return {
    async publish(alert) {
      const subs = await deps.subscriptions.list()
      return deps.outbox.add(fanOut(alert, subs, deps.clock.now()))
    },

    async deliverDue(limit = 100, concurrency = 8) {
      const due = await deps.outbox.due(deps.clock.now(), limit)
      const out: OutboxMessage[] = new Array<OutboxMessage>(due.length)
      // A few attempts at a time: one slow receiver does not hold up the others.
      let next = 0
      const lane = async (): Promise<void> => {
        while (next < due.length) {
          const i = next++
          const m = due[i]!
          const result = await attempt(m)
          const rec = recordAttempt(m, result, deps.clock.now(), deps.rng, deps.retry)
          await deps.outbox.update(rec.message)
          await deps.log.append(rec.log)
          out[i] = rec.message
        }
      }
      await Promise.all(
        Array.from({ length: Math.max(1, Math.min(concurrency, due.length)) }, lane),
      )
      return out
    },

    async escalateDue() {
      const now = deps.clock.now()
      const added: OutboxMessage[] = []
      for (const m of await deps.outbox.awaitingAcknowledgment()) {
        if (m.subject !== 'warning') continue
        // Still in time: nothing to look up (escalate() would only say "wait").
        const since = m.deliveredAt ?? m.createdAt
        if (m.status === 'delivered' && now < since + deps.escalation.ackTimeoutMs) continue
        const [sub, alert, acks] = await Promise.all([
          deps.subscriptions.find(m.subscriptionId),
          deps.alerts.find(m.alertId, m.alertVersion),
          deps.acks.forAlert(m.alertId, m.alertVersion),
        ])
        if (sub === undefined || alert === undefined) continue
        const d = escalate(m, alert, sub, acks, now, deps.escalation)
        if (d.kind !== 'escalate') continue
        await deps.outbox.update(d.message)
        added.push(...(await deps.outbox.add([d.next])))
      }
      return added
    },

    async acknowledgeByToken(token) {
      const id = readAckToken(token, deps.signer)
      if (id === undefined) return fail([{ path: ['token'], message: 'invalid token' }])
      return ackMessage(id, 'link')
    },

    acknowledge: (messageId) => ackMessage(messageId, 'api'),

    async resend(messageId) {
      const m = await deps.outbox.find(messageId)
      if (m === undefined) return fail([{ path: ['messageId'], message: 'no such message' }])
      if (m.status === 'pending') {
        return fail([{ path: ['messageId'], message: 'message is still being delivered' }])
      }
      const again = resend(m, deps.clock.now())
      await deps.outbox.update(again)
      return ok(again)
    },
  }
}
