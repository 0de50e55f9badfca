/**
 * The driver shared by every model: checks the parameters once, warms the model up, runs it
 * over the run period and returns the simulated flow, every internal series when asked, and
 * the end state (so the next forecast starts warm from it).
 */
import { InputError } from '../../core/errors.ts'
import { formatIssue } from '../../core/result.ts'
import type { Forcing, InitialLevels, ModelDefinition } from './types.ts'
import { DEFAULT_INITIAL_LEVELS } from './types.ts'

export interface RunPeriod {
  /** First step of the run period (index into the forcing series). */
  readonly start: number
  /** One past the last step of the run period. */
  readonly end: number
  /** First step of the warm-up, which ends where the run starts; no warm-up when absent. */
  readonly warmupStart?: number
}

export interface RunOptions {
  /** Saved state to start from; otherwise the model's initial state from `levels`. */
  readonly state?: Float64Array
  readonly levels?: InitialLevels
  /** Whether to return every internal series, not only the simulated flow. */
  readonly allOutputs?: boolean
}

export interface ModelRun {
  /** Simulated flow over the run period (mm per step). */
  readonly qsim: Float64Array
  /** Every output series of the model over the run period, by airGR name (empty unless asked). */
  readonly series: ReadonlyMap<string, Float64Array>
  /** The state at the end of the run period. */
  readonly state: Float64Array
}

/**
 * Runs `model` with `params` over `period` of `forcing`.
 *
 * @throws InputError when a parameter lies outside the model's domain, the period lies outside
 *   the forcing, or a saved state has the wrong length
 */
export function runModel(
  model: ModelDefinition,
  params: Float64Array,
  forcing: Forcing,
  period: RunPeriod,
  options: RunOptions = {},
): ModelRun {
  const problems = model.checkParams(params)
  if (problems.length > 0)
    throw new InputError(`${model.name}: ${problems.map(formatIssue).join('; ')}`)
  const n = forcing.precip.length
  const warm = period.warmupStart ?? period.start
  if (!(0 <= warm && warm <= period.start && period.start < period.end && period.end <= n)) {
    throw new InputError(
      `run period [${warm}, ${period.start}, ${period.end}) lies outside the forcing (0–${n})`,
    )
  }
  if (options.state !== undefined && options.state.length !== model.stateSize) {
    throw new InputError(
      `${model.name}: a saved state has ${model.stateSize} values, got ${options.state.length}`,
    )
  }
  const state =
    options.state !== undefined
      ? Float64Array.from(options.state)
      : model.initialState(params, options.levels ?? DEFAULT_INITIAL_LEVELS)
  if (warm < period.start) {
    model.simulate(
      params,
      forcing,
      state,
      warm,
      period.start,
      new Float64Array(period.start - warm),
      null,
    )
  }
  const len = period.end - period.start
  const qsim = new Float64Array(len)
  const series = new Map<string, Float64Array>()
  let outputs: Float64Array[] | null = null
  if (options.allOutputs === true) {
    outputs = model.outputNames.map(() => new Float64Array(len))
    model.outputNames.forEach((name, k) => series.set(name, outputs![k]!))
  }
  model.simulate(params, forcing, state, period.start, period.end, qsim, outputs)
  return { qsim, series, state }
}
