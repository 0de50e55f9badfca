/**
 * The parity checks every GR model passes against a reference run (airGR's, or airGR's
 * Fortran core): every output series over the run period, the final stores and unit
 * hydrographs, and a run split in two giving exactly the unbroken run.
 */
import { describe, expect, it } from 'vitest'
import { runModel } from '../../src/hydro/models/run-model.ts'
import { EXP, INT, PROD, ROUT, UH1, uh2Offset } from '../../src/hydro/models/gr4j/state.ts'
import type { ModelDefinition } from '../../src/hydro/models/types.ts'
import { readReference, readTable, worstMismatch } from './airgr-reference.ts'

const REL = 1e-10
const ABS = 1e-12

/** Asserts that `got` equals `expected` to 1e-10 relative (1e-12 absolute), naming the worst step. */
export function expectParity(
  name: string,
  got: ArrayLike<number>,
  expected: ArrayLike<number>,
): void {
  expect(got.length, name).toBe(expected.length)
  const m = worstMismatch(got, expected, REL, ABS)
  expect(m.ratio, `${name} at step ${m.at}: ${got[m.at]} vs ${expected[m.at]}`).toBeLessThanOrEqual(
    1,
  )
}

/**
 * Declares the parity tests of `model` against the reference run `id` (a name in
 * `data/catchments/reference/` or a path such as `reference-fortran/gr5j_L0123001`).
 * The forcing is the reference's input CSV; parameters come from its JSON by name.
 *
 * @param nh the model's UH1 length (20 daily, 480 hourly)
 */
export function describeParity(model: ModelDefinition, id: string, nh: number): void {
  describe(`${model.name} against reference run ${id}`, () => {
    const ref = readReference(id)
    const input = readTable(ref.meta.input_csv as string)
    const forcing = { precip: input.columns.get('precip_mm')!, pet: input.columns.get('pet_mm')! }
    const p = (ref.meta.calibration?.param_final ?? ref.meta.param) as Record<string, number>
    const params = Float64Array.from(model.paramNames, (n) => p[n]!)
    const period = { warmupStart: ref.warmupStart, start: ref.runStart, end: ref.runEnd }
    const run = runModel(model, params, forcing, period, { allOutputs: true })

    it.each(model.outputNames.filter((n) => ref.table.columns.has(n)))(
      'reproduces %s over the run period',
      (name) => {
        expectParity(
          name,
          run.series.get(name)!,
          ref.table.columns.get(name)!.subarray(...ref.runRows),
        )
      },
    )

    it("ends in airGR's final state", () => {
      const fin = ref.meta.final_states_end_of_run
      const stores: [number, number | null | undefined][] = [
        [PROD, fin.Store.Prod],
        [ROUT, fin.Store.Rout],
        [EXP, fin.Store.Exp],
        [INT, fin.Store.Int],
      ]
      for (const [k, v] of stores)
        if (v !== null && v !== undefined) expectParity(`store ${k}`, [run.state[k]!], [v])
      if (Array.isArray(fin.UH.UH1))
        expectParity('UH1', run.state.subarray(UH1, UH1 + nh), fin.UH.UH1)
      expectParity('UH2', run.state.subarray(uh2Offset(nh), uh2Offset(nh) + 2 * nh), fin.UH.UH2)
    })

    it('continues warm from a saved state exactly as an unbroken run', () => {
      const mid = ref.runStart + Math.floor((ref.runEnd - ref.runStart) / 3)
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
}
