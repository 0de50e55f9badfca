import { describe, expect, it } from 'vitest'
import { annualMaxima } from './annual-maxima.ts'

const DAY = 86_400_000
const HOUR = 3_600_000

/** A daily series from `start` (YYYY-MM-DD) to `end` inclusive, valued by `f(date, i)`. */
function daily(start: string, end: string, f: (iso: string, i: number) => number) {
  const t0 = Date.parse(start + 'T00:00:00Z')
  const n = (Date.parse(end + 'T00:00:00Z') - t0) / DAY + 1
  const times = new Float64Array(n)
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    times[i] = t0 + i * DAY
    values[i] = f(new Date(times[i]!).toISOString().slice(0, 10), i)
  }
  return { times, values }
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10)

describe('annual maxima', () => {
  it('takes the largest value of each calendar year, with the day it fell on', () => {
    const { times, values } = daily('2000-01-01', '2002-12-31', (d) =>
      d === '2000-07-14' ? 50 : d === '2001-02-01' ? 40 : d === '2002-12-31' ? 30 : 1,
    )
    const r = annualMaxima(times, values, DAY)
    expect(r.used.map((y) => [y.year, y.value, iso(y.at), y.coverage])).toEqual([
      [2000, 50, '2000-07-14', 1],
      [2001, 40, '2001-02-01', 1],
      [2002, 30, '2002-12-31', 1],
    ])
    expect(r.used.map((y) => y.expected)).toEqual([366, 365, 365]) // 2000 is a leap year
    expect(Array.from(r.values)).toEqual([50, 40, 30])
    expect(r.skipped).toEqual([])
  })

  it('cuts hydrological years on the first of a month and labels them by their start', () => {
    // A flood on 2001-02-01 belongs to the year starting 2000-09-01.
    const { times, values } = daily('2000-01-01', '2002-12-31', (d) =>
      d === '2001-02-01' ? 40 : d === '2001-08-31' ? 35 : d === '2001-09-01' ? 20 : 1,
    )
    const r = annualMaxima(times, values, DAY, { yearStartMonth: 9 })
    expect(r.used.map((y) => [y.year, iso(y.start), iso(y.end), y.value])).toEqual([
      [2000, '2000-09-01', '2001-09-01', 40],
      [2001, '2001-09-01', '2002-09-01', 20],
    ])
    // The partial years at both ends are reported as skipped, with their coverage.
    expect(r.skipped.map((y) => [y.year, y.present])).toEqual([
      [1999, 244],
      [2002, 122],
    ])
    expect(r.skipped[0]!.coverage).toBeCloseTo(244 / 366, 15)
  })

  it('counts a year with exactly the minimum coverage and skips one a step short', () => {
    // 2001 has 365 days: 292 present is 80 %, 291 is not.
    const gap = (missing: number) =>
      daily('2001-01-01', '2001-12-31', (_d, i) => (i < missing ? NaN : i))
    const ok = annualMaxima(gap(73).times, gap(73).values, DAY)
    expect(ok.used.map((y) => [y.present, y.coverage])).toEqual([[292, 0.8]])
    const short = annualMaxima(gap(74).times, gap(74).values, DAY)
    expect(short.used).toEqual([])
    expect(short.skipped.map((y) => y.present)).toEqual([291])
    const lenient = annualMaxima(gap(74).times, gap(74).values, DAY, { minCoverage: 0.5 })
    expect(lenient.used.map((y) => y.value)).toEqual([364])
  })

  it('ignores NaN gaps, reports a year inside a gap, and breaks ties by the first', () => {
    const { times, values } = daily('2000-01-01', '2002-12-31', (d) =>
      d.startsWith('2001') ? NaN : d === '2000-03-01' || d === '2000-04-01' ? 9 : 2,
    )
    values[5] = NaN
    const r = annualMaxima(times, values, DAY)
    expect(r.used.map((y) => [y.year, y.value, iso(y.at)])).toEqual([
      [2000, 9, '2000-03-01'],
      [2002, 2, '2002-01-01'],
    ])
    expect(r.skipped.map((y) => [y.year, y.present, y.coverage])).toEqual([[2001, 0, 0]])
    expect(r.used[0]!.present).toBe(365)
  })

  it('reads hourly series (8784 steps in a leap year)', () => {
    const t0 = Date.UTC(2004, 0, 1)
    const n = 8784 + 8760
    const times = new Float64Array(n)
    const values = new Float64Array(n)
    for (let i = 0; i < n; i++) {
      times[i] = t0 + i * HOUR
      values[i] = i === 100 ? 7 : i === 9000 ? 8 : 0
    }
    const r = annualMaxima(times, values, HOUR)
    expect(r.used.map((y) => [y.year, y.expected, y.value, y.index])).toEqual([
      [2004, 8784, 7, 100],
      [2005, 8760, 8, 9000],
    ])
  })

  it('returns nothing for an empty series', () => {
    const r = annualMaxima(new Float64Array(0), new Float64Array(0), DAY)
    expect(r.used).toEqual([])
    expect(r.skipped).toEqual([])
    expect(r.values.length).toBe(0)
  })

  it.each([
    ['lengths differ', [0, DAY], [1], DAY, {}, /2 times but 1 values/],
    ['times not increasing', [DAY, 0], [1, 2], DAY, {}, /strictly increasing \(at index 1\)/],
    ['a NaN time', [0, NaN], [1, 2], DAY, {}, /finite and strictly increasing/],
    ['step not positive', [0], [1], 0, {}, /time step must be > 0/],
    ['month 13', [0], [1], DAY, { yearStartMonth: 13 }, /from 1 to 12, got 13/],
    ['month 2.5', [0], [1], DAY, { yearStartMonth: 2.5 }, /from 1 to 12/],
    ['coverage 0', [0], [1], DAY, { minCoverage: 0 }, /coverage must be in \(0, 1\]/],
    ['coverage 1.5', [0], [1], DAY, { minCoverage: 1.5 }, /coverage must be in \(0, 1\]/],
  ])('throws when %s', (_name, t, v, step, opts, message) => {
    expect(() => annualMaxima(Float64Array.from(t), Float64Array.from(v), step, opts)).toThrow(
      message,
    )
  })
})
