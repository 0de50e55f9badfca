/**
 * What delivery needs from outside: channels that send, a renderer that turns a warning into
 * text, a signer for acknowledgment tokens and storage for the outbox, the delivery log,
 * acknowledgments and subscriptions. Channels are implemented in src/channels; storage in
 * src/store (an in-memory version for tests is in ./testing/).
 */
import type { EpochMs } from '../core/brand.ts'
import type {
  Acknowledgment,
  AlertSummary,
  DeliveryLogEntry,
  OutboxMessage,
  Subscription,
} from './types.ts'

/** A warning rendered for one message (its language and format). */
export interface RenderedContent {
  /** One line: an e-mail subject, a notification title. */
  readonly subject: string
  /** The full text: an e-mail body, an SMS (cut to segment limits by the SMS channel). */
  readonly text: string
  /** The JSON document a webhook posts in the `plain` format. */
  readonly json: unknown
  /** The CAP 1.2 XML of the warning, for the `cap` format; null when there is none. */
  readonly capXml: string | null
}

/** What one send attempt came to. */
export type SendResult =
  | { readonly ok: true; readonly providerId?: string }
  | { readonly ok: false; readonly retryable: boolean; readonly reason: string }

/** A way of delivering a message (webhook, e-mail, SMS gateway). */
export interface ChannelPort {
  /**
   * Makes one attempt. Never throws for delivery failures: a timeout, a refused connection
   * or an error status is a result with `retryable` saying whether trying again may help.
   */
  send(message: OutboxMessage, content: RenderedContent): Promise<SendResult>
}

/**
 * Turns a message's warning version (or order notice) into content in the message's language
 * and format.
 */
export interface ContentRenderer {
  /**
   * @returns undefined when the warning version (or the order) is unknown: the message then
   *   fails for good
   */
  render(message: OutboxMessage): Promise<RenderedContent | undefined>
}

/** A keyed signature (an HMAC in practice), used for acknowledgment tokens. */
export interface Signer {
  /** @returns the signature of `data` as lowercase hex. */
  sign(data: string): string
  /** Whether `signature` is `data`'s, compared in constant time. */
  verify(data: string, signature: string): boolean
}

/** The outbox: rows written in the same transaction as the warning they carry. */
export interface OutboxRepository {
  /**
   * Adds messages, skipping any whose idempotency key is already in the outbox.
   * @returns the messages actually added
   */
  add(messages: readonly OutboxMessage[]): Promise<readonly OutboxMessage[]>
  /** Pending messages with `nextAttemptAt <= now`, oldest due first, at most `limit`. */
  due(now: EpochMs, limit: number): Promise<readonly OutboxMessage[]>
  /**
   * Delivered or failed warning messages neither escalated nor acknowledged (an
   * acknowledgment of the same warning version by the same recipient): the candidates for
   * escalation. Order messages are not among them.
   */
  awaitingAcknowledgment(): Promise<readonly OutboxMessage[]>
  find(id: string): Promise<OutboxMessage | undefined>
  /** Every message of one warning version, in the order created (no order messages). */
  forAlert(alertId: string, alertVersion: number): Promise<readonly OutboxMessage[]>
  /** Every message about one order (issued, reminders, escalations), in the order created. */
  forOrder(orderId: string): Promise<readonly OutboxMessage[]>
  /** Replaces a message by id. */
  update(message: OutboxMessage): Promise<void>
}

export interface DeliveryLogRepository {
  append(entry: DeliveryLogEntry): Promise<void>
  /** Every entry for a recipient, in the order appended. */
  forRecipient(recipient: string): Promise<readonly DeliveryLogEntry[]>
  /** Every entry for one message, in the order appended. */
  forMessage(messageId: string): Promise<readonly DeliveryLogEntry[]>
}

export interface AcknowledgmentRepository {
  /** Records an acknowledgment; a repeat for the same recipient and warning version is kept too. */
  record(ack: Acknowledgment): Promise<void>
  /** Acknowledgments of one warning version. */
  forAlert(alertId: string, alertVersion: number): Promise<readonly Acknowledgment[]>
}

export interface SubscriptionRepository {
  list(): Promise<readonly Subscription[]>
  find(id: string): Promise<Subscription | undefined>
}

/** The published warning versions that delivery refers to. */
export interface AlertLookup {
  find(alertId: string, alertVersion: number): Promise<AlertSummary | undefined>
}
