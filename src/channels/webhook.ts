/**
 * The webhook channel: POSTs a warning as JSON, or as CAP 1.2 XML, signed with the
 * subscriber's secret.
 *
 * Headers: `X-Freshet-Signature: sha256=<hex HMAC-SHA256 of the exact body bytes>`,
 * `X-Freshet-Timestamp` (ms since epoch of the attempt) and `Idempotency-Key` (the same on
 * every retry and resend, so a receiver keeps one delivery per key).
 */
import type { Clock } from '../core/clock.ts'
import type { ChannelPort, RenderedContent } from '../notify/ports.ts'
import type { OutboxMessage } from '../notify/types.ts'
import { hmacSha256Hex } from './hmac-signer.ts'
import { jsonIdOf, postAndClassify } from './http.ts'

export interface WebhookChannelOptions {
  /** The signing secret of the subscriber a message goes to; undefined fails the message. */
  readonly secretFor: (message: OutboxMessage) => string | undefined
  readonly clock: Clock
  /** Per attempt, in ms (default 10 000). */
  readonly timeoutMs?: number
  /** Sent as `User-Agent` (default `Freshet-Webhook/1`). */
  readonly userAgent?: string
}

/** The JSON document posted in the `plain` format. */
export interface WebhookJsonBody {
  readonly idempotencyKey: string
  readonly alertId: string
  readonly alertVersion: number
  readonly recipient: string
  readonly language: string
  readonly subject: string
  readonly text: string
  readonly alert: unknown
}

/** The body and content type a message is posted with, or a reason it cannot be. */
export function webhookBody(
  message: OutboxMessage,
  content: RenderedContent,
): { body: string; contentType: string } | { error: string } {
  if (message.format === 'cap') {
    if (content.capXml === null) return { error: 'no CAP document for a cap-format webhook' }
    return { body: content.capXml, contentType: 'application/cap+xml; charset=utf-8' }
  }
  const doc: WebhookJsonBody = {
    idempotencyKey: message.idempotencyKey,
    alertId: message.alertId,
    alertVersion: message.alertVersion,
    recipient: message.recipient,
    language: message.language,
    subject: content.subject,
    text: content.text,
    alert: content.json,
  }
  return { body: JSON.stringify(doc), contentType: 'application/json; charset=utf-8' }
}

/** A webhook {@link ChannelPort}: the message's address is the URL posted to. */
export function webhookChannel(options: WebhookChannelOptions): ChannelPort {
  const timeoutMs = options.timeoutMs ?? 10_000
  return {
    async send(message, content) {
      const secret = options.secretFor(message)
      if (secret === undefined) {
        return { ok: false, retryable: false, reason: 'no signing secret for this subscriber' }
      }
      const b = webhookBody(message, content)
      if ('error' in b) return { ok: false, retryable: false, reason: b.error }
      return postAndClassify(
        message.address,
        b.body,
        {
          'content-type': b.contentType,
          'user-agent': options.userAgent ?? 'Freshet-Webhook/1',
          'x-freshet-signature': `sha256=${hmacSha256Hex(secret, b.body)}`,
          'x-freshet-timestamp': String(options.clock.now()),
          'idempotency-key': message.idempotencyKey,
        },
        timeoutMs,
        jsonIdOf,
      )
    },
  }
}
