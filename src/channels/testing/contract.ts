/**
 * The contract every channel adapter passes, run against a real peer on loopback: one
 * attempt is one acceptance carrying the idempotency key and the text; a transient refusal is
 * a retryable failure and a permanent one is not; an unreachable peer is retryable; retries
 * reuse the key so the peer keeps one delivery per key. For tests only.
 */
import { messageIdOf } from '../../notify/fan-out.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { EpochMs } from '../../core/brand.ts'
import type { ChannelPort, RenderedContent } from '../../notify/ports.ts'
import type { ChannelKind, OutboxMessage, PayloadFormat } from '../../notify/types.ts'
import type { RecordingPeer } from './peers.ts'

/** A channel wired to a running peer. */
export interface ChannelHarness {
  readonly kind: ChannelKind
  readonly channel: ChannelPort
  readonly peer: RecordingPeer
  /** The address that reaches the peer through `channel`. */
  readonly address: string
  /** The same kind of channel and an address where nothing listens. */
  unreachable(): Promise<{ readonly channel: ChannelPort; readonly address: string }>
  close(): Promise<void>
}

/** An outbox row for tests: due, pending, first attempt. */
export function sampleMessage(
  kind: ChannelKind,
  address: string,
  key: string,
  format: PayloadFormat = 'plain',
): OutboxMessage {
  return {
    id: messageIdOf(key),
    idempotencyKey: key,
    subject: 'warning',
    notice: null,
    alertId: 'alert-1',
    alertVersion: 1,
    subscriptionId: 'sub-1',
    recipient: 'county-7',
    contactIndex: 0,
    channel: kind,
    address,
    language: 'en',
    format,
    attempts: 0,
    resends: 0,
    nextAttemptAt: 0 as EpochMs,
    status: 'pending',
    createdAt: 0 as EpochMs,
    deliveredAt: null,
    escalatedAt: null,
    lastError: null,
  }
}

/** Content for tests; `marker` appears in the text so a peer's copy can be recognised. */
export function sampleContent(marker: string): RenderedContent {
  return {
    subject: 'Flood warning: Han River at Yeoju',
    text: `${marker} Flood warning for the Han River at Yeoju. Move to higher ground.`,
    json: { level: 3, zone: 'han-yeoju' },
    capXml:
      '<?xml version="1.0" encoding="UTF-8"?><alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"/>',
  }
}

/** Registers the channel contract for one adapter. */
export function describeChannelContract(name: string, open: () => Promise<ChannelHarness>): void {
  describe(`channel contract: ${name}`, () => {
    let h: ChannelHarness
    beforeEach(async () => {
      h = await open()
    })
    afterEach(async () => {
      await h.close()
    })

    it('delivers one attempt as exactly one acceptance with the key and the text', async () => {
      const r = await h.channel.send(sampleMessage(h.kind, h.address, 'k-one'), sampleContent('M1'))
      expect(r).toMatchObject({ ok: true })
      expect(h.peer.received).toHaveLength(1)
      expect(h.peer.received[0]?.idempotencyKey).toBe('k-one')
      expect(h.peer.received[0]?.body).toContain('M1 Flood warning')
    })

    it('reports a transient refusal as retryable, then delivers', async () => {
      h.peer.refuseNext(1, 'transient')
      const m = sampleMessage(h.kind, h.address, 'k-transient')
      const first = await h.channel.send(m, sampleContent('M2'))
      expect(first).toMatchObject({ ok: false, retryable: true })
      expect(h.peer.received).toHaveLength(0)
      expect(await h.channel.send(m, sampleContent('M2'))).toMatchObject({ ok: true })
      expect(h.peer.received).toHaveLength(1)
    })

    it('reports a permanent refusal as not retryable', async () => {
      h.peer.refuseNext(1, 'permanent')
      const r = await h.channel.send(
        sampleMessage(h.kind, h.address, 'k-perm'),
        sampleContent('M3'),
      )
      expect(r).toMatchObject({ ok: false, retryable: false })
      expect(h.peer.received).toHaveLength(0)
    })

    it('reports an unreachable peer as retryable', async () => {
      const u = await h.unreachable()
      const r = await u.channel.send(
        sampleMessage(h.kind, u.address, 'k-down'),
        sampleContent('M4'),
      )
      expect(r).toMatchObject({ ok: false, retryable: true })
    })

    it('sends the same key on every attempt of a message', async () => {
      const m = sampleMessage(h.kind, h.address, 'k-same')
      h.peer.refuseNext(2, 'transient')
      for (let i = 0; i < 3; i++) await h.channel.send(m, sampleContent('M5'))
      await h.channel.send(m, sampleContent('M5'))
      expect(h.peer.refused).toBe(2)
      expect(h.peer.received.map((x) => x.idempotencyKey)).toEqual(['k-same', 'k-same'])
      expect(h.peer.distinctKeys()).toEqual(new Set(['k-same']))
    })
  })
}
