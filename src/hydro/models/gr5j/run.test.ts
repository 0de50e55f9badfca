import { describe, expect, it } from 'vitest'
import {
  readReference,
  readTable,
  worstMismatch,
} from '../../../../test/support/airgr-reference.ts'
import { runModel } from '../run-model.ts'
import { gr5j, GR5J_OUTPUTS } from './run.ts'
import { PROD, ROUT, UH1, uh2Offset } from './state.ts'

const REL = 1e-10
const ABS = 1e-12
const NH = 20

// Fixtures built from airGR's Fortran (data/catchments/PROVENANCE.md) sit beside the R runs.
const readFortranReference = (id: string) => readReference(`reference-fortran/${id}`)

const input = readTable('inputs/L0123001.csv')
const forcing = {
  precip: input.columns.get('precip_mm')!,
  pet: input.columns.get('pet_mm')!,
}

describe.each(['gr5j_L0123001'])('GR5J against airGR Fortran reference %s', (id) => {
  const ref = readFortranReference(id)
  const p = ref.meta.param
  const params = Float64Array.of(p.X1, p.X2, p.X3, p.X4, p.X5)
  const period = { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd }
  const run = runModel(gr5j, params, forcing, period, { allOutputs: true })

  it.each(GR5J_OUTPUTS)('reproduces %s over the run period', (name) => {
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
    const uh2 = run.state.subarray(uh2Offset(NH), uh2Offset(NH) + 2 * NH)
    expect(worstMismatch(uh2, fin.UH.UH2, REL, ABS).ratio).toBeLessThanOrEqual(1)
    // GR5J has no UH1: its slots stay empty.
    expect(Array.from(run.state.subarray(UH1, UH1 + NH))).toEqual(new Array(NH).fill(0))
  })

  it('continues warm from a saved state exactly as an unbroken run', () => {
    const mid = ref.runStart + 1000
    const first = runModel(gr5j, params, forcing, { ...period, end: mid })
    const second = runModel(
      gr5j,
      params,
      forcing,
      { start: mid, end: ref.runEnd },
      { state: first.state },
    )
    expect(Array.from(second.qsim)).toEqual(Array.from(run.qsim.subarray(mid - ref.runStart)))
    expect(Array.from(second.state)).toEqual(Array.from(run.state))
  })
})

describe('GR5J parameter domain', () => {
  it.each([
    ['X1 ≤ 0', [0, -0.5, 90, 2.2, 0.3], 'X1'],
    ['X3 ≤ 0', [250, -0.5, -1, 2.2, 0.3], 'X3'],
    ['X4 beyond the 20-day hydrograph', [250, -0.5, 90, 20.5, 0.3], 'X4'],
    ['X5 not finite', [250, -0.5, 90, 2.2, NaN], 'X5'],
  ])('rejects %s', (_, values, name) => {
    const issues = gr5j.checkParams(Float64Array.from(values))
    expect(issues.map((i) => i.path.at(-1))).toEqual([name])
  })

  it('rejects a vector of the wrong length and accepts a valid one', () => {
    expect(gr5j.checkParams(Float64Array.of(250, -0.5, 90, 2.2))).toHaveLength(1)
    expect(gr5j.checkParams(Float64Array.of(250, -0.5, 90, 20, -3))).toEqual([])
  })
})
