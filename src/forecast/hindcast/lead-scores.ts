/**
 * Scores of a hindcast per lead time, accumulated forecast by forecast:
 *
 * - CRPS of the ensemble (src/hydro/criteria/ensemble.ts), of persistence (the last observed
 *   flow, a one-member forecast whose CRPS is its absolute error) and of the day-of-year
 *   climatology (an ensemble); CRPSS = 1 − CRPS/CRPS_ref against each reference, from the mean
 *   CRPS over the same forecasts (Hersbach 2000, Weather Forecast. 15, 559–570);
 * - spread and skill: the ensemble spread √(mean of the members' variance, N − 1) against the
 *   RMSE of the ensemble mean (for a reliable ensemble of m members the RMSE is about
 *   √((m + 1)/m) times the spread; Fortin et al. 2014, J. Hydrometeorol. 15, 1708–1713);
 * - POD, FAR and CSI per threshold (src/hydro/criteria/events.ts), the ensemble forecasting an
 *   exceedance when its median reaches the threshold (at least half the members do).
 *
 * A (forecast, lead) pair counts only where the flow is observed at the target step and a
 * persistence value exists, so that every score of a lead time is over the same pairs.
 * Units: CRPS, spread and RMSE in the flows' unit (mm/step); the rest dimensionless.
 */
import type { Contingency, ContingencyScores } from '../../hydro/criteria/events.ts'
import { contingencyScores } from '../../hydro/criteria/events.ts'
import { crps, crpss } from '../../hydro/criteria/ensemble.ts'
import type { FlowThreshold } from './references.ts'

/** The scores of one lead time. */
export interface LeadScore {
  /** Lead time (steps; days for the daily models). */
  readonly lead: number
  /** Forecasts scored at this lead. */
  readonly n: number
  readonly crps: number
  readonly crpsPersistence: number
  readonly crpsClimatology: number
  readonly crpssPersistence: number
  readonly crpssClimatology: number
  /** √(mean member variance) (mm/step). */
  readonly spread: number
  /** RMSE of the ensemble mean (mm/step). */
  readonly rmseMean: number
  /** The contingency table and its scores per threshold, in the order of the thresholds. */
  readonly thresholds: readonly (Contingency & ContingencyScores & { readonly name: string })[]
}

/** Running sums per lead time (fields are per-lead arrays). */
export interface LeadAccumulator {
  readonly horizon: number
  readonly thresholds: readonly FlowThreshold[]
  readonly n: Float64Array
  readonly crps: Float64Array
  readonly crpsPersistence: Float64Array
  readonly crpsClimatology: Float64Array
  readonly variance: Float64Array
  readonly squaredError: Float64Array
  /** Per threshold, then per lead: hits, misses, false alarms, correct negatives. */
  readonly table: readonly Float64Array[]
  /** Scratch for sorting members. */
  readonly scratch: Float64Array
}

/** Empty sums for `horizon` lead times, ensembles of up to `members` members. */
export function newLeadAccumulator(
  horizon: number,
  members: number,
  thresholds: readonly FlowThreshold[],
): LeadAccumulator {
  const z = (): Float64Array => new Float64Array(horizon)
  return {
    horizon,
    thresholds,
    n: z(),
    crps: z(),
    crpsPersistence: z(),
    crpsClimatology: z(),
    variance: z(),
    squaredError: z(),
    table: thresholds.map(() => new Float64Array(4 * horizon)),
    scratch: new Float64Array(Math.max(1, members)),
  }
}

/**
 * Adds one forecast at one lead.
 *
 * @param lead 1-based lead time
 * @param members the members' flows at that lead (mm/step), ≥ 1 member
 * @param observed the observed flow (mm/step); NaN: the pair is skipped
 * @param persistence the persistence forecast (mm/step); NaN: the pair is skipped
 * @param climatologyCrps the climatology's CRPS for this target (mm/step)
 * @returns whether the pair counted
 */
export function addForecast(
  acc: LeadAccumulator,
  lead: number,
  members: Float64Array,
  observed: number,
  persistence: number,
  climatologyCrps: number,
): boolean {
  if (!Number.isFinite(observed) || !Number.isFinite(persistence)) return false
  const j = lead - 1
  const m = members.length
  acc.n[j]! += 1
  acc.crps[j]! += crps(members, observed, acc.scratch)
  acc.crpsPersistence[j]! += Math.abs(persistence - observed)
  acc.crpsClimatology[j]! += climatologyCrps
  let mean = 0
  for (let k = 0; k < m; k++) mean += members[k]!
  mean /= m
  let ss = 0
  for (let k = 0; k < m; k++) ss += (members[k]! - mean) ** 2
  acc.variance[j]! += m > 1 ? ss / (m - 1) : 0
  acc.squaredError[j]! += (mean - observed) ** 2
  const sorted = acc.scratch.subarray(0, m)
  sorted.set(members)
  sorted.sort()
  const median = m % 2 === 1 ? sorted[(m - 1) / 2]! : 0.5 * (sorted[m / 2 - 1]! + sorted[m / 2]!)
  acc.thresholds.forEach((t, i) => {
    const o = observed >= t.value
    const f = median >= t.value
    const slot = o ? (f ? 0 : 1) : f ? 2 : 3
    acc.table[i]![4 * j + slot]! += 1
  })
  return true
}

/** The scores per lead time from the sums. */
export function leadScores(acc: LeadAccumulator): LeadScore[] {
  const out: LeadScore[] = []
  for (let j = 0; j < acc.horizon; j++) {
    const n = acc.n[j]!
    const c = n > 0 ? acc.crps[j]! / n : NaN
    const cp = n > 0 ? acc.crpsPersistence[j]! / n : NaN
    const cc = n > 0 ? acc.crpsClimatology[j]! / n : NaN
    out.push({
      lead: j + 1,
      n,
      crps: c,
      crpsPersistence: cp,
      crpsClimatology: cc,
      crpssPersistence: n > 0 ? crpss(c, cp) : NaN,
      crpssClimatology: n > 0 ? crpss(c, cc) : NaN,
      spread: n > 0 ? Math.sqrt(acc.variance[j]! / n) : NaN,
      rmseMean: n > 0 ? Math.sqrt(acc.squaredError[j]! / n) : NaN,
      thresholds: acc.thresholds.map((t, i) => {
        const tb = acc.table[i]!
        const table: Contingency = {
          hits: tb[4 * j]!,
          misses: tb[4 * j + 1]!,
          falseAlarms: tb[4 * j + 2]!,
          correctNegatives: tb[4 * j + 3]!,
        }
        return { name: t.name, ...table, ...contingencyScores(table) }
      }),
    })
  }
  return out
}
