import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRng } from '../../core/rng.ts'
import type { FrequencyOptions } from './analysis.ts'
import { STANDARD_RETURN_PERIODS, analyseFloodFrequency } from './analysis.ts'
import { drawInto, returnLevel } from './distributions.ts'
import { FREQUENCY_METHODS } from './fit.ts'

const LOING = Float64Array.from([
  137, 112, 130, 141, 122, 117, 56.9, 75, 68.2, 78, 53.5, 110, 77.3, 83, 135, 110, 137, 447, 81.3,
  136,
])

function analyse(x: Float64Array, o: FrequencyOptions) {
  const r = analyseFloodFrequency(x, o)
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '))
  return r.value
}

describe('flood-frequency analysis', () => {
  it('reports the standard return periods, read off the fitted quantile function', () => {
    const a = analyse(LOING, { method: 'gev-lmom' })
    expect(a.n).toBe(20)
    expect(a.returnLevels.map((r) => r.returnPeriodYears)).toEqual([...STANDARD_RETURN_PERIODS])
    for (const r of a.returnLevels) {
      expect(r.value).toBe(returnLevel(a.distribution, r.returnPeriodYears))
      expect(r.ciLow).toBeNull()
      expect(r.ciHigh).toBeNull()
    }
    expect(a.bootstrap).toBeNull()
    expect(a.goodnessOfFit.t3Sample).toBe(a.lmoments.t3)
  })

  it('adds bootstrap intervals, the same for the same seed', () => {
    const o: FrequencyOptions = {
      method: 'gumbel-ml',
      periods: [2, 1000, 10],
      bootstrap: { resamples: 300, level: 0.8, seed: 9, resampling: 'nonparametric' },
    }
    const a = analyse(LOING, o)
    expect(analyse(LOING, o)).toEqual(a)
    expect(a.bootstrap).toEqual({
      resampling: 'nonparametric',
      resamples: 300,
      level: 0.8,
      seed: 9,
      failed: 0,
    })
    expect(a.returnLevels.map((r) => r.returnPeriodYears)).toEqual([2, 1000, 10])
    for (const r of a.returnLevels) {
      expect(r.ciLow!).toBeLessThanOrEqual(r.value)
      expect(r.ciHigh!).toBeGreaterThanOrEqual(r.value)
    }
    const p = analyse(LOING, { ...o, bootstrap: { resamples: 300, level: 0.8, seed: 9 } })
    expect(p.bootstrap!.resampling).toBe('parametric')
  })

  it('makes the 2016 Loing flood (447 m³/s) a rare event under every method', () => {
    for (const method of FREQUENCY_METHODS) {
      const a = analyse(LOING, { method })
      const q20 = a.returnLevels.find((r) => r.returnPeriodYears === 20)!.value
      expect(q20, method).toBeLessThan(447)
    }
  })

  it.each([
    ['nine years', LOING.subarray(0, 9), {}, /need at least 10 annual maxima, got 9/],
    ['two years, minYears 2, GEV', LOING.subarray(0, 2), { minYears: 2 }, /at least 3/],
    ['constant', new Float64Array(12).fill(3), {}, /all equal \(3\)/],
    ['a NaN', Float64Array.from([...LOING, NaN]), {}, /not a finite number/],
  ])('returns the issue for %s', (_name, x, extra, message) => {
    const r = analyseFloodFrequency(x, { method: 'gev-lmom', ...extra })
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues.map((i) => i.message).join('; ')).toMatch(message)
  })

  it('accepts fewer years when asked to', () => {
    expect(
      analyseFloodFrequency(LOING.subarray(0, 5), { method: 'gev-lmom', minYears: 5 }).ok,
    ).toBe(true)
  })

  it.each([
    [{ periods: [2, 1] }, /return period 2 must be a number of years > 1, got 1/],
    [{ periods: [NaN] }, /return period 1 must be/],
    [{ periods: [Infinity] }, /return period 1 must be/],
    [{ minYears: 10.5 }, /minimum number of years must be an integer/],
    [{ bootstrap: { resamples: 100, level: 90, seed: 1 } }, /level must be in \(0, 1\)/],
  ])('throws on the options %j', (extra, message) => {
    expect(() => analyseFloodFrequency(LOING, { method: 'gev-lmom', ...extra })).toThrow(message)
  })

  it('gives levels and bounds that rise with the return period (property, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FREQUENCY_METHODS),
        fc.double({ min: -0.35, max: 0.35, noNaN: true }),
        fc.integer({ min: 10, max: 80 }),
        fc.integer({ min: 0, max: 1_000_000 }),
        (method, shape, n, seed) => {
          const x = new Float64Array(n)
          drawInto({ kind: 'gev', location: 50, scale: 20, shape }, seededRng(seed), x)
          const periods = [1.01, 1.5, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 1e4]
          const a = analyse(x, {
            method,
            periods,
            bootstrap: { resamples: 100, level: 0.9, seed },
          })
          for (let i = 1; i < periods.length; i++) {
            const [p, q] = [a.returnLevels[i - 1]!, a.returnLevels[i]!]
            expect(q.value).toBeGreaterThan(p.value)
            expect(q.ciLow!).toBeGreaterThanOrEqual(p.ciLow!)
            expect(q.ciHigh!).toBeGreaterThanOrEqual(p.ciHigh!)
          }
        },
      ),
      { seed: 2024, numRuns: 60 },
    )
  })
})
