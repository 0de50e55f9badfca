/**
 * Fitting a distribution to annual maxima. Three methods:
 *
 * - `gumbel-lmom` — Gumbel by L-moments (Hosking 1990; Hosking & Wallis 1997):
 *   α = l2 / ln 2, ξ = l1 − γα.
 * - `gumbel-ml` — Gumbel by maximum likelihood. The scale solves the profile equation
 *   α = x̄ − Σxᵢe^{−xᵢ/α} / Σe^{−xᵢ/α} (the Gumbel likelihood equations; Gumbel 1958), whose
 *   left minus right side h(α) is strictly increasing (h′ = 1 + weighted variance / α²) with a
 *   root in (0, x̄ − min x]: safeguarded Newton inside that bracket. Then
 *   ξ = −α ln(n⁻¹ Σe^{−xᵢ/α}). Values are shifted by the sample minimum first, so no
 *   exponential overflows.
 * - `gev-lmom` — GEV by L-moments (Hosking, Wallis & Wood 1985; Hosking 1990; Hosking & Wallis
 *   1997): the shape k (Hosking's sign, see distributions.ts) from the L-skewness,
 *   then α = l2 k / ((1 − 2^{−k}) Γ(1 + k)) and ξ = l1 − α(1 − Γ(1 + k))/k. The shape starts
 *   from Hosking's approximation k ≈ 7.8590c + 2.9554c², c = 2/(3 + t3) − ln 2/ln 3 (error
 *   < 9e-4 for −0.5 ≤ k ≤ 0.5, i.e. −0.11 ≲ t3 ≲ 0.53), and by default is refined by
 *   safeguarded Newton iterations on the exact relation t3 = 2(1 − 3^{−k})/(1 − 2^{−k}) − 3
 *   to full precision.
 *
 * A fit needs at least two values (three for the GEV), not all equal, all finite; anything else
 * is a `Result` with the reason.
 */
import type { Issue, Result } from '../../core/result.ts'
import { fail, ok } from '../../core/result.ts'
import type { FloodDistribution, GevDistribution, GumbelDistribution } from './distributions.ts'
import { gevTau3, gevTau3Derivative } from './distributions.ts'
import { compensatedMean, lmomentsOfSorted, type SampleLMoments } from './lmoments.ts'
import { EULER_GAMMA, NEGLIGIBLE_SHAPE, gamma1p, oneMinusGamma1pOverK } from './special.ts'

/** The fitting methods, as named on the command line. */
export const FREQUENCY_METHODS = ['gev-lmom', 'gumbel-lmom', 'gumbel-ml'] as const
/** A fitting method (see the module's notes). */
export type FrequencyMethod = (typeof FREQUENCY_METHODS)[number]

/** Whether `s` names a fitting method. */
export const isFrequencyMethod = (s: string): s is FrequencyMethod =>
  (FREQUENCY_METHODS as readonly string[]).includes(s)

/** The fewest values each method can fit at all (a frequency analysis asks for more). */
export const MIN_SAMPLE_SIZE: Readonly<Record<FrequencyMethod, number>> = {
  'gev-lmom': 3,
  'gumbel-lmom': 2,
  'gumbel-ml': 2,
}

/**
 * How the GEV shape is obtained from the L-skewness: `newton` (default) solves the exact
 * relation; `hosking-1985` stops at Hosking's approximation, to reproduce published figures.
 */
export type GevShapeSolver = 'newton' | 'hosking-1985'

const LN2 = Math.LN2
const LN3 = Math.log(3)

/**
 * Hosking's approximation of the GEV shape from the L-skewness (Hosking, Wallis & Wood 1985;
 * Hosking & Wallis 1997): k ≈ 7.8590c + 2.9554c², c = 2/(3 + t3) − ln 2/ln 3.
 *
 * @param t3 sample L-skewness (dimensionless)
 * @returns Hosking's k (dimensionless); error < 9e-4 for −0.5 ≤ k ≤ 0.5 (−0.11 ≲ t3 ≲ 0.53),
 *   growing outside (0.08 at t3 = −0.5)
 */
export function gevShapeApproximation(t3: number): number {
  const c = 2 / (3 + t3) - LN2 / LN3
  return 7.859 * c + 2.9554 * c * c
}

/**
 * GEV shape k (Hosking's sign) whose L-skewness is `t3`: the root of
 * 2(1 − 3^{−k})/(1 − 2^{−k}) − 3 = t3 (Hosking 1990), found by Newton's method from
 * {@link gevShapeApproximation}, kept inside a bracket where the relation changes sign and
 * bisected when a step would leave it (the relation is strictly decreasing in k on (−1, ∞)).
 *
 * @param t3 L-skewness, in (−1, 1)
 * @param solver `newton` (default) or `hosking-1985` (the approximation alone)
 * @returns k in (−1, ∞); NaN when t3 is not in (−1, 1)
 */
export function gevShapeFromTau3(t3: number, solver: GevShapeSolver = 'newton'): number {
  if (!(t3 > -1 && t3 < 1)) return NaN
  const k0 = gevShapeApproximation(t3)
  if (solver === 'hosking-1985') return k0
  let lo = -1
  let hi = 1
  while (gevTau3(hi) > t3 && hi < 1024) hi *= 2
  let k = k0 > lo && k0 < hi ? k0 : (lo + hi) / 2
  for (let it = 0; it < 200; it++) {
    const f = gevTau3(k) - t3
    if (f === 0) return k
    if (f > 0) lo = k
    else hi = k
    let next = k - f / gevTau3Derivative(k)
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi)
    if (Math.abs(next - k) <= 1e-15 * Math.max(1, Math.abs(k)) || next === lo || next === hi)
      return next
    k = next
  }
  return k
}

/** Gumbel parameters from the first two L-moments (Hosking 1990). */
export function gumbelFromLMoments(l1: number, l2: number): GumbelDistribution {
  const scale = l2 / LN2
  return { kind: 'gumbel', location: l1 - EULER_GAMMA * scale, scale }
}

/**
 * GEV parameters from the L-moments (Hosking 1990; Hosking & Wallis 1997), the shape by
 * {@link gevShapeFromTau3}.
 *
 * @param l1 L-location (series unit)
 * @param l2 L-scale (series unit), > 0
 * @param t3 L-skewness, in (−1, 1)
 * @returns the GEV, with NaN parameters when t3 is out of range
 */
export function gevFromLMoments(
  l1: number,
  l2: number,
  t3: number,
  solver: GevShapeSolver = 'newton',
): GevDistribution {
  const k = gevShapeFromTau3(t3, solver)
  // (1 − 2^{−k})/k and Γ(1 + k) → ln 2 and 1 as k → 0: α → l2/ln 2, the Gumbel scale.
  const oneMinus2k = Math.abs(k) < NEGLIGIBLE_SHAPE ? LN2 : -Math.expm1(-k * LN2) / k
  const scale = l2 / (oneMinus2k * gamma1p(k))
  return { kind: 'gev', location: l1 - scale * oneMinusGamma1pOverK(k), scale, shape: k }
}

/**
 * Gumbel maximum-likelihood fit of an ascending sample (see the module's notes). Kernel:
 * `sorted` must be ascending, finite and not constant; nothing is checked.
 *
 * @param start first guess of the scale (series unit); the L-moment scale by default
 * @returns the fit, or undefined if the iteration failed to converge (not seen in practice)
 */
export function gumbelMlOfSorted(
  sorted: Float64Array,
  start = lmomentsOfSorted(sorted).l2 / LN2,
): GumbelDistribution | undefined {
  const n = sorted.length
  const xmin = sorted[0]!
  const spread = compensatedMean(sorted) - xmin
  // h(α) = α − spread + Σzᵢwᵢ/Σwᵢ with zᵢ = xᵢ − min, wᵢ = e^{−zᵢ/α}; h(0⁺) < 0 ≤ h(spread).
  let lo = 0
  let hi = spread
  let a = Math.min(Math.max(start, 1e-3 * spread), spread)
  for (let it = 0; it < 200; it++) {
    let sw = 0
    let szw = 0
    for (let i = 0; i < n; i++) {
      const z = sorted[i]! - xmin
      const w = Math.exp(-z / a)
      sw += w
      szw += z * w
    }
    const m = szw / sw
    let v = 0
    for (let i = 0; i < n; i++) {
      const z = sorted[i]! - xmin
      v += (z - m) * (z - m) * Math.exp(-z / a)
    }
    v /= sw
    const h = a - spread + m
    if (h < 0) lo = a
    else hi = a
    let next = a - h / (1 + v / (a * a))
    if (!(next > lo && next < hi)) next = 0.5 * (lo + hi)
    const done = h === 0 || Math.abs(next - a) <= 4e-16 * a || next === lo || next === hi
    a = h === 0 ? a : next
    if (done) {
      let s = 0
      for (let i = 0; i < n; i++) s += Math.exp(-(sorted[i]! - xmin) / a)
      return { kind: 'gumbel', location: xmin - a * Math.log(s / n), scale: a }
    }
  }
  return undefined
}

/**
 * Fits `method` to an ascending sample. Kernel for the bootstrap: `sorted` must be ascending
 * and finite with at least {@link MIN_SAMPLE_SIZE} values; `pwm` is a scratch of length ≥ 4.
 *
 * @returns the fit, or undefined when the sample admits none (constant, L-skewness at ±1)
 */
export function fitSorted(
  sorted: Float64Array,
  method: FrequencyMethod,
  pwm: Float64Array,
  solver: GevShapeSolver = 'newton',
): FloodDistribution | undefined {
  const lm = lmomentsOfSorted(sorted, pwm)
  if (!(lm.l2 > 0)) return undefined
  let d: FloodDistribution | undefined
  switch (method) {
    case 'gumbel-lmom':
      d = gumbelFromLMoments(lm.l1, lm.l2)
      break
    case 'gumbel-ml':
      d = gumbelMlOfSorted(sorted, lm.l2 / LN2)
      break
    case 'gev-lmom':
      d = gevFromLMoments(lm.l1, lm.l2, lm.t3, solver)
      break
  }
  return d !== undefined && usable(d) ? d : undefined
}

function usable(d: FloodDistribution): boolean {
  const finite = Number.isFinite(d.location) && d.scale > 0 && Number.isFinite(d.scale)
  return finite && (d.kind === 'gumbel' || d.shape > -1)
}

/** A fitted distribution with the sample's L-moments (series unit). */
export interface Fit<D extends FloodDistribution = FloodDistribution> {
  readonly method: FrequencyMethod
  readonly distribution: D
  readonly lmoments: SampleLMoments
}

/**
 * Checks a sample for fitting and returns it sorted (a copy), or every problem found: values
 * that are not finite (by index), too few values, all values equal.
 *
 * @param sample annual maxima (any unit)
 * @param minSize the fewest values accepted
 */
export function checkedSortedSample(
  sample: Float64Array,
  minSize: number,
  what = 'annual maxima',
): Result<Float64Array> {
  const issues: Issue[] = []
  for (let i = 0; i < sample.length; i++) {
    const x = sample[i]!
    if (!Number.isFinite(x)) issues.push({ path: [i], message: `not a finite number (${x})` })
  }
  if (issues.length > 0) return fail(issues)
  if (sample.length < minSize)
    return fail([{ path: [], message: `need at least ${minSize} ${what}, got ${sample.length}` }])
  const sorted = Float64Array.from(sample).sort()
  if (sorted[0] === sorted[sorted.length - 1])
    return fail([
      {
        path: [],
        message: `the ${what} are all equal (${sorted[0]}): no spread to fit a distribution to`,
      },
    ])
  return ok(sorted)
}

/**
 * Fits a distribution to annual maxima by `method` (see the module's notes).
 *
 * @param sample annual maxima, in any unit; the parameters come out in the same unit
 * @param method `gev-lmom`, `gumbel-lmom` or `gumbel-ml`
 * @param solver for `gev-lmom`: how the shape is solved (default `newton`)
 * @returns the fit and the sample's L-moments, or the problems: a value not finite, fewer
 *   than {@link MIN_SAMPLE_SIZE} values, all values equal, an L-skewness of ±1 that no GEV
 *   with a finite mean has
 */
export function fitAnnualMaxima(
  sample: Float64Array,
  method: FrequencyMethod,
  solver: GevShapeSolver = 'newton',
): Result<Fit> {
  const checked = checkedSortedSample(sample, MIN_SAMPLE_SIZE[method])
  if (!checked.ok) return checked
  const sorted = checked.value
  const pwm = new Float64Array(4)
  const lmoments = lmomentsOfSorted(sorted, pwm)
  const distribution = fitSorted(sorted, method, pwm, solver)
  if (distribution === undefined) {
    const why =
      method === 'gev-lmom' && !(Math.abs(lmoments.t3) < 1)
        ? `the L-skewness is ${lmoments.t3}, outside the GEV's range (−1, 1): ` +
          'all values but one are equal'
        : 'the fit did not converge'
    return fail([{ path: [], message: `cannot fit ${method}: ${why}` }])
  }
  return ok({ method, distribution, lmoments })
}
