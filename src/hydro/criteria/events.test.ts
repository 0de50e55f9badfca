import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { Contingency } from './events.ts'
import {
  contingencyScores,
  exceedanceContingency,
  findExceedanceEvents,
  verifyExceedanceEvents,
} from './events.ts'

const SEED = 20_250_615
const f64 = (...v: number[]) => Float64Array.from(v)
const table = (hits: number, misses: number, falseAlarms: number, correctNegatives: number) => ({
  hits,
  misses,
  falseAlarms,
  correctNegatives,
})

describe('exceedanceContingency', () => {
  it('counts a hand-checked table, skipping missing steps', () => {
    // threshold 5; step: obs, forecast → outcome
    // 0: 1, 2 → correct negative   1: 5, 4 → miss (5 reaches the threshold)
    // 2: 6, 7 → hit                3: 2, 6 → false alarm
    // 4: NaN, 9 → skipped          5: 7, 1 → miss
    // 6: 8, NaN → skipped          7: 3, Infinity → skipped (not a finite value)
    const obs = f64(1, 5, 6, 2, NaN, 7, 8, 3)
    const fc_ = f64(2, 4, 7, 6, 9, 1, NaN, Infinity)
    const t = exceedanceContingency(fc_, obs, 5)
    expect(t).toEqual(table(1, 2, 1, 1))
    const s = contingencyScores(t)
    expect(s.pod).toBeCloseTo(1 / 3, 15)
    expect(s.far).toBe(0.5)
    expect(s.csi).toBe(0.25)
    expect(s.bias).toBeCloseTo(2 / 3, 15)
    expect(s.pofd).toBe(0.5)
  })

  it('rejects series of different lengths and a threshold that is not finite', () => {
    expect(() => exceedanceContingency(f64(1, 2), f64(1), 1)).toThrow(/differ in length/)
    expect(() => exceedanceContingency(f64(1), f64(1), NaN)).toThrow(/threshold/)
  })

  it('counts every step with both values present once (fixed seed)', () => {
    const value = fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constant(NaN))
    fc.assert(
      fc.property(
        fc.array(fc.tuple(value, value), { maxLength: 100 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (pairs, thr) => {
          const t = exceedanceContingency(
            Float64Array.from(pairs, (p) => p[0]),
            Float64Array.from(pairs, (p) => p[1]),
            thr,
          )
          const present = pairs.filter(([a, b]) => !Number.isNaN(a) && !Number.isNaN(b)).length
          expect(t.hits + t.misses + t.falseAlarms + t.correctNegatives).toBe(present)
          const observed = pairs.filter(([a, b]) => !Number.isNaN(a) && b >= thr).length
          expect(t.hits + t.misses).toBe(observed)
        },
      ),
      { seed: SEED, numRuns: 300 },
    )
  })
})

describe('contingencyScores with zero denominators', () => {
  it.each([
    // table, pod, far, csi, bias, pofd
    [table(0, 0, 0, 10), NaN, NaN, NaN, NaN, 0], // quiet period, quiet forecast
    [table(0, 0, 3, 7), NaN, 1, 0, Infinity, 0.3], // alarms with nothing observed
    [table(0, 4, 0, 6), 0, NaN, 0, 0, 0], // nothing forecast
    [table(2, 0, 0, 0), 1, 0, 1, 1, NaN], // every step exceeded, all forecast
    [table(0, 0, 0, 0), NaN, NaN, NaN, NaN, NaN], // no step at all
  ] as const)(
    '%j → POD %d, FAR %d, CSI %d, bias %d, POFD %d',
    (t: Contingency, pod, far, csi, bias, pofd) => {
      expect(contingencyScores(t)).toEqual({ pod, far, csi, bias, pofd })
    },
  )
})

describe('findExceedanceEvents', () => {
  it('finds maximal runs at or above the threshold; a missing value ends a run', () => {
    expect(findExceedanceEvents(f64(0, 5, 5, 0, 6, NaN, 7, 7), 5)).toEqual([
      { start: 1, end: 3 },
      { start: 4, end: 5 },
      { start: 6, end: 8 },
    ])
    expect(findExceedanceEvents(f64(9, 9, 9), 5)).toEqual([{ start: 0, end: 3 }])
    expect(findExceedanceEvents(f64(), 5)).toEqual([])
    expect(findExceedanceEvents(f64(1, 2), 5)).toEqual([])
    expect(() => findExceedanceEvents(f64(1), Infinity)).toThrow(/threshold/)
  })
})

describe('verifyExceedanceEvents', () => {
  //            0  1  2  3  4  5  6  7  8  9 10 11 12 13 14
  const obs = f64(0, 9, 9, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 9, 9)
  const fct = f64(0, 0, 0, 9, 0, 9, 9, 0, 0, 0, 9, 0, 0, 0, 9)
  // Observed events [1, 3), [8, 9), [13, 15); forecast events [3, 4), [5, 7), [10, 11), [14, 15).

  it('matches overlapping events only, with no tolerance', () => {
    const v = verifyExceedanceEvents(fct, obs, 5)
    expect(v.observed.map((e) => e.status)).toEqual(['unmatched', 'unmatched', 'matched'])
    expect(v.forecast.map((e) => e.status)).toEqual([
      'unmatched',
      'unmatched',
      'unmatched',
      'matched',
    ])
    expect(v.table).toEqual(table(1, 2, 3, NaN))
    const s = contingencyScores(v.table)
    expect(s.pod).toBeCloseTo(1 / 3, 15)
    expect(s.far).toBe(0.75)
    expect(s.csi).toBeCloseTo(1 / 6, 15)
    expect(s.pofd).toBeNaN()
  })

  it('matches events up to the tolerance apart', () => {
    // w = 1: [3, 4) widened to [2, 5) meets [1, 3); [5, 7) → [4, 8) meets nothing ([8, 9) starts
    // at 8); [10, 11) → [9, 12) meets nothing.
    const v1 = verifyExceedanceEvents(fct, obs, 5, 1)
    expect(v1.observed.map((e) => e.status)).toEqual(['matched', 'unmatched', 'matched'])
    expect(v1.forecast.map((e) => e.status)).toEqual([
      'matched',
      'unmatched',
      'unmatched',
      'matched',
    ])
    expect(v1.table).toEqual(table(2, 1, 2, NaN))
    // w = 2: [5, 7) → [3, 9) meets [8, 9), and [10, 11) → [8, 13) meets it too.
    const v2 = verifyExceedanceEvents(fct, obs, 5, 2)
    expect(v2.table).toEqual(table(3, 0, 0, NaN))
  })

  it('leaves out events whose window holds no value of the other series', () => {
    //           0  1    2    3    4  5  6
    const o = f64(0, NaN, NaN, NaN, 0, 9, 9)
    const f = f64(0, NaN, 9, NaN, 0, 9, NaN)
    // Forecast [2, 3) lies over missing observations; with w = 1 its window [1, 4) is all NaN.
    const v = verifyExceedanceEvents(f, o, 5, 1)
    expect(v.forecast).toEqual([
      { start: 2, end: 3, status: 'unverifiable' },
      { start: 5, end: 6, status: 'matched' },
    ])
    expect(v.table).toEqual(table(1, 0, 0, NaN))
    // With w = 2 the window [0, 5) holds observations 0 and 4: a false alarm.
    expect(verifyExceedanceEvents(f, o, 5, 2).table).toEqual(table(1, 0, 1, NaN))
    // An observed event under a forecast gap is left out too.
    const u = verifyExceedanceEvents(f64(NaN, NaN, 0), f64(0, 9, 0), 5)
    expect(u.observed).toEqual([{ start: 1, end: 2, status: 'unverifiable' }])
    expect(u.table).toEqual(table(0, 0, 0, NaN))
  })

  it('rejects a tolerance that is not a whole number ≥ 0', () => {
    expect(() => verifyExceedanceEvents(obs, obs, 5, -1)).toThrow(/tolerance/)
    expect(() => verifyExceedanceEvents(obs, obs, 5, 1.5)).toThrow(/tolerance/)
  })

  it('counts no miss and no false alarm for a perfect forecast (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.float64Array({ min: 0, max: 10, noNaN: true, maxLength: 200 }),
        fc.double({ min: 0, max: 10, noNaN: true }),
        (x, thr) => {
          const v = verifyExceedanceEvents(x, x, thr)
          expect(v.table.misses + v.table.falseAlarms).toBe(0)
          expect(v.table.hits).toBe(findExceedanceEvents(x, thr).length)
        },
      ),
      { seed: SEED, numRuns: 300 },
    )
  })

  it('gains hits and loses misses and false alarms as the tolerance grows (fixed seed)', () => {
    const series = fc.float64Array({ min: 0, max: 10, noNaN: true, minLength: 1, maxLength: 150 })
    fc.assert(
      fc.property(
        fc.tuple(series, series).map(([a, b]) => {
          const n = Math.min(a.length, b.length)
          return [a.subarray(0, n), b.subarray(0, n)] as const
        }),
        fc.double({ min: 1, max: 9, noNaN: true }),
        fc.integer({ min: 0, max: 10 }),
        ([f, o], thr, w) => {
          const a = verifyExceedanceEvents(f, o, thr, w).table
          const b = verifyExceedanceEvents(f, o, thr, w + 1).table
          expect(b.hits).toBeGreaterThanOrEqual(a.hits)
          expect(b.misses).toBeLessThanOrEqual(a.misses)
          expect(b.falseAlarms).toBeLessThanOrEqual(a.falseAlarms)
          expect(a.hits + a.misses).toBe(findExceedanceEvents(o, thr).length)
          // Without missing values, a tolerance as long as the series matches everything it can.
          const all = verifyExceedanceEvents(f, o, thr, o.length).table
          const nf = findExceedanceEvents(f, thr).length
          const no = findExceedanceEvents(o, thr).length
          expect(all.hits).toBe(nf > 0 ? no : 0)
          expect(all.falseAlarms).toBe(no > 0 ? 0 : nf)
        },
      ),
      { seed: SEED, numRuns: 300 },
    )
  })
})
