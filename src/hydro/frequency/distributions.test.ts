import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRng } from '../../core/rng.ts'
import type { FloodDistribution } from './distributions.ts'
import {
  cdf,
  distributionLMoments,
  drawInto,
  exceedance,
  gevTau3,
  gevTau3Derivative,
  gevTau4,
  quantile,
  returnLevel,
  returnPeriod,
} from './distributions.ts'
import { sampleLMoments } from './lmoments.ts'

const gumbel = (location: number, scale: number): FloodDistribution => ({
  kind: 'gumbel',
  location,
  scale,
})
const gev = (location: number, scale: number, shape: number): FloodDistribution => ({
  kind: 'gev',
  location,
  scale,
  shape,
})

/**
 * λ1…λ4 of a distribution by numerical integration of its quantile function against the
 * shifted Legendre polynomials, λ_{r+1} = ∫₀¹ x(F) P*_r(F) dF (Hosking 1990), by the
 * tanh-sinh rule (Takahasi & Mori 1974), which copes with the singular ends. The upper half is
 * read through return levels so that 1 − F keeps its digits. Independent of the closed forms.
 */
function integratedLMoments(d: FloodDistribution): [number, number, number, number] {
  const h = 1 / 64
  const out: [number, number, number, number] = [0, 0, 0, 0]
  for (let t = -4; t <= 4 + 1e-12; t += h) {
    const u = (Math.PI / 2) * Math.sinh(t)
    const f = 1 / (1 + Math.exp(-2 * u))
    const g = 1 / (1 + Math.exp(2 * u)) // 1 − F
    const x = f < 0.5 ? quantile(d, f) : returnLevel(d, 1 + Math.exp(2 * u))
    const w = h * Math.PI * Math.cosh(t) * f * g
    if (w === 0) continue
    out[0] += w * x
    out[1] += w * x * (2 * f - 1)
    out[2] += w * x * (6 * f * f - 6 * f + 1)
    out[3] += w * x * (20 * f * f * f - 30 * f * f + 12 * f - 1)
  }
  return out
}

describe('Gumbel and GEV functions', () => {
  it.each([
    // name, distribution, x, F(x), T(x)
    ['Gumbel(0, 1) at its mode', gumbel(0, 1), 0, Math.exp(-1), 1 / (1 - Math.exp(-1))],
    ['Gumbel(10, 2) at 10 + 2·4.6', gumbel(10, 2), 10 + 2 * 4.6, Math.exp(-Math.exp(-4.6)), NaN],
    ['GEV k = 0.5 at its upper bound ξ + α/k', gev(0, 1, 0.5), 2, 1, Infinity],
    ['GEV k = 0.5 above its upper bound', gev(0, 1, 0.5), 3, 1, Infinity],
    ['GEV k = −0.5 at its lower bound ξ + α/k', gev(0, 1, -0.5), -2, 0, 1],
    ['GEV k = −0.5 below its lower bound', gev(0, 1, -0.5), -5, 0, 1],
    // (1 − k·1)^{1/k} = 0.5² for k = 0.5: F = e^{−1/4}
    ['GEV k = 0.5 at ξ + α', gev(0, 1, 0.5), 1, Math.exp(-0.25), 1 / (1 - Math.exp(-0.25))],
    // (1 + 0.5·2)^{−2} = 1/4 for k = −0.5: F = e^{−1/4}
    ['GEV k = −0.5 at ξ + 2α', gev(1, 2, -0.5), 5, Math.exp(-0.25), 1 / (1 - Math.exp(-0.25))],
  ])('%s', (_name, d, x, f, t) => {
    expect(cdf(d, x)).toBeCloseTo(f, 15)
    if (!Number.isNaN(t)) expect(returnPeriod(d, x)).toBeCloseTo(t, 12)
  })

  it('reads the return levels of Gumbel(0, 1) from −ln(−ln(1 − 1/T))', () => {
    const d = gumbel(0, 1)
    expect(returnLevel(d, 2)).toBeCloseTo(-Math.log(Math.LN2), 15)
    expect(returnLevel(d, 100)).toBeCloseTo(4.600149226776579, 13)
    expect(returnLevel(d, 1.5)).toBeCloseTo(-Math.log(Math.log(3)), 14)
    expect(returnLevel(d, 1)).toBeNaN()
    expect(returnLevel(d, 0.5)).toBeNaN()
    expect(quantile(d, 0)).toBe(-Infinity)
    expect(quantile(d, 1)).toBe(Infinity)
  })

  it('inverts: F(x(F)) = F, and T(x_T) = T up to a million years', () => {
    for (const d of [gumbel(3, 2), gev(3, 2, 0.3), gev(3, 2, -0.3), gev(-1, 0.1, 1e-9)]) {
      for (const f of [1e-6, 0.01, 0.3, 0.5, 0.9, 0.999]) {
        expect(Math.abs(cdf(d, quantile(d, f)) - f)).toBeLessThan(1e-13)
      }
      for (const t of [1.01, 1.5, 2, 10, 100, 1e4, 1e6]) {
        expect(Math.abs(returnPeriod(d, returnLevel(d, t)) / t - 1)).toBeLessThan(1e-9)
        expect(Math.abs(exceedance(d, returnLevel(d, t)) * t - 1)).toBeLessThan(1e-9)
      }
    }
  })

  it('joins the GEV to Gumbel smoothly as k → 0', () => {
    for (const k of [5e-324, -1e-200, 1e-12, -1e-12, 1e-9, -1e-9]) {
      for (const t of [1.5, 2, 10, 100, 1000]) {
        const a = returnLevel(gev(50, 10, k), t)
        const b = returnLevel(gumbel(50, 10), t)
        expect(Math.abs(a - b)).toBeLessThan(1e-6)
      }
      const l = distributionLMoments(gev(50, 10, k))
      const g = distributionLMoments(gumbel(50, 10))
      // They differ by O(k): about 1e-8 for k = 1e-9, never by cancellation.
      expect(l.l1).toBeCloseTo(g.l1, 7)
      expect(l.l2).toBeCloseTo(g.l2, 7)
      expect(l.t3).toBeCloseTo(g.t3, 7)
      expect(l.t4).toBeCloseTo(g.t4, 7)
    }
    // Gumbel's L-skewness log₂ 9 − 3 and L-kurtosis 16 − 10 log₂ 3 (Hosking 1990).
    expect(gevTau3(0)).toBeCloseTo(Math.log2(9) - 3, 15)
    expect(gevTau4(0)).toBeCloseTo(16 - 10 * Math.log2(3), 14)
  })

  it('has return levels that increase with the return period (property, fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e3, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        fc.double({ min: -0.9, max: 0.9, noNaN: true }),
        fc.double({ min: 1.001, max: 1e4, noNaN: true }),
        fc.double({ min: 1.0001, max: 10, noNaN: true }),
        (xi, alpha, k, t, factor) => {
          for (const d of [gumbel(xi, alpha), gev(xi, alpha, k)]) {
            const a = returnLevel(d, t)
            const b = returnLevel(d, t * factor)
            expect(Number.isFinite(a)).toBe(true)
            expect(b).toBeGreaterThanOrEqual(a)
          }
        },
      ),
      { seed: 7, numRuns: 500 },
    )
  })

  it('matches its closed-form L-moments with a numerical integration of x(F)', () => {
    for (const d of [
      gumbel(0, 1),
      gumbel(120, 35),
      gev(120, 35, 0),
      gev(120, 35, 0.25),
      gev(120, 35, -0.2),
      gev(87, 31, -0.34),
      gev(1, 1, 0.9),
    ]) {
      const [l1, l2, l3, l4] = integratedLMoments(d)
      const m = distributionLMoments(d)
      const tol = 1e-9 * (Math.abs(d.location) + d.scale)
      expect(Math.abs(m.l1 - l1)).toBeLessThan(tol)
      expect(Math.abs(m.l2 - l2)).toBeLessThan(tol)
      expect(Math.abs(m.t3 - l3 / l2)).toBeLessThan(1e-9)
      expect(Math.abs(m.t4 - l4 / l2)).toBeLessThan(1e-9)
    }
    expect(distributionLMoments(gev(0, 1, -1)).l1).toBeNaN() // infinite mean
  })

  it("has τ3(k) decreasing from 1 to −1 and the derivative Newton's method uses", () => {
    let prev = 1
    for (let k = -0.99; k < 20; k += 0.01) {
      const t = gevTau3(k)
      expect(t).toBeLessThan(prev)
      expect(t).toBeGreaterThan(-1)
      prev = t
    }
    for (const k of [-0.9, -0.5, -1e-3, 0, 1e-3, 0.3, 2, 10]) {
      const h = 1e-5
      const fd = (gevTau3(k + h) - gevTau3(k - h)) / (2 * h)
      expect(gevTau3Derivative(k)).toBeCloseTo(fd, 7)
    }
  })

  it('draws samples whose L-moments are those of the distribution (seeded)', () => {
    for (const d of [gumbel(100, 30), gev(100, 30, -0.2), gev(100, 30, 0.2)]) {
      const x = new Float64Array(50_000)
      drawInto(d, seededRng(5), x)
      const s = sampleLMoments(x)
      const m = distributionLMoments(d)
      expect(Math.abs(s.l1 - m.l1)).toBeLessThan(0.5)
      expect(Math.abs(s.l2 / m.l2 - 1)).toBeLessThan(0.02)
      expect(Math.abs(s.t3 - m.t3)).toBeLessThan(0.02)
      const again = new Float64Array(50_000)
      drawInto(d, seededRng(5), again)
      expect(again).toEqual(x)
    }
  })
})
