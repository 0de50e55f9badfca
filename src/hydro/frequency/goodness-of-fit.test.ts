import { describe, expect, it } from 'vitest'
import type { FloodDistribution } from './distributions.ts'
import { distributionLMoments, quantile } from './distributions.ts'
import { goodnessOfFit, gringortenReturnPeriods } from './goodness-of-fit.ts'
import { sampleLMoments } from './lmoments.ts'

const sorted = (xs: readonly number[]) => Float64Array.from(xs).sort()

describe('goodness of fit', () => {
  const d: FloodDistribution = { kind: 'gev', location: 100, scale: 30, shape: -0.1 }

  it('gives D = 1/(2n) for a sample at the quantiles (i − ½)/n', () => {
    for (const n of [1, 5, 40]) {
      const x = sorted(Array.from({ length: n }, (_, i) => quantile(d, (i + 0.5) / n)))
      const g = goodnessOfFit(x, d, sampleLMoments(x))
      expect(g.ks).toBeCloseTo(0.5 / n, 12)
    }
  })

  it('gives A² = 2 ln 2 − 1 for one value at the median, as by hand', () => {
    const x = sorted([quantile(d, 0.5)])
    expect(goodnessOfFit(x, d, sampleLMoments(x)).andersonDarling).toBeCloseTo(2 * Math.LN2 - 1, 12)
  })

  it('is Infinity (A²) and 1 (D) for a value beyond the support', () => {
    const bounded: FloodDistribution = { kind: 'gev', location: 0, scale: 1, shape: 0.5 } // x ≤ 2
    const x = sorted([0, 0.5, 1, 3])
    const g = goodnessOfFit(x, bounded, sampleLMoments(x))
    expect(g.andersonDarling).toBe(Infinity)
    expect(g.ks).toBeGreaterThanOrEqual(0.25)
  })

  it('sets the sample L-skewness and L-kurtosis beside the model’s', () => {
    const x = sorted([10, 14, 9, 30, 12, 11, 19, 13])
    const lm = sampleLMoments(x)
    const g = goodnessOfFit(x, d, lm)
    expect(g.t3Sample).toBe(lm.t3)
    expect(g.t4Sample).toBe(lm.t4)
    expect(g.t3Model).toBe(distributionLMoments(d).t3)
    expect(g.t4Model).toBe(distributionLMoments(d).t4)
  })
})

describe('Gringorten plotting positions', () => {
  it.each([
    [[5], [1.12 / 0.56]],
    [
      [3, 1, 2],
      [3.12 / 0.56, 3.12 / 2.56, 3.12 / 1.56],
    ],
    [
      [2, 7, 7, 1],
      [4.12 / 2.56, 4.12 / 0.56, 4.12 / 0.56, 4.12 / 3.56],
    ], // ties share the top rank
  ])('%j', (xs, ts) => {
    const got = gringortenReturnPeriods(Float64Array.from(xs))
    ts.forEach((t, i) => expect(got[i]).toBeCloseTo(t, 12))
  })
})
