import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import {
  dayOfYear,
  dayOfYearClimatology,
  quantile,
  quantileThresholds,
  returnLevelThresholds,
  sortedQuantile,
} from './references.ts'

describe('references', () => {
  it('quantiles as R type 7', () => {
    const x = Float64Array.from({ length: 10 }, (_, i) => i + 1)
    expect(quantile(x, 0.9)).toBeCloseTo(9.1, 14) // quantile(1:10, 0.9) in R
    expect(quantile(x, 0.5)).toBeCloseTo(5.5, 14)
    expect(quantile(Float64Array.of(NaN, 3, NaN), 0.99)).toBe(3)
    expect(quantile(Float64Array.of(NaN), 0.5)).toBeNaN()
    expect(sortedQuantile(Float64Array.of(1, 2), 1)).toBe(2)
  })

  it('thresholds are Q90 < Q95 < Q99 of the reference period', () => {
    const x = Float64Array.from({ length: 1000 }, (_, i) => (i * 7919) % 1000)
    const t = quantileThresholds(x, 0, 1000)
    expect(t.map((v) => v.name)).toEqual(['Q90', 'Q95', 'Q99'])
    expect(t[0]!.value).toBeCloseTo(899.1, 10)
    expect(t[2]!.value).toBeCloseTo(989.01, 10)
    expect(() => quantileThresholds(new Float64Array(5).fill(NaN), 0, 5)).toThrow(InputError)
  })

  it('return-level thresholds grow with the return period, from complete years only', () => {
    const start = Date.UTC(2001, 0, 1)
    const n = 12 * 365 + 3
    const times = Float64Array.from({ length: n }, (_, i) => start + i * 86_400_000)
    const rng = seededRng(4)
    const obs = Float64Array.from({ length: n }, () => -Math.log(1 - rng.next()))
    const { thresholds, note } = returnLevelThresholds(obs, times, 86_400_000, 0, n)
    expect(thresholds.map((t) => t.name)).toEqual(['T2', 'T5', 'T10'])
    expect(thresholds[0]!.value).toBeLessThan(thresholds[1]!.value)
    expect(thresholds[1]!.value).toBeLessThan(thresholds[2]!.value)
    expect(note).toContain('(12 years)')
    expect(() => returnLevelThresholds(obs, times, 86_400_000, 0, 5 * 365)).toThrow(InputError)
  })

  it('days of the year start at 0 on 1 January', () => {
    expect(dayOfYear(Date.UTC(2001, 0, 1))).toBe(0)
    expect(dayOfYear(Date.UTC(2001, 11, 31))).toBe(364)
    expect(dayOfYear(Date.UTC(2004, 11, 31))).toBe(365)
  })

  it('pools the observations around each day of the year, across years', () => {
    const start = Date.UTC(2001, 0, 1)
    const n = 3 * 365
    const times = Float64Array.from({ length: n }, (_, i) => start + i * 86_400_000)
    const obs = Float64Array.from({ length: n }, (_, i) => Math.floor(i / 365) + 1) // year 1, 2, 3
    const c = dayOfYearClimatology(obs, times, 0, n, 2)
    const d = c.byDay[100]!
    expect(d.length).toBe(15)
    expect(Array.from(d)).toEqual([1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3])
    // 1 January pools 30 and 31 December (wrapping around; no leap day in these years)
    expect(c.byDay[0]!.length).toBe(3 * 4)
    expect(() => dayOfYearClimatology(obs, times, 0, 30, 2)).toThrow(InputError)
  })
})
