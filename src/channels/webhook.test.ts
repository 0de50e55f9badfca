import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import { hmacSha256Hex, hmacSigner } from './hmac-signer.ts'
import { isRetryableStatus } from './http.ts'
import { sampleContent, sampleMessage } from './testing/contract.ts'
import { startHttpPeer, type HttpPeer } from './testing/peers.ts'
import { webhookChannel } from './webhook.ts'

const SECRET = 'subscriber-secret-0123456789'
const clock = { now: () => 1_700_000_000_123 as EpochMs }

describe('webhook channel', () => {
  let peer: HttpPeer
  beforeEach(async () => {
    peer = await startHttpPeer()
  })
  afterEach(async () => {
    await peer.close()
  })

  it('signs the exact JSON body and sends timestamp and idempotency key', async () => {
    const ch = webhookChannel({ secretFor: () => SECRET, clock })
    const r = await ch.send(sampleMessage('webhook', peer.url, 'key-1'), sampleContent('J'))
    expect(r).toEqual({ ok: true, providerId: '1' })
    const got = peer.received[0]
    expect(got?.headers['content-type']).toMatch(/^application\/json/)
    expect(got?.headers['x-freshet-signature']).toBe(
      `sha256=${hmacSha256Hex(SECRET, got?.body ?? '')}`,
    )
    expect(got?.headers['x-freshet-timestamp']).toBe('1700000000123')
    expect(got?.headers['idempotency-key']).toBe('key-1')
    expect(JSON.parse(got?.body ?? '')).toMatchObject({
      idempotencyKey: 'key-1',
      alertId: 'alert-1',
      alert: { level: 3 },
    })
  })

  it('posts CAP XML as application/cap+xml in the cap format', async () => {
    const ch = webhookChannel({ secretFor: () => SECRET, clock })
    await ch.send(sampleMessage('webhook', peer.url, 'key-cap', 'cap'), sampleContent('C'))
    const got = peer.received[0]
    expect(got?.headers['content-type']).toMatch(/^application\/cap\+xml/)
    expect(got?.body).toContain('urn:oasis:names:tc:emergency:cap:1.2')
    expect(got?.headers['x-freshet-signature']).toBe(
      `sha256=${hmacSha256Hex(SECRET, got?.body ?? '')}`,
    )
  })

  it('fails for good without a secret or without a CAP document', async () => {
    const none = webhookChannel({ secretFor: () => undefined, clock })
    expect(
      await none.send(sampleMessage('webhook', peer.url, 'k'), sampleContent('x')),
    ).toMatchObject({ ok: false, retryable: false })
    const ch = webhookChannel({ secretFor: () => SECRET, clock })
    const noCap = { ...sampleContent('x'), capXml: null }
    expect(await ch.send(sampleMessage('webhook', peer.url, 'k', 'cap'), noCap)).toMatchObject({
      ok: false,
      retryable: false,
    })
    expect(peer.received).toHaveLength(0)
  })

  it('times out a slow receiver as retryable', async () => {
    const slow = await startHttpPeer(500)
    try {
      const ch = webhookChannel({ secretFor: () => SECRET, clock, timeoutMs: 50 })
      const r = await ch.send(sampleMessage('webhook', slow.url, 'k'), sampleContent('x'))
      expect(r).toMatchObject({ ok: false, retryable: true, reason: 'timed out after 50 ms' })
    } finally {
      await slow.close()
    }
  })
})

describe('isRetryableStatus', () => {
  it.each([
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [408, true],
    [410, false],
    [422, false],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
  ])('%i → %s', (status, retryable) => {
    expect(isRetryableStatus(status)).toBe(retryable)
  })
})

describe('hmacSigner', () => {
  it('verifies its own signatures only', () => {
    const s = hmacSigner('server-secret-0123456789')
    const sig = s.sign('data')
    expect(s.verify('data', sig)).toBe(true)
    expect(s.verify('datb', sig)).toBe(false)
    expect(s.verify('data', sig.slice(2))).toBe(false)
    expect(hmacSigner('another-secret-0123456789').verify('data', sig)).toBe(false)
  })
})
