/**
 * The two distributions of annual maxima Freshet fits: Gumbel (extreme value type I) and the
 * generalized extreme value (GEV) distribution, with their distribution, quantile and
 * return-level functions and their theoretical L-moments.
 *
 * Parameters are in the unit of the series (location ξ, scale α) except the GEV shape, which
 * follows **Hosking's sign convention** (Jenkinson 1955; Hosking, Wallis & Wood 1985;
 * Hosking 1990; Hosking & Wallis 1997, appendix):
 *
 *   F(x) = exp(−(1 − k(x − ξ)/α)^{1/k}),   x(F) = ξ + α(1 − (−ln F)^k)/k,
 *
 * so k < 0 is the heavy-tailed (Fréchet-type, lower-bounded) case and k > 0 the upper-bounded
 * (Weibull-type) one; k = 0 is Gumbel, F(x) = exp(−exp(−(x − ξ)/α)). The convention of Coles
 * (2001) and most statistics software writes the shape ξ_Coles = −k.
 *
 * A return period T (years) of an annual maximum is the mean recurrence interval of its
 * exceedance: T = 1 / (1 − F), so the T-year return level is x(1 − 1/T), T > 1.
 */
import type { Rng } from '../../core/rng.ts'
import { NEGLIGIBLE_SHAPE, gamma1p, oneMinusGamma1pOverK } from './special.ts'

/** Gumbel distribution; location and scale in the unit of the series, scale > 0. */
export interface GumbelDistribution {
  readonly kind: 'gumbel'
  /** ξ, the mode (series unit). */
  readonly location: number
  /** α > 0 (series unit). */
  readonly scale: number
}

/**
 * Generalized extreme value distribution; location and scale in the unit of the series,
 * `shape` is Hosking's k (dimensionless, k = −ξ of Coles 2001; k < 0 heavy upper tail).
 */
export interface GevDistribution {
  readonly kind: 'gev'
  /** ξ (series unit). */
  readonly location: number
  /** α > 0 (series unit). */
  readonly scale: number
  /** Hosking's k (dimensionless). */
  readonly shape: number
}

/** A distribution of annual maxima, tagged by its family. */
export type FloodDistribution = GumbelDistribution | GevDistribution

const LN2 = Math.LN2
const LN3 = Math.log(3)

/**
 * The Gumbel reduced variate of a GEV value: y such that F(x) = exp(−e^{−y}). ±Infinity
 * beyond a bound of the support.
 */
function reducedVariate(d: FloodDistribution, x: number): number {
  const z = (x - d.location) / d.scale
  if (d.kind === 'gumbel' || Math.abs(d.shape) < NEGLIGIBLE_SHAPE) return z
  const k = d.shape
  const u = 1 - k * z
  if (u <= 0) return k > 0 ? Infinity : -Infinity
  return -Math.log1p(-k * z) / k
}

/** x for a reduced variate y (the inverse of {@link reducedVariate}). */
function fromReducedVariate(d: FloodDistribution, y: number): number {
  if (d.kind === 'gumbel' || Math.abs(d.shape) < NEGLIGIBLE_SHAPE) return d.location + d.scale * y
  const k = d.shape
  // (−ln F)^k = e^{−ky}; expm1 keeps the digits as k → 0.
  return d.location - (d.scale * Math.expm1(-k * y)) / k
}

/**
 * Non-exceedance probability F(x) (Hosking & Wallis 1997, appendix).
 *
 * @param x a value in the series' unit
 * @returns F in [0, 1]; 0 or 1 beyond a bound of the GEV's support
 */
export function cdf(d: FloodDistribution, x: number): number {
  return Math.exp(-Math.exp(-reducedVariate(d, x)))
}

/**
 * Exceedance probability 1 − F(x), computed without cancellation in the upper tail.
 *
 * @param x a value in the series' unit
 */
export function exceedance(d: FloodDistribution, x: number): number {
  return -Math.expm1(-Math.exp(-reducedVariate(d, x)))
}

/**
 * Quantile function x(F) (Hosking & Wallis 1997, appendix).
 *
 * @param f non-exceedance probability in (0, 1); 0 and 1 give the bounds of the support
 *   (±Infinity where unbounded)
 * @returns the quantile, in the series' unit
 */
export function quantile(d: FloodDistribution, f: number): number {
  return fromReducedVariate(d, -Math.log(-Math.log(f)))
}

/**
 * T-year return level: the annual maximum exceeded on average once in T years, x(1 − 1/T).
 *
 * @param periodYears return period T in years, > 1
 * @returns the return level, in the series' unit (NaN when T ≤ 1 or T is NaN)
 */
export function returnLevel(d: FloodDistribution, periodYears: number): number {
  if (!(periodYears > 1)) return NaN
  // −ln F with F = 1 − 1/T, by log1p so that large T keep their digits.
  return fromReducedVariate(d, -Math.log(-Math.log1p(-1 / periodYears)))
}

/**
 * Return period of a value: T = 1 / (1 − F(x)), in years; Infinity above an upper bound of the
 * support, 1 below a lower bound.
 *
 * @param x a value in the series' unit
 */
export function returnPeriod(d: FloodDistribution, x: number): number {
  return 1 / exceedance(d, x)
}

/**
 * Writes the return levels of `periods` (years, each > 1) into `out` (series unit). Kernel for
 * tables and the bootstrap; NaN for a period ≤ 1.
 */
export function returnLevelsInto(
  d: FloodDistribution,
  periods: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < periods.length; i++) out[i] = returnLevel(d, periods[i]!)
}

/**
 * Fills `out` with independent draws from `d` by inversion of uniforms from `rng`
 * (series unit). A uniform of exactly 0 is drawn again, so every draw is finite.
 */
export function drawInto(d: FloodDistribution, rng: Rng, out: Float64Array): void {
  for (let i = 0; i < out.length; i++) {
    let u = rng.next()
    while (u === 0) u = rng.next()
    out[i] = quantile(d, u)
  }
}

/** Theoretical L-moments of a distribution: λ1, λ2 in the series' unit, τ3, τ4 dimensionless. */
export interface DistributionLMoments {
  readonly l1: number
  readonly l2: number
  readonly t3: number
  readonly t4: number
}

/**
 * L-moments of a Gumbel or GEV distribution (Hosking 1990; Hosking & Wallis 1997,
 * appendix): for the GEV with k > −1,
 *
 *   λ1 = ξ + α(1 − Γ(1 + k))/k,   λ2 = α(1 − 2^{−k})Γ(1 + k)/k,
 *   τ3 = 2(1 − 3^{−k})/(1 − 2^{−k}) − 3,
 *   τ4 = [5(1 − 4^{−k}) − 10(1 − 3^{−k}) + 6(1 − 2^{−k})]/(1 − 2^{−k}),
 *
 * and for Gumbel (k = 0) λ1 = ξ + γα, λ2 = α ln 2, τ3 = 0.1699, τ4 = 0.1504. For k ≤ −1 the
 * mean is infinite and every field is NaN.
 */
export function distributionLMoments(d: FloodDistribution): DistributionLMoments {
  const k = d.kind === 'gev' ? d.shape : 0
  if (!(k > -1)) return { l1: NaN, l2: NaN, t3: NaN, t4: NaN }
  return {
    l1: d.location + d.scale * oneMinusGamma1pOverK(k),
    l2: d.scale * oneMinusPowOverK(2, k) * gamma1p(k),
    t3: gevTau3(k),
    t4: gevTau4(k),
  }
}

/** (1 − b^{−k})/k, with its limit ln b at k = 0. */
function oneMinusPowOverK(b: number, k: number): number {
  return Math.abs(k) < NEGLIGIBLE_SHAPE ? Math.log(b) : -Math.expm1(-k * Math.log(b)) / k
}

/**
 * L-skewness of the GEV as a function of Hosking's k > −1 (Hosking 1990):
 * τ3 = 2(1 − 3^{−k})/(1 − 2^{−k}) − 3, strictly decreasing from 1 (k → −1) to −1 (k → ∞),
 * 0.1699 at k = 0 (Gumbel).
 */
export function gevTau3(k: number): number {
  return (2 * oneMinusPowOverK(3, k)) / oneMinusPowOverK(2, k) - 3
}

/** dτ3/dk of {@link gevTau3}, for Newton's method. */
export function gevTau3Derivative(k: number): number {
  if (Math.abs(k) < NEGLIGIBLE_SHAPE) return (LN3 * (LN2 - LN3)) / LN2
  const a = -Math.expm1(-k * LN3)
  const b = -Math.expm1(-k * LN2)
  return (2 * (LN3 * (1 - a) * b - LN2 * a * (1 - b))) / (b * b)
}

/** L-kurtosis of the GEV as a function of Hosking's k > −1 (Hosking 1990). */
export function gevTau4(k: number): number {
  return (
    (5 * oneMinusPowOverK(4, k) - 10 * oneMinusPowOverK(3, k) + 6 * oneMinusPowOverK(2, k)) /
    oneMinusPowOverK(2, k)
  )
}
