/**
 * publishZone on a real SQLite store: signals rising then falling give Alert → Update → Cancel
 * in the CAP alerts, each schema-valid and clean under the publish profile, with its audit
 * entries and one outbox message per matching subscription; the same signals twice add nothing.
 */
import { readFileSync } from 'node:fs'
import type { EpochMs } from '../src/core/brand.ts'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type {
  AlertTexts,
  PublishZoneInput,
  PublishZoneResult,
} from '../src/notify/publish-warnings.ts'
import { messageIdOf } from '../src/notify/fan-out.ts'
import { publishZone } from '../src/notify/publish-warnings.ts'
import type { Store } from '../src/store/index.ts'
import { STORE_TARGETS, type OpenedStore } from '../src/store/testing/databases.ts'
import { subscription } from '../src/store/testing/warning-fixtures.ts'
import { checkCapProfile, createCapXsdValidator, readCap } from '../src/warn/cap/index.ts'
import { DEFAULT_RULES } from '../src/warn/defaults.ts'
import { CHANGES, DEFAULT_POLICY, type IssuePolicy } from '../src/warn/policy.ts'
import { at, forecastUpTo, observed, signals, ZONE } from '../src/warn/test-fixtures.ts'
import type { Signals } from '../src/warn/types.ts'

const xsd = createCapXsdValidator(
  readFileSync(new URL('../data/cap/CAP-v1.2.xsd', import.meta.url), 'utf8'),
)

const AUTO: IssuePolicy = {
  ...DEFAULT_POLICY,
  autoIssue: [{ levels: '*', basis: 'any', changes: [...CHANGES] }],
}

const pct = (p: number | null): string => (p === null ? '' : ` (${Math.round(p * 100)} %)`)
const TEXTS: Record<string, AlertTexts> = {
  en: {
    event: (c) => `Flood ${c.level}`,
    headline: (c) => `Flood ${c.level} for ${c.zoneName}`,
    description: (c) => `${c.meaning} Threshold ${c.thresholdName ?? '-'}${pct(c.probability)}.`,
    instruction: () => 'Keep informed and follow the instructions of the authorities.',
  },
  ko: {
    event: (c) => `홍수 ${c.level}`,
    headline: (c) => `${c.zoneName} 홍수 ${c.level}`,
    description: (c) => `기준 ${c.thresholdName ?? '-'}${pct(c.probability)}.`,
    instruction: () => '최신 정보를 확인하고 당국의 지시에 따르십시오.',
  },
}

let opened: OpenedStore
let store: Store

beforeEach(async () => {
  opened = await STORE_TARGETS[0]!.open()
  store = opened.store
  await store.subscriptions.upsert([
    subscription('all-levels', { areas: [ZONE.id], minLevel: 0, languages: ['en'] }),
    subscription('warning-up', { areas: '*', minLevel: 1, languages: ['ko'] }),
    subscription('elsewhere', { areas: ['another-zone'], minLevel: 0, languages: [] }),
  ])
})
afterEach(async () => {
  await opened.dispose()
})

async function cycle(
  hours: number,
  s: Signals,
  policy: IssuePolicy = AUTO,
): Promise<PublishZoneResult> {
  const input: PublishZoneInput = {
    rules: DEFAULT_RULES,
    policy,
    zone: ZONE,
    signals: s,
    now: at(hours),
    sender: { id: 'warnings@freshet.example', name: 'Freshet flood service' },
    languages: ['en', 'ko'],
    texts: TEXTS,
    web: 'https://freshet.example/warnings',
    utcOffsetMinutes: 120,
  }
  return store.transaction((tx) => publishZone(tx, input))
}

describe('publishZone', () => {
  it('publishes Alert → Update → Cancel, schema-valid, with audit and outbox', async () => {
    const rising1 = signals(forecastUpTo('r1', at(0), 'Q2'))
    const r1 = await cycle(0, rising1)
    expect(r1.published.map((a) => a.msgType)).toEqual(['Alert'])
    // The same signals again: nothing new.
    const again = await cycle(0, rising1)
    expect(again.events).toEqual([])
    expect(again.published).toEqual([])
    // The counters are kept in the store, not in the caller's memory.
    expect(await store.zoneEvaluations.find(ZONE.id)).toEqual(again.evaluation.state)
    await cycle(6, signals(forecastUpTo('r2', at(6), 'Q5')))
    for (let h = 12; h <= 36; h += 6) await cycle(h, signals(forecastUpTo(`r${h}`, at(h), null)))

    const alerts = [...(await store.capAlerts.byZone(ZONE.id))].reverse()
    const types = alerts.map((a) => a.msgType)
    expect(types[0]).toBe('Alert')
    expect(types).toContain('Update')
    expect(types[types.length - 1]).toBe('Cancel')
    expect(types.filter((t) => t === 'Cancel')).toHaveLength(1)
    for (const [i, a] of alerts.entries()) {
      expect(xsd.validate(a.xml), a.xml).toEqual([])
      const doc = readCap(a.xml)
      if (!doc.ok) throw new Error(JSON.stringify(doc.issues))
      expect(checkCapProfile(doc.value, 'publish').errors).toEqual([])
      expect(doc.value.infos.map((x) => x.language)).toEqual(['en', 'ko'])
      expect(a.xml).toMatch(/<sent>2024-09-14T\d\d:\d\d:\d\d\+02:00<\/sent>/)
      expect(a.xml).toContain('<polygon>')
      if (i > 0) {
        expect(doc.value.references.map((r) => r.identifier)).toEqual([alerts[i - 1]!.alertId])
      }
    }

    const audit = await store.audit.list({ warningId: alerts[0]!.warningId })
    expect(audit.map((e) => e.action)).toContain('issued')
    expect(audit.map((e) => e.action)).toContain('cancelled')

    // advisory (rank 0) reaches one subscription; warning and above two; never `elsewhere`.
    const outbox = await Promise.all(
      alerts.map(async (a) => {
        const subs: string[] = []
        for (const s of ['all-levels', 'warning-up', 'elsewhere']) {
          const m = await store.outbox.find(
            messageIdOf(
              [a.warningId, `v${a.version}`, `post:${s}`, 'webhook', 'https://example.org/hook']
                .map(encodeURIComponent)
                .join('/'),
            ),
          )
          if (m !== undefined) subs.push(s)
        }
        return { rank: a.levelRank, subs }
      }),
    )
    for (const o of outbox)
      expect(o.subs).toEqual(o.rank >= 1 ? ['all-levels', 'warning-up'] : ['all-levels'])
  })

  it('leaves a draft pending, and publishes nothing, when the policy asks for approval', async () => {
    const r = await cycle(0, signals(forecastUpTo('r1', at(0), 'Q5')), DEFAULT_POLICY)
    expect(r.events.map((e) => e.kind)).toEqual(['drafted'])
    expect(r.published).toEqual([])
    expect(await store.capAlerts.byZone(ZONE.id)).toEqual([])
    expect(await store.outbox.due(at(1), 10)).toEqual([])
  })

  it('counts an observation made earlier in the same second as the evaluation', async () => {
    // Observed at 0.4 s past the hour, evaluated at 0.5 s: CAP times are whole seconds, but the
    // observation is not in the future and must count at once.
    const t = (at(0) + 400) as EpochMs
    const r = await cycle(500 / 3_600_000, signals([], observed(t, 260)))
    expect(r.published.map((a) => a.msgType)).toEqual(['Alert'])
    expect(r.published[0]!.sent).toBe(at(0))
  })
})
