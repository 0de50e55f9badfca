/**
 * Goodness-of-fit criteria of a simulated series against observations, as the GR community
 * computes them (airGR's ErrorCrit_*): Nash–Sutcliffe efficiency (Nash & Sutcliffe 1970),
 * Kling–Gupta efficiency (Gupta et al. 2009), its modified form KGE′ (Kling et al. 2012), and the
 * root-mean-square error.
 *
 * Steps where the observation or the simulation is missing or not finite (after the flow
 * transformation) are skipped. Flows may be transformed first (none, sqrt, log, inverse, a power
 * or Box–Cox); as in airGR, an `epsilon` (same unit as the flows), when given, is added to both
 * series before the transformation so that zero flows survive log and inverse; without it those
 * steps are skipped.
 */

/** A flow transformation applied before a criterion is computed. */
export type FlowTransform = 'none' | 'sqrt' | 'log' | 'inv' | 'boxcox' | `^${number}`

export const FLOW_TRANSFORMS = ['none', 'sqrt', 'log', 'inv', 'boxcox'] as const

export interface CriterionOptions {
  readonly transform?: FlowTransform
  /** Added to both series before the transformation (same unit as the flows). */
  readonly epsilon?: number
}

/** The deterministic criteria Freshet computes. NSE, KGE and KGE2 are best at 1, RMSE at 0. */
export type CriterionName = 'NSE' | 'KGE' | 'KGE2' | 'RMSE'
export const CRITERION_NAMES: readonly CriterionName[] = ['NSE', 'KGE', 'KGE2', 'RMSE']

/** Whether larger values of a criterion are better. */
export const higherIsBetter = (name: CriterionName): boolean => name !== 'RMSE'

export interface KgeComponents {
  readonly value: number
  /** Pearson correlation of simulation and observation (−). */
  readonly r: number
  /** Ratio of standard deviations sd(sim)/sd(obs) (−). */
  readonly alpha: number
  /** Ratio of means mean(sim)/mean(obs) (−). */
  readonly beta: number
  /** Ratio of coefficients of variation (KGE′ only) (−). */
  readonly gamma: number
}

/** Parses a transformation name (`none`, `sqrt`, `log`, `inv`, `boxcox` or `^p`), or undefined. */
export function parseFlowTransform(s: string): FlowTransform | undefined {
  if ((FLOW_TRANSFORMS as readonly string[]).includes(s)) return s as FlowTransform
  if (s === '') return 'none'
  if (/^\^-?\d+(\.\d+)?$/.test(s)) return s as FlowTransform
  return undefined
}

/**
 * Applies a flow transformation in place to `x`.
 * @param boxcoxShift for Box–Cox, (0.01·mean(obs))^¼ as airGR uses; ignored otherwise
 */
function transformInPlace(
  x: Float64Array,
  t: FlowTransform,
  epsilon: number | undefined,
  boxcoxShift: number,
): void {
  const eps = epsilon !== undefined && t !== 'boxcox' ? epsilon : 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]! + eps
    let y: number
    switch (t) {
      case 'none':
        y = v
        break
      case 'sqrt':
        y = Math.sqrt(v)
        break
      case 'log':
        y = Math.log(v)
        break
      case 'inv':
        y = 1 / v
        break
      case 'boxcox':
        y = (v ** 0.25 - boxcoxShift) / 0.25
        break
      default:
        y = v ** Number(t.slice(1))
    }
    x[i] = y
  }
}

/** The Box–Cox shift (0.01·mean(obs))^¼ that airGR uses, over the finite observations. */
function boxcoxShift(obs: Float64Array): number {
  let sum = 0
  let m = 0
  for (let i = 0; i < obs.length; i++) {
    if (Number.isFinite(obs[i])) {
      sum += obs[i]!
      m++
    }
  }
  return (0.01 * (sum / m)) ** 0.25
}

/** Neumaier-compensated sum of `x[i]` over the indices in `idx`. */
function sumAt(x: Float64Array, idx: Int32Array, n: number): number {
  let s = 0
  let c = 0
  for (let k = 0; k < n; k++) {
    const v = x[idx[k]!]!
    const t = s + v
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s
    s = t
  }
  return s + c
}

/**
 * A criterion bound to one observed series, for repeated evaluation (calibration): the
 * observations are transformed and summarised once, then each call costs one pass over the
 * simulation and allocates nothing.
 */
export interface BoundCriterion {
  readonly name: CriterionName
  /** Number of observations usable (finite after transformation). */
  readonly nObs: number
  /** The criterion of `sim` (aligned with the observations), NaN when it cannot be computed. */
  evaluate(sim: Float64Array): number
}

/**
 * Binds criterion `name` to observations `obs` (flow per step; NaN where missing).
 * @throws Error when `name` is unknown
 */
export function bindCriterion(
  name: CriterionName,
  obs: Float64Array,
  options: CriterionOptions = {},
): BoundCriterion {
  const t = options.transform ?? 'none'
  const o = Float64Array.from(obs)
  const shift = t === 'boxcox' ? boxcoxShift(obs) : 0
  transformInPlace(o, t, options.epsilon, shift)
  const sim = new Float64Array(o.length)
  const idx = new Int32Array(o.length)
  const m = newMoments()
  // The steps with a usable observation, and their mean and spread, are the same for every
  // simulation: found once here.
  const obsIdx = new Int32Array(o.length)
  let nObs = 0
  for (let i = 0; i < o.length; i++) if (Number.isFinite(o[i])) obsIdx[nObs++] = i
  const general = (raw: Float64Array): number => {
    sim.set(raw)
    transformInPlace(sim, t, options.epsilon, shift)
    let n = 0
    for (let i = 0; i < o.length; i++) {
      if (Number.isFinite(o[i]) && Number.isFinite(sim[i])) idx[n++] = i
    }
    return fromMoments(name, momentsAt(sim, o, idx, n, m)).value
  }
  const check = (raw: Float64Array): void => {
    if (raw.length !== o.length)
      throw new Error(`simulation has ${raw.length} steps, observations ${o.length}`)
  }
  if (t !== 'none') {
    return { name, nObs, evaluate: (raw) => (check(raw), general(raw)) }
  }
  // Untransformed flows: only the simulation's side is computed per call, to the same bits as
  // the general path (same steps, same sums in the same order). Calibration lives on this.
  const eps = options.epsilon ?? 0
  const mo = sumAt(o, obsIdx, nObs) / nObs
  let sso = 0
  for (let k = 0; k < nObs; k++) {
    const a = o[obsIdx[k]!]! - mo
    sso += a * a
  }
  const evaluate = (raw: Float64Array): number => {
    check(raw)
    for (let k = 0; k < nObs; k++) {
      const i = obsIdx[k]!
      const v = raw[i]! + eps
      // A simulated value that is not finite drops its step: the general path handles that.
      if (!Number.isFinite(v)) return general(raw)
      sim[i] = v
    }
    const ms = sumAt(sim, obsIdx, nObs) / nObs
    let sse = 0
    let sss = 0
    let sos = 0
    for (let k = 0; k < nObs; k++) {
      const i = obsIdx[k]!
      const a = o[i]! - mo
      const b = sim[i]! - ms
      const d = o[i]! - sim[i]!
      sse += d * d
      sss += b * b
      sos += a * b
    }
    m.n = nObs
    m.mo = mo
    m.ms = ms
    m.sse = sse
    m.sso = sso
    m.sss = sss
    m.sos = sos
    return fromMoments(name, m).value
  }
  return { name, nObs, evaluate }
}

interface Computed {
  readonly value: number
  readonly r: number
  readonly alpha: number
  readonly beta: number
  readonly gamma: number
  readonly n: number
}

/** Sums over the paired steps from which every criterion follows. */
interface Moments {
  n: number
  /** Means of observations and simulations. */
  mo: number
  ms: number
  /** Σ(o − s)², Σ(o − mo)², Σ(s − ms)², Σ(o − mo)(s − ms). */
  sse: number
  sso: number
  sss: number
  sos: number
}

/** Accumulates the moments of `sim` against `obs` over the steps `idx[0…n)`. */
function momentsAt(
  sim: Float64Array,
  obs: Float64Array,
  idx: Int32Array,
  n: number,
  m: Moments,
): Moments {
  const mo = sumAt(obs, idx, n) / n
  const ms = sumAt(sim, idx, n) / n
  let sse = 0
  let sso = 0
  let sss = 0
  let sos = 0
  for (let k = 0; k < n; k++) {
    const i = idx[k]!
    const a = obs[i]! - mo
    const b = sim[i]! - ms
    const d = obs[i]! - sim[i]!
    sse += d * d
    sso += a * a
    sss += b * b
    sos += a * b
  }
  m.n = n
  m.mo = mo
  m.ms = ms
  m.sse = sse
  m.sso = sso
  m.sss = sss
  m.sos = sos
  return m
}

const newMoments = (): Moments => ({ n: 0, mo: 0, ms: 0, sse: 0, sso: 0, sss: 0, sos: 0 })

/** Criterion `name` from the moments of the paired steps (NaN where it cannot be computed). */
function fromMoments(name: CriterionName, m: Moments): Computed {
  const { n, mo, ms, sse, sso, sss, sos } = m
  const none = { value: NaN, r: NaN, alpha: NaN, beta: NaN, gamma: NaN, n }
  if (n === 0 || (n === 1 && name !== 'RMSE' && name !== 'NSE')) return none
  switch (name) {
    case 'RMSE':
      return { ...none, value: Math.sqrt(sse / n) }
    case 'NSE':
      return { ...none, value: sso === 0 ? (sse === 0 ? 1 : NaN) : 1 - sse / sso }
    case 'KGE':
    case 'KGE2': {
      const r =
        sos === 0 ? (sso === 0 && sss === 0 ? 1 : 0) : sos / (Math.sqrt(sso) * Math.sqrt(sss))
      const alpha = sss === 0 && sso === 0 ? 1 : Math.sqrt(sss / (n - 1)) / Math.sqrt(sso / (n - 1))
      const beta = ms === 0 && mo === 0 ? 1 : ms / mo
      const cvs = Math.sqrt(sss / (n - 1)) / ms
      const cvo = Math.sqrt(sso / (n - 1)) / mo
      const gamma = cvs === 0 && cvo === 0 ? 1 : cvs / cvo
      const third = name === 'KGE' ? alpha : gamma
      const value = 1 - Math.sqrt((r - 1) ** 2 + (third - 1) ** 2 + (beta - 1) ** 2)
      return { value: Number.isFinite(value) ? value : NaN, r, alpha, beta, gamma, n }
    }
  }
}

function criterionAt(
  name: CriterionName,
  sim: Float64Array,
  obs: Float64Array,
  idx: Int32Array,
  n: number,
): Computed {
  return fromMoments(name, momentsAt(sim, obs, idx, n, newMoments()))
}

function pairs(
  sim: Float64Array,
  obs: Float64Array,
  options: CriterionOptions,
): { s: Float64Array; o: Float64Array; idx: Int32Array; n: number } {
  if (sim.length !== obs.length)
    throw new Error(`simulation has ${sim.length} steps, observations ${obs.length}`)
  const t = options.transform ?? 'none'
  const o = Float64Array.from(obs)
  const s = Float64Array.from(sim)
  const shift = t === 'boxcox' ? boxcoxShift(obs) : 0
  transformInPlace(o, t, options.epsilon, shift)
  transformInPlace(s, t, options.epsilon, shift)
  const idx = new Int32Array(o.length)
  let n = 0
  for (let i = 0; i < o.length; i++)
    if (Number.isFinite(o[i]) && Number.isFinite(s[i])) idx[n++] = i
  return { s, o, idx, n }
}

/**
 * Nash–Sutcliffe efficiency 1 − Σ(obs − sim)² / Σ(obs − mean obs)² (−, best 1).
 * @param sim simulated flow (any unit, the same as `obs`)
 * @param obs observed flow; NaN where missing
 */
export function nse(sim: Float64Array, obs: Float64Array, options: CriterionOptions = {}): number {
  const p = pairs(sim, obs, options)
  return criterionAt('NSE', p.s, p.o, p.idx, p.n).value
}

/**
 * Kling–Gupta efficiency 1 − √((r−1)² + (α−1)² + (β−1)²) with α = sd(sim)/sd(obs) (sample
 * standard deviations) and β = mean(sim)/mean(obs) (Gupta et al. 2009) (−, best 1).
 */
export function kge(
  sim: Float64Array,
  obs: Float64Array,
  options: CriterionOptions = {},
): KgeComponents {
  const p = pairs(sim, obs, options)
  return criterionAt('KGE', p.s, p.o, p.idx, p.n)
}

/**
 * Modified Kling–Gupta efficiency KGE′ = 1 − √((r−1)² + (γ−1)² + (β−1)²) with γ the ratio of
 * coefficients of variation (Kling, Fuchs & Paulin 2012) (−, best 1).
 */
export function kge2(
  sim: Float64Array,
  obs: Float64Array,
  options: CriterionOptions = {},
): KgeComponents {
  const p = pairs(sim, obs, options)
  return criterionAt('KGE2', p.s, p.o, p.idx, p.n)
}

/** Root-mean-square error √(mean (obs − sim)²), in the unit of the (transformed) flows (best 0). */
export function rmse(sim: Float64Array, obs: Float64Array, options: CriterionOptions = {}): number {
  const p = pairs(sim, obs, options)
  return criterionAt('RMSE', p.s, p.o, p.idx, p.n).value
}

/** Every deterministic criterion at once, with the number of steps used. */
export function allCriteria(
  sim: Float64Array,
  obs: Float64Array,
  options: CriterionOptions = {},
): { NSE: number; KGE: number; KGE2: number; RMSE: number; n: number } {
  const p = pairs(sim, obs, options)
  return {
    NSE: criterionAt('NSE', p.s, p.o, p.idx, p.n).value,
    KGE: criterionAt('KGE', p.s, p.o, p.idx, p.n).value,
    KGE2: criterionAt('KGE2', p.s, p.o, p.idx, p.n).value,
    RMSE: criterionAt('RMSE', p.s, p.o, p.idx, p.n).value,
    n: p.n,
  }
}
