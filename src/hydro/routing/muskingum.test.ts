import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRng } from '../../core/rng.ts'
import {
  MAX_MUSKINGUM_SUBSTEPS,
  checkMuskingum,
  muskingumSteadyState,
  muskingumStorage,
  muskingumSubsteps,
  routeMuskingum,
} from './muskingum.ts'

const SEED = 20_250_611

function route(k: number, x: number, inflow: ArrayLike<number>, state = [0, 0]) {
  const st = Float64Array.from(state)
  const out = new Float64Array(inflow.length)
  routeMuskingum(k, x, Float64Array.from(inflow), st, out)
  return { out, state: st }
}

function sum(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]!
  return s
}

/** A flood wave: base flow plus a skewed peak. */
function wave(n: number, peakAt: number, base: number, peak: number): Float64Array {
  const q = new Float64Array(n)
  for (let t = 0; t < n; t++) {
    const u = t / peakAt
    q[t] = base + peak * u ** 3 * Math.exp(3 * (1 - u))
  }
  return q
}

describe('muskingumSubsteps and checkMuskingum', () => {
  it.each([
    // K (steps), X, sub-steps: the smallest n with 1/n ≤ 2K(1 − X)
    [0, 0.2, 1],
    [1, 0.2, 1], // 2K(1 − X) = 1.6
    [0.5, 0, 1], // 2K(1 − X) = 1 exactly: on the bound
    [0.25, 0.1, 3], // 2K(1 − X) = 0.45 → 1/0.45 = 2.22
    [1 / 3, 0.5, 3], // 2KX = 2K(1 − X) = 1/3: three sub-steps of exactly K
    [0.01, 0, 50],
  ])('K = %d steps, X = %d → %d sub-steps', (k, x, n) => {
    expect(muskingumSubsteps(k, x)).toBe(n)
    expect(checkMuskingum(k, x)).toEqual([])
  })

  it.each([
    [-1, 0.2, 'k', 'finite number ≥ 0'],
    [NaN, 0.2, 'k', 'finite number ≥ 0'],
    [Infinity, 0.2, 'k', 'finite number ≥ 0'],
    [1, -0.1, 'x', '[0, 0.5]'],
    [1, 0.6, 'x', '[0, 0.5]'],
    [1, NaN, 'x', '[0, 0.5]'],
    [2, 0.5, 'x', 'shorter than 2KX'], // 2KX = 2 > 1: sub-steps cannot help
    [0.4, 0.45, 'x', 'no whole number of sub-steps'], // n = 3 gives 1/3 < 2KX = 0.36
    [1e-5, 0, 'k', `at most ${MAX_MUSKINGUM_SUBSTEPS}`],
  ])('rejects K = %d, X = %d on %s (%s)', (k, x, key, text) => {
    const issues = checkMuskingum(k, x)
    expect(issues).toHaveLength(1)
    expect(issues[0]!.path).toEqual([key])
    expect(issues[0]!.message).toContain(text)
  })
})

describe('routeMuskingum', () => {
  it('matches hand-computed values for X = 0, K = Δt (C0 = C1 = C2 = 1/3)', () => {
    // O₀ = (3 + 0 + 0)/3 = 1, O₁ = (0 + 3 + 1)/3 = 4/3, O₂ = (0 + 0 + 4/3)/3 = 4/9.
    const { out, state } = route(1, 0, [3, 0, 0])
    expect(out[0]).toBeCloseTo(1, 15)
    expect(out[1]).toBeCloseTo(4 / 3, 15)
    expect(out[2]).toBeCloseTo(4 / 9, 15)
    // W = K·O + (I − O)/2 = 4/9 − 2/9 = 2/9 = 3 − (1 + 4/3 + 4/9).
    expect(muskingumStorage(1, 0, state)).toBeCloseTo(2 / 9, 15)
  })

  it('is a one-step shift for X = 0.5, K = Δt (C0 = C2 = 0, C1 = 1)', () => {
    const inflow = [5, 1, 7, 2, 0, 3]
    const { out, state } = route(1, 0.5, inflow, [4, 9])
    expect(Array.from(out)).toEqual([4, 5, 1, 7, 2, 0])
    expect(Array.from(state)).toEqual([3, 0])
  })

  it('averages two consecutive inflows for X = 0, K = Δt/2 (C2 = 0)', () => {
    const { out } = route(0.5, 0, [2, 4, 8, 0], [6, 123])
    expect(Array.from(out)).toEqual([4, 3, 6, 4])
  })

  it('passes flow straight through for K = 0, whatever X and the state', () => {
    const inflow = [1.5, 0, 2.25, 9]
    for (const x of [0, 0.3, 0.5]) {
      const { out, state } = route(0, x, inflow, [100, 200])
      expect(Array.from(out)).toEqual(inflow)
      expect(muskingumStorage(0, x, state)).toBe(0)
    }
  })

  it('tends to a pass-through as K → 0 with X = 0 (many sub-steps)', () => {
    const inflow = wave(60, 10, 2, 50)
    for (const k of [0.1, 0.01, 0.002]) {
      const { out } = route(k, 0, inflow, [inflow[0]!, inflow[0]!])
      let worst = 0
      for (let t = 0; t < inflow.length; t++)
        worst = Math.max(worst, Math.abs(out[t]! - inflow[t]!))
      // The response lags by about K, so the error is about K times the largest step change.
      expect(worst).toBeLessThan(k * 30)
    }
  })

  it('gives with n sub-steps what one step per sub-step gives on the repeated series', () => {
    const rng = seededRng(SEED)
    const n = muskingumSubsteps(0.25, 0.1)
    expect(n).toBe(3)
    const inflow = Float64Array.from({ length: 40 }, () => 100 * rng.next())
    const coarse = route(0.25, 0.1, inflow, [10, 20])
    const fine = route(
      0.25 * n,
      0.1,
      Array.from({ length: inflow.length * n }, (_, j) => inflow[Math.floor(j / n)]!),
      [10, 20],
    )
    expect(muskingumSubsteps(0.25 * n, 0.1)).toBe(1)
    for (let t = 0; t < inflow.length; t++) {
      const mean = (fine.out[n * t]! + fine.out[n * t + 1]! + fine.out[n * t + 2]!) / n
      expect(coarse.out[t]).toBeCloseTo(mean, 11)
    }
  })

  it('keeps a steady flow steady', () => {
    const state = muskingumSteadyState(12.5, new Float64Array(2))
    const { out } = route(0.7, 0.25, new Array(10).fill(12.5), Array.from(state))
    for (const q of out) expect(q).toBeCloseTo(12.5, 12)
  })

  it('attenuates and delays a flood wave and gives its volume back', () => {
    const inflow = wave(200, 10, 1, 100)
    const { out, state } = route(3, 0.1, inflow, [1, 1])
    let tIn = 0
    let tOut = 0
    for (let t = 1; t < inflow.length; t++) {
      if (inflow[t]! > inflow[tIn]!) tIn = t
      if (out[t]! > out[tOut]!) tOut = t
    }
    expect(out[tOut]).toBeLessThan(inflow[tIn]!)
    expect(tOut).toBeGreaterThan(tIn)
    expect(sum(out)).toBeCloseTo(
      sum(inflow) +
        muskingumStorage(3, 0.1, Float64Array.of(1, 1)) -
        muskingumStorage(3, 0.1, state),
      9,
    )
  })

  it('continues warm: two runs joined by their state equal one unbroken run', () => {
    const inflow = wave(50, 8, 3, 40)
    for (const [k, x] of [
      [2, 0.3],
      [0.25, 0.1],
    ] as const) {
      const whole = route(k, x, inflow)
      const first = route(k, x, inflow.subarray(0, 17))
      const second = route(k, x, inflow.subarray(17), Array.from(first.state))
      expect([...first.out, ...second.out]).toEqual(Array.from(whole.out))
      expect(Array.from(second.state)).toEqual(Array.from(whole.state))
    }
  })
})

/** K and X that checkMuskingum accepts: X in [0, 0.5], then K with 2KX ≤ 1. */
const validParams = fc
  .tuple(fc.double({ min: 0, max: 0.5, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }))
  .map(([x, u]) => [x, x > 0 ? u * Math.min(20, 1 / (2 * x)) : 20 * u] as const)
  .filter(([x, k]) => checkMuskingum(k, x).length === 0)

describe('routeMuskingum properties (fixed seed)', () => {
  it('conserves volume: Σ inflow = Σ outflow + ΔW to 1e-9, and never gives a negative flow', () => {
    fc.assert(
      fc.property(
        validParams,
        fc.float64Array({ min: 0, max: 1e4, noNaN: true, minLength: 1, maxLength: 300 }),
        fc.tuple(
          fc.double({ min: 0, max: 1e4, noNaN: true }),
          fc.double({ min: 0, max: 1e4, noNaN: true }),
        ),
        ([x, k], inflow, [i0, o0]) => {
          const state = Float64Array.of(i0, o0)
          const w0 = muskingumStorage(k, x, state)
          const out = new Float64Array(inflow.length)
          routeMuskingum(k, x, inflow, state, out)
          const w1 = muskingumStorage(k, x, state)
          const sIn = sum(inflow)
          const sOut = sum(out)
          expect(w0).toBeGreaterThanOrEqual(0)
          expect(w1).toBeGreaterThanOrEqual(0)
          for (const q of out) expect(q).toBeGreaterThanOrEqual(0)
          // W is a difference of terms as large as K·(I + O): rounding scales with those.
          const scale = sIn + sOut + (k + 1) * (i0 + o0 + state[0]! + state[1]!)
          expect(Math.abs(sIn - sOut - (w1 - w0))).toBeLessThanOrEqual(1e-9 * scale)
        },
      ),
      { seed: SEED, numRuns: 1000 },
    )
  })
})
