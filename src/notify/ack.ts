/**
 * Acknowledgment tokens: an opaque string per message, put in an acknowledgment link, that
 * proves its bearer received that message. It is `<hex signature>.<message id>`, the
 * signature made by a {@link Signer} (an HMAC with a server secret) over the message id.
 */
import type { EpochMs } from '../core/brand.ts'
import type { Signer } from './ports.ts'
import type { Acknowledgment, OutboxMessage } from './types.ts'

const PREFIX = 'freshet-ack:'

/** The acknowledgment token of a message. */
export function ackToken(messageId: string, signer: Signer): string {
  return `${signer.sign(PREFIX + messageId)}.${messageId}`
}

/**
 * The message id a token was issued for.
 * @returns undefined when the token is malformed or its signature does not verify
 */
export function readAckToken(token: string, signer: Signer): string | undefined {
  const dot = token.indexOf('.')
  if (dot <= 0 || dot === token.length - 1) return undefined
  const signature = token.slice(0, dot)
  const messageId = token.slice(dot + 1)
  if (!/^[0-9a-f]+$/.test(signature)) return undefined
  return signer.verify(PREFIX + messageId, signature) ? messageId : undefined
}

/**
 * The acknowledgment of a message's warning version by its recipient.
 * @param at ms since epoch
 */
export function acknowledgmentOf(
  message: OutboxMessage,
  at: EpochMs,
  via: Acknowledgment['via'],
): Acknowledgment {
  return {
    messageId: message.id,
    alertId: message.alertId,
    alertVersion: message.alertVersion,
    recipient: message.recipient,
    at,
    via,
  }
}
