import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRng } from '../../core/rng.ts'
import { crps, crpsSeries, crpss, fairCrps, meanCrps } from './ensemble.ts'

const SEED = 20_250_614

/** The energy form, term by term: O(m²). */
function bruteCrps(x: ArrayLike<number>, y: number, fair = false): number {
  const m = x.length
  let err = 0
  let pairs = 0
  for (let i = 0; i < m; i++) {
    err += Math.abs(x[i]! - y)
    for (let j = 0; j < m; j++) pairs += Math.abs(x[i]! - x[j]!)
  }
  return err / m - pairs / (fair ? 2 * m * (m - 1) : 2 * m * m)
}

/** The definition ∫ (F(z) − 𝟙{z ≥ y})² dz, integrated exactly: the integrand is piecewise constant. */
function integralCrps(x: ArrayLike<number>, y: number): number {
  const m = x.length
  const knots = [...Array.from(x), y].sort((a, b) => a - b)
  let s = 0
  for (let k = 0; k + 1 < knots.length; k++) {
    const a = knots[k]!
    const b = knots[k + 1]!
    if (b === a) continue
    const mid = (a + b) / 2
    let below = 0
    for (let i = 0; i < m; i++) if (x[i]! <= mid) below++
    const d = below / m - (mid >= y ? 1 : 0)
    s += d * d * (b - a)
  }
  return s
}

describe('crps and fairCrps: hand-checked values', () => {
  it.each([
    // members, obs, CRPS, fair CRPS, worked by hand:
    // {1, 3} vs 2: mean |x − y| = 1, ΣΣ|xᵢ − xⱼ| = 4; CRPS = 1 − 4/8 = 0.5; fair = 1 − 4/4 = 0.
    //   Integral: F = ½ on [1, 3): ∫₁² ¼ + ∫₂³ ¼ = 0.5.
    [[1, 3], 2, 0.5, 0],
    // {1, 3} vs 0: mean |x − y| = 2; CRPS = 2 − 0.5 = 1.5; fair = 2 − 1 = 1.
    //   Integral: ∫₀¹ 1 + ∫₁³ ¼ = 1.5.
    [[3, 1], 0, 1.5, 1],
    // {0, 1, 2} vs 1: mean |x − y| = 2/3, ΣΣ = 2·(1 + 2 + 1) = 8; CRPS = 2/3 − 8/18 = 2/9;
    //   fair = 2/3 − 8/12 = 0. Integral: ∫₀¹ (1/3)² + ∫₁² (2/3 − 1)² = 2/9.
    [[2, 0, 1], 1, 2 / 9, 0],
    // {0, 1, 2} vs 3: mean |x − y| = 2; CRPS = 2 − 4/9 = 14/9; fair = 2 − 2/3 = 4/3.
    //   Integral: ∫₀¹ 1/9 + ∫₁² 4/9 + ∫₂³ 1 = 14/9.
    [[0, 1, 2], 3, 14 / 9, 4 / 3],
    // {5, 5, 5, 5} vs 2: no spread, CRPS = fair = |5 − 2| = 3.
    [[5, 5, 5, 5], 2, 3, 3],
    // {0, 0, 4, 4} vs 4: mean |x − y| = 2, ΣΣ = 8·4 = 32; CRPS = 2 − 32/32 = 1; fair = 2 − 32/24 = 2/3.
    [[0, 4, 0, 4], 4, 1, 2 / 3],
  ])('members %j against %d: CRPS %d, fair %d', (members, y, expected, expectedFair) => {
    const x = Float64Array.from(members)
    expect(crps(x, y)).toBeCloseTo(expected, 15)
    expect(fairCrps(x, y)).toBeCloseTo(expectedFair, 15)
    expect(integralCrps(x, y)).toBeCloseTo(expected, 15)
  })

  it('is |x − y| for a single member, whose fair CRPS is undefined', () => {
    for (const [x, y] of [
      [3, 7],
      [-2.5, 1],
      [4, 4],
    ] as const) {
      expect(crps(Float64Array.of(x), y)).toBe(Math.abs(x - y))
      expect(fairCrps(Float64Array.of(x), y)).toBeNaN()
    }
  })

  it('gives NaN for a missing observation or member, and leaves the members as they were', () => {
    const x = Float64Array.of(3, 1, 2)
    expect(crps(x, NaN)).toBeNaN()
    expect(crps(Float64Array.of(1, NaN), 0)).toBeNaN()
    expect(Array.from(x)).toEqual([3, 1, 2])
  })

  it('uses a longer scratch array and rejects a short one or an empty ensemble', () => {
    const scratch = new Float64Array(10).fill(99)
    expect(crps(Float64Array.of(1, 3), 2, scratch)).toBe(0.5)
    expect(() => crps(Float64Array.of(1, 3), 2, new Float64Array(1))).toThrow(/scratch/)
    expect(() => crps(new Float64Array(0), 2)).toThrow(/at least one member/)
    expect(() => fairCrps(new Float64Array(0), 2)).toThrow(/at least one member/)
  })
})

describe('crps properties (fixed seed)', () => {
  const member = fc.double({ min: -1e3, max: 1e3, noNaN: true })
  const ensemble = fc.float64Array({
    min: -1e3,
    max: 1e3,
    noNaN: true,
    minLength: 1,
    maxLength: 60,
  })

  it('agrees with the O(m²) energy form and with the integral definition', () => {
    fc.assert(
      fc.property(ensemble, member, (x, y) => {
        let scale = Math.abs(y)
        for (const v of x) scale = Math.max(scale, Math.abs(v))
        const tol = 1e-12 * scale + 1e-300
        const c = crps(x, y)
        expect(Math.abs(c - bruteCrps(x, y))).toBeLessThanOrEqual(tol)
        expect(Math.abs(c - integralCrps(x, y))).toBeLessThanOrEqual(tol)
        if (x.length > 1)
          expect(Math.abs(fairCrps(x, y) - bruteCrps(x, y, true))).toBeLessThanOrEqual(tol)
      }),
      { seed: SEED, numRuns: 1000 },
    )
  })

  it('is ≥ 0, at least the fair CRPS, at most the mean absolute error, and blind to member order', () => {
    fc.assert(
      fc.property(ensemble, member, fc.integer(), (x, y, seed) => {
        const c = crps(x, y)
        let mae = 0
        for (const v of x) mae += Math.abs(v - y)
        mae /= x.length
        const tol = 1e-12 * (mae + 1)
        expect(c).toBeGreaterThanOrEqual(-tol)
        expect(c).toBeLessThanOrEqual(mae + tol)
        if (x.length > 1) expect(fairCrps(x, y)).toBeLessThanOrEqual(c + tol)
        const rng = seededRng(seed)
        const shuffled = Float64Array.from(x)
        for (let i = shuffled.length - 1; i > 0; i--) {
          const j = Math.floor((i + 1) * rng.next())
          const t = shuffled[i]!
          shuffled[i] = shuffled[j]!
          shuffled[j] = t
        }
        expect(crps(shuffled, y)).toBe(c)
      }),
      { seed: SEED, numRuns: 500 },
    )
  })
})

describe('crpsSeries and meanCrps', () => {
  // Three members over four steps; the third observation is missing.
  const members = [
    Float64Array.of(1, 0, 5, 2),
    Float64Array.of(3, 1, 5, 2),
    Float64Array.of(2, 2, 5, 2),
  ]
  const obs = Float64Array.of(2, 3, NaN, 2)

  it('scores each step, NaN where the observation is missing', () => {
    const out = crpsSeries(members, obs, new Float64Array(4))
    // Step 0: {1, 2, 3} vs 2 is {0, 1, 2} vs 1 shifted: 2/9. Step 1: {0, 1, 2} vs 3: 14/9.
    expect(out[0]).toBeCloseTo(2 / 9, 15)
    expect(out[1]).toBeCloseTo(14 / 9, 15)
    expect(out[2]).toBeNaN()
    expect(out[3]).toBe(0)
    const fair = crpsSeries(members, obs, new Float64Array(4), { fair: true })
    expect(fair[0]).toBeCloseTo(0, 15)
    expect(fair[1]).toBeCloseTo(4 / 3, 15)
  })

  it('averages over the observed steps only', () => {
    expect(meanCrps(members, obs)).toBeCloseTo((2 / 9 + 14 / 9 + 0) / 3, 15)
    expect(meanCrps(members, obs, { fair: true })).toBeCloseTo((0 + 4 / 3 + 0) / 3, 15)
    expect(meanCrps(members, Float64Array.of(NaN, NaN, NaN, NaN))).toBeNaN()
    expect(
      meanCrps(
        members.map((m) => m.subarray(0, 0)),
        new Float64Array(0),
      ),
    ).toBeNaN()
  })

  it('is the mean absolute error for a deterministic forecast (one member)', () => {
    const rng = seededRng(SEED)
    const n = 5000
    const sim = Float64Array.from({ length: n }, () => 100 * rng.next())
    const o = Float64Array.from({ length: n }, () => (rng.next() < 0.1 ? NaN : 100 * rng.next()))
    let mae = 0
    let k = 0
    for (let t = 0; t < n; t++) {
      if (Number.isNaN(o[t]!)) continue
      mae += Math.abs(sim[t]! - o[t]!)
      k++
    }
    expect(meanCrps([sim], o)).toBeCloseTo(mae / k, 12)
    expect(meanCrps([sim], o, { fair: true })).toBeNaN()
  })

  it('rejects an empty ensemble and series of different lengths', () => {
    expect(() => meanCrps([], obs)).toThrow(/at least one member/)
    expect(() => meanCrps([Float64Array.of(1, 2)], obs)).toThrow(/member 0 has 2 steps/)
    expect(() => crpsSeries(members, obs, new Float64Array(2))).toThrow(/output/)
  })
})

describe('crpss', () => {
  it.each([
    [0.5, 1, 0.5],
    [1, 1, 0],
    [0, 2, 1],
    [3, 2, -0.5],
    [0, 0, NaN], // both perfect: no skill to measure
    [1, 0, -Infinity], // the reference is perfect, the forecast is not
    [NaN, 1, NaN],
  ])('1 − %d/%d = %d', (score, ref, expected) => {
    expect(crpss(score, ref)).toBe(expected)
  })

  it('compares an ensemble with its climatology', () => {
    // A sharp, well-centred ensemble beats the spread of all observations used as an ensemble.
    const rng = seededRng(SEED + 1)
    const n = 400
    const truth = Float64Array.from({ length: n }, (_, t) => 50 + 40 * Math.sin(t / 20))
    const members = Array.from({ length: 20 }, () =>
      Float64Array.from(truth, (v) => v + 5 * rng.normal()),
    )
    const climatology = Array.from({ length: 20 }, (_, k) =>
      new Float64Array(n).fill(truth[k * 20]!),
    )
    const skill = crpss(meanCrps(members, truth), meanCrps(climatology, truth))
    expect(skill).toBeGreaterThan(0.5)
    expect(skill).toBeLessThan(1)
  })
})
