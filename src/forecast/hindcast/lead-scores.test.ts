import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { addForecast, leadScores, newLeadAccumulator } from './lead-scores.ts'
import {
  dayOfYear,
  dayOfYearClimatology,
  quantile,
  quantileThresholds,
  sortedQuantile,
} from './references.ts'

const T = [{ name: 'T', value: 5 }]

describe('lead scores', () => {
  it('scores an ensemble, persistence and climatology on the same pairs', () => {
    const acc = newLeadAccumulator(2, 3, T)
    // CRPS of {1, 2, 3} against 2: (1 + 0 + 1)/3 − (1/9)·Σᵢ(2i − 4)x₍ᵢ₎ = 2/3 − 4/9 = 2/9.
    expect(addForecast(acc, 1, Float64Array.of(3, 1, 2), 2, 4, 1)).toBe(true)
    expect(addForecast(acc, 1, Float64Array.of(2, 2, 2), 2, 1, 3)).toBe(true)
    // skipped: no observation, or no persistence
    expect(addForecast(acc, 1, Float64Array.of(9, 9, 9), NaN, 1, 3)).toBe(false)
    expect(addForecast(acc, 1, Float64Array.of(9, 9, 9), 2, NaN, 3)).toBe(false)
    const [s1, s2] = leadScores(acc)
    expect(s1!.n).toBe(2)
    expect(s1!.crps).toBeCloseTo((2 / 9 + 0) / 2, 14)
    expect(s1!.crpsPersistence).toBeCloseTo((2 + 1) / 2, 14)
    expect(s1!.crpsClimatology).toBeCloseTo(2, 14)
    expect(s1!.crpssPersistence).toBeCloseTo(1 - 1 / 9 / 1.5, 14)
    expect(s1!.crpssClimatology).toBeCloseTo(1 - 1 / 9 / 2, 14)
    // spread: variances 1 and 0; RMSE of the means: both 2, no error
    expect(s1!.spread).toBeCloseTo(Math.sqrt(0.5), 14)
    expect(s1!.rmseMean).toBe(0)
    expect(s2!.n).toBe(0)
    expect(s2!.crps).toBeNaN()
  })

  it('counts exceedances of the median against the observations', () => {
    const acc = newLeadAccumulator(1, 4, T)
    addForecast(acc, 1, Float64Array.of(4, 6, 7, 1), 6, 1, 0) // median 5 ≥ 5, obs 6: hit
    addForecast(acc, 1, Float64Array.of(1, 2, 8, 9), 6, 1, 0) // median 5: hit
    addForecast(acc, 1, Float64Array.of(1, 2, 3, 9), 6, 1, 0) // median 2.5: miss
    addForecast(acc, 1, Float64Array.of(6, 6, 6, 1), 1, 1, 0) // false alarm
    addForecast(acc, 1, Float64Array.of(1, 1, 1, 1), 1, 1, 0) // correct negative
    const t = leadScores(acc)[0]!.thresholds[0]!
    expect(t.name).toBe('T')
    expect(t.pod).toBeCloseTo(2 / 3, 14)
    expect(t.far).toBeCloseTo(1 / 3, 14)
    expect(t.csi).toBeCloseTo(2 / 4, 14)
    expect(t.pofd).toBeCloseTo(1 / 2, 14)
  })

  it('gives a perfect ensemble a CRPS of 0 and a CRPSS of 1', () => {
    const acc = newLeadAccumulator(1, 5, T)
    addForecast(acc, 1, new Float64Array(5).fill(3), 3, 2, 1)
    const s = leadScores(acc)[0]!
    expect(s.crps).toBe(0)
    expect(s.crpssPersistence).toBe(1)
    expect(s.crpssClimatology).toBe(1)
  })
})

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
