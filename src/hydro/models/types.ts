import type { Issue } from '../../core/result.ts'

/** The time step a model is built for. */
export type TimeStep = 'daily' | 'hourly'

/** Steps per day for each time step. */
export const STEPS_PER_DAY: Readonly<Record<TimeStep, number>> = { daily: 1, hourly: 24 }

/**
 * The forcing series of a model, one value per time step, aligned on the same dates.
 * `precip` and `pet` are in mm per time step; `temp` in °C (snow models only).
 */
export interface Forcing {
  readonly precip: Float64Array
  readonly pet: Float64Array
  readonly temp?: Float64Array
  /** Start of each step in ms since the epoch (UTC); models that depend on the season use it. */
  readonly times?: Float64Array
  /**
   * Daily minimum and maximum temperature (°C), optional, snow models only: with both, and an
   * input elevation below 1500 m, CemaNeige takes the solid fraction from them as airGR does.
   */
  readonly tempMin?: Float64Array
  readonly tempMax?: Float64Array
}

/**
 * How the stores start when no saved state is given, as in airGR's `IniResLevels`: the
 * production store at `productionStoreFraction`·X1 and the routing store at
 * `routingStoreFraction`·X3 (defaults 0.3 and 0.5); every other store starts empty.
 */
export interface InitialLevels {
  readonly productionStoreFraction: number
  readonly routingStoreFraction: number
}

export const DEFAULT_INITIAL_LEVELS: InitialLevels = {
  productionStoreFraction: 0.3,
  routingStoreFraction: 0.5,
}

/**
 * A rainfall-runoff model: a pure step function driven over a period, state in and state out.
 *
 * Parameters and states are `Float64Array`s whose layouts each model documents in its
 * `params.ts` and `state.ts`. `simulate` trusts its arguments (call `checkParams` first, as
 * {@link runModel} does): it is the kernel that calibration calls thousands of times.
 */
export interface ModelDefinition {
  /** The name used in model-run files (`GR4J`, `CemaNeigeGR4J`, …). */
  readonly name: string
  readonly timeStep: TimeStep
  /** Parameter names in vector order, with their units in {@link ModelDefinition.paramUnits}. */
  readonly paramNames: readonly string[]
  readonly paramUnits: readonly string[]
  /** Names of the series `simulate` can write, in airGR's order and spelling. */
  readonly outputNames: readonly string[]
  /** Whether the model needs a temperature series and a hypsometric curve. */
  readonly needsTemperature: boolean
  /** Length of the state vector. */
  readonly stateSize: number
  /** Names of the state vector's entries (`Prod`, `Rout`, `UH1[0]`, …), for saved states. */
  readonly stateNames: readonly string[]
  /** Every way `params` lies outside the model's domain (empty when it is valid). */
  checkParams(params: Float64Array): Issue[]
  /** The state at the start of a cold run. */
  initialState(params: Float64Array, levels: InitialLevels): Float64Array
  /**
   * Runs steps `start` (inclusive) to `end` (exclusive) of `forcing`, updating `state` in place.
   * Writes the simulated flow (mm per step) of step `i` into `qsim[i - start]`, and, when
   * `outputs` is given, output `k` of step `i` into `outputs[k][i - start]`.
   */
  simulate(
    params: Float64Array,
    forcing: Forcing,
    state: Float64Array,
    start: number,
    end: number,
    qsim: Float64Array,
    outputs: readonly Float64Array[] | null,
  ): void
}

/** Checks that every parameter is a finite number; models add their own domain rules. */
export function finiteParams(names: readonly string[], params: Float64Array): Issue[] {
  const issues: Issue[] = []
  if (params.length !== names.length) {
    issues.push({
      path: ['params'],
      message: `expected ${names.length} parameters (${names.join(', ')}), got ${params.length}`,
    })
    return issues
  }
  for (let i = 0; i < names.length; i++) {
    if (!Number.isFinite(params[i]))
      issues.push({ path: ['params', names[i] ?? String(i)], message: 'must be a finite number' })
  }
  return issues
}
