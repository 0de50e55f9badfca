import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { readReference } from '../../../test/support/airgr-reference.ts'
import {
  CRITERION_NAMES,
  allCriteria,
  bindCriterion,
  kge,
  kge2,
  nse,
  parseFlowTransform,
  rmse,
} from './efficiency.ts'

const close = (a: number, b: number, rel = 1e-10): void => {
  expect(Math.abs(a - b), `${a} vs ${b}`).toBeLessThanOrEqual(rel * Math.abs(b) + 1e-15)
}

describe.each([
  'gr4j_L0123001_example',
  'gr4j_L0123001_calib_nse',
  'gr4j_L0123001_calib_kge',
  'cemaneige_gr4j_L0123002_example',
])('criteria of airGR reference %s', (id) => {
  const ref = readReference(id)
  const sim = ref.table.columns.get('Qsim')!.subarray(...ref.runRows)
  const obs = ref.table.columns.get('Qobs')!.subarray(...ref.runRows)
  const c = ref.meta.criteria_run_period

  it('equal airGR to 1e-10 with missing observations skipped', () => {
    const all = allCriteria(sim, obs)
    close(all.NSE, c.NSE)
    close(all.KGE, c.KGE)
    close(all.KGE2, c.KGE2)
    close(all.RMSE, c.RMSE)
    expect(all.n).toBe(c.n_obs_used)
  })

  it("give airGR's KGE and KGE′ components", () => {
    const k = kge(sim, obs)
    close(k.r, c.KGE_components.r)
    close(k.alpha, c.KGE_components.alpha)
    close(k.beta, c.KGE_components.beta)
    const k2 = kge2(sim, obs)
    close(k2.gamma, c.KGE2_components.gamma)
  })

  it('agree when bound once for repeated evaluation', () => {
    for (const name of ['NSE', 'KGE', 'KGE2', 'RMSE'] as const) {
      expect(bindCriterion(name, obs).evaluate(sim)).toBe(allCriteria(sim, obs)[name])
    }
  })
})

describe('criteria edge cases', () => {
  const obs = Float64Array.of(1, 2, NaN, 4, 0)
  const sim = Float64Array.of(1.5, 2, 3, 3, 0.5)

  it('is perfect for a perfect simulation', () => {
    expect(nse(obs, obs)).toBe(1)
    expect(kge(obs, obs).value).toBe(1)
    expect(rmse(obs, obs)).toBe(0)
  })

  it('skips missing observations', () => {
    // Pairs used: (1.5,1) (2,2) (3,4) (0.5,0): squared errors 0.25+0+1+0.25 = 1.5 over 4 steps.
    expect(rmse(sim, obs)).toBeCloseTo(Math.sqrt(1.5 / 4), 15)
    // mean obs 7/4; Σ(obs − mean)² = 0.5625+0.0625+5.0625+3.0625 = 8.75.
    expect(nse(sim, obs)).toBeCloseTo(1 - 1.5 / 8.75, 15)
  })

  it('skips zero flows under log without epsilon and keeps them with it', () => {
    expect(allCriteria(sim, obs, { transform: 'log' }).n).toBe(3)
    expect(allCriteria(sim, obs, { transform: 'log', epsilon: 0.01 }).n).toBe(4)
    expect(allCriteria(sim, obs, { transform: 'inv', epsilon: 0.01 }).n).toBe(4)
  })

  it('applies sqrt and powers', () => {
    expect(rmse(Float64Array.of(4), Float64Array.of(9), { transform: 'sqrt' })).toBe(1)
    expect(rmse(Float64Array.of(2), Float64Array.of(3), { transform: '^2' })).toBe(5)
  })

  it('returns NaN when nothing can be compared', () => {
    expect(nse(Float64Array.of(1), Float64Array.of(NaN))).toBeNaN()
    expect(kge(Float64Array.of(1), Float64Array.of(2)).value).toBeNaN()
  })

  it('parses transformation names', () => {
    expect(parseFlowTransform('log')).toBe('log')
    expect(parseFlowTransform('^0.5')).toBe('^0.5')
    expect(parseFlowTransform('cube')).toBeUndefined()
  })
})

describe('bindCriterion', () => {
  const flows = (n: number): fc.Arbitrary<number[]> =>
    fc.array(
      fc.oneof(
        { weight: 9, arbitrary: fc.double({ min: 0, max: 50, noNaN: true }) },
        { weight: 1, arbitrary: fc.constant(NaN) },
      ),
      { minLength: n, maxLength: n },
    )

  it('gives the same bits as the one-off criteria, missing values on either side (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 3, max: 60 }).chain((n) => fc.tuple(flows(n), flows(n))),
        fc.constantFrom(...CRITERION_NAMES),
        fc.constantFrom(undefined, 0.01),
        fc.constantFrom('none', 'sqrt', 'log') as fc.Arbitrary<'none' | 'sqrt' | 'log'>,
        ([o, s], name, epsilon, transform) => {
          const obs = Float64Array.from(o)
          const sim = Float64Array.from(s)
          const options = { transform, ...(epsilon === undefined ? {} : { epsilon }) }
          const a = bindCriterion(name, obs, options).evaluate(sim)
          const b = allCriteria(sim, obs, options)[name]
          expect(Object.is(a, b), `${a} vs ${b}`).toBe(true)
        },
      ),
      { seed: 7, numRuns: 600 },
    )
  })
})
