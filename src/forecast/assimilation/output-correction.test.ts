import { describe, expect, it } from 'vitest'
import { InputError } from '../../core/errors.ts'
import { seededRng } from '../../core/rng.ts'
import type { ErrorSpace } from './output-correction.ts'
import {
  correctOutputs,
  errorSpread,
  expectedError,
  fitAr1Error,
  fromErrorSpace,
  toErrorSpace,
} from './output-correction.ts'

const LOG: ErrorSpace = { kind: 'log', epsilon: 0.01 }
const BOXCOX: ErrorSpace = { kind: 'boxcox', lambda: 0.25, epsilon: 0.01 }

/** Simulated flows and observations whose log error follows an AR(1) with φ and σ. */
function ar1Pair(n: number, phi: number, sigma: number, seed: number) {
  const rng = seededRng(seed)
  const sim = new Float64Array(n)
  const obs = new Float64Array(n)
  let e = 0
  for (let i = 0; i < n; i++) {
    e = phi * e + sigma * rng.normal()
    sim[i] = 2 + Math.sin(i / 20)
    obs[i] = fromErrorSpace(toErrorSpace(sim[i]!, LOG) + e, LOG)
  }
  return { sim, obs, last: e }
}

describe('error spaces', () => {
  it.each([0, 0.001, 0.5, 3, 250])('log and Box–Cox read back %f', (q) => {
    for (const s of [LOG, BOXCOX]) expect(fromErrorSpace(toErrorSpace(q, s), s)).toBeCloseTo(q, 10)
  })
  it('never gives a negative flow', () => {
    expect(fromErrorSpace(-50, LOG)).toBe(0)
    expect(fromErrorSpace(-50, BOXCOX)).toBe(0)
  })
})

describe('fitAr1Error', () => {
  it('recovers φ and σ of an AR(1) error', () => {
    const { sim, obs, last } = ar1Pair(5000, 0.8, 0.1, 7)
    const m = fitAr1Error(obs, sim, LOG)
    expect(m.phi).toBeGreaterThan(0.77)
    expect(m.phi).toBeLessThan(0.83)
    expect(m.sigma).toBeGreaterThan(0.095)
    expect(m.sigma).toBeLessThan(0.105)
    expect(m.lastError).toBeCloseTo(last, 10)
    expect(m.lastErrorAge).toBe(0)
    expect(m.pairs).toBe(4999)
  })

  it('skips missing steps and ages the last error', () => {
    const { sim, obs } = ar1Pair(100, 0.7, 0.1, 3)
    obs[99] = NaN
    obs[98] = NaN
    obs[50] = NaN
    const m = fitAr1Error(obs, sim, LOG)
    expect(m.lastErrorAge).toBe(2)
    expect(m.pairs).toBe(99 - 4)
    // the correction of lead 1 is φ³ times the error of step 97
    const e97 = toErrorSpace(obs[97]!, LOG) - toErrorSpace(sim[97]!, LOG)
    expect(expectedError(m, 1)).toBeCloseTo(m.phi ** 3 * e97, 12)
  })

  it('gives φ = 0 with too few pairs, and clamps φ to [0, maxPhi]', () => {
    const sim = Float64Array.of(1, 1, 1)
    const obs = Float64Array.of(2, 2, 2)
    expect(fitAr1Error(obs, sim, LOG).phi).toBe(0)
    const ramp = Float64Array.from({ length: 30 }, (_, i) => 1 + i)
    const m = fitAr1Error(
      ramp,
      Float64Array.from({ length: 30 }, () => 1),
      LOG,
    )
    expect(m.phi).toBeLessThanOrEqual(0.99)
    const alt = Float64Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 2 : 0.5))
    expect(
      fitAr1Error(
        alt,
        Float64Array.from({ length: 30 }, () => 1),
        LOG,
      ).phi,
    ).toBe(0)
  })

  it('fits the mean when asked: a constant bias stays corrected at every lead', () => {
    const sim = Float64Array.from({ length: 40 }, (_, i) => 1 + 0.1 * Math.sin(i))
    const obs = sim.map((q) => fromErrorSpace(toErrorSpace(q, LOG) + 0.2, LOG))
    const m = fitAr1Error(obs, sim, LOG, { withMean: true })
    expect(m.mean).toBeCloseTo(0.2, 12)
    expect(expectedError(m, 10)).toBeCloseTo(0.2, 12)
  })

  it('refuses series of different lengths and a zero epsilon', () => {
    expect(() => fitAr1Error(new Float64Array(3), new Float64Array(4), LOG)).toThrow(InputError)
    expect(() =>
      fitAr1Error(new Float64Array(3), new Float64Array(3), { kind: 'log', epsilon: 0 }),
    ).toThrow(InputError)
  })
})

describe('correctOutputs', () => {
  it('adds the expected error, decaying as φ^h, in the transformed space', () => {
    const { sim, obs } = ar1Pair(500, 0.8, 0.1, 11)
    const m = fitAr1Error(obs, sim, LOG)
    const members = [Float64Array.of(1, 2, 3, 4, 5), Float64Array.of(5, 4, 3, 2, 1)]
    const out = correctOutputs(members, m)
    for (const [k, mem] of members.entries()) {
      for (let j = 0; j < 5; j++) {
        const shift = toErrorSpace(out[k]![j]!, LOG) - toErrorSpace(mem[j]!, LOG)
        expect(shift).toBeCloseTo(m.phi ** (j + 1) * m.lastError, 12)
      }
    }
    expect(members[0]![0]).toBe(1)
  })

  it('the spread of stochastic corrections grows with lead as the AR(1) implies', () => {
    const { sim, obs } = ar1Pair(2000, 0.8, 0.1, 5)
    const m = fitAr1Error(obs, sim, LOG)
    const members = Array.from({ length: 4000 }, () => new Float64Array(10).fill(2))
    const out = correctOutputs(members, m, { rng: seededRng(9) })
    const sd = (j: number): number => {
      const e = out.map((o) => toErrorSpace(o[j]!, LOG) - toErrorSpace(2, LOG))
      const mean = e.reduce((a, b) => a + b, 0) / e.length
      return Math.sqrt(e.reduce((a, b) => a + (b - mean) ** 2, 0) / (e.length - 1))
    }
    expect(sd(9)).toBeGreaterThan(sd(0))
    expect(Math.abs(sd(0) - errorSpread(m, 1)) / errorSpread(m, 1)).toBeLessThan(0.05)
    expect(Math.abs(sd(9) - errorSpread(m, 10)) / errorSpread(m, 10)).toBeLessThan(0.05)
  })
})
