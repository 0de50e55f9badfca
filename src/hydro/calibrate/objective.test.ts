import { describe, expect, it } from 'vitest'
import { readReference, readTable } from '../../../test/support/airgr-reference.ts'
import { InputError } from '../../core/errors.ts'
import { bindCriterion } from '../criteria/efficiency.ts'
import { runModel } from '../models/run-model.ts'
import { gr4j } from '../models/gr4j/run.ts'
import { bindModelObjective } from './objective.ts'

describe('the calibration objective', () => {
  it("gives airGR's criteria for airGR's calibrated parameters", () => {
    const input = readTable('inputs/L0123001.csv')
    const forcing = { precip: input.columns.get('precip_mm')!, pet: input.columns.get('pet_mm')! }
    for (const [id, name] of [
      ['gr4j_L0123001_calib_kge', 'KGE'],
      ['gr4j_L0123001_calib_nse', 'NSE'],
    ] as const) {
      const ref = readReference(id)
      const p = ref.meta.param
      const period = { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd }
      const obs = input.columns.get('q_mm')!.slice(ref.runStart, ref.runEnd)
      const obj = bindModelObjective(gr4j, forcing, period, obs, name)
      const params = Float64Array.of(p.X1, p.X2, p.X3, p.X4)
      const value = obj.criterion(params)
      expect(value).toBeCloseTo(ref.meta.calibration.crit_final, 14)
      expect(value).toBe(
        bindCriterion(name, obs).evaluate(runModel(gr4j, params, forcing, period).qsim),
      )
      expect(obj.multiplier).toBe(-1)
      expect(obj.nObs).toBe(ref.meta.criteria_run_period.n_obs_used)
      expect(obj.criterion(Float64Array.of(-1, 0, 50, 2))).toBeNaN()
    }
  })

  it('rejects misaligned observations and periods outside the forcing', () => {
    const forcing = { precip: new Float64Array(100), pet: new Float64Array(100) }
    const obs = new Float64Array(50).fill(1)
    expect(() => bindModelObjective(gr4j, forcing, { start: 10, end: 50 }, obs, 'NSE')).toThrow(
      InputError,
    )
    expect(() => bindModelObjective(gr4j, forcing, { start: 60, end: 110 }, obs, 'NSE')).toThrow(
      InputError,
    )
    expect(() =>
      bindModelObjective(
        gr4j,
        forcing,
        { start: 50, end: 100 },
        new Float64Array(50).fill(NaN),
        'NSE',
      ),
    ).toThrow(InputError)
  })
})
