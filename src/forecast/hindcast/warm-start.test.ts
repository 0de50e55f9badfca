import { describe, expect, it } from 'vitest'
import { gr4j } from '../../hydro/models/gr4j/run.ts'
import { runModel } from '../../hydro/models/run-model.ts'
import { DEFAULT_INITIAL_LEVELS } from '../../hydro/models/types.ts'
import { SPIN_UP_STEPS, firstForcingGap, hindcastStart, stateAtStep } from './warm-start.ts'

const n = 900
const forcing = {
  precip: Float64Array.from({ length: n }, (_, i) => (i % 7 === 0 ? 12 : i % 3 === 0 ? 2 : 0)),
  pet: Float64Array.from({ length: n }, (_, i) => 2 + Math.sin(i / 58)),
}
const params = Float64Array.of(300, 0.5, 70, 1.8)
const run = { model: gr4j, params, forcing, warmup: [0, 100] as const, runStart: 100 }

describe('hindcast warm start', () => {
  it('runs the warm-up, then the run period up to the step, as one chain', () => {
    const warm = runModel(gr4j, params, forcing, { start: 0, end: 100 }).state
    const expected = runModel(gr4j, params, forcing, { start: 100, end: 640 }, { state: warm })
    expect(stateAtStep(run, 640)).toEqual(expected.state)
    expect(stateAtStep(run, 100)).toEqual(warm)
    // Without a warm-up: the model's initial state at the run start.
    expect(stateAtStep({ ...run, warmup: [0, 0] }, 100)).toEqual(
      gr4j.initialState(params, DEFAULT_INITIAL_LEVELS),
    )
  })

  it('starts a year before the first issue, or at the run start when that is later', () => {
    const far = hindcastStart(run, 800)
    expect(far.stateStep).toBe(800 - SPIN_UP_STEPS)
    expect(far.initialState).toEqual(stateAtStep(run, 800 - SPIN_UP_STEPS))
    expect(hindcastStart(run, 300).stateStep).toBe(100)
  })

  it('finds the first gap in the forcing it reads', () => {
    expect(firstForcingGap(gr4j, forcing, 0, n)).toBeUndefined()
    const pet = Float64Array.from(forcing.pet)
    pet[500] = NaN
    pet[20] = Infinity
    expect(firstForcingGap(gr4j, { ...forcing, pet }, 100, n)).toEqual({
      column: 'pet_mm',
      step: 500,
    })
    expect(firstForcingGap(gr4j, { ...forcing, pet }, 100, 500)).toBeUndefined()
  })
})
