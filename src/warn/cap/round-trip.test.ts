import { readFileSync } from 'node:fs'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { formatIssue } from '../../core/result.ts'
import type { CapAlert, CapArea, CapInfo, CapTime, LatLon } from './model.ts'
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_MSG_TYPES,
  CAP_RESPONSE_TYPES,
  CAP_SEVERITIES,
  CAP_URGENCIES,
  closedRing,
} from './model.ts'
import { checkCapProfile } from './profile.ts'
import { readCap } from './read.ts'
import { writeCap } from './write.ts'
import { createCapXsdValidator } from './xsd.ts'

const xsd = createCapXsdValidator(
  readFileSync(new URL('../../../data/cap/CAP-v1.2.xsd', import.meta.url), 'utf8'),
)
afterAll(() => xsd.dispose())

const token = fc.stringMatching(/^[A-Za-z0-9.:@_-]{1,20}$/)
// Text without leading/trailing whitespace (the reader trims) and with XML specials.
const words = fc
  .array(fc.stringMatching(/^[A-Za-zÀ-ÿ0-9&<>"'.;:!?()-]{1,10}$/), { minLength: 1, maxLength: 6 })
  .map((ws) => ws.join(' '))
const offset = fc.constantFrom(0, 60, -300, 330, 840, -720)
const epoch = fc.integer({ min: 946_684_800, max: 4_102_444_800 }).map((s) => s * 1000)
const time = (ms: fc.Arbitrary<number>): fc.Arbitrary<CapTime> =>
  fc.record({ epochMs: ms, offsetMinutes: offset })
const coord = (max: number): fc.Arbitrary<number> =>
  fc.integer({ min: -max * 100_000, max: max * 100_000 }).map((k) => k / 100_000)
const latLon: fc.Arbitrary<LatLon> = fc.record({ lat: coord(90), lon: coord(180) })
const value = fc.record({ valueName: token, value: words })

const area: fc.Arbitrary<CapArea> = fc
  .record({
    areaDesc: words,
    polygons: fc.array(
      fc
        .uniqueArray(latLon, { minLength: 3, maxLength: 8, selector: (p) => `${p.lat},${p.lon}` })
        .map(closedRing),
      { minLength: 1, maxLength: 2 },
    ),
    circles: fc.array(
      fc.record({
        center: latLon,
        radiusKm: fc.integer({ min: 1, max: 50_000 }).map((k) => k / 100),
      }),
      { maxLength: 2 },
    ),
    geocodes: fc.array(value, { maxLength: 2 }),
    altitude: fc.option(
      fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 })),
    ),
  })
  .map(({ altitude, ...a }) =>
    altitude === null ? a : { ...a, altitudeFt: altitude[0], ceilingFt: altitude[0] + altitude[1] },
  )

const shared = fc.record({
  categories: fc.uniqueArray(fc.constantFrom(...CAP_CATEGORIES), { minLength: 1, maxLength: 3 }),
  urgency: fc.constantFrom(...CAP_URGENCIES),
  severity: fc.constantFrom(...CAP_SEVERITIES),
  certainty: fc.constantFrom(...CAP_CERTAINTIES),
  eventCodes: fc.array(value, { maxLength: 2 }),
  effectiveAfterSent: fc.integer({ min: 0, max: 3600 }),
  duration: fc.integer({ min: 1, max: 7 * 86_400 }),
  offset,
})

const ownText = fc.record({
  event: words,
  responseTypes: fc.uniqueArray(fc.constantFrom(...CAP_RESPONSE_TYPES), { maxLength: 2 }),
  audience: fc.option(words, { nil: undefined }),
  senderName: fc.option(words, { nil: undefined }),
  headline: fc.option(words, { nil: undefined }),
  description: words,
  instruction: fc.option(words, { nil: undefined }),
  contact: fc.option(words, { nil: undefined }),
  parameters: fc.array(value, { maxLength: 2 }),
  areas: fc.array(area, { minLength: 1, maxLength: 2 }),
})

const noUndefined = <T>(o: object): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T

const alertArb: fc.Arbitrary<CapAlert> = fc
  .record({
    identifier: token,
    sender: token,
    sent: time(epoch),
    msgType: fc.constantFrom(...CAP_MSG_TYPES),
    source: fc.option(words, { nil: undefined }),
    codes: fc.array(token, { maxLength: 2 }),
    note: fc.option(words, { nil: undefined }),
    references: fc.array(fc.record({ sender: token, identifier: token, sent: time(epoch) }), {
      minLength: 1,
      maxLength: 3,
    }),
    incidents: fc.array(fc.stringMatching(/^[A-Za-z0-9]{1,8}( [A-Za-z0-9&<>]{1,8})?$/), {
      maxLength: 2,
    }),
    shared,
    texts: fc.uniqueArray(
      fc.tuple(fc.constantFrom('en-GB', 'cy-GB', 'fr', 'de-CH', 'es-419'), ownText),
      {
        minLength: 1,
        maxLength: 3,
        selector: ([lang]) => lang,
      },
    ),
  })
  .map(({ shared: s, texts, msgType, references, ...a }): CapAlert => {
    const effective = {
      epochMs: a.sent.epochMs + s.effectiveAfterSent * 1000,
      offsetMinutes: s.offset,
    }
    const expires = { epochMs: effective.epochMs + s.duration * 1000, offsetMinutes: s.offset }
    const infos = texts.map(([language, t]): CapInfo =>
      noUndefined({
        language,
        categories: s.categories,
        urgency: s.urgency,
        severity: s.severity,
        certainty: s.certainty,
        eventCodes: s.eventCodes,
        effective,
        expires,
        web: `https://freshet.example/warnings/${a.identifier}`,
        resources: [],
        ...t,
      }),
    )
    return noUndefined<CapAlert>({
      ...a,
      status: 'Actual',
      msgType,
      scope: 'Public',
      addresses: [],
      references: msgType === 'Alert' ? [] : references,
      infos,
    })
  })

describe('CAP round trip (property)', () => {
  it('random alerts are schema-valid, pass the publication profile and read back equal', () => {
    fc.assert(
      fc.property(alertArb, (alert) => {
        const xml = writeCap(alert)
        expect(xsd.validate(xml)).toEqual([])
        expect(checkCapProfile(alert, 'publish').errors.map(formatIssue)).toEqual([])
        expect(readCap(xml)).toEqual({ ok: true, value: alert })
      }),
      { seed: 20240619, numRuns: 150 },
    )
  })
})
