import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { SeriesId } from '../core/ids.ts'
import type { ObservationBatch, SeriesLookup } from './observation-batch.ts'
import { canonicalUnit, readValue, selectForStorage } from './observation-batch.ts'
import { parseObservationCsv } from './observation-csv.ts'
import { parseObservationJson } from './observation-json.ts'
import type { Series, Variable } from './types.ts'
import { VARIABLE_UNITS } from './types.ts'

const SEED = 20160601
const HOUR = 3_600_000
const T0 = Date.UTC(2016, 5, 1)

const series = (id: string, variable: Variable): Series => ({
  id: id as SeriesId,
  variable,
  unit: VARIABLE_UNITS[variable],
  kind: 'observed',
  stationId: null,
  basinId: null,
  stepMs: HOUR,
})
const SERIES = [
  series('S:discharge', 'discharge'),
  series('S:level', 'water_level'),
  series('S:precip', 'precipitation'),
  series('S:temp', 'temperature'),
]
const LOOKUP: SeriesLookup = new Map(SERIES.map((s) => [s.id, s]))

describe('readValue', () => {
  it.each([
    ['12', true, 12],
    [' -1.5e-3 ', true, -0.0015],
    ['+.5', true, 0.5],
    ['7.', true, 7],
    [3, false, 3],
    ['', true, 'value is missing'],
    ['nan', true, 'value is not a number: nan'],
    ['n/a', true, 'value is not a number: n/a'],
    ['null', true, 'value is not a number: null'],
    ['∞', true, 'value is not finite: ∞'],
    ['1,5', true, 'value is not a number: "1,5"'],
    ['1_000', true, 'value is not a number: "1_000"'],
    ['0b1', true, 'value is not a number: "0b1"'],
    ['12', false, 'value must be a JSON number, not a string: "12"'],
    ['', false, 'value must be a JSON number, not a string: ""'],
    [{}, false, 'value must be a number, not an object'],
  ])('%j (text: %s) → %j', (raw, isText, expected) => {
    expect(readValue(raw, isText)).toBe(expected)
  })
})

describe('canonicalUnit', () => {
  it('accepts other spellings of the same unit, and nothing else', () => {
    expect(canonicalUnit('m³/s')).toBe('m3/s')
    expect(canonicalUnit(' °C ')).toBe('degC')
    expect(canonicalUnit('l/s')).toBe('l/s')
    expect(canonicalUnit('K')).toBe('K')
  })
})

describe('selectForStorage', () => {
  const o = { seriesId: 'S:level' as SeriesId, t: T0 as never, value: 1, quality: 0 }
  const clean: ObservationBatch = { valid: [o], validIndex: [0], rejected: [] }
  const dirty: ObservationBatch = {
    valid: [o],
    validIndex: [0],
    rejected: [{ index: 1, reason: 'value is missing', problems: [] }],
  }
  it('stores a clean batch whole in either mode', () => {
    expect(selectForStorage(clean, 'atomic')).toMatchObject({ toStore: [o], withheld: 0 })
    expect(selectForStorage(clean, 'partial')).toMatchObject({ toStore: [o], withheld: 0 })
  })
  it('atomic: stores nothing when a row is refused; partial: stores the valid rows', () => {
    expect(selectForStorage(dirty, 'atomic')).toEqual({
      mode: 'atomic',
      toStore: [],
      withheld: 1,
      rejected: dirty.rejected,
    })
    expect(selectForStorage(dirty, 'partial')).toEqual({
      mode: 'partial',
      toStore: [o],
      withheld: 0,
      rejected: dirty.rejected,
    })
  })
})

// ---- properties over random batches (fixed seed) ----

type Kind = 'valid' | 'unknownSeries' | 'wrongUnit' | 'badValue' | 'badTime' | 'outOfOrder'

interface GenRow {
  readonly kind: Kind
  readonly series: string
  readonly t: string | number
  readonly value: number | string
  readonly unit: string
}

const step = fc.record({
  kind: fc.constantFrom<Kind>(
    'valid',
    'valid',
    'valid',
    'valid',
    'unknownSeries',
    'wrongUnit',
    'badValue',
    'badTime',
    'outOfOrder',
  ),
  s: fc.integer({ min: 0, max: SERIES.length - 1 }),
  dtHours: fc.integer({ min: 0, max: 6 }),
  value: fc
    .double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 })
    .map((v) => (v === 0 ? 0 : v)),
  epoch: fc.boolean(),
  badValue: fc.constantFrom('NaN', 'Infinity', 'abc', ''),
  badTime: fc.constantFrom('2016-06-01T00:00:00', '2016-02-30T00:00:00Z', 'yesterday', ''),
})

type Step = typeof step extends fc.Arbitrary<infer S> ? S : never

/** Builds rows whose fate is known in advance: `valid` rows must all be accepted. */
function build(steps: Step[]): GenRow[] {
  const last = new Map<string, number>()
  return steps.map((g) => {
    const s = SERIES[g.s]!
    const unit = VARIABLE_UNITS[s.variable]
    const prev = last.get(s.id)
    const next = (prev ?? T0) + g.dtHours * HOUR
    const when = (t: number): string | number => (g.epoch ? t : new Date(t).toISOString())
    switch (g.kind) {
      case 'valid':
        last.set(s.id, next)
        return { kind: g.kind, series: s.id, t: when(next), value: g.value, unit }
      case 'unknownSeries':
        return { kind: g.kind, series: 'X:unknown', t: when(next), value: g.value, unit }
      case 'wrongUnit':
        return { kind: g.kind, series: s.id, t: when(next), value: g.value, unit: 'furlong' }
      case 'badValue':
        return { kind: g.kind, series: s.id, t: when(next), value: g.badValue, unit }
      case 'badTime':
        return { kind: g.kind, series: s.id, t: g.badTime, value: g.value, unit }
      case 'outOfOrder':
        if (prev === undefined)
          return { kind: 'badTime', series: s.id, t: g.badTime, value: g.value, unit }
        return { kind: g.kind, series: s.id, t: when(prev - HOUR), value: g.value, unit }
    }
  })
}

function asJson(rows: readonly GenRow[]): ObservationBatch {
  const r = parseObservationJson({ observations: rows.map(({ kind: _k, ...row }) => row) }, LOOKUP)
  if (!r.ok) throw new Error('unreadable batch')
  return r.value
}

function asCsv(rows: readonly GenRow[]): ObservationBatch {
  const text = [
    'unit,value,series,t',
    ...rows.map((r) => `${r.unit},${r.value},${r.series},${r.t}`),
  ]
  const r = parseObservationCsv(text.join('\n'), LOOKUP)
  if (!r.ok) throw new Error('unreadable batch')
  return r.value
}

describe('batch readers: properties (fixed seed)', () => {
  const batches = fc.array(step, { minLength: 0, maxLength: 60 }).map(build)

  it('accept every valid row, refuse every other with a reason, and lose none', () => {
    fc.assert(
      fc.property(batches, (rows) => {
        for (const b of [asJson(rows), asCsv(rows)]) {
          const validRows = rows.flatMap((r, i) => (r.kind === 'valid' ? [i] : []))
          expect(b.validIndex).toEqual(validRows)
          expect(b.valid.map((o) => [o.seriesId, o.value, o.quality])).toEqual(
            validRows.map((i) => [rows[i]!.series, rows[i]!.value, 0]),
          )
          expect(b.rejected.map((r) => r.index)).toEqual(
            rows.flatMap((r, i) => (r.kind === 'valid' ? [] : [i])),
          )
          for (const r of b.rejected) {
            expect(r.reason.length).toBeGreaterThan(0)
            expect(r.problems.length).toBeGreaterThan(0)
            expect(r.reason).toBe(r.problems.map((p) => p.message).join('; '))
          }
        }
      }),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('read the same rows alike from JSON and CSV, times included', () => {
    fc.assert(
      fc.property(batches, (rows) => {
        const j = asJson(rows)
        const c = asCsv(rows)
        expect(c.valid).toEqual(j.valid)
        expect(c.rejected.map((r) => r.line)).toEqual(c.rejected.map((r) => r.index + 2))
      }),
      { seed: SEED, numRuns: 200 },
    )
  })

  it('keep each series in time order', () => {
    fc.assert(
      fc.property(batches, (rows) => {
        const last = new Map<string, number>()
        for (const o of asJson(rows).valid) {
          expect(o.t).toBeGreaterThanOrEqual(last.get(o.seriesId) ?? -Infinity)
          last.set(o.seriesId, o.t)
        }
      }),
      { seed: SEED, numRuns: 200 },
    )
  })
})
