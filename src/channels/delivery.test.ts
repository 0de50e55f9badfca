/**
 * The delivery use cases over the real adapters and real peers on loopback: retries with
 * backoff, one delivery per idempotency key, e-mail over SMTP, escalation and acknowledgment.
 * Time is a manual clock, so backoff and acknowledgment deadlines take no wall time.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { seededRng } from '../core/rng.ts'
import { ackToken } from '../notify/ack.ts'
import { createDeliveryWorker, type DeliveryWorker } from '../notify/delivery-worker.ts'
import type { ContentRenderer } from '../notify/ports.ts'
import {
  InMemoryAcknowledgments,
  InMemoryAlerts,
  InMemoryDeliveryLog,
  InMemoryOutbox,
  InMemorySubscriptions,
  ManualClock,
} from '../notify/testing/in-memory.ts'
import type { AlertSummary, OutboxMessage, Subscription } from '../notify/types.ts'
import { emailChannel, type EmailChannel } from './email.ts'
import { hmacSigner } from './hmac-signer.ts'
import { smsGatewayChannel } from './sms-gateway.ts'
import {
  headerOf,
  startHttpPeer,
  startSmtpPeer,
  type HttpPeer,
  type SmtpPeer,
} from './testing/peers.ts'
import { webhookChannel } from './webhook.ts'

const T0 = 1_700_000_000_000
const ACK_TIMEOUT_MS = 15 * 60_000
const alert: AlertSummary = {
  id: 'w-42',
  version: 1,
  zoneIds: ['han-yeoju'],
  level: 3,
  languages: ['en'],
}
const signer = hmacSigner('acknowledgment-secret-0123456789')

describe('delivery worker over real peers', () => {
  let hook: HttpPeer
  let smtp: SmtpPeer
  let gateway: HttpPeer
  let email: EmailChannel
  let clock: ManualClock
  let outbox: InMemoryOutbox
  let log: InMemoryDeliveryLog
  let worker: DeliveryWorker

  const subscriptions = (): Subscription[] => [
    {
      id: 'sub-hook',
      recipient: 'river-authority',
      contacts: [{ channel: 'webhook', address: hook.url, language: 'en' }],
      areas: '*',
      minLevel: 2,
      languages: ['en'],
    },
    {
      id: 'sub-county',
      recipient: 'county-7',
      contacts: [
        { channel: 'email', address: 'duty@county7.test', language: 'en' },
        { channel: 'sms', address: '+821012345678', language: 'en' },
      ],
      areas: ['han-yeoju'],
      minLevel: 3,
      languages: [],
    },
  ]

  const renderer: ContentRenderer = {
    async render(m: OutboxMessage) {
      const link = `https://freshet.test/ack/${encodeURIComponent(ackToken(m.id, signer))}`
      return {
        subject: `Flood warning ${m.alertId}`,
        text: `Flood warning for the Han River at Yeoju. Acknowledge: ${link}`,
        json: { alertId: m.alertId },
        capXml: null,
      }
    },
  }

  /** Delivers until nothing is pending, moving the clock to each next due time (bounded). */
  const drain = async (): Promise<void> => {
    for (let i = 0; i < 20; i++) {
      await worker.deliverDue()
      const next = outbox.nextDue()
      if (next === undefined) return
      clock.set(Math.max(clock.now(), next))
    }
    throw new Error('outbox did not drain in 20 rounds')
  }

  beforeEach(async () => {
    hook = await startHttpPeer()
    smtp = await startSmtpPeer()
    gateway = await startHttpPeer()
    email = emailChannel({
      host: '127.0.0.1',
      port: smtp.port,
      security: 'none',
      from: 'warnings@freshet.test',
      timeoutMs: 2_000,
    })
    clock = new ManualClock(T0)
    const acks = new InMemoryAcknowledgments()
    outbox = new InMemoryOutbox(acks)
    log = new InMemoryDeliveryLog()
    worker = createDeliveryWorker({
      clock,
      rng: seededRng(2024),
      outbox,
      log,
      acks,
      subscriptions: new InMemorySubscriptions(subscriptions()),
      alerts: new InMemoryAlerts([alert]),
      renderer,
      channels: {
        webhook: webhookChannel({
          secretFor: () => 'hook-secret-0123456789',
          clock,
          timeoutMs: 2_000,
        }),
        email,
        sms: smsGatewayChannel({ url: gateway.url, timeoutMs: 2_000, maxSegments: 1 }),
      },
      signer,
      retry: { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 60_000 },
      escalation: { ackTimeoutMs: ACK_TIMEOUT_MS },
    })
  })

  afterEach(async () => {
    email.close()
    await Promise.all([hook.close(), smtp.close(), gateway.close()])
  })

  it('a webhook that fails the first two calls gets exactly one delivery per key', async () => {
    hook.refuseNext(2, 'transient')
    const added = await worker.publish(alert)
    expect(added).toHaveLength(2)
    expect(await worker.publish(alert)).toHaveLength(0) // the same version again: no new rows
    await drain()

    expect(hook.refused).toBe(2)
    expect(hook.received).toHaveLength(1)
    expect(hook.distinctKeys()).toEqual(new Set([added[0]?.idempotencyKey]))
    const entries = await log.forRecipient('river-authority')
    expect(entries.map((e) => e.outcome)).toEqual([
      'retry-scheduled',
      'retry-scheduled',
      'delivered',
    ])
    expect(new Set(entries.map((e) => e.idempotencyKey)).size).toBe(1)
    // Backoff moved the clock forward, within the caps of attempts 1 and 2 (1 s + 2 s).
    expect(clock.now() - T0).toBeLessThan(3_000)
  })

  it('an SMTP peer receives the e-mail', async () => {
    await worker.publish(alert)
    await drain()
    expect(smtp.received).toHaveLength(1)
    const mail = smtp.received[0]!
    expect(mail.headers['subject']).toBe('Flood warning w-42')
    expect(mail.headers['to']).toContain('duty@county7.test')
    expect(mail.body).toContain('Flood warning for the Han River at Yeoju')
    const [entry] = await log.forRecipient('county-7')
    expect(entry).toMatchObject({ outcome: 'delivered', channel: 'email' })
    expect(headerOf(mail.body, 'X-Freshet-Idempotency-Key')).toBe(entry?.idempotencyKey)
    expect(entry?.providerId).toMatch(/^<[0-9a-f]{32}@freshet\.invalid>$/)
  })

  it('escalates to the second contact when no acknowledgment comes in time', async () => {
    await worker.publish(alert)
    await drain()
    clock.advance(ACK_TIMEOUT_MS - 1)
    expect(await worker.escalateDue()).toHaveLength(0)
    clock.advance(1)
    const next = await worker.escalateDue()
    // The webhook recipient has no second contact; the county escalates to SMS.
    expect(next.map((m) => [m.recipient, m.channel])).toEqual([['county-7', 'sms']])
    await drain()
    expect(gateway.received).toHaveLength(1)
    const sms = JSON.parse(gateway.received[0]!.body) as { to: string; text: string }
    expect(sms.to).toBe('+821012345678')
    expect(sms.text.length).toBeLessThanOrEqual(160)
    expect(await worker.escalateDue()).toHaveLength(0) // escalated once only
  })

  it('an acknowledgment by the link token stops escalation', async () => {
    await worker.publish(alert)
    await drain()
    const raw = smtp.received[0]!.body.replace(/=\r?\n/g, '')
    const token = decodeURIComponent(/ack\/(\S+)/.exec(raw)?.[1] ?? '')
    const bad = await worker.acknowledgeByToken(token.replace(/^./, (c) => (c === '0' ? '1' : '0')))
    expect(bad.ok).toBe(false)
    const ack = await worker.acknowledgeByToken(token)
    expect(ack).toMatchObject({ ok: true, value: { recipient: 'county-7', via: 'link' } })
    clock.advance(ACK_TIMEOUT_MS * 2)
    expect(await worker.escalateDue()).toHaveLength(0)
    expect(gateway.received).toHaveLength(0)
  })

  it('stops after the maximum attempts; a manual resend delivers with the same key', async () => {
    hook.refuseNext(4, 'transient')
    const [m] = await worker.publish(alert)
    await drain()
    expect(await outbox.find(m!.id)).toMatchObject({ status: 'failed', attempts: 4 })
    expect(hook.received).toHaveLength(0)

    const again = await worker.resend(m!.id)
    expect(again).toMatchObject({ ok: true, value: { status: 'pending', resends: 1 } })
    await drain()
    expect(hook.received.map((r) => r.idempotencyKey)).toEqual([m!.idempotencyKey])
    const entries = await log.forMessage(m!.id)
    expect(entries.map((e) => `${e.resend}:${e.attempt}:${e.outcome}`)).toEqual([
      '0:1:retry-scheduled',
      '0:2:retry-scheduled',
      '0:3:retry-scheduled',
      '0:4:failed',
      '1:1:delivered',
    ])
  })
})
