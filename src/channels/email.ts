/**
 * The e-mail channel: SMTP through nodemailer, plain text with the CAP document attached in
 * the `cap` format. Every attempt for one idempotency key carries the same Message-ID and an
 * `X-Freshet-Idempotency-Key` header, so duplicates can be recognised downstream.
 */
import { createHash } from 'node:crypto'
import nodemailer from 'nodemailer'
import type { ChannelPort, SendResult } from '../notify/ports.ts'
import { describeError } from './http.ts'

export interface EmailChannelOptions {
  readonly host: string
  readonly port: number
  /** `tls`: TLS from the start (port 465); `starttls`: required upgrade; `none`: plain (tests). */
  readonly security: 'tls' | 'starttls' | 'none'
  readonly auth?: { readonly user: string; readonly pass: string }
  /** The From address. */
  readonly from: string
  /** The domain of generated Message-IDs (default `freshet.invalid`). */
  readonly messageIdDomain?: string
  /** Connection, greeting and socket timeouts, in ms (default 10 000). */
  readonly timeoutMs?: number
}

/** An e-mail {@link ChannelPort} with a `close()` for its transport. */
export interface EmailChannel extends ChannelPort {
  close(): void
}

/** The Message-ID of every attempt for an idempotency key. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32)}@${domain}>`
}

/** Whether an SMTP failure is worth retrying: 4xx replies and connection failures are. */
export function classifySmtpError(e: unknown): SendResult {
  const code =
    typeof e === 'object' && e !== null && 'responseCode' in e ? Number(e.responseCode) : NaN
  const reason = `SMTP ${Number.isNaN(code) ? 'error' : code}: ${describeError(e)}`
  return { ok: false, retryable: Number.isNaN(code) || code < 500, reason }
}

/** An SMTP e-mail channel: the message's address is the recipient's mailbox. */
export function emailChannel(options: EmailChannelOptions): EmailChannel {
  const timeoutMs = options.timeoutMs ?? 10_000
  const transport = nodemailer.createTransport({
    host: options.host,
    port: options.port,
    secure: options.security === 'tls',
    requireTLS: options.security === 'starttls',
    ignoreTLS: options.security === 'none',
    ...(options.auth === undefined ? {} : { auth: { ...options.auth } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
  })
  const domain = options.messageIdDomain ?? 'freshet.invalid'
  return {
    async send(message, content) {
      if (message.format === 'cap' && content.capXml === null) {
        return { ok: false, retryable: false, reason: 'no CAP document for a cap-format e-mail' }
      }
      try {
        const info = await transport.sendMail({
          from: options.from,
          to: message.address,
          subject: content.subject,
          text: content.text,
          messageId: messageIdFor(message.idempotencyKey, domain),
          headers: {
            'X-Freshet-Idempotency-Key': { prepared: true, value: message.idempotencyKey },
          },
          ...(message.format === 'cap' && content.capXml !== null
            ? {
                attachments: [
                  {
                    filename: `${message.alertId.replace(/[^A-Za-z0-9._-]/g, '_')}-v${message.alertVersion}.cap.xml`,
                    content: content.capXml,
                    contentType: 'application/cap+xml',
                  },
                ],
              }
            : {}),
        })
        return typeof info.messageId === 'string'
          ? { ok: true, providerId: info.messageId }
          : { ok: true }
      } catch (e) {
        return classifySmtpError(e)
      }
    },
    close() {
      transport.close()
    },
  }
}
