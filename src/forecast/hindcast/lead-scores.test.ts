import { describe, expect, it } from 'vitest'
import { addForecast, leadScores, newLeadAccumulator } from './lead-scores.ts'

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
    expect([t.hits, t.misses, t.falseAlarms, t.correctNegatives]).toEqual([2, 1, 1, 1])
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
