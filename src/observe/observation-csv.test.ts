import { describe, expect, it } from 'vitest'
import type { SeriesId } from '../core/ids.ts'
import type { ObservationBatch, SeriesLookup } from './observation-batch.ts'
import { parseObservationCsv, splitCsvLine } from './observation-csv.ts'
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
const H = 'H010002001:level'
const P = 'H010002001:precip'
const LOOKUP: SeriesLookup = new Map(
  [series(Q, 'discharge'), series(H, 'water_level'), series(P, 'precipitation')].map((s) => [
    s.id,
    s,
  ]),
)
const T0 = Date.UTC(2016, 5, 1)
const HOUR = 3_600_000

function read(text: string): ObservationBatch {
  const r = parseObservationCsv(text, LOOKUP, { source: 'b.csv' })
  if (!r.ok) throw new Error(JSON.stringify(r.issues))
  return r.value
}

describe('splitCsvLine', () => {
  it('trims fields and unwraps double quotes', () => {
    expect(splitCsvLine(' a ,"b",""," c ""d"" "')).toEqual(['a', 'b', '', 'c "d"'])
  })
})

describe('parseObservationCsv, long form', () => {
  it('reads rows in any column order, with CRLF, a BOM and blank lines', () => {
    const b = read(
      '\uFEFFt,series,unit,value\r\n' +
        `2016-06-01T00:00:00Z,${Q},m3/s,123.4\r\n` +
        '\r\n' +
        `${T0 + HOUR},${Q},m³/s,1e2\r\n` +
        `2016-06-01T00:00:00Z,${H},m,-0.25\r\n`,
    )
    expect(b.rejected).toEqual([])
    expect(b.validIndex).toEqual([0, 1, 2])
    expect(b.valid).toEqual([
      { seriesId: Q, t: T0, value: 123.4, quality: 0 },
      { seriesId: Q, t: T0 + HOUR, value: 100, quality: 0 },
      { seriesId: H, t: T0, value: -0.25, quality: 0 },
    ])
  })

  const header = 'series,t,value,unit'
  const good = `${Q},2016-06-01T00:00:00Z,1,m3/s`
  const cases: [string, string, string, string][] = [
    ['unknown series', `X:nope,2016-06-01T01:00:00Z,1,m3/s`, 'unknown series "X:nope"', 'series'],
    ['empty series', `,2016-06-01T01:00:00Z,1,m3/s`, 'series is missing', 'series'],
    [
      'wrong unit',
      `${Q},2016-06-01T01:00:00Z,1,l/s`,
      'wrong unit "l/s" for discharge: expected m3/s (no conversion is made)',
      'unit',
    ],
    [
      'empty unit',
      `${Q},2016-06-01T01:00:00Z,1,`,
      'unit is missing: discharge is kept in m3/s',
      'unit',
    ],
    ['empty value', `${Q},2016-06-01T01:00:00Z,,m3/s`, 'value is missing', 'value'],
    ['NaN', `${Q},2016-06-01T01:00:00Z,NaN,m3/s`, 'value is not a number: NaN', 'value'],
    ['NA', `${Q},2016-06-01T01:00:00Z,NA,m3/s`, 'value is not a number: NA', 'value'],
    [
      'Infinity',
      `${Q},2016-06-01T01:00:00Z,Infinity,m3/s`,
      'value is not finite: Infinity',
      'value',
    ],
    ['-inf', `${Q},2016-06-01T01:00:00Z,-inf,m3/s`, 'value is not finite: -inf', 'value'],
    [
      'overflow',
      `${Q},2016-06-01T01:00:00Z,1e999,m3/s`,
      'value is not finite: 1e999 overflows',
      'value',
    ],
    ['words', `${Q},2016-06-01T01:00:00Z,high,m3/s`, 'value is not a number: "high"', 'value'],
    ['hex', `${Q},2016-06-01T01:00:00Z,0x10,m3/s`, 'value is not a number: "0x10"', 'value'],
    [
      'decimal comma',
      `${Q},2016-06-01T01:00:00Z,"1 234",m3/s`,
      'value is not a number: "1 234"',
      'value',
    ],
    ['empty time', `${Q},,1,m3/s`, 'time is missing', 't'],
    [
      'local time',
      `${Q},2016-06-01T01:00:00,1,m3/s`,
      'time "2016-06-01T01:00:00" has no UTC offset: add Z or ±hh:mm',
      't',
    ],
    [
      'out of order',
      `${Q},2016-05-31T23:00:00Z,1,m3/s`,
      `time 2016-05-31T23:00:00Z is out of order: earlier than 2016-06-01T00:00:00Z at line 2 of series ${Q}`,
      't',
    ],
  ]
  it.each(cases)('refuses %s with its line and exact reason', (_name, row, reason, field) => {
    const b = read(`${header}\n${good}\n\n${row}\n`)
    expect(b.valid).toHaveLength(1)
    expect(b.rejected).toHaveLength(1)
    const r = b.rejected[0]!
    expect(r.index).toBe(1)
    expect(r.line).toBe(4)
    expect(r.reason).toBe(reason)
    expect(r.problems).toEqual([{ path: ['b.csv:4', field], message: reason }])
  })

  it('refuses a line with the wrong number of fields', () => {
    const b = read(`${header}\n${Q},2016-06-01T00:00:00Z,1\n`)
    expect(b.rejected).toEqual([
      {
        index: 0,
        line: 2,
        series: Q,
        reason: 'expected 4 fields, found 3',
        problems: [{ path: ['b.csv:2'], message: 'expected 4 fields, found 3' }],
      },
    ])
  })

  it.each([
    ['', [{ path: ['csv:1'], message: 'no header line' }]],
    ['series,t,value', [{ path: ['csv:1'], message: 'missing column "unit"' }]],
    [
      'series,t,value,unit,quality',
      [{ path: ['csv:1'], message: 'unknown column "quality": expected series,t,value,unit' }],
    ],
    ['series,t,value,unit,t', [{ path: ['csv:1'], message: 'column "t" appears twice' }]],
    [
      'time,value',
      [
        {
          path: ['csv:1'],
          message: 'the header must be series,t,value,unit (long form) or t,<series>,… (wide form)',
        },
      ],
    ],
  ])('refuses the header %j', (text, issues) => {
    expect(parseObservationCsv(text, LOOKUP)).toEqual({ ok: false, issues })
  })

  it('refuses a batch over the row limit', () => {
    const text = `${header}\n${good}\n${good}\n${good}\n`
    expect(parseObservationCsv(text, LOOKUP, { maxRows: 2 })).toEqual({
      ok: false,
      issues: [{ path: ['csv'], message: 'the batch has 3 rows, over the limit of 2' }],
    })
  })
})

describe('parseObservationCsv, wide form', () => {
  it('reads one observation per non-empty cell, units from the header where given', () => {
    const b = read(
      `t,${Q}[m3/s],${H},${P} [mm]\n` +
        '2016-06-01T00:00:00Z,10,1.5,0\n' +
        `${T0 + HOUR},11,,0.2\n`,
    )
    expect(b.rejected).toEqual([])
    expect(b.validIndex).toEqual([0, 0, 0, 1, 1])
    expect(b.valid.map((o) => [o.seriesId, o.t - T0, o.value])).toEqual([
      [Q, 0, 10],
      [H, 0, 1.5],
      [P, 0, 0],
      [Q, HOUR, 11],
      [P, HOUR, 0.2],
    ])
  })

  it('refuses cells one by one, naming their series, with the line and the reason', () => {
    const b = read(
      `t,${Q},X:nope,${P}[in]\n` +
        '2016-06-01T00:00:00Z,10,1,2\n' +
        '2016-06-01T01:00:00,11,,\n' +
        '2016-06-01T02:00:00Z,-,,\n' +
        '2016-06-01T03:00:00Z,12\n',
    )
    expect(b.valid.map((o) => o.value)).toEqual([10])
    expect(b.rejected.map((r) => [r.index, r.line, r.series, r.reason])).toEqual([
      [0, 2, 'X:nope', 'unknown series "X:nope"'],
      [0, 2, P, 'wrong unit "in" for precipitation: expected mm (no conversion is made)'],
      [1, 3, Q, 'time "2016-06-01T01:00:00" has no UTC offset: add Z or ±hh:mm'],
      [2, 4, Q, 'value is not a number: "-"'],
      [3, 5, undefined, 'expected 4 fields, found 2'],
    ])
    expect(b.rejected[3]!.problems).toEqual([
      { path: ['b.csv:4', Q], message: 'value is not a number: "-"' },
    ])
  })

  it('counts cells against the row limit', () => {
    const text = `t,${Q},${H}\n2016-06-01T00:00:00Z,1,2\n2016-06-01T01:00:00Z,1,2\n`
    expect(parseObservationCsv(text, LOOKUP, { maxRows: 4 }).ok).toBe(true)
    expect(parseObservationCsv(text, LOOKUP, { maxRows: 3 })).toEqual({
      ok: false,
      issues: [
        {
          path: ['csv'],
          message: 'the batch has 4 values (2 lines × 2 series), over the limit of 3',
        },
      ],
    })
  })

  it.each([
    [`t,${Q},${Q}`, `series "${Q}" appears twice`],
    [`t,${Q},`, 'column 3 "" is not <series> or <series>[<unit>]'],
    [`t,a b`, 'column 2 "a b" is not <series> or <series>[<unit>]'],
    ['t', 'no series column after "t"'],
  ])('refuses the header %j', (text, message) => {
    expect(parseObservationCsv(text, LOOKUP)).toEqual({
      ok: false,
      issues: [{ path: ['csv:1'], message }],
    })
  })
})
