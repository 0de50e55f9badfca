/**
 * An ensemble Kalman filter on the production and routing stores of a GR model (Evensen 1994,
 * J. Geophys. Res. 99(C5), 10143–10162; with perturbed observations, Burgers, van Leeuwen &
 * Evensen 1998, Mon. Weather Rev. 126, 1719–1724; for rainfall-runoff models, Weerts &
 * El Serafy 2006, Water Resour. Res. 42, W09403, and Clark et al. 2008, Adv. Water Resour. 31,
 * 1309–1324).
 *
 * The filter carries N model states. Each step:
 *
 * 1. **Propagation** ({@link propagateEnsemble}): every member runs one step of the model on
 *    its own perturbed forcing — precipitation × exp(σ_P·z − σ_P²/2) (a mean-preserving
 *    log-normal factor), PET × (1 + σ_E·z), temperature + σ_T·z — and its stores Prod and Rout
 *    then take a multiplicative noise exp(σ_S·z − σ_S²/2) for the model's own error. Each z is
 *    an independent standard normal draw.
 * 2. **Analysis** ({@link enkfAnalysis}), when a flow is observed: the observation y gets the
 *    error sd σ_y = max(r·y, σ_min) (r the stated relative error); member i sees its own
 *    perturbed observation yᵢ = y + σ_y·εᵢ, and its stores move by K·(yᵢ − hᵢ), where hᵢ is the
 *    flow it simulated over the step and K = cov(x, h)/(var(h) + σ_y²) the Kalman gain from the
 *    ensemble's covariances (sample, N − 1). Prod is then held within [0, X1] and Rout ≥ 0.
 *
 * Only Prod and Rout are updated; the unit-hydrograph stores and any other state keep their
 * propagated values. Units: stores in mm; flows and forcing in mm (°C for temperature) per
 * model time step. Everything random comes from the caller's seeded generator.
 */
import { InputError } from '../../core/errors.ts'
import type { Rng } from '../../core/rng.ts'
import type { Forcing, ModelDefinition } from '../../hydro/models/types.ts'
import { grStoreLayout, storeCapacity } from './gr-layout.ts'

/** A seeded generator with standard normal draws (`seededRng` of src/core/rng.ts). */
export type GaussianRng = Rng & { normal(): number }

/** The filter's error model (all dimensionless unless said). */
export interface EnkfOptions {
  /** Relative standard error r of an observed flow (default 0.05, i.e. 5 %). */
  readonly relativeObsError: number
  /** Floor σ_min of the observation error (mm/step, default 0.01). */
  readonly minObsError: number
  /** σ_P: log-space sd of the multiplicative precipitation noise (default 0.3). */
  readonly precipSigma: number
  /** σ_E: relative sd of the PET noise (default 0.1). */
  readonly petSigma: number
  /** σ_T: sd of the temperature noise (°C, default 1). */
  readonly tempSigma: number
  /** σ_S: log-space sd of the multiplicative noise on Prod and Rout per step (default 0.02). */
  readonly stateSigma: number
  /** Log-space sd of the spread given to Prod and Rout by {@link initEnsemble} (default 0.2). */
  readonly initialSpread: number
}

/**
 * The defaults, chosen on the hindcasts of the upper-Seine basins (H010002001, H120101001,
 * F439000101; 2010–2018): with them the spread of day-1 forecasts is close to the error of
 * their mean. 5 % is a usual standard error of a rated daily flow.
 */
export const DEFAULT_ENKF_OPTIONS: EnkfOptions = {
  relativeObsError: 0.05,
  minObsError: 0.01,
  precipSigma: 0.3,
  petSigma: 0.1,
  tempSigma: 1,
  stateSigma: 0.02,
  initialSpread: 0.2,
}

/** The defaults overridden by `options`, checked. @throws InputError on a negative or NaN value */
export function enkfOptions(options: Partial<EnkfOptions> = {}): EnkfOptions {
  const o = { ...DEFAULT_ENKF_OPTIONS, ...options }
  for (const [k, v] of Object.entries(o)) {
    if (!(Number.isFinite(v) && v >= 0)) throw new InputError(`EnKF: ${k} must be ≥ 0, got ${v}`)
  }
  if (!(o.relativeObsError > 0 || o.minObsError > 0))
    throw new InputError('EnKF: the observation error must be > 0')
  return o
}

/**
 * N copies of `state` whose Prod and Rout are spread log-normally around it (log sd
 * `initialSpread`; Prod held within [0, X1]): the starting ensemble of a filter.
 *
 * @param state a model state (mm per store)
 * @param size number of members N (≥ 2)
 * @throws InputError when the model is not a GR model, the state has the wrong length or N < 2
 */
export function initEnsemble(
  model: ModelDefinition,
  params: Float64Array,
  state: Float64Array,
  size: number,
  rng: GaussianRng,
  options: Partial<EnkfOptions> = {},
): Float64Array[] {
  const o = enkfOptions(options)
  const layout = grStoreLayout(model)
  if (state.length !== model.stateSize)
    throw new InputError(
      `${model.name}: a state has ${model.stateSize} values, got ${state.length}`,
    )
  if (!(Number.isInteger(size) && size >= 2))
    throw new InputError(`an ensemble needs at least 2 members, got ${size}`)
  const x1 = storeCapacity(params, layout.x1)
  const s = o.initialSpread
  const states: Float64Array[] = []
  for (let i = 0; i < size; i++) {
    const st = Float64Array.from(state)
    st[layout.prod] = Math.min(x1, st[layout.prod]! * Math.exp(s * rng.normal() - (s * s) / 2))
    st[layout.rout] = st[layout.rout]! * Math.exp(s * rng.normal() - (s * s) / 2)
    states.push(st)
  }
  return states
}

/**
 * Runs every member one step (step `t` of `forcing`) on its own perturbed forcing, then adds
 * the state noise; see the file's header for the error model.
 *
 * @param forcing the observed forcing (mm/step; °C), indexed by step
 * @param t the step to run
 * @param states the members' states, advanced in place to the end of step t
 * @param flows written with each member's simulated flow over step t (mm/step)
 * @throws InputError when `flows` is shorter than the ensemble or t lies outside the forcing
 */
export function propagateEnsemble(
  model: ModelDefinition,
  params: Float64Array,
  forcing: Forcing,
  t: number,
  states: readonly Float64Array[],
  flows: Float64Array,
  rng: GaussianRng,
  options: Partial<EnkfOptions> = {},
): void {
  const o = enkfOptions(options)
  const layout = grStoreLayout(model)
  if (flows.length < states.length)
    throw new InputError(`flows holds ${flows.length} values, the ensemble ${states.length}`)
  if (!(Number.isInteger(t) && t >= 0 && t < forcing.precip.length))
    throw new InputError(`step ${t} lies outside the forcing (0–${forcing.precip.length})`)
  const x1 = storeCapacity(params, layout.x1)
  const q = new Float64Array(1)
  const p = forcing.precip[t]!
  const e = forcing.pet[t]!
  const temp = forcing.temp?.[t]
  const time = forcing.times?.[t]
  const sp = o.precipSigma
  const ss = o.stateSigma
  // Snow models cache what they derive from a forcing by the identity of its arrays, so each
  // member gets fresh arrays there; the GR models read them directly and share one set.
  const fresh = model.needsTemperature
  let shared: Forcing | undefined
  for (let i = 0; i < states.length; i++) {
    const pi = p * Math.exp(sp * rng.normal() - (sp * sp) / 2)
    const ei = Math.max(0, e * (1 + o.petSigma * rng.normal()))
    const ti = temp !== undefined ? temp + o.tempSigma * rng.normal() : undefined
    let f: Forcing
    if (fresh || shared === undefined) {
      f = {
        precip: Float64Array.of(pi),
        pet: Float64Array.of(ei),
        ...(ti !== undefined ? { temp: Float64Array.of(ti) } : {}),
        ...(time !== undefined ? { times: Float64Array.of(time) } : {}),
      }
      shared = f
    } else {
      f = shared
      f.precip[0] = pi
      f.pet[0] = ei
    }
    const st = states[i]!
    model.simulate(params, f, st, 0, 1, q, null)
    flows[i] = q[0]!
    if (ss > 0) {
      st[layout.prod] = Math.min(x1, st[layout.prod]! * Math.exp(ss * rng.normal() - (ss * ss) / 2))
      st[layout.rout] = st[layout.rout]! * Math.exp(ss * rng.normal() - (ss * ss) / 2)
    }
  }
}

/** What one analysis did. */
export interface EnkfAnalysis {
  /** Kalman gains of Prod and Rout (mm of store per mm/step of flow). */
  readonly gainProd: number
  readonly gainRout: number
  /** The observation's error sd σ_y (mm/step). */
  readonly obsError: number
  /** Observation minus the ensemble's mean simulated flow (mm/step). */
  readonly innovation: number
}

/**
 * One EnKF analysis of Prod and Rout with perturbed observations, in place.
 *
 * @param states the members' states at the end of the observed step (mm), updated in place
 * @param simulated each member's simulated flow over that step (mm/step)
 * @param observed the observed flow of that step (mm/step); NaN leaves the states unchanged
 *   (and returns zero gains)
 * @throws InputError when the ensemble has fewer than 2 members or the arrays disagree
 */
export function enkfAnalysis(
  model: ModelDefinition,
  params: Float64Array,
  states: readonly Float64Array[],
  simulated: Float64Array,
  observed: number,
  rng: GaussianRng,
  options: Partial<EnkfOptions> = {},
): EnkfAnalysis {
  const o = enkfOptions(options)
  const layout = grStoreLayout(model)
  const n = states.length
  if (n < 2) throw new InputError(`an ensemble needs at least 2 members, got ${n}`)
  if (simulated.length < n)
    throw new InputError(`simulated holds ${simulated.length} flows, the ensemble ${n}`)
  const sigma = Math.max(o.relativeObsError * Math.abs(observed), o.minObsError)
  if (!Number.isFinite(observed))
    return { gainProd: 0, gainRout: 0, obsError: sigma, innovation: NaN }
  const x1 = storeCapacity(params, layout.x1)
  let mp = 0
  let mr = 0
  let mh = 0
  for (let i = 0; i < n; i++) {
    mp += states[i]![layout.prod]!
    mr += states[i]![layout.rout]!
    mh += simulated[i]!
  }
  mp /= n
  mr /= n
  mh /= n
  let cph = 0
  let crh = 0
  let chh = 0
  for (let i = 0; i < n; i++) {
    const dh = simulated[i]! - mh
    cph += (states[i]![layout.prod]! - mp) * dh
    crh += (states[i]![layout.rout]! - mr) * dh
    chh += dh * dh
  }
  cph /= n - 1
  crh /= n - 1
  chh /= n - 1
  const denom = chh + sigma * sigma
  const kp = cph / denom
  const kr = crh / denom
  for (let i = 0; i < n; i++) {
    const st = states[i]!
    const d = observed + sigma * rng.normal() - simulated[i]!
    st[layout.prod] = Math.min(x1, Math.max(0, st[layout.prod]! + kp * d))
    st[layout.rout] = Math.max(0, st[layout.rout]! + kr * d)
  }
  return { gainProd: kp, gainRout: kr, obsError: sigma, innovation: observed - mh }
}
