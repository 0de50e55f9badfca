import { describe, expect, it } from 'vitest'
import {
  readReference,
  readTable,
  worstMismatch,
} from '../../../../test/support/airgr-reference.ts'
import { describeParity } from '../../../../test/support/model-parity.ts'
import { InputError } from '../../../core/errors.ts'
import { runModel } from '../run-model.ts'
import { createGr5h, gr5h } from './run.ts'
import { INT, PROD, ROUT } from './state.ts'

const input = readTable('inputs/L0123001_hourly_derived.csv')
const forcing = {
  precip: input.columns.get('precip_mm')!,
  pet: input.columns.get('pet_mm')!,
}

describeParity(gr5h, 'reference-fortran/gr5h_L0123001_hourly', 480)
// The interception run also drains the routing store to 0 at times (X2 > 0, X5 = 0.75), so it
// covers airGR's clamp of the routing-branch exchange (AExch1 ≠ Exch).
const withInterception = 'reference-fortran/gr5h_L0123001_hourly_interception'
describeParity(
  createGr5h({ imaxMm: readReference(withInterception).meta.Imax }),
  withInterception,
  480,
)

describe('GR5H interception store', () => {
  const params = Float64Array.of(150, 0.02, 50, 12.3, 0.5)
  const period = { warmupStart: 2640, start: 2880, end: 3624 }
  const levels = { productionStoreFraction: 0.3, routingStoreFraction: 0.5 }

  it('stays between 0 and Imax, and is 0 throughout without interception', () => {
    const withInt = runModel(createGr5h({ imaxMm: 2.5 }), params, forcing, period, {
      allOutputs: true,
    })
    const interc = withInt.series.get('Interc')!
    expect(Math.min(...interc)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...interc)).toBeLessThanOrEqual(2.5 + 1e-12)
    expect(Math.max(...interc)).toBeGreaterThan(0)
    const without = runModel(gr5h, params, forcing, period, { allOutputs: true })
    expect(without.series.get('Interc')!.every((v) => v === 0)).toBe(true)
  })

  it('with Imax = 0 only lets evapotranspiration meet the rain of the same hour', () => {
    const zero = runModel(createGr5h({ imaxMm: 0 }), params, forcing, period, {
      allOutputs: true,
    })
    const none = runModel(gr5h, params, forcing, period, { allOutputs: true })
    const ei0 = zero.series.get('EI')!
    const ei = none.series.get('EI')!
    expect(zero.series.get('Interc')!.every((v) => v === 0)).toBe(true)
    expect(worstMismatch(ei0, ei, 1e-12, 1e-15).ratio).toBeLessThanOrEqual(1)
    expect(worstMismatch(zero.qsim, none.qsim, 1e-9, 1e-12).ratio).toBeLessThanOrEqual(1)
  })

  it('starts empty on a cold start and ignores a saved level when it has no store', () => {
    const st = createGr5h({ imaxMm: 2.5 }).initialState(params, levels)
    expect([st[PROD], st[ROUT], st[INT]]).toEqual([45, 25, 0])
    const saved = gr5h.initialState(params, levels)
    saved[INT] = 1
    const run = runModel(gr5h, params, forcing, { start: 2880, end: 2890 }, { state: saved })
    expect(run.state[INT]).toBe(0)
  })

  it.each([-1, NaN, Infinity])('rejects an interception capacity of %s mm', (imaxMm) => {
    expect(() => createGr5h({ imaxMm })).toThrow(InputError)
  })
})

describe('GR5H parameter domain', () => {
  it('accepts X4 up to the 480-hour hydrograph and rejects it beyond', () => {
    expect(gr5h.checkParams(Float64Array.of(150, 0.02, 50, 480, 0.5))).toEqual([])
    const issues = gr5h.checkParams(Float64Array.of(150, 0.02, 50, 481, 0.5))
    expect(issues.map((i) => i.path.at(-1))).toEqual(['X4'])
  })

  it('rejects a non-finite X5 and a vector of the wrong length', () => {
    const issues = gr5h.checkParams(Float64Array.of(150, 0.02, 50, 12, NaN))
    expect(issues.map((i) => i.path.at(-1))).toEqual(['X5'])
    expect(gr5h.checkParams(Float64Array.of(150, 0.02, 50, 12))).toHaveLength(1)
  })
})
