import { describe, expect, it } from 'vitest'
import {
  readReference,
  readTable,
  worstMismatch,
} from '../../../../test/support/airgr-reference.ts'
import { runModel } from '../run-model.ts'
import { gr4h, GR4H_OUTPUTS } from './run.ts'
import { PROD, ROUT, UH1, uh2Offset } from './state.ts'

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

describe.each(['gr4h_L0123001_hourly'])('GR4H against airGR Fortran reference %s', (id) => {
  const ref = readFortranReference(id)
  const p = ref.meta.param
  const params = Float64Array.of(p.X1, p.X2, p.X3, p.X4)
  const period = { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd }
  const run = runModel(gr4h, params, forcing, period, { allOutputs: true })

  it('runs on the hourly series', () => {
    expect(input.stepMs).toBe(3_600_000)
    expect(input.dates[ref.runStart]).toBe(ref.meta.run.start_date)
  })

  it.each(GR4H_OUTPUTS)('reproduces %s over the run period', (name) => {
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
        [run.state[PROD]!, run.state[ROUT]!],
        [fin.Store.Prod, fin.Store.Rout],
        REL,
        ABS,
      ).ratio,
    ).toBeLessThanOrEqual(1)
    const uh1 = run.state.subarray(UH1, UH1 + NH)
    const uh2 = run.state.subarray(uh2Offset(NH), uh2Offset(NH) + 2 * NH)
    expect(worstMismatch(uh1, fin.UH.UH1, REL, ABS).ratio).toBeLessThanOrEqual(1)
    expect(worstMismatch(uh2, fin.UH.UH2, REL, ABS).ratio).toBeLessThanOrEqual(1)
  })

  it('continues warm from a saved state exactly as an unbroken run', () => {
    const mid = ref.runStart + 300
    const first = runModel(gr4h, params, forcing, { ...period, end: mid })
    const second = runModel(
      gr4h,
      params,
      forcing,
      { start: mid, end: ref.runEnd },
      { state: first.state },
    )
    expect(Array.from(second.qsim)).toEqual(Array.from(run.qsim.subarray(mid - ref.runStart)))
    expect(Array.from(second.state)).toEqual(Array.from(run.state))
  })
})

describe('GR4H parameter domain', () => {
  it('accepts X4 up to the 480-hour hydrograph and rejects it beyond', () => {
    expect(gr4h.checkParams(Float64Array.of(200, -0.05, 100, 480))).toEqual([])
    const issues = gr4h.checkParams(Float64Array.of(200, -0.05, 100, 480.5))
    expect(issues.map((i) => i.path.at(-1))).toEqual(['X4'])
  })

  it('rejects empty stores and non-finite values', () => {
    const issues = gr4h.checkParams(Float64Array.of(0, -0.05, -3, 12))
    expect(issues.map((i) => i.path.at(-1))).toEqual(['X1', 'X3'])
    expect(gr4h.checkParams(Float64Array.of(200, NaN, 100, 12))).toHaveLength(1)
  })

  it('has the hourly state layout', () => {
    expect(gr4h.stateSize).toBe(4 + 3 * NH)
    expect(gr4h.stateNames[uh2Offset(NH)]).toBe('UH2[0]')
  })
})
