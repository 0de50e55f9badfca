import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import { seededRng } from '../core/rng.ts'
import { createDeliveryWorker } from './delivery-worker.ts'
import { escalate } from './escalation.ts'
import { fanOut } from './fan-out.ts'
import {
  escalationMessages,
  issuedOrderMessages,
  orderIdempotencyKey,
  postOfRecipient,
  postRecipient,
  subscriptionsByPost,
} from './order-messages.ts'
import type { ChannelPort, Signer } from './ports.ts'
import {
  InMemoryAcknowledgments,
  InMemoryAlerts,
  InMemoryDeliveryLog,
  InMemoryOutbox,
  InMemorySubscriptions,
  ManualClock,
} from './testing/in-memory.ts'
import type { AlertSummary, OutboxMessage, Subscription } from './types.ts'

const T0 = 1_700_000_000_000 as EpochMs

const sub = (id: string, recipient: string, over: Partial<Subscription> = {}): Subscription => ({
  id,
  recipient,
  contacts: [
    {
      channel: 'webhook',
      address: `https://hooks.test/${id}?a=1&b=2`,
      language: 'ko',
      format: 'cap',
    },
    { channel: 'sms', address: '+821012345678', language: 'en' },
  ],
  areas: ['z1'],
  minLevel: 3,
  languages: ['fr'],
  ...over,
})

const SUBS = [
  sub('c1', 'post:county-1'),
  // The same contact through a second subscription reaches the post once.
  sub('c1-again', 'post:county-1', { contacts: sub('c1', 'post:county-1').contacts }),
  sub('c1-mail', 'post:county-1', {
    contacts: [{ channel: 'email', address: 'duty@county1.test', language: 'en' }],
  }),
  sub('prov', 'post:province'),
  sub('hq', 'post:hq'),
  // Not a post: never told of orders.
  sub('room', 'duty-room'),
  sub('empty', 'post:'),
]

describe('order messages', () => {
  const byPost = subscriptionsByPost(SUBS)

  it('finds the subscriptions of a post by its `post:` recipient', () => {
    expect(postRecipient('county-1')).toBe('post:county-1')
    expect(postOfRecipient('post:county-1')).toBe('county-1')
    expect(postOfRecipient('duty-room')).toBeUndefined()
    expect(postOfRecipient('post:')).toBeUndefined()
    expect([...byPost.keys()]).toEqual(['county-1', 'province', 'hq'])
    expect(byPost.get('county-1')!.map((s) => s.id)).toEqual(['c1', 'c1-again', 'c1-mail'])
  })

  it('tells each addressed post through the first contact of each subscription, areas, level and languages aside', () => {
    const out = issuedOrderMessages('hq.1', ['county-1', 'county-2', 'province'], byPost, T0)
    expect(out.map((m) => [m.subscriptionId, m.recipient, m.channel])).toEqual([
      ['c1', 'post:county-1', 'webhook'],
      ['c1-mail', 'post:county-1', 'email'],
      ['prov', 'post:province', 'webhook'],
    ])
    expect(out[0]).toEqual({
      id: out[0]!.id,
      idempotencyKey: out[0]!.idempotencyKey,
      subject: 'order',
      notice: { kind: 'issued', post: 'county-1', deadline: null },
      alertId: 'hq.1',
      alertVersion: 1,
      subscriptionId: 'c1',
      recipient: 'post:county-1',
      contactIndex: 0,
      channel: 'webhook',
      address: 'https://hooks.test/c1?a=1&b=2',
      // The contact's language, and plain whatever the contact's format: an order has no CAP.
      language: 'ko',
      format: 'plain',
      attempts: 0,
      resends: 0,
      nextAttemptAt: T0,
      status: 'pending',
      createdAt: T0,
      deliveredAt: null,
      escalatedAt: null,
      lastError: null,
    })
  })

  it('gives stable, distinct keys and URL-safe ids per order, notice, deadline and contact', () => {
    const issued = issuedOrderMessages('hq.1', ['county-1'], byPost, T0)
    const again = issuedOrderMessages('hq.1', ['county-1'], byPost, (T0 + 5) as EpochMs)
    expect(again.map((m) => m.idempotencyKey)).toEqual(issued.map((m) => m.idempotencyKey))
    expect(again.map((m) => m.id)).toEqual(issued.map((m) => m.id))
    const esc = (deadline: 'ack' | 'completion') =>
      escalationMessages(
        { orderId: 'hq.1', post: 'county-1', deadline, superiorsNotified: ['province', 'hq'] },
        byPost,
        T0,
      )
    const ack = esc('ack')
    expect(ack.map((m) => [m.recipient, m.notice])).toEqual([
      ['post:county-1', { kind: 'reminder', post: 'county-1', deadline: 'ack' }],
      ['post:county-1', { kind: 'reminder', post: 'county-1', deadline: 'ack' }],
      ['post:province', { kind: 'escalation', post: 'county-1', deadline: 'ack' }],
      ['post:hq', { kind: 'escalation', post: 'county-1', deadline: 'ack' }],
    ])
    const keys = [...issued, ...ack, ...esc('completion')].map((m) => m.idempotencyKey)
    expect(new Set(keys).size).toBe(keys.length)
    expect(ack[0]!.idempotencyKey).toBe(
      'order/hq.1/reminder-ack/county-1/post%3Acounty-1/webhook/https%3A%2F%2Fhooks.test%2Fc1%3Fa%3D1%26b%3D2',
    )
    expect(ack[0]!.idempotencyKey).toBe(
      orderIdempotencyKey('hq.1', ack[0]!.notice!, 'post:county-1', SUBS[0]!.contacts[0]!),
    )
    for (const m of [...issued, ...ack]) expect(m.id).toMatch(/^m-[0-9a-f]{32}$/)
    // Never the key of a warning sent to the same contact.
    const warning: AlertSummary = {
      id: 'hq.1',
      version: 1,
      zoneIds: ['z1'],
      level: 3,
      languages: ['ko'],
    }
    const w = fanOut(warning, [sub('c1', 'post:county-1', { languages: [] })], T0)
    expect(w).toHaveLength(1)
    expect(keys).not.toContain(w[0]!.idempotencyKey)
  })

  it('adds nothing twice when an escalation is written again', async () => {
    const outbox = new InMemoryOutbox()
    const e = {
      orderId: 'hq.1',
      post: 'county-1',
      deadline: 'ack' as const,
      superiorsNotified: ['province'],
    }
    expect(await outbox.add(escalationMessages(e, byPost, T0))).toHaveLength(3)
    expect(await outbox.add(escalationMessages(e, byPost, (T0 + 60_000) as EpochMs))).toEqual([])
    expect(await outbox.forOrder('hq.1')).toHaveLength(3)
    expect(await outbox.forAlert('hq.1', 1)).toEqual([])
  })
})

describe('order messages in the delivery worker', () => {
  const signer: Signer = { sign: () => '00', verify: () => true }
  const setup = () => {
    const clock = new ManualClock(T0)
    const outbox = new InMemoryOutbox()
    const sent: OutboxMessage[] = []
    const webhook: ChannelPort = {
      async send(m) {
        sent.push(m)
        return m.address.includes('c1')
          ? { ok: false, retryable: false, reason: 'HTTP 410' }
          : { ok: true }
      },
    }
    const acks = new InMemoryAcknowledgments()
    const worker = createDeliveryWorker({
      clock,
      rng: seededRng(1),
      outbox,
      log: new InMemoryDeliveryLog(),
      acks,
      subscriptions: new InMemorySubscriptions([...SUBS]),
      alerts: new InMemoryAlerts(),
      renderer: {
        render: async (m) =>
          m.subject === 'order'
            ? { subject: `order ${m.alertId}`, text: 'do it', json: {}, capXml: null }
            : undefined,
      },
      channels: { webhook },
      signer,
      retry: { maxAttempts: 1, baseDelayMs: 1000, maxDelayMs: 1000 },
      escalation: { ackTimeoutMs: 60_000 },
    })
    return { clock, outbox, sent, acks, worker }
  }

  it('sends them, and leaves them out of acknowledgment escalation, even when they fail for good', async () => {
    const { clock, outbox, sent, worker } = setup()
    const rows = issuedOrderMessages(
      'hq.1',
      ['county-1', 'province'],
      subscriptionsByPost(SUBS),
      T0,
    )
    await outbox.add(rows.filter((m) => m.channel === 'webhook'))
    const done = await worker.deliverDue()
    expect(done.map((m) => [m.recipient, m.status])).toEqual([
      ['post:county-1', 'failed'],
      ['post:province', 'delivered'],
    ])
    expect(sent).toHaveLength(2)
    clock.advance(3_600_000)
    // A warning message that failed for good would go to the SMS contact now; an order's not.
    expect(await worker.escalateDue()).toEqual([])
    expect(await worker.deliverDue()).toEqual([])
    expect([...outbox.rows.values()].every((m) => m.escalatedAt === null)).toBe(true)
    const d = escalate(
      done[0]!,
      { id: 'hq.1', version: 1, zoneIds: ['z1'], level: 3, languages: ['ko'] },
      SUBS[0]!,
      [],
      clock.now(),
      { ackTimeoutMs: 0 },
    )
    expect(d).toEqual({ kind: 'done' })
  })

  it('refuses to take an acknowledgment for an order message', async () => {
    const { outbox, acks, worker } = setup()
    const [m] = issuedOrderMessages('hq.1', ['province'], subscriptionsByPost(SUBS), T0)
    await outbox.add([m!])
    const r = await worker.acknowledge(m!.id)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]!.message).toMatch(/command API/)
    expect(acks.acks).toEqual([])
  })
})
