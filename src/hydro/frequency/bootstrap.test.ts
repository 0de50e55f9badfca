import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRng } from '../../core/rng.ts'
import type { BootstrapOptions } from './bootstrap.ts'
import { bootstrapReturnLevels, quantileOfSorted } from './bootstrap.ts'
import type { FloodDistribution } from './distributions.ts'
import { drawInto, returnLevel } from './distributions.ts'
import type { FrequencyMethod } from './fit.ts'
import { FREQUENCY_METHODS, fitAnnualMaxima } from './fit.ts'

const PERIODS = Float64Array.from([1.5, 2, 5, 10, 20, 50, 100])

function fitted(x: Float64Array, method: FrequencyMethod): FloodDistribution {
  const f = fitAnnualMaxima(x, method)
  if (!f.ok) throw new Error(f.issues[0]!.message)
  return f.value.distribution
}

function intervals(
  x: Float64Array,
  method: FrequencyMethod,
  options: BootstrapOptions,
  periods = PERIODS,
) {
  const r = bootstrapReturnLevels(x, fitted(x, method), method, periods, options)
  if (!r.ok) throw new Error(r.issues[0]!.message)
  return r.value
}

function sample(d: FloodDistribution, n: number, seed: number): Float64Array {
  const x = new Float64Array(n)
  drawInto(d, seededRng(seed), x)
  return x
}

const LOING = Float64Array.from([
  137, 112, 130, 141, 122, 117, 56.9, 75, 68.2, 78, 53.5, 110, 77.3, 83, 135, 110, 137, 447, 81.3,
  136,
])

describe('quantiles of a sorted sample (Hyndman & Fan definition 7)', () => {
  it.each([
    [[1, 2, 3, 4], 0, 1],
    [[1, 2, 3, 4], 1, 4],
    [[1, 2, 3, 4], 0.5, 2.5],
    [[1, 2, 3, 4], 0.1, 1.3], // R: quantile(1:4, 0.1) = 1.3
    [[1, 2, 3, 4], 0.95, 3.85],
    [[10, 20, 40], 0.75, 30],
    [[7], 0.3, 7],
  ])('%j at %d is %d', (xs, p, q) => {
    expect(quantileOfSorted(Float64Array.from(xs), p)).toBeCloseTo(q, 14)
  })
})

describe('bootstrap intervals of return levels', () => {
  it('are reproducible with the same seed and differ with another', () => {
    for (const resampling of ['parametric', 'nonparametric'] as const) {
      const o = { resamples: 200, level: 0.9, seed: 42, resampling }
      const a = intervals(LOING, 'gev-lmom', o)
      const b = intervals(LOING, 'gev-lmom', o)
      const c = intervals(LOING, 'gev-lmom', { ...o, seed: 43 })
      expect(b).toEqual(a)
      expect(c.high).not.toEqual(a.high)
    }
  })

  it('contain the point estimate, and their bounds rise with T (property, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FREQUENCY_METHODS),
        fc.constantFrom('parametric' as const, 'nonparametric' as const),
        fc.double({ min: -0.3, max: 0.3, noNaN: true }),
        fc.double({ min: 0.1, max: 100, noNaN: true }),
        fc.integer({ min: 15, max: 60 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (method, resampling, shape, scale, n, seed) => {
          const x = sample({ kind: 'gev', location: 10 * scale, scale, shape }, n, seed)
          const d = fitted(x, method)
          const r = intervals(x, method, { resamples: 300, level: 0.9, seed, resampling })
          for (let i = 0; i < PERIODS.length; i++) {
            const v = returnLevel(d, PERIODS[i]!)
            expect(r.low[i]).toBeLessThanOrEqual(v)
            expect(r.high[i]).toBeGreaterThanOrEqual(v)
            if (i > 0) {
              expect(r.low[i]).toBeGreaterThanOrEqual(r.low[i - 1]!)
              expect(r.high[i]).toBeGreaterThanOrEqual(r.high[i - 1]!)
            }
          }
        },
      ),
      { seed: 90, numRuns: 60 },
    )
  })

  it('nest: with the same resamples, the 50 % interval lies inside the 90 % one', () => {
    const a = intervals(LOING, 'gumbel-ml', { resamples: 500, level: 0.9, seed: 3 })
    const b = intervals(LOING, 'gumbel-ml', { resamples: 500, level: 0.5, seed: 3 })
    for (let i = 0; i < PERIODS.length; i++) {
      expect(b.low[i]).toBeGreaterThan(a.low[i]!)
      expect(b.high[i]).toBeLessThan(a.high[i]!)
    }
  })

  it('cover the true 10-year level about 90 % of the time (Gumbel, 30 years, seeded)', () => {
    const truth: FloodDistribution = { kind: 'gumbel', location: 100, scale: 30 }
    const q10 = returnLevel(truth, 10)
    let covered = 0
    const trials = 200
    for (let s = 1; s <= trials; s++) {
      const x = sample(truth, 30, s)
      const r = intervals(x, 'gumbel-lmom', { resamples: 400, level: 0.9, seed: s }, PERIODS)
      if (r.low[3]! <= q10 && q10 <= r.high[3]!) covered++
    }
    expect(covered / trials).toBeGreaterThan(0.8)
    expect(covered / trials).toBeLessThan(0.97)
  })

  it('leave out resamples that admit no fit, and fail when most do', () => {
    // Nine zeros and a one: a resample is all zeros with probability 0.9¹⁰ ≈ 35 %, and the
    // GEV also refuses the ≈ 39 % with a single one (L-skewness 1).
    const x = Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    const o = { resamples: 1000, level: 0.9, seed: 5, resampling: 'nonparametric' as const }
    const g = intervals(x, 'gumbel-lmom', o)
    expect(g.failed).toBeGreaterThan(300)
    expect(g.failed).toBeLessThan(400)
    const r = bootstrapReturnLevels(x, fitted(x, 'gumbel-lmom'), 'gev-lmom', PERIODS, o)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.issues[0]!.message).toMatch(/of 1000 resamples admitted no gev-lmom fit/)
  })

  it.each([
    [{ resamples: 5, level: 0.9, seed: 1 }, /resamples must be an integer ≥ 10, got 5/],
    [{ resamples: 100.5, level: 0.9, seed: 1 }, /resamples must be an integer/],
    [{ resamples: 100, level: 1, seed: 1 }, /level must be in \(0, 1\)/],
    [{ resamples: 100, level: 0, seed: 1 }, /level must be in \(0, 1\)/],
    [{ resamples: 100, level: 0.9, seed: 1.5 }, /seed must be an integer/],
  ])('rejects the settings %j', (o, message) => {
    expect(() =>
      bootstrapReturnLevels(LOING, fitted(LOING, 'gev-lmom'), 'gev-lmom', PERIODS, o),
    ).toThrow(message)
  })
})
