import { describe, expect, it } from 'vitest'
import {
  readReference,
  readTable,
  worstMismatch,
} from '../../../../test/support/airgr-reference.ts'
import { runModel } from '../run-model.ts'
import { gr6j, GR6J_OUTPUTS } from './run.ts'
import { EXP, PROD, ROUT, UH1, uh2Offset } from './state.ts'

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

// `gain`: X2 > 0; `loss`: X2 < 0 with X6 = 0.6 mm, so that the exponential store's outflow
// takes all three of its forms (|Exp/X6| below and above 7, and beyond the cap of 33).
describe.each(['gr6j_L0123001_gain', 'gr6j_L0123001_loss'])(
  'GR6J against airGR Fortran reference %s',
  (id) => {
    const ref = readFortranReference(id)
    const p = ref.meta.param
    const params = Float64Array.of(p.X1, p.X2, p.X3, p.X4, p.X5, p.X6)
    const period = { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd }
    const run = runModel(gr6j, params, forcing, period, { allOutputs: true })

    it.each(GR6J_OUTPUTS)('reproduces %s over the run period', (name) => {
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
          [run.state[PROD]!, run.state[ROUT]!, run.state[EXP]!],
          [fin.Store.Prod, fin.Store.Rout, fin.Store.Exp],
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
      const mid = ref.runStart + 1000
      const first = runModel(gr6j, params, forcing, { ...period, end: mid })
      const second = runModel(
        gr6j,
        params,
        forcing,
        { start: mid, end: ref.runEnd },
        { state: first.state },
      )
      expect(Array.from(second.qsim)).toEqual(Array.from(run.qsim.subarray(mid - ref.runStart)))
      expect(Array.from(second.state)).toEqual(Array.from(run.state))
    })
  },
)

describe('GR6J parameter domain', () => {
  const valid = [250, 0.5, 90, 2.2, 0.2, 5]
  it.each([
    ['X6 = 0', 5, 0, 'X6'],
    ['X6 < 0', 5, -1, 'X6'],
    ['X6 not finite', 5, Infinity, 'X6'],
    ['X5 not finite', 4, NaN, 'X5'],
    ['X4 beyond the 20-day hydrograph', 3, 21, 'X4'],
  ])('rejects %s', (_, index, value, name) => {
    const params = Float64Array.from(valid)
    params[index] = value
    expect(gr6j.checkParams(params).map((i) => i.path.at(-1))).toEqual([name])
  })

  it('accepts a valid vector and starts with an empty exponential store', () => {
    const params = Float64Array.from(valid)
    expect(gr6j.checkParams(params)).toEqual([])
    const st = gr6j.initialState(params, {
      productionStoreFraction: 0.3,
      routingStoreFraction: 0.5,
    })
    expect([st[PROD], st[ROUT], st[EXP]]).toEqual([75, 45, 0])
  })
})
