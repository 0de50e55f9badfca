/**
 * Escalation: when a recipient does not acknowledge a warning in time, the next contact of
 * its subscription gets it.
 */
import type { EpochMs } from '../core/brand.ts'
import { messageFor } from './fan-out.ts'
import type { Acknowledgment, AlertSummary, OutboxMessage, Subscription } from './types.ts'

export interface EscalationPolicy {
  /** How long after delivery an acknowledgment may take before escalating, in ms. */
  readonly ackTimeoutMs: number
}

/** What to do about one message. */
export type EscalationDecision =
  /** Acknowledged, or no contact left: nothing more will happen. */
  | { readonly kind: 'done' }
  /** Still in time (or still being delivered): look again at `at` or later. */
  | { readonly kind: 'wait'; readonly until: EpochMs | null }
  /** Mark `message` escalated and add `next` to the outbox. */
  | { readonly kind: 'escalate'; readonly message: OutboxMessage; readonly next: OutboxMessage }

/** Whether any acknowledgment covers the message's recipient and warning version. */
export function isAcknowledged(message: OutboxMessage, acks: readonly Acknowledgment[]): boolean {
  return acks.some(
    (a) =>
      a.recipient === message.recipient &&
      a.alertId === message.alertId &&
      a.alertVersion === message.alertVersion,
  )
}

/**
 * Decides whether to escalate a message: once it has been delivered and `ackTimeoutMs` has
 * passed without an acknowledgment, or at once when delivery failed for good, the
 * subscription's next contact gets a new message (with its own idempotency key).
 *
 * Warnings only: an order message is `done` here. An order is answered through the command
 * API, not acknowledged, and its deadlines escalate it (a reminder to the silent post and a
 * notice to its superiors, see order-messages.ts), also when a post could not be reached.
 *
 * @param alert the warning version the message carries (for the next contact's language)
 * @param now ms since epoch
 */
export function escalate(
  message: OutboxMessage,
  alert: AlertSummary,
  subscription: Subscription,
  acks: readonly Acknowledgment[],
  now: EpochMs,
  policy: EscalationPolicy,
): EscalationDecision {
  if (message.subject !== 'warning') return { kind: 'done' }
  if (message.escalatedAt !== null || isAcknowledged(message, acks)) return { kind: 'done' }
  if (message.contactIndex + 1 >= subscription.contacts.length) return { kind: 'done' }
  switch (message.status) {
    case 'pending':
      return { kind: 'wait', until: null }
    case 'delivered': {
      const deadline = ((message.deliveredAt ?? message.createdAt) + policy.ackTimeoutMs) as EpochMs
      if (now < deadline) return { kind: 'wait', until: deadline }
      break
    }
    case 'failed':
      break
  }
  return {
    kind: 'escalate',
    message: { ...message, escalatedAt: now },
    next: messageFor(alert, subscription, message.contactIndex + 1, now),
  }
}
