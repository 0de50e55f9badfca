/**
 * Sample L-moments (Hosking 1990, J. R. Stat. Soc. B 52(1):105–124; Hosking & Wallis 1997,
 * Regional Frequency Analysis) from the unbiased probability-weighted moments
 *
 *   b_r = n⁻¹ Σ_{j=1}^{n} [(j−1)(j−2)…(j−r)] / [(n−1)(n−2)…(n−r)] · x_(j),   r = 0…3
 *
 * of the sample sorted in ascending order (Landwehr, Matalas & Wallis 1979; Wang 1996, Water
 * Resour. Res. 32(3):779–792), through
 *
 *   l1 = b0,  l2 = 2b1 − b0,  l3 = 6b2 − 6b1 + b0,  l4 = 20b3 − 30b2 + 12b1 − b0,
 *   t3 = l3 / l2 (L-skewness),  t4 = l4 / l2 (L-kurtosis).
 *
 * These are the unbiased estimators: l2 is half the mean absolute difference over all pairs
 * of values, l3 and l4 the corresponding means over triples and quadruples (the U-statistics of
 * Hosking 1990), which the tests use as an independent check.
 *
 * Numerics: l2, l3 and l4 are differences of PWMs of similar size, which would lose the digits
 * of a series with a large mean and a small spread (water levels in metres above sea level).
 * The PWMs are therefore taken of x − c, with c the compensated mean of the sample (L-moments of
 * order ≥ 2 do not depend on a shift, and l1 = c + b0(x − c)), and every sum is a Neumaier
 * compensated sum.
 */

import { InputError } from '../../core/errors.ts'

/** Sample L-moments, in the unit of the sample (t3, t4 dimensionless). */
export interface SampleLMoments {
  /** Sample size. */
  readonly n: number
  /** L-location: the mean (sample unit). */
  readonly l1: number
  /** L-scale (sample unit); 0 for a constant sample. */
  readonly l2: number
  /** Third L-moment (sample unit); NaN when n < 3. */
  readonly l3: number
  /** Fourth L-moment (sample unit); NaN when n < 4. */
  readonly l4: number
  /** L-skewness l3/l2, in (−1, 1); NaN when n < 3 or l2 = 0. */
  readonly t3: number
  /** L-kurtosis l4/l2, in [(5t3² − 1)/4, 1]; NaN when n < 4 or l2 = 0. */
  readonly t4: number
}

/**
 * Writes the unbiased PWMs b0…b3 of `sorted` − `shift` into `out` (length ≥ 4), b_r being
 * NaN when n ≤ r. Kernel: `sorted` must be ascending, finite and non-empty; nothing is checked.
 *
 * @param sorted the sample in ascending order (any unit)
 * @param shift subtracted from every value first (same unit); 0 for the plain PWMs
 * @param out receives b0, b1, b2, b3 (same unit as the sample)
 */
export function probabilityWeightedMoments(
  sorted: Float64Array,
  shift: number,
  out: Float64Array,
): void {
  const n = sorted.length
  // Neumaier sums: s_r the running sum, c_r its compensation.
  let s0 = 0
  let s1 = 0
  let s2 = 0
  let s3 = 0
  let c0 = 0
  let c1 = 0
  let c2 = 0
  let c3 = 0
  for (let j = 0; j < n; j++) {
    // With the 0-based rank j, the weight of b_r is j(j−1)…(j−r+1) / [(n−1)(n−2)…(n−r)].
    const x = sorted[j]! - shift
    const w1 = n > 1 ? j / (n - 1) : 0
    const w2 = n > 2 ? (w1 * (j - 1)) / (n - 2) : 0
    const w3 = n > 3 ? (w2 * (j - 2)) / (n - 3) : 0
    let t = s0 + x
    c0 += Math.abs(s0) >= Math.abs(x) ? s0 - t + x : x - t + s0
    s0 = t
    let v = w1 * x
    t = s1 + v
    c1 += Math.abs(s1) >= Math.abs(v) ? s1 - t + v : v - t + s1
    s1 = t
    v = w2 * x
    t = s2 + v
    c2 += Math.abs(s2) >= Math.abs(v) ? s2 - t + v : v - t + s2
    s2 = t
    v = w3 * x
    t = s3 + v
    c3 += Math.abs(s3) >= Math.abs(v) ? s3 - t + v : v - t + s3
    s3 = t
  }
  out[0] = (s0 + c0) / n
  out[1] = n > 1 ? (s1 + c1) / n : NaN
  out[2] = n > 2 ? (s2 + c2) / n : NaN
  out[3] = n > 3 ? (s3 + c3) / n : NaN
}

/** Compensated (Neumaier) mean of a non-empty array. */
export function compensatedMean(x: Float64Array): number {
  let s = 0
  let c = 0
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!
    const t = s + v
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s
    s = t
  }
  return (s + c) / x.length
}

/**
 * Sample L-moments of an ascending sample (see the module's notes). Kernel: `sorted` must be
 * ascending, finite and non-empty; nothing is checked. `pwm` is a caller-owned scratch of
 * length ≥ 4, so repeated calls (the bootstrap) allocate only the returned record.
 */
export function lmomentsOfSorted(
  sorted: Float64Array,
  pwm: Float64Array = new Float64Array(4),
): SampleLMoments {
  const n = sorted.length
  const c = compensatedMean(sorted)
  probabilityWeightedMoments(sorted, c, pwm)
  const b0 = pwm[0]!
  const b1 = pwm[1]!
  const b2 = pwm[2]!
  const b3 = pwm[3]!
  const l1 = c + b0
  const l2 = n > 1 ? 2 * b1 - b0 : 0
  const l3 = n > 2 ? 6 * b2 - 6 * b1 + b0 : NaN
  const l4 = n > 3 ? 20 * b3 - 30 * b2 + 12 * b1 - b0 : NaN
  // A constant sample may leave rounding dust in l2, and a sample whose values are all equal
  // but the largest (or the smallest) has l3 = ±l2 and l4 = l2 exactly, which rounding could
  // nudge inside (−1, 1) and so let through a GEV with k ≈ −1: these get their exact values.
  if (sorted[0] === sorted[n - 1]) {
    return { n, l1, l2: 0, l3: n > 2 ? 0 : NaN, l4: n > 3 ? 0 : NaN, t3: NaN, t4: NaN }
  }
  if (n > 2 && (sorted[0] === sorted[n - 2] || sorted[1] === sorted[n - 1])) {
    const sign = sorted[0] === sorted[n - 2] ? 1 : -1
    const t4 = n > 3 ? 1 : NaN
    return { n, l1, l2, l3: sign * l2, l4: t4 * l2, t3: sign, t4 }
  }
  return { n, l1, l2, l3, l4, t3: l3 / l2, t4: l4 / l2 }
}

/**
 * Sample L-moments of `sample` (any order) by the unbiased PWMs (Hosking 1990; Wang 1996).
 *
 * @param sample values in any unit, all finite, at least one
 * @returns the L-moments in the sample's unit (t3, t4 dimensionless)
 * @throws InputError when the sample is empty or holds a value that is not finite
 */
export function sampleLMoments(sample: Float64Array): SampleLMoments {
  if (sample.length === 0) throw new InputError('L-moments of an empty sample')
  for (let i = 0; i < sample.length; i++) {
    if (!Number.isFinite(sample[i]!))
      throw new InputError(`L-moments: value ${i} is not finite (${sample[i]})`)
  }
  return lmomentsOfSorted(Float64Array.from(sample).sort())
}
