import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { seededRng } from '../../core/rng.ts'
import { probabilityWeightedMoments, sampleLMoments } from './lmoments.ts'

/**
 * L-moments as U-statistics (Hosking 1990): means over all pairs, triples and
 * quadruples of the ordered sample of (x₂ − x₁)/2, (x₃ − 2x₂ + x₁)/3, (x₄ − 3x₃ + 3x₂ − x₁)/4.
 * An independent route to the same numbers, O(n⁴), for small samples.
 */
function bruteForce(sample: readonly number[]): { l2: number; l3: number; l4: number } {
  const x = [...sample].sort((a, b) => a - b)
  const n = x.length
  let s2 = 0
  let c2 = 0
  let s3 = 0
  let c3 = 0
  let s4 = 0
  let c4 = 0
  for (let i = 0; i < n; i++)
    for (let j = i + 1; j < n; j++) {
      s2 += (x[j]! - x[i]!) / 2
      c2++
      for (let k = j + 1; k < n; k++) {
        s3 += (x[k]! - 2 * x[j]! + x[i]!) / 3
        c3++
        for (let l = k + 1; l < n; l++) {
          s4 += (x[l]! - 3 * x[k]! + 3 * x[j]! - x[i]!) / 4
          c4++
        }
      }
    }
  return { l2: s2 / c2, l3: c3 > 0 ? s3 / c3 : NaN, l4: c4 > 0 ? s4 / c4 : NaN }
}

const lm = (xs: readonly number[]) => sampleLMoments(Float64Array.from(xs))

describe('sample L-moments', () => {
  it.each([
    // name, sample, l1, l2, l3, t3
    ['one value', [5], 5, 0, NaN, NaN],
    ['two values', [3, 1], 2, 1, NaN, NaN],
    ['constant', [2, 2, 2, 2], 2, 0, 0, NaN],
    ['all but the largest equal', [0, 0, 1], 1 / 3, 1 / 3, 1 / 3, 1],
    ['all but the smallest equal', [1, 0, 1], 2 / 3, 1 / 3, -1 / 3, -1],
    ['1..5 (symmetric)', [4, 2, 5, 1, 3], 3, 1, 0, 0],
    // l_r = d/n for every r ≥ 2 when all but one value are equal (Hosking 1990).
    ['nine zeros and a one', [0, 0, 0, 0, 1, 0, 0, 0, 0, 0], 0.1, 0.1, 0.1, 1],
    ['nine ones and a zero', [1, 1, 1, 1, 1, 1, 1, 1, 1, 0], 0.9, 0.1, -0.1, -1],
  ])('%s', (_name, xs, l1, l2, l3, t3) => {
    const r = lm(xs)
    expect(r.n).toBe(xs.length)
    expect(r.l1).toBeCloseTo(l1, 14)
    expect(r.l2).toBeCloseTo(l2, 14)
    if (Number.isNaN(l3)) expect(r.l3).toBeNaN()
    else expect(r.l3).toBeCloseTo(l3, 14)
    if (Number.isNaN(t3)) expect(r.t3).toBeNaN()
    else if (Math.abs(t3) === 1)
      expect(r.t3).toBe(t3) // exactly: the GEV fit depends on it
    else expect(r.t3).toBeCloseTo(t3, 14)
  })

  it('gives l1 = (n + 1)/2, l2 = (n + 1)/6 and l3 = 0 for 1..n', () => {
    for (const n of [2, 3, 10, 101, 1000]) {
      const r = lm(Array.from({ length: n }, (_, i) => i + 1))
      expect(r.l1).toBeCloseTo((n + 1) / 2, 12)
      expect(r.l2).toBeCloseTo((n + 1) / 6, 12)
      if (n > 2) expect(Math.abs(r.l3)).toBeLessThan(1e-12 * n)
    }
  })

  it('rejects an empty sample and values that are not finite', () => {
    expect(() => lm([])).toThrow(/empty/)
    expect(() => lm([1, NaN, 2])).toThrow(/value 1 is not finite/)
    expect(() => lm([1, Infinity])).toThrow(/not finite/)
  })

  it('equals the U-statistics of Hosking (1990) on random samples', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 4, maxLength: 12 }),
        (xs) => {
          const r = lm(xs)
          const b = bruteForce(xs)
          const tol = 1e-11 * (1 + Math.max(...xs.map(Math.abs)))
          expect(Math.abs(r.l2 - b.l2)).toBeLessThan(tol)
          expect(Math.abs(r.l3 - b.l3)).toBeLessThan(tol)
          expect(Math.abs(r.l4 - b.l4)).toBeLessThan(tol)
        },
      ),
      { seed: 20240601, numRuns: 200 },
    )
  })

  it('is unchanged by the order of the sample, moves with a shift and scales with a factor', () => {
    const rng = seededRng(3)
    const xs = Array.from({ length: 57 }, () => 100 * rng.next() ** 3)
    const r = lm(xs)
    const rev = lm([...xs].reverse())
    expect(rev).toEqual(r)
    const shifted = lm(xs.map((x) => x + 1000))
    expect(shifted.l1).toBeCloseTo(r.l1 + 1000, 10)
    expect(shifted.l2).toBeCloseTo(r.l2, 10)
    expect(shifted.t3).toBeCloseTo(r.t3, 10)
    expect(shifted.t4).toBeCloseTo(r.t4, 10)
    const scaled = lm(xs.map((x) => -2 * x))
    expect(scaled.l2).toBeCloseTo(2 * r.l2, 10)
    expect(scaled.t3).toBeCloseTo(-r.t3, 12) // odd orders change sign
    expect(scaled.t4).toBeCloseTo(r.t4, 12)
  })

  it('keeps its digits for a large mean with a small spread (levels in m a.s.l.)', () => {
    // Offsets in 1/1024 are exact on top of 1e8, so x − 1e8 is the same sample, exactly.
    const rng = seededRng(11)
    const d = Array.from({ length: 500 }, () => Math.floor(rng.next() ** 2 * 4096) / 1024)
    const small = lm(d)
    const big = lm(d.map((v) => 1e8 + v))
    expect(big.l1 - 1e8).toBeCloseTo(small.l1, 7)
    expect(Math.abs(big.l2 / small.l2 - 1)).toBeLessThan(1e-9)
    expect(Math.abs(big.t3 - small.t3)).toBeLessThan(1e-8)
    expect(Math.abs(big.t4 - small.t4)).toBeLessThan(1e-8)
  })

  it('writes the unbiased PWMs b0…b3, as computed by hand for 1, 2, 3, 4', () => {
    // b0 = 10/4; b1 = (0·1 + 1/3·2 + 2/3·3 + 1·4)/4; b2 = (1/3·3 + 1·4)/4; b3 = 4/4.
    const out = new Float64Array(4)
    probabilityWeightedMoments(Float64Array.from([1, 2, 3, 4]), 0, out)
    expect(out[0]).toBeCloseTo(2.5, 15)
    expect(out[1]).toBeCloseTo((2 / 3 + 2 + 4) / 4, 15)
    expect(out[2]).toBeCloseTo((1 + 4) / 4, 15)
    expect(out[3]).toBeCloseTo(1, 15)
    probabilityWeightedMoments(Float64Array.from([7, 9]), 0, out)
    expect(out[2]).toBeNaN()
    expect(out[3]).toBeNaN()
  })
})
