/**
 * The function a calibration minimises: parameters in transformed space → model run over the
 * warm-up and the run period → criterion against the observations, as a loss (the criterion
 * negated when larger is better, as airGR's `Multiplier` does).
 *
 * Everything a run needs is allocated once here; an evaluation allocates only what the model's
 * own kernel allocates (its initial state, its unit-hydrograph ordinates).
 */
import { InputError } from '../../core/errors.ts'
import type { CriterionName, CriterionOptions } from '../criteria/efficiency.ts'
import { bindCriterion, higherIsBetter } from '../criteria/efficiency.ts'
import type { RunPeriod } from '../models/run-model.ts'
import type { Forcing, InitialLevels, ModelDefinition } from '../models/types.ts'
import { DEFAULT_INITIAL_LEVELS } from '../models/types.ts'
import type { ParamTransform } from './transforms.ts'

/**
 * A bounded search space in transformed coordinates together with the loss to minimise. Fixed
 * parameters keep their real value whatever their transformed coordinate says.
 */
export interface SearchProblem {
  /** Number of parameters (free and fixed). */
  readonly n: number
  readonly transforms: readonly ParamTransform[]
  /** Whether each parameter is searched (true) or held at its value in `fixedReal`. */
  readonly free: readonly boolean[]
  /** Real value of each fixed parameter (in its unit); NaN for free ones. */
  readonly fixedReal: Float64Array
  /** Search bounds in transformed space (−). */
  readonly lowerT: Float64Array
  readonly upperT: Float64Array
  /**
   * The loss of real parameters `real` (each in its unit; fixed ones already set): smaller is
   * better, NaN when the model cannot run them or the criterion cannot be computed. Each call
   * runs the model once, unless the implementation answers a point it has seen from a cache.
   * `real` is read, not kept.
   */
  lossOfReal(real: Float64Array): number
}

/** Writes into `out` the real parameters of transformed point `t`, fixed values held. */
export function realOf(p: SearchProblem, t: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < p.n; i++)
    out[i] = p.free[i] ? p.transforms[i]!.toReal(t[i]!) : p.fixedReal[i]!
  return out
}

/** The loss of transformed point `t` (see {@link SearchProblem.lossOfReal}). */
export function lossOfTransformed(
  p: SearchProblem,
  t: Float64Array,
  scratch: Float64Array,
): number {
  return p.lossOfReal(realOf(p, t, scratch))
}

/** A model run bound to its forcing, period and observations, for repeated evaluation. */
export interface ModelObjective {
  /** +1 when the criterion is a loss already (RMSE), −1 when larger is better (NSE, KGE…). */
  readonly multiplier: 1 | -1
  /** Number of observations the criterion uses. */
  readonly nObs: number
  /** The criterion (its own unit and sense) of real parameters; NaN when it cannot be had. */
  criterion(real: Float64Array): number
}

/**
 * Binds `model` on `forcing` over `period` to observations `obs` and criterion `name`.
 *
 * @param obs observed flow in mm per time step, aligned with the run period
 *   (`period.end − period.start` values; NaN where missing)
 * @throws InputError when the period lies outside the forcing, `obs` has the wrong length or
 *   holds fewer than two usable values
 */
export function bindModelObjective(
  model: ModelDefinition,
  forcing: Forcing,
  period: RunPeriod,
  obs: Float64Array,
  name: CriterionName,
  options: CriterionOptions & { readonly levels?: InitialLevels } = {},
): ModelObjective {
  const n = forcing.precip.length
  const warm = period.warmupStart ?? period.start
  if (!(0 <= warm && warm <= period.start && period.start < period.end && period.end <= n)) {
    throw new InputError(
      `run period [${warm}, ${period.start}, ${period.end}) lies outside the forcing (0–${n})`,
    )
  }
  if (forcing.pet.length !== n) throw new InputError('precip and pet differ in length')
  if (model.needsTemperature && forcing.temp?.length !== n)
    throw new InputError(`${model.name} needs a temperature series as long as the forcing`)
  const len = period.end - period.start
  if (obs.length !== len) {
    throw new InputError(
      `observations have ${obs.length} values, the run period ${len} steps (they must be aligned)`,
    )
  }
  const criterionOptions = {
    ...(options.transform !== undefined ? { transform: options.transform } : {}),
    ...(options.epsilon !== undefined ? { epsilon: options.epsilon } : {}),
  }
  const bound = bindCriterion(name, obs, criterionOptions)
  if (bound.nObs < 2)
    throw new InputError(`only ${bound.nObs} usable observations in the run period`)
  const levels = options.levels ?? DEFAULT_INITIAL_LEVELS
  // One simulate call over warm-up and run together (the run part is the same to the bit as
  // a separate run from the warm-up's end state): it saves the kernel's per-call set-up.
  const qall = new Float64Array(period.end - warm)
  const qsim = qall.subarray(period.start - warm)
  const end = period.end
  return {
    multiplier: higherIsBetter(name) ? -1 : 1,
    nObs: bound.nObs,
    criterion(real: Float64Array): number {
      if (model.checkParams(real).length > 0) return NaN
      const state = model.initialState(real, levels)
      model.simulate(real, forcing, state, warm, end, qall, null)
      return bound.evaluate(qsim)
    },
  }
}
