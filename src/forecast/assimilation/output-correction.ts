/**
 * Output error correction: an AR(1) model of the simulation error, fitted on the steps just
 * before a forecast is issued and carried over the lead times with the decay it implies
 * (the "error prediction" of operational hydrology: Lundberg 1982; Refsgaard 1997, Nordic
 * Hydrol. 28, 65–84; Berthet 2010 ch. 5 for its use with GR).
 *
 * The error is taken in a transformed space where it is closer to homoscedastic,
 * e_t = T(Qobs_t) − T(Qsim_t), with T the log or the Box–Cox transform of the flow plus a small
 * ε. Around a mean μ (0 unless asked), e_t − μ = φ·(e_{t−1} − μ) + a_t, a_t ~ N(0, σ²). At lead
 * h steps after the last error e₀, the expected error is μ + φ^h·(e₀ − μ), whose variance is
 * σ²·(1 − φ^{2h})/(1 − φ²); a corrected flow is T⁻¹(T(Qsim) + that error).
 *
 * Units: flows in mm per model time step (any flow unit works if the observations, simulations
 * and ε share it); errors in the transformed space (for `log`, a natural-log ratio).
 */
import { InputError } from '../../core/errors.ts'
import type { Rng } from '../../core/rng.ts'

/**
 * The space the error is modelled in: the natural log of Q + ε, or the Box–Cox transform
 * ((Q + ε)^λ − 1)/λ (Box & Cox 1964). ε is in the flow's unit (mm/step), > 0.
 */
export type ErrorSpace =
  | { readonly kind: 'log'; readonly epsilon: number }
  | { readonly kind: 'boxcox'; readonly lambda: number; readonly epsilon: number }

/** T(q) of {@link ErrorSpace} (q in mm/step, ≥ 0). */
export function toErrorSpace(q: number, space: ErrorSpace): number {
  const v = q + space.epsilon
  return space.kind === 'log' ? Math.log(v) : (Math.pow(v, space.lambda) - 1) / space.lambda
}

/** T⁻¹(y) of {@link ErrorSpace}, never below 0 (mm/step). */
export function fromErrorSpace(y: number, space: ErrorSpace): number {
  let v: number
  if (space.kind === 'log') v = Math.exp(y)
  else {
    const b = space.lambda * y + 1
    v = b > 0 ? Math.pow(b, 1 / space.lambda) : 0
  }
  return Math.max(0, v - space.epsilon)
}

/** A fitted AR(1) model of the simulation error (in {@link ErrorSpace}). */
export interface Ar1Error {
  readonly space: ErrorSpace
  /** Lag-one autoregression coefficient φ, in [0, maxPhi] (−). */
  readonly phi: number
  /** Mean μ of the error (transformed space; 0 unless fitted with `withMean`). */
  readonly mean: number
  /** Standard deviation σ of the innovations a_t (transformed space). */
  readonly sigma: number
  /** The latest error e₀ (transformed space); NaN when no step had both series. */
  readonly lastError: number
  /** Steps between the last step of the fitting window and the step of e₀ (0: the last step). */
  readonly lastErrorAge: number
  /** Pairs of consecutive errors the fit used. */
  readonly pairs: number
}

/** How {@link fitAr1Error} fits. */
export interface Ar1FitOptions {
  /** Fit a mean μ too (default false: the error decays to 0). */
  readonly withMean?: boolean
  /** Largest φ allowed (default 0.99), so that the correction always decays. */
  readonly maxPhi?: number
  /** Fewest consecutive pairs for φ to be fitted (default 5); fewer give φ = 0. */
  readonly minPairs?: number
}

/**
 * Fits {@link Ar1Error} on aligned observed and simulated flows of the steps before issue.
 *
 * @param observed observed flows (mm/step), oldest first, the last entry the latest step; NaN
 *   where missing
 * @param simulated simulated flows of the same steps (mm/step)
 * @param space the transformed space of the error
 * @returns the model; φ is the least-squares lag-one coefficient of the centred errors over the
 *   steps where two consecutive errors exist, clamped to [0, maxPhi]
 * @throws InputError when the series differ in length or ε is not > 0
 */
export function fitAr1Error(
  observed: Float64Array,
  simulated: Float64Array,
  space: ErrorSpace,
  options: Ar1FitOptions = {},
): Ar1Error {
  if (observed.length !== simulated.length)
    throw new InputError(
      `observed and simulated flows differ in length (${observed.length} and ${simulated.length})`,
    )
  if (!(space.epsilon > 0)) throw new InputError(`epsilon must be > 0, got ${space.epsilon}`)
  if (space.kind === 'boxcox' && !(space.lambda !== 0 && Number.isFinite(space.lambda)))
    throw new InputError(`the Box–Cox lambda must be finite and not 0, got ${space.lambda}`)
  const maxPhi = options.maxPhi ?? 0.99
  const minPairs = options.minPairs ?? 5
  const n = observed.length
  const e = new Float64Array(n)
  let sum = 0
  let count = 0
  let last = -1
  for (let i = 0; i < n; i++) {
    const o = observed[i]!
    const s = simulated[i]!
    e[i] =
      Number.isFinite(o) && Number.isFinite(s) && o >= 0 && s >= 0
        ? toErrorSpace(o, space) - toErrorSpace(s, space)
        : NaN
    if (!Number.isNaN(e[i]!)) {
      sum += e[i]!
      count++
      last = i
    }
  }
  const mean = options.withMean === true && count > 0 ? sum / count : 0
  let sxy = 0
  let sxx = 0
  let pairs = 0
  for (let i = 1; i < n; i++) {
    const a = e[i - 1]!
    const b = e[i]!
    if (Number.isNaN(a) || Number.isNaN(b)) continue
    sxy += (a - mean) * (b - mean)
    sxx += (a - mean) * (a - mean)
    pairs++
  }
  let phi = pairs >= minPairs && sxx > 0 ? sxy / sxx : 0
  phi = Math.min(maxPhi, Math.max(0, phi))
  let ss = 0
  for (let i = 1; i < n; i++) {
    const a = e[i - 1]!
    const b = e[i]!
    if (Number.isNaN(a) || Number.isNaN(b)) continue
    const r = b - mean - phi * (a - mean)
    ss += r * r
  }
  return {
    space,
    phi,
    mean,
    sigma: pairs > 0 ? Math.sqrt(ss / pairs) : 0,
    lastError: last >= 0 ? e[last]! : NaN,
    lastErrorAge: last >= 0 ? n - 1 - last : 0,
    pairs,
  }
}

/**
 * The expected error (transformed space) `lead` steps after the last step of the fitting
 * window: μ + φ^(lead + age)·(e₀ − μ); μ alone when there is no last error.
 * @param lead lead time in steps (1 = the first forecast step)
 */
export function expectedError(model: Ar1Error, lead: number): number {
  if (Number.isNaN(model.lastError)) return model.mean
  return (
    model.mean + Math.pow(model.phi, lead + model.lastErrorAge) * (model.lastError - model.mean)
  )
}

/**
 * Standard deviation (transformed space) of the error `lead` steps ahead around
 * {@link expectedError}: σ·√((1 − φ^{2h})/(1 − φ²)), σ·√h when φ = 1.
 */
export function errorSpread(model: Ar1Error, lead: number): number {
  const h = lead + model.lastErrorAge
  const p2 = model.phi * model.phi
  return p2 >= 1
    ? model.sigma * Math.sqrt(h)
    : model.sigma * Math.sqrt((1 - Math.pow(p2, h)) / (1 - p2))
}

/** How {@link correctOutputs} corrects. */
export interface CorrectionOptions {
  /**
   * When given, each member also receives its own AR(1) error path (innovations of sd σ drawn
   * from this generator, starting from 0 at the last step), so that the ensemble carries the
   * error model's uncertainty; without it only the expected error is added.
   */
  readonly rng?: Rng & { normal(): number }
}

/**
 * Corrects forecast members with a fitted error model: member value j (lead j + 1 steps) becomes
 * T⁻¹(T(q) + {@link expectedError}(lead) [+ the member's error path]).
 *
 * @param members forecast flows per member (mm/step), index 0 the first step after issue; left
 *   unchanged
 * @returns new arrays, one per member, of corrected flows (mm/step, ≥ 0)
 */
export function correctOutputs(
  members: readonly Float64Array[],
  model: Ar1Error,
  options: CorrectionOptions = {},
): Float64Array[] {
  const rng = options.rng
  let horizon = 0
  for (const m of members) horizon = Math.max(horizon, m.length)
  const shift = new Float64Array(horizon)
  for (let j = 0; j < horizon; j++) shift[j] = expectedError(model, j + 1)
  return members.map((m) => {
    const out = new Float64Array(m.length)
    let path = 0
    for (let j = 0; j < m.length; j++) {
      if (rng !== undefined) path = model.phi * path + model.sigma * rng.normal()
      out[j] = fromErrorSpace(toErrorSpace(m[j]!, model.space) + shift[j]! + path, model.space)
    }
    return out
  })
}
