import { describe, expect, it } from 'vitest'
import type { SeriesId } from '../core/ids.ts'
import type { ObservationBatch, SeriesLookup } from './observation-batch.ts'
import { parseObservationJson, parseObservationJsonText } from './observation-json.ts'
import type { Series, Variable } from './types.ts'
import { VARIABLE_UNITS } from './types.ts'

const series = (id: string, variable: Variable): Series => ({
  id: id as SeriesId,
  variable,
  unit: VARIABLE_UNITS[variable],
  kind: 'observed',
  stationId: null,
  basinId: null,
  stepMs: 3_600_000,
})
const Q = 'H010002001:discharge'
const T = 'H010002001:temp'
const LOOKUP: SeriesLookup = new Map(
  [series(Q, 'discharge'), series(T, 'temperature')].map((s) => [s.id, s]),
)
const T0 = Date.UTC(2016, 5, 1)
const ok = { series: Q, t: '2016-06-01T00:00:00Z', value: 123.4, unit: 'm3/s' }

function read(rows: unknown[]): ObservationBatch {
  const r = parseObservationJson({ observations: rows }, LOOKUP)
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.value
}

describe('parseObservationJson: valid rows', () => {
  it('reads the documented example, epoch ms and offsets alike', () => {
    const b = read([
      ok,
      { ...ok, t: T0 + 3_600_000, value: 0 },
      { ...ok, t: '2016-06-01T04:00:00+02:00', value: 1e3 },
      { series: T, t: '2016-06-01T00:00:00Z', value: -3.5, unit: '°C', note: 'ignored' },
    ])
    expect(b.rejected).toEqual([])
    expect(b.validIndex).toEqual([0, 1, 2, 3])
    expect(b.valid).toEqual([
      { seriesId: Q, t: T0, value: 123.4, quality: 0 },
      { seriesId: Q, t: T0 + 3_600_000, value: 0, quality: 0 },
      { seriesId: Q, t: T0 + 7_200_000, value: 1000, quality: 0 },
      { seriesId: T, t: T0, value: -3.5, quality: 0 },
    ])
  })

  it('lets equal times of a series through (QC flags the duplicates)', () => {
    expect(read([ok, { ...ok, value: 2 }]).valid).toHaveLength(2)
  })

  it('keeps the order of each series apart from the others', () => {
    const b = read([ok, { series: T, t: T0 - 7_200_000, value: 1, unit: 'degC' }])
    expect(b.rejected).toEqual([])
  })
})

describe('parseObservationJson: every refused row with its exact reason', () => {
  const cases: [string, unknown, string, string[]][] = [
    ['unknown series', { ...ok, series: 'X:nope' }, 'unknown series "X:nope"', ['series']],
    [
      'wrong unit',
      { ...ok, unit: 'l/s' },
      'wrong unit "l/s" for discharge: expected m3/s (no conversion is made)',
      ['unit'],
    ],
    [
      'missing unit',
      { series: Q, t: T0, value: 1 },
      'unit is missing: discharge is kept in m3/s',
      ['unit'],
    ],
    ['unit not a string', { ...ok, unit: 3 }, 'unit must be a string, not a number', ['unit']],
    [
      'NaN as a string',
      { ...ok, value: 'NaN' },
      'value must be a JSON number, not a string: "NaN"',
      ['value'],
    ],
    [
      'a number as a string',
      { ...ok, value: '12.5' },
      'value must be a JSON number, not a string: "12.5"',
      ['value'],
    ],
    ['NaN', { ...ok, value: NaN }, 'value is NaN', ['value']],
    ['Infinity', { ...ok, value: Infinity }, 'value is not finite: Infinity', ['value']],
    ['-Infinity', { ...ok, value: -Infinity }, 'value is not finite: -Infinity', ['value']],
    ['null value', { ...ok, value: null }, 'value is missing', ['value']],
    ['no value', { series: Q, t: T0, unit: 'm3/s' }, 'value is missing', ['value']],
    ['boolean value', { ...ok, value: true }, 'value must be a number, not a boolean', ['value']],
    ['no time', { series: Q, value: 1, unit: 'm3/s' }, 'time is missing', ['t']],
    [
      'time without offset',
      { ...ok, t: '2016-06-01T00:00:00' },
      'time "2016-06-01T00:00:00" has no UTC offset: add Z or ±hh:mm',
      ['t'],
    ],
    [
      'impossible date',
      { ...ok, t: '2016-02-30T00:00:00Z' },
      'time "2016-02-30T00:00:00Z" has no such calendar date',
      ['t'],
    ],
    [
      'fractional epoch',
      { ...ok, t: T0 + 0.5 },
      'time 1464739200000.5 is not a whole number of milliseconds',
      ['t'],
    ],
    ['not an object', 42, 'row must be an object, not a number', []],
    ['an array', [Q, T0, 1, 'm3/s'], 'row must be an object, not an array', []],
    ['null row', null, 'row must be an object, not null', []],
    ['series a number', { ...ok, series: 12 }, 'series must be a string, not a number', ['series']],
    ['no series', { t: T0, value: 1, unit: 'm3/s' }, 'series is missing', ['series']],
    ['empty series', { ...ok, series: '' }, 'series is missing', ['series']],
  ]
  it.each(cases)('%s', (_name, row, reason, field) => {
    const b = read([ok, row])
    expect(b.valid).toHaveLength(1)
    expect(b.rejected).toHaveLength(1)
    const r = b.rejected[0]!
    expect(r.index).toBe(1)
    expect(r.line).toBeUndefined()
    expect(r.reason).toBe(reason)
    expect(r.problems).toEqual([{ path: ['observations', 1, ...field], message: reason }])
  })

  it('says which row a time is out of order with', () => {
    const b = read([
      ok,
      { ...ok, t: '2016-06-01T03:00:00Z' },
      { ...ok, t: '2016-06-01T01:00:00Z' },
      { ...ok, t: '2016-06-01T03:00:00Z' },
    ])
    expect(b.validIndex).toEqual([0, 1, 3])
    expect(b.rejected).toEqual([
      {
        index: 2,
        series: Q,
        reason: `time 2016-06-01T01:00:00Z is out of order: earlier than 2016-06-01T03:00:00Z at row 1 of series ${Q}`,
        problems: [
          {
            path: ['observations', 2, 't'],
            message: `time 2016-06-01T01:00:00Z is out of order: earlier than 2016-06-01T03:00:00Z at row 1 of series ${Q}`,
          },
        ],
      },
    ])
  })

  it('gives every problem of a row, in field order', () => {
    const b = read([{ series: 'X:nope', t: '2016-06-01', value: 'abc', unit: 'm3/s' }])
    expect(b.rejected[0]!.reason).toBe(
      'unknown series "X:nope"; value must be a JSON number, not a string: "abc"; time "2016-06-01" is a date without a time of day and UTC offset (e.g. 2016-06-01T00:00:00Z)',
    )
    expect(b.rejected[0]!.problems.map((p) => p.path)).toEqual([
      ['observations', 0, 'series'],
      ['observations', 0, 'value'],
      ['observations', 0, 't'],
    ])
  })

  it('checks the unit against the variable, not just any known unit', () => {
    const b = read([{ series: T, t: T0, value: 1, unit: 'm3/s' }])
    expect(b.rejected[0]!.reason).toBe(
      'wrong unit "m3/s" for temperature: expected degC (no conversion is made)',
    )
  })
})

describe('parseObservationJson: batches that cannot be read at all', () => {
  it.each([
    [
      [ok],
      [{ path: [], message: 'a batch must be an object { "observations": [...] }, not an array' }],
    ],
    [
      'x',
      [{ path: [], message: 'a batch must be an object { "observations": [...] }, not a string' }],
    ],
    [{}, [{ path: ['observations'], message: 'missing the array "observations"' }]],
    [
      { observations: {} },
      [{ path: ['observations'], message: '"observations" must be an array, not an object' }],
    ],
  ])('%j', (body, issues) => {
    expect(parseObservationJson(body, LOOKUP)).toEqual({ ok: false, issues })
  })

  it('refuses a batch over the row limit before reading its rows', () => {
    const r = parseObservationJson({ observations: [ok, 1, 2] }, LOOKUP, { maxRows: 2 })
    expect(r).toEqual({
      ok: false,
      issues: [{ path: ['observations'], message: 'the batch has 3 rows, over the limit of 2' }],
    })
    expect(parseObservationJson({ observations: [ok, ok] }, LOOKUP, { maxRows: 2 }).ok).toBe(true)
  })

  it('reads text and says where it is not JSON', () => {
    const good = parseObservationJsonText(JSON.stringify({ observations: [ok] }), LOOKUP)
    expect(good.ok && good.value.valid).toHaveLength(1)
    const bad = parseObservationJsonText('{"observations": [', LOOKUP)
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.issues[0]!.message).toMatch(/^not JSON: /)
  })

  it('parsed from text, a value can be missing as null', () => {
    const r = parseObservationJsonText(
      '{"observations":[{"series":"H010002001:discharge","t":-5364662400001,"value":null,"unit":"m3/s"}]}',
      LOOKUP,
    )
    expect(r.ok && r.value.rejected.map((x) => x.reason)).toEqual([
      'value is missing; time -5364662400001 is outside the years 1800–2199',
    ])
  })
})
