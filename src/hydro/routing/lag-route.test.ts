import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  LR_STORE,
  lagRouteStateSize,
  lagRouteSteadyState,
  lagRouteStorage,
  lagStateSize,
  lagStorage,
  routeLag,
  routeLagRoute,
  routeLinearReservoir,
} from './lag-route.ts'

const SEED = 20_250_612

function sum(a: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < a.length; i++) s += a[i]!
  return s
}

function lag(l: number, inflow: ArrayLike<number>, buffer?: ArrayLike<number>) {
  const b = buffer !== undefined ? Float64Array.from(buffer) : new Float64Array(lagStateSize(l))
  const out = new Float64Array(inflow.length)
  routeLag(l, Float64Array.from(inflow), b, out)
  return { out, buffer: b }
}

describe('routeLag', () => {
  it('shifts by a whole number of steps exactly', () => {
    const inflow = [3, 1, 4, 1, 5, 9, 2, 6]
    const { out, buffer } = lag(3, inflow)
    expect(Array.from(out)).toEqual([0, 0, 0, 3, 1, 4, 1, 5])
    // The latest inflows, latest first: what is still to come out (and one more).
    expect(Array.from(buffer)).toEqual([6, 2, 9, 5])
    expect(lagStorage(3, buffer)).toBe(6 + 2 + 9)
  })

  it('releases a warm buffer first, oldest first', () => {
    const { out } = lag(3, [10, 20, 30, 40], [7, 8, 9, 99])
    expect(Array.from(out)).toEqual([9, 8, 7, 10])
  })

  it('is the identity for a lag of 0 and a one-step delay for a lag of 1', () => {
    expect(Array.from(lag(0, [1, 2, 3]).out)).toEqual([1, 2, 3])
    expect(Array.from(lag(1, [1, 2, 3], [5, 0]).out)).toEqual([5, 1, 2])
  })

  it('splits a fractional lag between the two neighbouring steps (airGR SD)', () => {
    // L = 1.25: O_t = 0.75·I_{t−1} + 0.25·I_{t−2}.
    const { out, buffer } = lag(1.25, [4, 8, 0, 0])
    expect(Array.from(out)).toEqual([0, 3, 7, 2])
    // Still to come: 0.25 of the last-but-one inflow (0) and all of the last one (0).
    expect(lagStorage(1.25, buffer)).toBe(0)
    expect(lagStorage(1.25, Float64Array.of(4, 8))).toBe(4 + 0.25 * 8)
  })

  it('continues warm: two runs joined by their buffer equal one unbroken run', () => {
    const inflow = Float64Array.from({ length: 30 }, (_, t) => (t * 7919) % 13)
    for (const l of [0, 0.4, 2, 3.7, 12]) {
      const whole = lag(l, inflow)
      // A first run shorter than the lag exercises the buffer-to-buffer copy.
      const first = lag(l, inflow.subarray(0, 2))
      const second = lag(l, inflow.subarray(2), first.buffer)
      expect([...first.out, ...second.out]).toEqual(Array.from(whole.out))
      expect(Array.from(second.buffer)).toEqual(Array.from(whole.buffer))
    }
  })
})

describe('routeLinearReservoir', () => {
  it('matches the exact solution for K = 1 step', () => {
    // From empty with I = 1: S₁ = 1 − e⁻¹ and O₀ = 1 − S₁ = e⁻¹.
    const out = new Float64Array(1)
    const s = routeLinearReservoir(1, Float64Array.of(1), 0, out)
    expect(s).toBeCloseTo(1 - Math.exp(-1), 15)
    expect(out[0]).toBeCloseTo(Math.exp(-1), 15)
  })

  it('empties exponentially without inflow', () => {
    const k = 4
    const out = new Float64Array(10)
    const s = routeLinearReservoir(k, new Float64Array(10), 100, out)
    expect(s).toBeCloseTo(100 * Math.exp(-10 / k), 12)
    for (let t = 0; t < 10; t++)
      expect(out[t]).toBeCloseTo(100 * Math.exp(-t / k) * (1 - Math.exp(-1 / k)), 12)
  })

  it('passes flow through and empties at once for K = 0', () => {
    const out = new Float64Array(3)
    expect(routeLinearReservoir(0, Float64Array.of(1, 2, 3), 5, out)).toBe(0)
    expect(Array.from(out)).toEqual([6, 2, 3])
  })

  it('may route in place', () => {
    const q = Float64Array.of(1, 5, 0, 2)
    const expected = new Float64Array(4)
    routeLinearReservoir(2.5, q, 1, expected)
    routeLinearReservoir(2.5, q, 1, q)
    expect(Array.from(q)).toEqual(Array.from(expected))
  })
})

describe('routeLagRoute', () => {
  it('is a pure lag when K = 0', () => {
    const inflow = Float64Array.of(3, 1, 4, 1, 5, 9)
    const state = new Float64Array(lagRouteStateSize(2))
    const out = new Float64Array(6)
    routeLagRoute(2, 0, inflow, state, out)
    expect(Array.from(out)).toEqual([0, 0, 3, 1, 4, 1])
    expect(state[LR_STORE]).toBe(0)
  })

  it('keeps a steady flow steady', () => {
    for (const [l, k] of [
      [0, 3],
      [1.5, 0.5],
      [4, 0],
    ] as const) {
      const state = lagRouteSteadyState(k, 7, new Float64Array(lagRouteStateSize(l)))
      const out = new Float64Array(12)
      routeLagRoute(l, k, new Float64Array(12).fill(7), state, out)
      for (const q of out) expect(q).toBeCloseTo(7, 12)
    }
  })

  it('continues warm: two runs joined by their state equal one unbroken run', () => {
    const inflow = Float64Array.from({ length: 40 }, (_, t) => 50 * Math.exp(-((t - 10) ** 2) / 20))
    const l = 2.3
    const k = 1.7
    const run = (q: Float64Array, state: Float64Array) => {
      const out = new Float64Array(q.length)
      routeLagRoute(l, k, q, state, out)
      return Array.from(out)
    }
    const s1 = new Float64Array(lagRouteStateSize(l))
    const whole = run(inflow, s1)
    const s2 = new Float64Array(lagRouteStateSize(l))
    const joined = [...run(inflow.subarray(0, 13), s2), ...run(inflow.subarray(13), s2)]
    expect(joined).toEqual(whole)
    expect(Array.from(s2)).toEqual(Array.from(s1))
  })
})

describe('lag-and-route properties (fixed seed)', () => {
  it('conserves volume: Σ inflow = Σ outflow + ΔS to 1e-9, and never gives a negative flow', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 12, noNaN: true }),
        fc.oneof(fc.constant(0), fc.double({ min: 0, max: 50, noNaN: true })),
        fc.float64Array({ min: 0, max: 1e4, noNaN: true, minLength: 0, maxLength: 300 }),
        fc.double({ min: 0, max: 1e4, noNaN: true }),
        (l, k, inflow, warm) => {
          const state = lagRouteSteadyState(k, warm, new Float64Array(lagRouteStateSize(l)))
          const s0 = lagRouteStorage(l, state)
          const out = new Float64Array(inflow.length)
          routeLagRoute(l, k, inflow, state, out)
          const s1 = lagRouteStorage(l, state)
          for (const q of out) expect(q).toBeGreaterThanOrEqual(0)
          expect(s1).toBeGreaterThanOrEqual(0)
          const sIn = sum(inflow)
          const sOut = sum(out)
          expect(Math.abs(sIn - sOut - (s1 - s0))).toBeLessThanOrEqual(
            1e-9 * (sIn + sOut + s0 + s1),
          )
        },
      ),
      { seed: SEED, numRuns: 1000 },
    )
  })

  it('delays every series by a whole lag exactly (fixed seed)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 20 }),
        fc.float64Array({ min: 0, max: 1e6, noNaN: true, minLength: 1, maxLength: 100 }),
        (l, inflow) => {
          const { out } = lag(l, inflow)
          for (let t = 0; t < inflow.length; t++) expect(out[t]).toBe(t < l ? 0 : inflow[t - l])
        },
      ),
      { seed: SEED, numRuns: 300 },
    )
  })
})
