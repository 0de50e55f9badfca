import { describe, expect, it } from 'vitest'
import {
  readReference,
  readTable,
  worstMismatch,
} from '../../../../test/support/airgr-reference.ts'
import { InputError } from '../../../core/errors.ts'
import { runModel } from '../run-model.ts'
import { createGr5h, gr5h, GR5H_OUTPUTS } from './run.ts'
import { INT, PROD, ROUT, UH1, uh2Offset } from './state.ts'

const REL = 1e-10
const ABS = 1e-12
const NH = 480

// Fixtures built from airGR's Fortran (data/catchments/PROVENANCE.md) sit beside the R runs.
const readFortranReference = (id: string) => readReference(`reference-fortran/${id}`)

const input = readTable('inputs/L0123001_hourly_derived.csv')
const forcing = {
  precip: input.columns.get('precip_mm')!,
  pet: input.columns.get('pet_mm')!,
}

// The interception run also drains the routing store to 0 at times (X2 > 0, X5 = 0.75), so it
// covers airGR's clamp of the routing-branch exchange (AExch1 ≠ Exch).
describe.each([
  { id: 'gr5h_L0123001_hourly', interception: false },
  { id: 'gr5h_L0123001_hourly_interception', interception: true },
])('GR5H against airGR Fortran reference $id', ({ id, interception }) => {
  const ref = readFortranReference(id)
  const p = ref.meta.param
  const params = Float64Array.of(p.X1, p.X2, p.X3, p.X4, p.X5)
  const model = interception ? createGr5h({ imaxMm: ref.meta.Imax }) : gr5h
  const period = { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd }
  const run = runModel(model, params, forcing, period, { allOutputs: true })

  it('is built with the reference run’s interception store', () => {
    expect(model.imaxMm).toBe(interception ? 2.5 : null)
    expect(ref.meta.Imax ?? null).toBe(model.imaxMm)
  })

  it.each(GR5H_OUTPUTS)('reproduces %s over the run period', (name) => {
    const expected = ref.table.columns.get(name)!.subarray(...ref.runRows)
    const got = run.series.get(name)!
    expect(got.length).toBe(expected.length)
    const m = worstMismatch(got, expected, REL, ABS)
    expect(
      m.ratio,
      `${name} at run step ${m.at}: ${got[m.at]} vs ${expected[m.at]}`,
    ).toBeLessThanOrEqual(1)
  })

  it("ends in airGR's final state", () => {
    const fin = ref.meta.final_states_end_of_run
    expect(
      worstMismatch(
        [run.state[PROD]!, run.state[ROUT]!, run.state[INT]!],
        [fin.Store.Prod, fin.Store.Rout, fin.Store.Int ?? 0],
        REL,
        ABS,
      ).ratio,
    ).toBeLessThanOrEqual(1)
    const uh2 = run.state.subarray(uh2Offset(NH), uh2Offset(NH) + 2 * NH)
    expect(worstMismatch(uh2, fin.UH.UH2, REL, ABS).ratio).toBeLessThanOrEqual(1)
    // GR5H has no UH1: its slots stay empty.
    expect(run.state.subarray(UH1, UH1 + NH).every((v) => v === 0)).toBe(true)
  })

  it('continues warm from a saved state exactly as an unbroken run', () => {
    const mid = ref.runStart + 300
    const first = runModel(model, params, forcing, { ...period, end: mid })
    const second = runModel(
      model,
      params,
      forcing,
      { start: mid, end: ref.runEnd },
      { state: first.state },
    )
    expect(Array.from(second.qsim)).toEqual(Array.from(run.qsim.subarray(mid - ref.runStart)))
    expect(Array.from(second.state)).toEqual(Array.from(run.state))
  })
})

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
