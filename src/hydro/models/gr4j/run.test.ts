import { describe, expect, it } from 'vitest'
import {
  readReference,
  readTable,
  worstMismatch,
} from '../../../../test/support/airgr-reference.ts'
import { runModel } from '../run-model.ts'
import { gr4j, GR4J_OUTPUTS } from './run.ts'
import { PROD, ROUT, UH1, uh2Offset } from './state.ts'

const REL = 1e-10
const ABS = 1e-12

const input = readTable('inputs/L0123001.csv')
const forcing = {
  precip: input.columns.get('precip_mm')!,
  pet: input.columns.get('pet_mm')!,
}

describe.each(['gr4j_L0123001_example', 'gr4j_L0123001_calib_nse', 'gr4j_L0123001_calib_kge'])(
  'GR4J against airGR reference %s',
  (id) => {
    const ref = readReference(id)
    const p = ref.meta.param
    const params = Float64Array.of(p.X1, p.X2, p.X3, p.X4)
    const run = runModel(
      gr4j,
      params,
      forcing,
      { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd },
      { allOutputs: true },
    )

    it.each(GR4J_OUTPUTS.filter((n) => n !== 'PotEvap' && n !== 'Precip'))(
      'reproduces %s over the run period',
      (name) => {
        const expected = ref.table.columns.get(name)!.subarray(...ref.runRows)
        const got = run.series.get(name)!
        expect(got.length).toBe(expected.length)
        const m = worstMismatch(got, expected, REL, ABS)
        expect(
          m.ratio,
          `${name} at run step ${m.at}: ${got[m.at]} vs ${expected[m.at]}`,
        ).toBeLessThanOrEqual(1)
      },
    )

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
      const uh1 = run.state.subarray(UH1, UH1 + 20)
      const uh2 = run.state.subarray(uh2Offset(20), uh2Offset(20) + 40)
      expect(worstMismatch(uh1, fin.UH.UH1, REL, ABS).ratio).toBeLessThanOrEqual(1)
      expect(worstMismatch(uh2, fin.UH.UH2, REL, ABS).ratio).toBeLessThanOrEqual(1)
    })

    it('continues warm from a saved state exactly as an unbroken run', () => {
      const mid = ref.runStart + 1000
      const first = runModel(gr4j, params, forcing, {
        warmupStart: ref.warmupStart,
        start: ref.runStart,
        end: mid,
      })
      const second = runModel(
        gr4j,
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
