/**
 * A summary of how well a fitted distribution matches the annual maxima. Descriptive only: the
 * parameters were estimated from the same data, so the classical p-values of these statistics
 * do not apply, and none is given.
 *
 * - Kolmogorov–Smirnov distance D = maxᵢ max(i/n − F(x₍ᵢ₎), F(x₍ᵢ₎) − (i−1)/n).
 * - Anderson–Darling A² = −n − n⁻¹ Σᵢ (2i − 1)[ln F(x₍ᵢ₎) + ln(1 − F(x₍ₙ₊₁₋ᵢ₎))]
 *   (Anderson & Darling 1954; Stephens 1974), which weighs the tails; Infinity when a value
 *   lies outside the fitted distribution's support (possible with L-moment GEV fits).
 * - L-skewness and L-kurtosis of the sample beside those of the fitted distribution (Hosking &
 *   Wallis 1997: a sample t4 far from the model's points to another family).
 * - Empirical return periods by the Gringorten (1963) plotting position,
 *   T = (n + 0.12)/(i − 0.44) for the i-th largest of n maxima, the usual choice for Gumbel
 *   and GEV probability plots.
 */
import type { FloodDistribution } from './distributions.ts'
import { cdf, distributionLMoments, exceedance } from './distributions.ts'
import type { SampleLMoments } from './lmoments.ts'

/** Goodness-of-fit statistics (all dimensionless). */
export interface GoodnessOfFit {
  /** Kolmogorov–Smirnov distance, in [0, 1]. */
  readonly ks: number
  /** Anderson–Darling statistic A² ≥ 0 (Infinity for a value outside the support). */
  readonly andersonDarling: number
  readonly t3Sample: number
  readonly t3Model: number
  readonly t4Sample: number
  readonly t4Model: number
}

/**
 * Goodness-of-fit statistics of `d` on an ascending sample (see the module's notes).
 *
 * @param sorted the annual maxima in ascending order (series unit), at least one
 * @param d the fitted distribution
 * @param lm the sample's L-moments
 */
export function goodnessOfFit(
  sorted: Float64Array,
  d: FloodDistribution,
  lm: SampleLMoments,
): GoodnessOfFit {
  const n = sorted.length
  let ks = 0
  let ad = 0
  for (let i = 0; i < n; i++) {
    const f = cdf(d, sorted[i]!)
    ks = Math.max(ks, (i + 1) / n - f, f - i / n)
    ad += (2 * i + 1) * (Math.log(f) + Math.log(exceedance(d, sorted[n - 1 - i]!)))
  }
  const model = distributionLMoments(d)
  return {
    ks,
    andersonDarling: -n - ad / n,
    t3Sample: lm.t3,
    t3Model: model.t3,
    t4Sample: lm.t4,
    t4Model: model.t4,
  }
}

/**
 * Empirical return periods of annual maxima by the Gringorten plotting position, in the order
 * of `sample` (years); tied values share the highest rank among them.
 *
 * @param sample annual maxima (any unit), finite
 * @returns T = (n + 0.12)/(i − 0.44) for each value, i its rank from the largest (1)
 */
export function gringortenReturnPeriods(sample: Float64Array): Float64Array {
  const n = sample.length
  const out = new Float64Array(n)
  for (let j = 0; j < n; j++) {
    let rank = 1
    for (let i = 0; i < n; i++) if (sample[i]! > sample[j]!) rank++
    out[j] = (n + 0.12) / (rank - 0.44)
  }
  return out
}
