/**
 * The pure state changes of an outbox row: an attempt's result applied (with its delivery
 * log line), and a manual resend.
 */
import type { EpochMs } from '../core/brand.ts'
import type { Rng } from '../core/rng.ts'
import type { SendResult } from './ports.ts'
import { nextAttempt, type RetryPolicy } from './retry.ts'
import type { DeliveryLogEntry, DeliveryOutcome, OutboxMessage } from './types.ts'

/** A message after an attempt, and the log line that records the attempt. */
export interface AttemptRecord {
  readonly message: OutboxMessage
  readonly log: DeliveryLogEntry
}

/**
 * Applies one attempt's result: delivered; or, when the failure is retryable and attempts
 * remain, pending again after a jittered backoff (see {@link nextAttempt}); else failed.
 *
 * @param at when the attempt ended, ms since epoch
 */
export function recordAttempt(
  message: OutboxMessage,
  result: SendResult,
  at: EpochMs,
  rng: Rng,
  policy: RetryPolicy,
): AttemptRecord {
  const attempt = message.attempts + 1
  let next: OutboxMessage
  let outcome: DeliveryOutcome
  if (result.ok) {
    outcome = 'delivered'
    next = { ...message, attempts: attempt, status: 'delivered', deliveredAt: at, lastError: null }
  } else {
    const plan = result.retryable ? nextAttempt(attempt, rng, policy) : { retry: false as const }
    outcome = plan.retry ? 'retry-scheduled' : 'failed'
    next = {
      ...message,
      attempts: attempt,
      status: plan.retry ? 'pending' : 'failed',
      nextAttemptAt: plan.retry ? ((at + plan.delayMs) as EpochMs) : message.nextAttemptAt,
      lastError: result.reason,
    }
  }
  return {
    message: next,
    log: {
      messageId: message.id,
      idempotencyKey: message.idempotencyKey,
      alertId: message.alertId,
      alertVersion: message.alertVersion,
      recipient: message.recipient,
      channel: message.channel,
      address: message.address,
      attempt,
      resend: message.resends,
      at,
      outcome,
      providerId: result.ok ? (result.providerId ?? null) : null,
      reason: result.ok ? null : result.reason,
    },
  }
}

/**
 * A manual resend: the message again, due at `now`, in a new round of attempts, with the
 * same idempotency key (so a receiver that already has it can drop the copy). Escalation
 * state is kept: a resend does not restart the acknowledgment clock of an escalated message.
 *
 * @param now ms since epoch
 */
export function resend(message: OutboxMessage, now: EpochMs): OutboxMessage {
  return {
    ...message,
    status: 'pending',
    attempts: 0,
    resends: message.resends + 1,
    nextAttemptAt: now,
    lastError: null,
  }
}
