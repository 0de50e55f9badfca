/**
 * Where a hindcast starts: the model state some way before the first issue, reached by running
 * the model on the observed forcing from a warm-up (as `freshet run` chains a warm-up and its
 * run period), and the check that the forcing a hindcast reads is complete. Shared by every
 * caller that sets up a hindcast over a record (the command line, the server's demo).
 */
import type { Forcing, InitialLevels, ModelDefinition } from '../../hydro/models/types.ts'
import { DEFAULT_INITIAL_LEVELS } from '../../hydro/models/types.ts'
import { runModel } from '../../hydro/models/run-model.ts'

/** Steps before the first issue from which the state updates are run (spin-up), at most. */
export const SPIN_UP_STEPS = 365

/** A model on a record, with its warm-up and the start of the period it was set up on. */
export interface WarmRun {
  readonly model: ModelDefinition
  readonly params: Float64Array
  /** The observed forcing over the whole record (mm/step; °C). */
  readonly forcing: Forcing
  /** Steps [start, end) of the warm-up, run from the model's initial state (may be empty). */
  readonly warmup: readonly [number, number]
  /** First step of the period after the warm-up (e.g. the calibration period). */
  readonly runStart: number
  /** Initial levels of the stores at the start of the warm-up (the model's default if absent). */
  readonly levels?: InitialLevels
}

/**
 * The state at the start of step `step` (≥ `run.runStart`): the warm-up, then the steps from
 * `runStart` up to `step`.
 *
 * @param step step index into the forcing
 * @returns the state (the model's layout; store levels in mm)
 * @throws InputError when a parameter lies outside the model's domain or a period lies outside
 *   the forcing (from runModel)
 */
export function stateAtStep(run: WarmRun, step: number): Float64Array {
  const { model, params, forcing } = run
  const [ws, we] = run.warmup
  const levels = run.levels ?? DEFAULT_INITIAL_LEVELS
  let state =
    ws < we
      ? runModel(model, params, forcing, { start: ws, end: we }, { levels }).state
      : model.initialState(params, levels)
  if (step > run.runStart)
    state = runModel(model, params, forcing, { start: run.runStart, end: step }, { state }).state
  return state
}

/**
 * The state a hindcast whose first forecast is issued on step `firstIssue` starts from: at
 * {@link SPIN_UP_STEPS} steps before it, or at the run start if that comes later, so that the
 * state updates (filters) have spun up by the first issue.
 *
 * @returns `stateStep` and `initialState`, as {@link HindcastSetup} takes them
 * @throws InputError as {@link stateAtStep}
 */
export function hindcastStart(
  run: WarmRun,
  firstIssue: number,
): { readonly stateStep: number; readonly initialState: Float64Array } {
  const stateStep = Math.max(run.runStart, firstIssue - SPIN_UP_STEPS)
  return { stateStep, initialState: stateAtStep(run, stateStep) }
}

/**
 * The first gap in the forcing a hindcast reads over steps [from, to): precipitation and PET,
 * and temperature when the model needs it.
 *
 * @returns the column (`precip_mm`, `pet_mm` or `temp_c`) and step of the first value that is
 *   not finite, or undefined when there is none
 */
export function firstForcingGap(
  model: ModelDefinition,
  forcing: Forcing,
  from: number,
  to: number,
): { readonly column: 'precip_mm' | 'pet_mm' | 'temp_c'; readonly step: number } | undefined {
  const columns: ['precip_mm' | 'pet_mm' | 'temp_c', Float64Array | undefined][] = [
    ['precip_mm', forcing.precip],
    ['pet_mm', forcing.pet],
    ...(model.needsTemperature
      ? [['temp_c', forcing.temp] as ['temp_c', Float64Array | undefined]]
      : []),
  ]
  for (const [column, v] of columns) {
    for (let i = from; i < to; i++) if (!Number.isFinite(v?.[i])) return { column, step: i }
  }
  return undefined
}
