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
  const fast =
    (options.transform ?? 'none') === 'none'
      ? bindUntransformedCriterion(name, obs, options.epsilon ?? 0)
      : null
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
      const v = fast === null ? NaN : fast(qsim)
      // The fast path declines (NaN) when a simulated value is not finite: the bound criterion
      // then drops those steps as it always does.
      return Number.isNaN(v) ? bound.evaluate(qsim) : v
    },
  }
}

/**
 * Criterion `name` of untransformed flows (plus `epsilon`, in the flows' unit) against `obs`,
 * computed as `bindCriterion` does and to the same bits (same pairs of steps, same compensated
 * means, same sums in the same order), but with everything that depends on the observations
 * alone computed once: a call costs a fraction of the general path, which copies and
 * transforms both series every time. A test holds the two equal. The returned function gives
 * NaN, to defer to the general path, when a simulated value paired with an observation is not
 * finite; it reads `sim` (aligned with `obs`) and keeps nothing of it.
 */
export function bindUntransformedCriterion(
  name: CriterionName,
  obs: Float64Array,
  epsilon: number,
): (sim: Float64Array) => number {
  const all = new Int32Array(obs.length)
  let n = 0
  const o = new Float64Array(obs.length)
  for (let i = 0; i < obs.length; i++) {
    o[i] = obs[i]! + epsilon
    if (Number.isFinite(o[i])) all[n++] = i
  }
  const idx = all.slice(0, n)
  const mo = neumaierSum(o, idx) / n
  let sso = 0
  for (let k = 0; k < n; k++) {
    const a = o[idx[k]!]! - mo
    sso += a * a
  }
  const s = new Float64Array(obs.length)
  return (sim: Float64Array): number => {
    for (let k = 0; k < n; k++) {
      const i = idx[k]!
      const v = sim[i]! + epsilon
      if (!Number.isFinite(v)) return NaN
      s[i] = v
    }
    const ms = neumaierSum(s, idx) / n
    let sse = 0
    let sss = 0
    let sos = 0
    for (let k = 0; k < n; k++) {
      const i = idx[k]!
      const a = o[i]! - mo
      const b = s[i]! - ms
      const d = o[i]! - s[i]!
      sse += d * d
      sss += b * b
      sos += a * b
    }
    switch (name) {
      case 'RMSE':
        return Math.sqrt(sse / n)
      case 'NSE':
        return sso === 0 ? (sse === 0 ? 1 : NaN) : 1 - sse / sso
      case 'KGE':
      case 'KGE2': {
        const r =
          sos === 0 ? (sso === 0 && sss === 0 ? 1 : 0) : sos / (Math.sqrt(sso) * Math.sqrt(sss))
        const beta = ms === 0 && mo === 0 ? 1 : ms / mo
        let third: number
        if (name === 'KGE') {
          third = sss === 0 && sso === 0 ? 1 : Math.sqrt(sss / (n - 1)) / Math.sqrt(sso / (n - 1))
        } else {
          const cvs = Math.sqrt(sss / (n - 1)) / ms
          const cvo = Math.sqrt(sso / (n - 1)) / mo
          third = cvs === 0 && cvo === 0 ? 1 : cvs / cvo
        }
        const value = 1 - Math.sqrt((r - 1) ** 2 + (third - 1) ** 2 + (beta - 1) ** 2)
        return Number.isFinite(value) ? value : NaN
      }
    }
  }
}

/** Neumaier-compensated sum of `x[i]` over the indices `idx`. */
function neumaierSum(x: Float64Array, idx: Int32Array): number {
  let s = 0
  let c = 0
  for (let k = 0; k < idx.length; k++) {
    const v = x[idx[k]!]!
    const t = s + v
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s
    s = t
  }
  return s + c
}
