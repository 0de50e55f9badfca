/**
 * The continuous ranked probability score (CRPS) of an ensemble forecast, and its skill score.
 *
 * For an ensemble x₁ … x_m, read as the empirical distribution that puts 1/m on each member,
 * and an observation y, the CRPS is ∫ (F(z) − 𝟙{z ≥ y})² dz, which equals the energy form
 * (Gneiting & Raftery 2007, "Strictly proper scoring rules, prediction, and estimation",
 * J. Am. Stat. Assoc. 102, 359–378, eq. 21)
 *
 *   CRPS = (1/m) Σᵢ |xᵢ − y| − 1/(2m²) Σᵢ Σⱼ |xᵢ − xⱼ|.
 *
 * With the members sorted, x₍₁₎ ≤ … ≤ x₍ₘ₎, the double sum is 2 Σᵢ (2i − m − 1) x₍ᵢ₎, so the score
 * costs one sort: O(m log m) instead of O(m²).
 *
 * The *fair* CRPS (Ferro 2014, "Fair scores for ensemble forecasts", Q. J. R. Meteorol. Soc. 140,
 * 1917–1923) divides the double sum by 2m(m − 1) instead: it judges the ensemble as a sample of
 * the distribution it was drawn from, so that ensembles of different sizes compare fairly. It is
 * undefined, NaN, for a single member.
 *
 * A single-member ensemble is a deterministic forecast: its CRPS is |x − y|, and its mean CRPS
 * over a series the mean absolute error. Scores are in the unit of the forecast; 0 is perfect.
 */
import { InputError } from '../../core/errors.ts'

export interface CrpsOptions {
  /** Whether to compute the fair CRPS of Ferro (2014) rather than the CRPS. */
  readonly fair?: boolean
}

/**
 * The CRPS from members already sorted ascending in `sorted[0 … m − 1]`, with `spreadWeight`
 * 1/m² (CRPS) or 1/(m(m − 1)) (fair CRPS) on Σᵢ (2i − m − 1) x₍ᵢ₎.
 */
function sortedCrps(sorted: Float64Array, m: number, obs: number, spreadWeight: number): number {
  let err = 0
  let spread = 0
  for (let i = 0; i < m; i++) {
    const x = sorted[i]!
    err += Math.abs(x - obs)
    spread += (2 * i + 1 - m) * x
  }
  return err / m - spreadWeight * spread
}

function spreadWeight(m: number, fair: boolean): number {
  return fair ? 1 / (m * (m - 1)) : 1 / (m * m)
}

/** Sorts a copy of `members` into `scratch` and returns the view of the m sorted values. */
function sortInto(members: Float64Array, scratch: Float64Array): Float64Array {
  const m = members.length
  if (scratch.length < m)
    throw new InputError(`the scratch array holds ${scratch.length} values, the ensemble ${m}`)
  const view = scratch.length === m ? scratch : scratch.subarray(0, m)
  view.set(members)
  return view.sort()
}

/**
 * The CRPS of one ensemble forecast against one observation.
 *
 * @param members the ensemble members (unit of the forecast, at least one); left unchanged
 * @param obs the observation (same unit); NaN gives NaN, as does a NaN member
 * @param scratch caller-allocated work space of at least `members.length` values, so that a
 *   loop over steps allocates nothing; allocated when absent
 * @returns the CRPS (unit of the forecast, ≥ 0)
 * @throws InputError when the ensemble is empty or the scratch too short
 */
export function crps(
  members: Float64Array,
  obs: number,
  scratch: Float64Array = new Float64Array(members.length),
): number {
  const m = members.length
  if (m === 0) throw new InputError('an ensemble needs at least one member')
  return sortedCrps(sortInto(members, scratch), m, obs, spreadWeight(m, false))
}

/**
 * The fair CRPS (Ferro 2014) of one ensemble forecast against one observation: the CRPS with
 * the members' spread term divided by 2m(m − 1) instead of 2m². NaN for a single member.
 *
 * Arguments, unit and errors as {@link crps}.
 */
export function fairCrps(
  members: Float64Array,
  obs: number,
  scratch: Float64Array = new Float64Array(members.length),
): number {
  const m = members.length
  if (m === 0) throw new InputError('an ensemble needs at least one member')
  if (m === 1) return NaN
  return sortedCrps(sortInto(members, scratch), m, obs, spreadWeight(m, true))
}

function checkSeries(members: readonly Float64Array[], obs: Float64Array): void {
  if (members.length === 0) throw new InputError('an ensemble needs at least one member')
  for (let k = 0; k < members.length; k++) {
    if (members[k]!.length !== obs.length)
      throw new InputError(
        `member ${k} has ${members[k]!.length} steps, the observations ${obs.length}`,
      )
  }
}

/**
 * The CRPS of an ensemble forecast at every step of a series.
 *
 * @param members one series per member, each as long as `obs` (unit of the forecast)
 * @param obs the observed series (same unit; NaN where missing)
 * @param out caller-allocated, at least as long as `obs`: written with the CRPS of each step,
 *   NaN where the observation is missing; with `fair` and one member, NaN throughout
 * @returns `out`
 * @throws InputError when there is no member or the lengths disagree
 */
export function crpsSeries(
  members: readonly Float64Array[],
  obs: Float64Array,
  out: Float64Array,
  options: CrpsOptions = {},
): Float64Array {
  checkSeries(members, obs)
  if (out.length < obs.length)
    throw new InputError(`the output holds ${out.length} values, the series ${obs.length}`)
  const m = members.length
  const weight = spreadWeight(m, options.fair === true)
  const sorted = new Float64Array(m)
  for (let t = 0; t < obs.length; t++) {
    const y = obs[t]!
    if (Number.isNaN(y)) {
      out[t] = NaN
      continue
    }
    for (let k = 0; k < m; k++) sorted[k] = members[k]![t]!
    sorted.sort()
    out[t] = m === 1 && options.fair === true ? NaN : sortedCrps(sorted, m, y, weight)
  }
  return out
}

/**
 * The mean CRPS of an ensemble forecast over a series, the steps with a missing observation
 * skipped (a compensated sum keeps long series exact). With one member it is the mean absolute
 * error of that forecast.
 *
 * @param members one series per member, each as long as `obs` (unit of the forecast)
 * @param obs the observed series (same unit; NaN where missing)
 * @returns the mean CRPS (unit of the forecast); NaN when no observation is present, when a
 *   member is NaN at an observed step, or with `fair` and a single member
 * @throws InputError when there is no member or the lengths disagree
 */
export function meanCrps(
  members: readonly Float64Array[],
  obs: Float64Array,
  options: CrpsOptions = {},
): number {
  const scores = crpsSeries(members, obs, new Float64Array(obs.length), options)
  // Neumaier's compensated summation.
  let sum = 0
  let c = 0
  let n = 0
  for (let t = 0; t < obs.length; t++) {
    if (Number.isNaN(obs[t]!)) continue
    const v = scores[t]!
    const s = sum + v
    c += Math.abs(sum) >= Math.abs(v) ? sum - s + v : v - s + sum
    sum = s
    n++
  }
  return n > 0 ? (sum + c) / n : NaN
}

/**
 * The continuous ranked probability skill score, 1 − CRPS/CRPS_ref: 1 for a perfect forecast,
 * 0 for no better than the reference (climatology, persistence…), negative for worse.
 *
 * @param score the (mean) CRPS of the forecast
 * @param reference the (mean) CRPS of the reference forecast, same unit
 * @returns the skill score (dimensionless); NaN when both are 0 (nothing to improve on),
 *   −Infinity when only the reference is perfect
 */
export function crpss(score: number, reference: number): number {
  if (reference === 0) return score > 0 ? -Infinity : NaN
  return 1 - score / reference
}
