import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { EpochMs } from '../core/brand.ts'
import type { UserId } from '../core/ids.ts'
import type { AuditInput, ChainEntry, JsonValue } from './audit-chain.ts'
import {
  ChainVerifier,
  GENESIS_HASH,
  canonicalJson,
  chainEntry,
  payloadOf,
  verifyChain,
} from './audit-chain.ts'
import { incidentAuditInput, orderAuditInput, sitrepAuditInput } from './audit-inputs.ts'
import { incidentsForWarning, replayIncident } from './incidents.ts'
import { applyResponse, dueEscalations, issueOrder, replayOrder } from './orders.ts'
import { HQ, generateHierarchy, officer } from './test-fixtures.ts'
import type { OrderId, SitrepId } from './types.ts'

const input = (i: number, payload: JsonValue = { post: `cn.p01.c${i}`, n: i }): AuditInput => ({
  at: (1_751_000_000_000 + i * 1000) as EpochMs,
  actor: `officer.${i % 7}` as UserId,
  kind: i % 2 === 0 ? 'order.received' : 'order.accepted',
  subject: `order.${i % 13}`,
  payload,
})

function chain(n: number, payloadOf: (i: number) => JsonValue = (i) => ({ post: `p${i}`, n: i })) {
  const out: ChainEntry[] = []
  for (let i = 0; i < n; i++) out.push(chainEntry(out[i - 1] ?? null, input(i, payloadOf(i))))
  return out
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex')

describe('canonicalJson', () => {
  it.each<[unknown, string]>([
    [
      { b: 1, a: [true, null, 'x'], c: { z: 0, y: -0 } },
      '{"a":[true,null,"x"],"b":1,"c":{"y":0,"z":0}}',
    ],
    [{ é: 1, Z: 2, a: 3, '10': 4, '9': 5 }, '{"10":4,"9":5,"Z":2,"a":3,"é":1}'],
    [
      'quote " back \\ nl \n tab \t nul \u0000',
      JSON.stringify('quote " back \\ nl \n tab \t nul \u0000'),
    ],
    ['lone \ud800 surrogate', '"lone \\ud800 surrogate"'],
    [{ a: undefined, b: 1 }, '{"b":1}'],
    [1e21, '1e+21'],
    [0.1, '0.1'],
    [[], '[]'],
    [{}, '{}'],
  ])('writes %j as %s', (value, text) => {
    expect(canonicalJson(value)).toBe(text)
  })

  it.each<[unknown, string]>([
    [{ a: [1, Number.NaN] }, '$.a[1]: not a finite number: NaN'],
    [{ a: { b: Infinity } }, '$.a.b: not a finite number: Infinity'],
    [{ d: new Date(0) }, '$.d: not a plain object'],
    [[undefined], '$[0]: not a JSON value (undefined)'],
    [{ f: 10n }, '$.f: not a JSON value (bigint)'],
  ])('refuses %s, naming the path', (value, message) => {
    expect(() => canonicalJson(value)).toThrow(message)
  })

  it('is stable through a JSON round trip and sorts keys at every depth (property)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const text = canonicalJson(v)
        expect(canonicalJson(JSON.parse(text))).toBe(text)
        expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(v)))
      }),
      { seed: 42, numRuns: 300 },
    )
  })
})

describe('chainEntry', () => {
  it('hashes the canonical JSON of the entry without its hash, chained from 64 zeros', () => {
    const [a, b] = chain(2)
    expect(a!.seq).toBe(1)
    expect(a!.prevHash).toBe(GENESIS_HASH)
    expect(b!.prevHash).toBe(a!.hash)
    const { hash, payloadJson, ...rest } = b!
    const text = JSON.stringify({
      actor: rest.actor,
      at: rest.at,
      kind: rest.kind,
      payload: JSON.parse(payloadJson),
      prevHash: rest.prevHash,
      seq: rest.seq,
      subject: rest.subject,
    })
    expect(hash).toBe(sha256(text))
    expect(payloadOf(b!)).toEqual({ n: 1, post: 'p1' })
  })

  it('refuses a payload that is not JSON and a time that is not a number', () => {
    expect(() => chainEntry(null, input(0, { x: Number.NaN }))).toThrow('$.x: not a finite number')
    expect(() => chainEntry(null, { ...input(0), at: Number.NaN as EpochMs })).toThrow('not a time')
  })
})

describe('verifyChain', () => {
  const entries = chain(5000)

  it('verifies a long chain, and an empty one', () => {
    expect(verifyChain(entries)).toEqual({
      ok: true,
      count: 5000,
      lastSeq: 5000,
      lastHash: entries[4999]!.hash,
    })
    expect(verifyChain([])).toEqual({ ok: true, count: 0, lastSeq: 0, lastHash: GENESIS_HASH })
  })

  const tampered = (k: number, change: (e: ChainEntry) => ChainEntry) =>
    entries.map((e) => (e.seq === k ? change(e) : e))
  const flipByte = (s: string, i: number) =>
    s.slice(0, i) + String.fromCharCode(s.charCodeAt(i) ^ 1) + s.slice(i + 1)

  it.each<[string, ChainEntry[], number, string]>([
    [
      'one payload byte',
      tampered(1234, (e) => ({ ...e, payloadJson: flipByte(e.payloadJson, 9) })),
      1234,
      'hash mismatch',
    ],
    [
      'one hash',
      tampered(4000, (e) => ({ ...e, hash: flipByte(e.hash, 0) })),
      4000,
      'hash mismatch',
    ],
    ['the actor', tampered(1, (e) => ({ ...e, actor: 'mallory' as UserId })), 1, 'hash mismatch'],
    [
      'the time',
      tampered(5000, (e) => ({ ...e, at: (e.at + 1) as EpochMs })),
      5000,
      'hash mismatch',
    ],
    [
      'a payload with its own hash recomputed',
      tampered(2500, (e) => {
        const prev = entries[e.seq - 2]!
        return chainEntry(prev, { ...e, payload: { post: 'p2499', n: 0 } })
      }),
      2501,
      'prevHash does not match previous entry',
    ],
    ['a deleted entry', entries.filter((e) => e.seq !== 777), 777, 'seq gap'],
    [
      'two swapped entries',
      entries.map((e, i) => (i === 99 ? entries[100]! : i === 100 ? entries[99]! : e)),
      100,
      'seq gap',
    ],
  ])('finds %s at the right entry', (_name, broken, seq, reason) => {
    const r = verifyChain(broken)
    expect(r).toMatchObject({ ok: false, firstBroken: seq, reason, count: seq - 1 })
    if (!r.ok) expect(r.message).toContain(`audit chain broken at entry ${seq}: ${reason}`)
  })

  it('gives the same answer in batches of any size, and from an async source of pages', async () => {
    const broken = tampered(3333, (e) => ({ ...e, subject: 'other' }))
    for (const size of [1, 7, 1000, 5000]) {
      const v = new ChainVerifier()
      for (let i = 0; i < broken.length; i += size) v.push(broken.slice(i, i + size))
      expect(v.result()).toMatchObject({ ok: false, firstBroken: 3333, reason: 'hash mismatch' })
    }
    async function* pages() {
      for (let i = 0; i < entries.length; i += 512) yield entries.slice(i, i + 512)
    }
    expect(await verifyChain(pages())).toMatchObject({ ok: true, count: 5000 })
  })

  it('resumes after a verified checkpoint', () => {
    const v = new ChainVerifier({ seq: 2000, hash: entries[1999]!.hash })
    expect(v.push(entries.slice(2000))).toBe(true)
    expect(v.result()).toMatchObject({ ok: true, count: 3000, lastSeq: 5000 })
    const wrong = new ChainVerifier({ seq: 2000, hash: GENESIS_HASH })
    expect(wrong.push(entries.slice(2000))).toBe(false)
    expect(wrong.result()).toMatchObject({
      firstBroken: 2001,
      reason: 'prevHash does not match previous entry',
    })
  })

  it('finds any single change at its entry (property)', () => {
    const small = chain(60, (i) => ({ i, tags: ['a', String(i)], nested: { ok: i % 2 === 0 } }))
    expect(verifyChain(small).ok).toBe(true)
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 60 }),
        fc.constantFrom('payloadJson', 'kind', 'subject', 'hash', 'prevHash', 'delete'),
        fc.string({ minLength: 1, maxLength: 5 }),
        (seq, field, junk) => {
          const broken =
            field === 'delete'
              ? small.filter((e) => e.seq !== seq)
              : small.map((e) => (e.seq === seq ? { ...e, [field]: e[field] + junk } : e))
          const r = verifyChain(broken)
          if (field === 'delete' && seq === 60) expect(r).toMatchObject({ ok: true, count: 59 })
          else expect(r).toMatchObject({ ok: false, firstBroken: seq })
        },
      ),
      { seed: 7, numRuns: 400 },
    )
  })
})

describe('command events in the audit chain', () => {
  it('chains order, incident and sitrep events and verifies them', () => {
    const g = generateHierarchy({ countyCount: 31 })
    const h = g.hierarchy
    const at = (m: number) => (1_751_000_000_000 + m * 60_000) as EpochMs
    const issued = issueOrder(
      h,
      officer('cmd', 'commander', HQ),
      {
        id: 'o1' as OrderId,
        issuerPost: HQ,
        title: 'Open the spillway',
        actions: ['open gates 1–3'],
        recipients: { kind: 'direct' },
        ackDeadline: at(30),
        completionDeadline: at(120),
      },
      at(0),
    )
    if (!issued.ok) throw new Error('not issued')
    let s = replayOrder(issued.value.events)
    const ans = applyResponse(
      s,
      g.provinces[0]!,
      { kind: 'unable', reason: 'gates jammed' },
      at(5),
      'duty' as UserId,
    )
    if (!ans.ok) throw new Error('refused')
    s = replayOrder([...issued.value.events, ans.value.event])
    const esc = dueEscalations(h, s, at(31), 'system' as UserId)
    const inc = incidentsForWarning(
      h,
      { warningId: 'w1', zoneId: `zone.${g.counties[0]}`, levelRank: 3, levelName: 'emergency' },
      { minRank: 1, by: 'system' as UserId, at: at(2) },
      [],
    )
    const rep = replayIncident([inc[0]!])
    const inputs = [
      ...issued.value.events.map(orderAuditInput),
      orderAuditInput(ans.value.event),
      ...esc.map(orderAuditInput),
      ...inc.map(incidentAuditInput),
      sitrepAuditInput(
        {
          id: 'sr1' as SitrepId,
          post: g.counties[0]!,
          at: at(40),
          period: { from: at(0), to: at(40) },
          figures: {
            affectedPopulation: 1200,
            evacuated: 300,
            dead: 0,
            injured: 2,
            missing: 0,
            damagedHouses: 14,
          },
          needs: [{ item: 'tents', quantity: 40, unit: 'piece' }],
          filedBy: 'duty' as UserId,
        },
        at(41),
        'duty' as UserId,
      ),
    ]
    const entries: ChainEntry[] = []
    for (const i of inputs) entries.push(chainEntry(entries[entries.length - 1] ?? null, i))
    expect(verifyChain(entries)).toMatchObject({ ok: true, count: inputs.length })
    expect(entries.map((e) => e.kind).slice(0, 3)).toEqual([
      'order.issued',
      'order.unable',
      'order.escalated',
    ])
    expect(payloadOf(entries[1]!)).toEqual({ post: g.provinces[0], reason: 'gates jammed' })
    expect(
      (payloadOf(entries[0]!) as { order: { recipients: string[] } }).order.recipients.length,
    ).toBe(39)
    expect(rep.id).toBe(entries[3 + esc.length - 1]!.subject)
  })
})
