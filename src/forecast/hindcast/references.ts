/**
 * What a hindcast is judged against, built from the observations of a reference period (the
 * calibration period): a day-of-year climatology of flows, read as an ensemble, and flow
 * quantiles used as warning thresholds.
 */
import { InputError } from '../../core/errors.ts'
import { formatIssue } from '../../core/result.ts'
import { analyseFloodFrequency } from '../../hydro/frequency/analysis.ts'
import { annualMaxima } from '../../hydro/frequency/annual-maxima.ts'

const DAY_MS = 86_400_000

/** Day of the year (0 = 1 January … 365 = 31 December of a leap year) of a UTC time (ms). */
export function dayOfYear(timeMs: number): number {
  const d = new Date(timeMs)
  return Math.floor((timeMs - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS)
}

/**
 * A day-of-year climatology: for each day of the year, the sorted observed flows of the
 * reference period on the days within ±`halfWindow` days of it (circularly, 366 days), as an
 * ensemble forecast that knows only the season.
 */
export interface Climatology {
  /** Sorted flows (mm/step) per day of the year, 366 entries. */
  readonly byDay: readonly Float64Array[]
  readonly halfWindow: number
}

/**
 * Builds the climatology of observed flows.
 *
 * @param observed observed flows (mm/step, NaN where missing), indexed like `times`
 * @param times start of each step (ms since the epoch, UTC)
 * @param start first step of the reference period
 * @param end one past its last step
 * @param halfWindow days on each side of a day of the year pooled with it (default 7)
 * @throws InputError when some day of the year gets no observation
 */
export function dayOfYearClimatology(
  observed: Float64Array,
  times: Float64Array,
  start: number,
  end: number,
  halfWindow = 7,
): Climatology {
  const pools: number[][] = Array.from({ length: 366 }, () => [])
  for (let i = start; i < end; i++) {
    const q = observed[i]!
    if (!Number.isFinite(q)) continue
    const d = dayOfYear(times[i]!)
    for (let w = -halfWindow; w <= halfWindow; w++) pools[(d + w + 366) % 366]!.push(q)
  }
  const byDay = pools.map((p, d) => {
    if (p.length === 0)
      throw new InputError(
        `the reference period has no observed flow within ${halfWindow} days of day ${d + 1} of the year`,
      )
    return Float64Array.from(p).sort()
  })
  return { byDay, halfWindow }
}

/**
 * The empirical quantile of level `p` (0–1) of the finite values of `x[start, end)`, by linear
 * interpolation between order statistics (Hyndman & Fan 1996, type 7, R's default).
 * @returns NaN when no value is finite
 */
export function quantile(x: Float64Array, p: number, start = 0, end = x.length): number {
  const v: number[] = []
  for (let i = start; i < end; i++) if (Number.isFinite(x[i])) v.push(x[i]!)
  if (v.length === 0) return NaN
  const s = Float64Array.from(v).sort()
  return sortedQuantile(s, p)
}

/** Type-7 quantile of level `p` (0–1) of values already sorted ascending. */
export function sortedQuantile(sorted: Float64Array, p: number): number {
  const n = sorted.length
  if (n === 0) return NaN
  const h = (n - 1) * p
  const lo = Math.floor(h)
  const hi = Math.min(n - 1, lo + 1)
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!)
}

/** A named flow threshold (mm/step). */
export interface FlowThreshold {
  readonly name: string
  readonly value: number
}

/**
 * The flows exceeded 10 %, 5 % and 1 % of the time over the reference period (Q90, Q95, Q99,
 * the 0.90, 0.95 and 0.99 quantiles of the observed daily flows): stand-ins for warning
 * thresholds until thresholds from a flood-frequency analysis are available.
 * @throws InputError when the period holds no observed flow
 */
export function quantileThresholds(
  observed: Float64Array,
  start: number,
  end: number,
): FlowThreshold[] {
  const levels = [
    ['Q90', 0.9],
    ['Q95', 0.95],
    ['Q99', 0.99],
  ] as const
  const out = levels.map(([name, p]) => ({ name, value: quantile(observed, p, start, end) }))
  if (out.some((t) => !Number.isFinite(t.value)))
    throw new InputError('the reference period has no observed flow to set thresholds from')
  return out
}

/** Where {@link quantileThresholds} come from, to be said wherever they are used. */
export const QUANTILE_THRESHOLD_NOTE =
  'thresholds Q90, Q95, Q99: quantiles of the observed daily flows of the reference (calibration) period'

/** The return periods of {@link returnLevelThresholds} (years). */
export const THRESHOLD_RETURN_PERIODS = [2, 5, 10] as const

/**
 * Return levels of the annual maxima of the observed flows of the reference period, fitted by
 * a Gumbel distribution by L-moments (Hosking 1990; src/hydro/frequency/), as thresholds `T2`,
 * `T5`, `T10` (mm/step). Years are calendar years with at least 80 % of their steps observed.
 *
 * @param observed observed flows (mm/step, NaN where missing), indexed like `times`
 * @param times start of each step (ms since the epoch, UTC)
 * @param stepMs the step (ms)
 * @returns the thresholds and a note on how they were made
 * @throws InputError when the period has too few complete years (10) or admits no fit
 */
export function returnLevelThresholds(
  observed: Float64Array,
  times: Float64Array,
  stepMs: number,
  start: number,
  end: number,
): { thresholds: FlowThreshold[]; note: string } {
  const am = annualMaxima(times.subarray(start, end), observed.subarray(start, end), stepMs)
  const fit = analyseFloodFrequency(am.values, {
    method: 'gumbel-lmom',
    periods: THRESHOLD_RETURN_PERIODS,
  })
  if (!fit.ok)
    throw new InputError(
      `return-level thresholds: ${fit.issues.map(formatIssue).join('; ')} (${am.values.length} complete years in the reference period)`,
    )
  return {
    thresholds: fit.value.returnLevels.map((r) => ({
      name: `T${r.returnPeriodYears}`,
      value: r.value,
    })),
    note:
      `thresholds T2, T5, T10: 2-, 5- and 10-year return levels of the annual maxima of the ` +
      `observed daily flows of the reference (calibration) period (${am.values.length} years), ` +
      `Gumbel fitted by L-moments`,
  }
}
