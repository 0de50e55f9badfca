import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRng } from '../../core/rng.ts'
import type { FloodDistribution, GumbelDistribution } from './distributions.ts'
import { distributionLMoments, drawInto, gevTau3 } from './distributions.ts'
import type { FrequencyMethod } from './fit.ts'
import {
  FREQUENCY_METHODS,
  fitAnnualMaxima,
  gevShapeApproximation,
  gevShapeFromTau3,
  isFrequencyMethod,
} from './fit.ts'
import { sampleLMoments } from './lmoments.ts'
import { EULER_GAMMA } from './special.ts'

const fitOk = (xs: ArrayLike<number>, method: FrequencyMethod) => {
  const r = fitAnnualMaxima(Float64Array.from(xs), method)
  if (!r.ok) throw new Error(r.issues.map((i) => i.message).join('; '))
  return r.value
}

/** Gumbel log-likelihood Σ[−ln α − zᵢ − e^{−zᵢ}], zᵢ = (xᵢ − ξ)/α. */
function gumbelLogLik(x: ArrayLike<number>, d: { location: number; scale: number }): number {
  let s = 0
  for (let i = 0; i < x.length; i++) {
    const z = (x[i]! - d.location) / d.scale
    s += -Math.log(d.scale) - z - Math.exp(-z)
  }
  return s
}

describe('fitting annual maxima: edge cases give a Result with the reason', () => {
  const cases: [string, number[], FrequencyMethod, RegExp][] = [
    ['empty', [], 'gumbel-lmom', /need at least 2 annual maxima, got 0/],
    ['one value', [3], 'gumbel-ml', /need at least 2 annual maxima, got 1/],
    ['two values for the GEV', [3, 4], 'gev-lmom', /need at least 3 annual maxima, got 2/],
    ['constant', [5, 5, 5, 5, 5], 'gev-lmom', /all equal \(5\): no spread/],
    ['constant (ML)', [5, 5, 5], 'gumbel-ml', /all equal/],
    ['a NaN', [1, NaN, 3, 4], 'gumbel-lmom', /not a finite number \(NaN\)/],
    ['an infinity', [1, 2, Infinity], 'gev-lmom', /not a finite number \(Infinity\)/],
    ['all but the largest equal', [0, 0, 0, 1], 'gev-lmom', /L-skewness is 1, outside/],
    ['all but the smallest equal', [0, 1, 1, 1], 'gev-lmom', /L-skewness is -1, outside/],
  ]
  it.each(cases)('%s', (_name, xs, method, message) => {
    const r = fitAnnualMaxima(Float64Array.from(xs), method)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.issues.map((i) => i.message).join('; ')).toMatch(message)
  })

  it('names the index of a value that is not finite', () => {
    const r = fitAnnualMaxima(Float64Array.from([1, NaN, 3, -Infinity]), 'gev-lmom')
    expect(r.ok ? [] : r.issues.map((i) => i.path)).toEqual([[1], [3]])
  })

  it('fits Gumbel to samples the GEV refuses, and knows its method names', () => {
    expect(fitOk([0, 0, 0, 1], 'gumbel-lmom').distribution.scale).toBeCloseTo(0.25 / Math.LN2, 14)
    expect(fitOk([0, 0, 0, 1], 'gumbel-ml').distribution.scale).toBeGreaterThan(0)
    expect(FREQUENCY_METHODS.every(isFrequencyMethod)).toBe(true)
    expect(isFrequencyMethod('gev-ml')).toBe(false)
  })
})

describe('Gumbel by L-moments', () => {
  it('gives α = l2/ln 2 and ξ = l1 − γα, e.g. (n + 1)/(6 ln 2) for 1..n', () => {
    for (const n of [2, 5, 30]) {
      const d = fitOk(
        Array.from({ length: n }, (_, i) => n - i),
        'gumbel-lmom',
      ).distribution
      const alpha = (n + 1) / 6 / Math.LN2
      expect(d.scale).toBeCloseTo(alpha, 12)
      expect(d.location).toBeCloseTo((n + 1) / 2 - EULER_GAMMA * alpha, 12)
    }
  })
})

describe('GEV by L-moments', () => {
  it('solves the shape exactly: τ3(k) = t3 from k = −0.99 to 30', () => {
    for (let k = -0.99; k <= 30; k += k < 2 ? 0.01 : 0.5) {
      const back = gevShapeFromTau3(gevTau3(k))
      // Beyond k ≈ 10, τ3 + 1 ≈ 2^{1−k} is too flat for k to keep its digits: the residual is
      // what the solver controls.
      if (k <= 10) expect(Math.abs(back - k)).toBeLessThan(1e-12 * Math.max(1, Math.abs(k)))
      expect(Math.abs(gevTau3(back) - gevTau3(k))).toBeLessThan(4e-15)
    }
    expect(gevShapeFromTau3(Math.log2(9) - 3)).toBeCloseTo(0, 14) // Gumbel's L-skewness
    expect(gevShapeFromTau3(1)).toBeNaN()
    expect(gevShapeFromTau3(-1)).toBeNaN()
  })

  it("has Hosking's approximation within its published 9e-4 for −0.5 ≤ k ≤ 0.5", () => {
    let worst = 0
    for (let k = -0.5; k <= 0.5 + 1e-12; k += 0.001) {
      worst = Math.max(worst, Math.abs(gevShapeApproximation(gevTau3(k)) - k))
    }
    expect(worst).toBeLessThan(9e-4)
    expect(worst).toBeGreaterThan(1e-4) // an approximation, not the exact relation
    // The `hosking-1985` solver stops there.
    const xs = [137, 112, 130, 141, 122, 117, 56, 75, 68, 78, 53, 110, 77, 83, 135, 110, 447]
    const a = fitAnnualMaxima(Float64Array.from(xs), 'gev-lmom', 'hosking-1985')
    const b = fitAnnualMaxima(Float64Array.from(xs), 'gev-lmom', 'newton')
    if (!a.ok || !b.ok) throw new Error('fit failed')
    const ka = (a.value.distribution as { shape: number }).shape
    const kb = (b.value.distribution as { shape: number }).shape
    expect(ka).toBe(gevShapeApproximation(b.value.lmoments.t3))
    expect(Math.abs(ka - kb)).toBeLessThan(9e-4)
    expect(ka).not.toBe(kb)
  })

  it("comes out as Gumbel's fit when the L-skewness is Gumbel's", () => {
    // The sample {0, a, 1} with a chosen by bisection so that t3 = log₂ 9 − 3, Gumbel's value.
    const t3 = Math.log2(9) - 3
    const t3Of = (a: number) => sampleLMoments(Float64Array.from([0, a, 1])).t3
    let lo = 0
    let hi = 1
    for (let i = 0; i < 200; i++) {
      const mid = (lo + hi) / 2
      if (t3Of(mid) > t3) lo = mid
      else hi = mid
    }
    const xs = [0, (lo + hi) / 2, 1]
    const g = fitOk(xs, 'gev-lmom').distribution as FloodDistribution & { shape: number }
    const u = fitOk(xs, 'gumbel-lmom').distribution
    expect(Math.abs(g.shape)).toBeLessThan(1e-12)
    expect(g.scale).toBeCloseTo(u.scale, 10)
    expect(g.location).toBeCloseTo(u.location, 10)
  })

  it('reproduces the sample L-moments (l1, l2, t3) with its own', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: 0, max: 1e4, noNaN: true }), { minLength: 3, maxLength: 60 }),
        (xs) => {
          const lm = sampleLMoments(Float64Array.from(xs))
          fc.pre(lm.l2 > 1e-6 * (1 + lm.l1) && Math.abs(lm.t3) < 0.95)
          const d = fitOk(xs, 'gev-lmom').distribution
          const m = distributionLMoments(d)
          expect(Math.abs(m.l1 - lm.l1)).toBeLessThan(1e-9 * (1 + Math.abs(lm.l1)))
          expect(Math.abs(m.l2 / lm.l2 - 1)).toBeLessThan(1e-9)
          expect(Math.abs(m.t3 - lm.t3)).toBeLessThan(1e-10)
        },
      ),
      { seed: 1997, numRuns: 300 },
    )
  })
})

describe('Gumbel by maximum likelihood', () => {
  it('solves the likelihood equations Σe^{−zᵢ} = n and Σzᵢ(1 − e^{−zᵢ}) = n', () => {
    const rng = seededRng(4)
    for (const n of [2, 3, 10, 50, 500]) {
      const x = new Float64Array(n)
      drawInto({ kind: 'gumbel', location: 80, scale: 25 }, rng, x)
      const d = fitOk(x, 'gumbel-ml').distribution
      let se = 0
      let sz = 0
      for (const v of x) {
        const z = (v - d.location) / d.scale
        se += Math.exp(-z)
        sz += z * (1 - Math.exp(-z))
      }
      expect(se / n).toBeCloseTo(1, 12)
      expect(sz / n).toBeCloseTo(1, 11)
    }
  })

  it('has a higher likelihood than nearby parameters and than the L-moment fit', () => {
    const x = Float64Array.from([137, 112, 130, 141, 122, 117, 56, 75, 68, 78, 53, 110, 77, 83])
    const ml = fitOk(x, 'gumbel-ml').distribution
    const best = gumbelLogLik(x, ml)
    for (const [dl, ds] of [
      [1e-3, 0],
      [-1e-3, 0],
      [0, 1e-3],
      [0, -1e-3],
      [1e-3, 1e-3],
    ] as const) {
      const near = { location: ml.location * (1 + dl), scale: ml.scale * (1 + ds) }
      expect(gumbelLogLik(x, near)).toBeLessThan(best)
    }
    expect(gumbelLogLik(x, fitOk(x, 'gumbel-lmom').distribution)).toBeLessThan(best)
  })

  it('moves with a shift and scales with a factor of the data, even a tiny spread', () => {
    const x = [3.1, 2.2, 5.9, 4.4, 3.3, 8.1, 2.9]
    const d = fitOk(x, 'gumbel-ml').distribution
    for (const [a, b] of [
      [1000, 1],
      [0, 1e-6],
      [0, 1e6],
      [1e3, 1e-3],
    ] as const) {
      const e = fitOk(
        x.map((v) => a + b * v),
        'gumbel-ml',
      ).distribution
      expect(Math.abs(e.scale / (b * d.scale) - 1)).toBeLessThan(1e-9)
      expect(Math.abs(e.location - (a + b * d.location))).toBeLessThan(1e-9 * (a + b * 10))
    }
  })
})

describe('recovering the parameters of large samples from a known distribution (seeded)', () => {
  it('Gumbel, by L-moments and by maximum likelihood', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: 0.01, max: 300, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (location, scale, seed) => {
          const truth: GumbelDistribution = { kind: 'gumbel', location, scale }
          const x = new Float64Array(20_000)
          drawInto(truth, seededRng(seed), x)
          for (const m of ['gumbel-lmom', 'gumbel-ml'] as const) {
            const d = fitOk(x, m).distribution
            expect(Math.abs(d.scale / scale - 1)).toBeLessThan(0.03)
            expect(Math.abs(d.location - location)).toBeLessThan(0.03 * scale)
          }
        },
      ),
      { seed: 1958, numRuns: 20 },
    )
  })

  it('GEV by L-moments, shape from −0.4 to 0.4', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -500, max: 500, noNaN: true }),
        fc.double({ min: 0.01, max: 300, noNaN: true }),
        fc.double({ min: -0.4, max: 0.4, noNaN: true }),
        fc.integer({ min: 1, max: 1_000_000 }),
        (location, scale, shape, seed) => {
          const x = new Float64Array(20_000)
          drawInto({ kind: 'gev', location, scale, shape }, seededRng(seed), x)
          const d = fitOk(x, 'gev-lmom').distribution
          if (d.kind !== 'gev') throw new Error('not a GEV')
          expect(Math.abs(d.shape - shape)).toBeLessThan(0.04)
          expect(Math.abs(d.scale / scale - 1)).toBeLessThan(0.05)
          expect(Math.abs(d.location - location)).toBeLessThan(0.04 * scale)
        },
      ),
      { seed: 1990, numRuns: 20 },
    )
  })
})
