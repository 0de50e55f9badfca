import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { uh1Ordinates, uh1Span, uh2Ordinates, uh2Span } from './unit-hydrograph.ts'

const SEED = 20_261_129

describe('unit hydrographs', () => {
  it('have ordinates that are non-negative and sum to 1 (daily and hourly exponents)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 19.9, noNaN: true }),
        fc.constantFrom(2.5, 1.25),
        (x4, d) => {
          const o1 = uh1Ordinates(x4, d, new Float64Array(20))
          const o2 = uh2Ordinates(x4, d, new Float64Array(40))
          const s1 = o1.reduce((a, b) => a + b, 0)
          const s2 = o2.reduce((a, b) => a + b, 0)
          expect(Math.abs(s1 - 1)).toBeLessThanOrEqual(1e-15)
          expect(Math.abs(s2 - 1)).toBeLessThanOrEqual(1e-15)
          expect(Math.min(...o1, ...o2)).toBeGreaterThanOrEqual(0)
          // Beyond the span the ordinates are zero, so convolving only the span loses nothing.
          for (let k = uh1Span(x4, 20); k < 19; k++) expect(o1[k]).toBe(0)
          for (let k = uh2Span(x4, 40); k < 39; k++) expect(o2[k]).toBe(0)
        },
      ),
      { seed: SEED, numRuns: 500 },
    )
  })

  it('spread a pulse over X4 steps for UH1 and 2·X4 for UH2', () => {
    const o1 = uh1Ordinates(3, 2.5, new Float64Array(20))
    expect(o1[0]).toBeCloseTo((1 / 3) ** 2.5, 15)
    expect(o1[2]).toBeCloseTo(1 - (2 / 3) ** 2.5, 15)
    expect(o1[3]).toBe(0)
    const o2 = uh2Ordinates(3, 2.5, new Float64Array(40))
    expect(o2[5]).toBeGreaterThan(0)
    expect(o2[6]).toBe(0)
  })
})
