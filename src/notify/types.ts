/**
 * The vocabulary of delivery: who wants which warnings through which channel, the outbox rows
 * that carry one warning (or one notice of an order) to one contact, the delivery log and
 * acknowledgments.
 */
import type { EpochMs } from '../core/brand.ts'

/** The ways a warning leaves the system. */
export const CHANNELS = ['webhook', 'email', 'sms'] as const
/** One of {@link CHANNELS}. */
export type ChannelKind = (typeof CHANNELS)[number]

/**
 * How the payload is shaped for a contact: `plain` is JSON for a webhook and plain text for
 * e-mail; `cap` is a CAP 1.2 XML body for a webhook and a CAP attachment beside the text for
 * e-mail. SMS is always text.
 */
export type PayloadFormat = 'plain' | 'cap'

/** One way to reach a recipient. */
export interface Contact {
  readonly channel: ChannelKind
  /** A URL (webhook), an e-mail address or an E.164 phone number (`+82…`). */
  readonly address: string
  /** The language the warning is rendered in for this contact (BCP 47, e.g. `ko`, `en`). */
  readonly language: string
  /** Defaults to `plain`. */
  readonly format?: PayloadFormat
  /**
   * Webhook only: the secret shared with the receiver, which signs every body
   * (HMAC-SHA256). Stored with the subscription; the API never shows it again.
   */
  readonly secret?: string
}

/**
 * Who wants which warnings: every warning for one of `areas` at `minLevel` or above and in one
 * of `languages` goes to the first contact; the later contacts are escalated to, in order,
 * when no acknowledgment comes in time.
 */
export interface Subscription {
  readonly id: string
  /** A person, post or system that acknowledges; an identifier (see src/core/ids.ts). */
  readonly recipient: string
  /** In escalation order; at least one. */
  readonly contacts: readonly Contact[]
  /** Zone identifiers, or `'*'` for every zone. */
  readonly areas: readonly string[] | '*'
  /** The lowest warning level delivered (a rank: higher is more severe). */
  readonly minLevel: number
  /** Languages the recipient reads, most preferred first; empty means any. */
  readonly languages: readonly string[]
}

/** What fan-out needs to know about a published warning. */
export interface AlertSummary {
  readonly id: string
  /** Incremented for every update or cancellation of the same warning. */
  readonly version: number
  readonly zoneIds: readonly string[]
  /** The warning level as a rank (higher is more severe). */
  readonly level: number
  /** Languages the warning is published in (BCP 47). */
  readonly languages: readonly string[]
}

/** The life of an outbox row. */
export type OutboxStatus = 'pending' | 'delivered' | 'failed'

/** What an outbox message carries: a warning version, or a notice of an order. */
export const MESSAGE_SUBJECTS = ['warning', 'order'] as const
/** One of {@link MESSAGE_SUBJECTS}. */
export type MessageSubject = (typeof MESSAGE_SUBJECTS)[number]

/**
 * Why a notice of an order is sent: `issued`, the order reached a post it addresses;
 * `reminder`, that post missed a deadline and is told again; `escalation`, a superior of a post
 * that missed a deadline is told.
 */
export const ORDER_NOTICE_KINDS = ['issued', 'reminder', 'escalation'] as const
/** One of {@link ORDER_NOTICE_KINDS}. */
export type OrderNoticeKind = (typeof ORDER_NOTICE_KINDS)[number]

/** A deadline of an order: acknowledgment or completion. */
export type OrderDeadline = 'ack' | 'completion'

/** What an order message is about (the order itself is `alertId`). */
export interface OrderNotice {
  readonly kind: OrderNoticeKind
  /**
   * The post addressed by the order that the notice is about: the post told (`issued`,
   * `reminder`) or the silent post its superior is told about (`escalation`).
   */
  readonly post: string
  /** The deadline missed; null for `issued`. */
  readonly deadline: OrderDeadline | null
}

/** One warning version (or one notice of an order) on its way to one contact. */
export interface OutboxMessage {
  readonly id: string
  /**
   * Stable per alert version × recipient × channel (and address), sent with every attempt so
   * that receivers can drop duplicates of an at-least-once delivery. For an order, stable per
   * order × notice × recipient × channel (and address).
   */
  readonly idempotencyKey: string
  /** `warning`, or `order` (then `alertId` is the order's id and `alertVersion` 1). */
  readonly subject: MessageSubject
  /** For an order message, what it is about; null for a warning. */
  readonly notice: OrderNotice | null
  /** The warning's id, or the order's. */
  readonly alertId: string
  /** The warning version; 1 for an order (an issued order never changes). */
  readonly alertVersion: number
  readonly subscriptionId: string
  readonly recipient: string
  /** Index of the contact in the subscription's escalation order. */
  readonly contactIndex: number
  readonly channel: ChannelKind
  readonly address: string
  /**
   * The language to render in (the contact's, if the warning has it; else the warning's
   * first). For an order, the contact's.
   */
  readonly language: string
  /** For an order, always `plain` (an order has no CAP document). */
  readonly format: PayloadFormat
  /** Attempts made in the current round (a manual resend starts a new round). */
  readonly attempts: number
  /** Manual resends so far. */
  readonly resends: number
  /** When the next attempt is due (ms since epoch); meaningful while `pending`. */
  readonly nextAttemptAt: EpochMs
  readonly status: OutboxStatus
  readonly createdAt: EpochMs
  /** When the receiver accepted it, or null. */
  readonly deliveredAt: EpochMs | null
  /** When the next contact was sent the warning instead, or null. */
  readonly escalatedAt: EpochMs | null
  /** The last failure, or null. */
  readonly lastError: string | null
}

/** What happened in one attempt. */
export type DeliveryOutcome = 'delivered' | 'retry-scheduled' | 'failed'

/** One line of the per-recipient delivery log. */
export interface DeliveryLogEntry {
  readonly messageId: string
  readonly idempotencyKey: string
  readonly alertId: string
  readonly alertVersion: number
  readonly recipient: string
  readonly channel: ChannelKind
  readonly address: string
  /** 1-based attempt number within the round. */
  readonly attempt: number
  /** 0 for the first round, n after the n-th manual resend. */
  readonly resend: number
  readonly at: EpochMs
  readonly outcome: DeliveryOutcome
  /** The provider's message id, when it gave one. */
  readonly providerId: string | null
  /** Why it failed, or null. */
  readonly reason: string | null
}

/** A recipient's acknowledgment of one warning version. */
export interface Acknowledgment {
  /** The message whose token or API call acknowledged it. */
  readonly messageId: string
  readonly alertId: string
  readonly alertVersion: number
  readonly recipient: string
  readonly at: EpochMs
  readonly via: 'link' | 'api'
}
