import { describe, expect, it } from 'vitest'
import { EULER_GAMMA, gamma1p, lnGamma, lnGamma1p, oneMinusGamma1pOverK } from './special.ts'

describe('Γ and its relatives', () => {
  it.each([
    // x, Γ(x): factorials and the half-integers √π·(2n)!/(4ⁿ n!)
    [1, 1],
    [2, 1],
    [5, 24],
    [11, 3628800],
    [0.5, Math.sqrt(Math.PI)],
    [1.5, Math.sqrt(Math.PI) / 2],
    [2.5, (3 * Math.sqrt(Math.PI)) / 4],
    [0.1, 9.513507698668732],
  ])('Γ(%d) = %d', (x, g) => {
    expect(Math.exp(lnGamma(x))).toBeCloseTo(g, 12 - Math.ceil(Math.log10(g + 1)))
    expect(Math.abs(gamma1p(x - 1) / g - 1)).toBeLessThan(1e-13)
  })

  it('meets the Lanczos branch at |k| = 1/4 to the last digits', () => {
    for (const k of [0.25, -0.25, 0.2, -0.2, 0.1]) {
      expect(Math.abs(lnGamma1p(k) - lnGamma(1 + k))).toBeLessThan(2e-15)
    }
  })

  it('keeps its relative accuracy as k → 0, where 1 − Γ(1 + k) cancels', () => {
    expect(oneMinusGamma1pOverK(0)).toBe(EULER_GAMMA)
    // (1 − Γ(1 + k))/k = γ − (γ²/2 + π²/12)k + O(k²) (from the series of ln Γ(1 + k)).
    const c2 = (EULER_GAMMA * EULER_GAMMA) / 2 + (Math.PI * Math.PI) / 12
    for (const k of [1e-300, 1e-12, -1e-12, 1e-8, -1e-8, 1e-6]) {
      const series = EULER_GAMMA - c2 * k
      expect(Math.abs(oneMinusGamma1pOverK(k) - series)).toBeLessThan(1e-15 + 2 * k * k)
    }
    // Γ(1 + k) for k = ±0.5 and 1 through the general formula.
    expect(oneMinusGamma1pOverK(0.5)).toBeCloseTo((1 - Math.sqrt(Math.PI) / 2) / 0.5, 14)
    expect(oneMinusGamma1pOverK(-0.5)).toBeCloseTo((1 - Math.sqrt(Math.PI)) / -0.5, 14)
    expect(Math.abs(oneMinusGamma1pOverK(1))).toBeLessThan(1e-15)
  })
})
