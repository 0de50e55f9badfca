/**
 * The SMS channel through a generic HTTP gateway: POSTs `{ to, text, idempotencyKey,
 * sender? }` as JSON with an authorization header, the text cut to the segment limit.
 */
import type { ChannelPort } from '../notify/ports.ts'
import { jsonIdOf, postAndClassify } from './http.ts'
import { fitSms } from './sms-segments.ts'

export interface SmsGatewayOptions {
  /** The gateway's send endpoint. */
  readonly url: string
  /** E.g. `{ name: 'authorization', value: 'Bearer …' }`; none when omitted. */
  readonly auth?: { readonly name: string; readonly value: string }
  /** The sender id or number, when the gateway takes one. */
  readonly sender?: string
  /** Concatenated segments allowed per message (default 3). */
  readonly maxSegments?: number
  /** Per attempt, in ms (default 10 000). */
  readonly timeoutMs?: number
}

/** The JSON document posted to the gateway. */
export interface SmsGatewayBody {
  readonly to: string
  readonly text: string
  readonly idempotencyKey: string
  readonly sender?: string
}

/** An SMS-gateway {@link ChannelPort}: the message's address is the phone number. */
export function smsGatewayChannel(options: SmsGatewayOptions): ChannelPort {
  const maxSegments = options.maxSegments ?? 3
  const timeoutMs = options.timeoutMs ?? 10_000
  return {
    async send(message, content) {
      const body: SmsGatewayBody = {
        to: message.address,
        text: fitSms(content.text, maxSegments),
        idempotencyKey: message.idempotencyKey,
        ...(options.sender === undefined ? {} : { sender: options.sender }),
      }
      const headers: Record<string, string> = {
        'content-type': 'application/json; charset=utf-8',
        'idempotency-key': message.idempotencyKey,
      }
      if (options.auth !== undefined) headers[options.auth.name.toLowerCase()] = options.auth.value
      return postAndClassify(options.url, JSON.stringify(body), headers, timeoutMs, jsonIdOf)
    },
  }
}
