import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import { seededRng } from '../core/rng.ts'
import { ackToken, readAckToken } from './ack.ts'
import { escalate } from './escalation.ts'
import { fanOut, idempotencyKey } from './fan-out.ts'
import { recordAttempt, resend } from './outbox.ts'
import type { Signer } from './ports.ts'
import { nextAttempt } from './retry.ts'
import type { AlertSummary, Subscription } from './types.ts'

const T0 = 1_700_000_000_000 as EpochMs
const alert: AlertSummary = {
  id: 'w-1',
  version: 2,
  zoneIds: ['z1', 'z2'],
  level: 3,
  languages: ['ko', 'en'],
}
const sub = (over: Partial<Subscription>): Subscription => ({
  id: 's',
  recipient: 'r',
  contacts: [{ channel: 'email', address: 'a@x.test', language: 'ko' }],
  areas: ['z1'],
  minLevel: 1,
  languages: [],
  ...over,
})

/** A toy signer for pure tests (the real one is HMAC-SHA256 in src/channels). */
const toySigner: Signer = {
  sign(d) {
    // FNV-1a, 32 bits: enough to tell strings apart in a test.
    let h = 0x811c9dc5
    for (let i = 0; i < d.length; i++) h = Math.imul(h ^ d.charCodeAt(i), 0x01000193) >>> 0
    return h.toString(16).padStart(8, '0')
  },
  verify(d, s) {
    return this.sign(d) === s
  },
}

describe('fanOut', () => {
  it('matches by area, level and language, one message per first contact', () => {
    const subs = [
      sub({ id: 'a', recipient: 'ra' }),
      sub({ id: 'b', recipient: 'rb', areas: ['z9'] }),
      sub({ id: 'c', recipient: 'rc', minLevel: 4 }),
      sub({ id: 'd', recipient: 'rd', languages: ['fr'] }),
      sub({ id: 'e', recipient: 're', areas: '*', languages: ['fr', 'en'] }),
      sub({ id: 'f', recipient: 'rf', contacts: [] }),
    ]
    const out = fanOut(alert, subs, T0)
    expect(out.map((m) => m.subscriptionId)).toEqual(['a', 'e'])
    expect(out[0]).toMatchObject({
      status: 'pending',
      attempts: 0,
      nextAttemptAt: T0,
      language: 'ko',
    })
  })

  it('drops duplicates by idempotency key', () => {
    const out = fanOut(alert, [sub({ id: 'a' }), sub({ id: 'b', areas: '*' })], T0)
    expect(out).toHaveLength(1)
    expect(out[0]?.subscriptionId).toBe('a')
    expect(out[0]?.idempotencyKey).toBe(
      idempotencyKey('w-1', 2, 'r', { channel: 'email', address: 'a@x.test' }),
    )
  })

  it('keys differ by version, recipient and channel, and are printable ASCII', () => {
    const c = { channel: 'webhook', address: 'https://x.test/a b?c=d' } as const
    const k = idempotencyKey('w/1', 1, 'r', c)
    expect(k).toMatch(/^[\x21-\x7e]+$/)
    expect(
      new Set([
        k,
        idempotencyKey('w/1', 2, 'r', c),
        idempotencyKey('w/1', 1, 's', c),
        idempotencyKey('w/1', 1, 'r', { ...c, channel: 'sms' }),
      ]).size,
    ).toBe(4)
  })
})

describe('nextAttempt', () => {
  const policy = { maxAttempts: 5, baseDelayMs: 1_000, maxDelayMs: 6_000 }

  it('stops at the maximum number of attempts', () => {
    expect(nextAttempt(5, seededRng(1), policy)).toEqual({ retry: false })
    expect(nextAttempt(4, seededRng(1), policy).retry).toBe(true)
  })

  it('draws a delay in [0, min(cap, base·2^(n−1)))', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 4 }), fc.integer(), (n, seed) => {
        const r = nextAttempt(n, seededRng(seed), policy)
        if (!r.retry) return false
        return r.delayMs >= 0 && r.delayMs < Math.min(6_000, 1_000 * 2 ** (n - 1))
      }),
      { seed: 42 },
    )
  })

  it('caps huge attempt numbers', () => {
    const r = nextAttempt(2_000, seededRng(3), { ...policy, maxAttempts: 10_000 })
    expect(r.retry && r.delayMs < 6_000).toBe(true)
  })

  it('rejects attempt 0', () => {
    expect(() => nextAttempt(0, seededRng(1), policy)).toThrow()
  })
})

describe('recordAttempt and resend', () => {
  const policy = { maxAttempts: 2, baseDelayMs: 100, maxDelayMs: 1_000 }
  const m0 = fanOut(alert, [sub({})], T0)[0]!

  it('schedules a retry, then fails after the last attempt', () => {
    const fail = { ok: false, retryable: true, reason: '503' } as const
    const a = recordAttempt(m0, fail, T0, seededRng(1), policy)
    expect(a.message).toMatchObject({ status: 'pending', attempts: 1, lastError: '503' })
    expect(a.message.nextAttemptAt).toBeGreaterThanOrEqual(T0)
    expect(a.log).toMatchObject({ attempt: 1, outcome: 'retry-scheduled', reason: '503' })
    const b = recordAttempt(a.message, fail, T0, seededRng(1), policy)
    expect(b.message.status).toBe('failed')
    expect(b.log.outcome).toBe('failed')
  })

  it('fails at once when not retryable; resend starts a new round with the same key', () => {
    const a = recordAttempt(
      m0,
      { ok: false, retryable: false, reason: '404' },
      T0,
      seededRng(1),
      policy,
    )
    expect(a.message.status).toBe('failed')
    const again = resend(a.message, (T0 + 5) as EpochMs)
    expect(again).toMatchObject({
      status: 'pending',
      attempts: 0,
      resends: 1,
      nextAttemptAt: T0 + 5,
    })
    expect(again.idempotencyKey).toBe(m0.idempotencyKey)
    const d = recordAttempt(again, { ok: true, providerId: 'p' }, T0, seededRng(1), policy)
    expect(d.message).toMatchObject({ status: 'delivered', deliveredAt: T0 })
    expect(d.log).toMatchObject({ outcome: 'delivered', resend: 1, providerId: 'p' })
  })
})

describe('escalate', () => {
  const s = sub({
    contacts: [
      { channel: 'email', address: 'a@x.test', language: 'ko' },
      { channel: 'sms', address: '+8210', language: 'en' },
    ],
  })
  const m0 = fanOut(alert, [s], T0)[0]!
  const delivered = { ...m0, status: 'delivered' as const, deliveredAt: T0 }
  const policy = { ackTimeoutMs: 60_000 }

  it('waits until the deadline, then escalates to the next contact', () => {
    expect(escalate(delivered, alert, s, [], (T0 + 59_999) as EpochMs, policy)).toEqual({
      kind: 'wait',
      until: T0 + 60_000,
    })
    const d = escalate(delivered, alert, s, [], (T0 + 60_000) as EpochMs, policy)
    expect(d.kind).toBe('escalate')
    if (d.kind !== 'escalate') return
    expect(d.message.escalatedAt).toBe(T0 + 60_000)
    expect(d.next).toMatchObject({
      channel: 'sms',
      address: '+8210',
      contactIndex: 1,
      language: 'en',
    })
    expect(d.next.idempotencyKey).not.toBe(m0.idempotencyKey)
  })

  it('does nothing once acknowledged, at the last contact, or while pending', () => {
    const ack = {
      messageId: m0.id,
      alertId: 'w-1',
      alertVersion: 2,
      recipient: 'r',
      at: T0,
      via: 'api',
    } as const
    const late = (T0 + 1e9) as EpochMs
    expect(escalate(delivered, alert, s, [ack], late, policy).kind).toBe('done')
    expect(escalate({ ...delivered, contactIndex: 1 }, alert, s, [], late, policy).kind).toBe(
      'done',
    )
    expect(escalate(m0, alert, s, [], late, policy)).toEqual({ kind: 'wait', until: null })
  })

  it('escalates a message that failed for good at once', () => {
    expect(escalate({ ...m0, status: 'failed' }, alert, s, [], T0, policy).kind).toBe('escalate')
  })
})

describe('ack tokens', () => {
  it('round-trips and rejects tampering', () => {
    const t = ackToken('msg/a.b/c', toySigner)
    expect(readAckToken(t, toySigner)).toBe('msg/a.b/c')
    expect(readAckToken(t.replace('msg/a', 'msg/z'), toySigner)).toBeUndefined()
    expect(readAckToken('nodot', toySigner)).toBeUndefined()
    expect(readAckToken('.x', toySigner)).toBeUndefined()
    expect(readAckToken('ZZ.x', toySigner)).toBeUndefined()
  })
})
