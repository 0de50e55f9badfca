/**
 * Annual maxima of a regular time series (the block maxima of extreme-value analysis; Gumbel
 * 1958; Coles 2001, ch. 3), by calendar year or by a hydrological year starting on the first of a
 * given month, with a coverage rule so that a year of mostly missing values does not pass off a
 * small maximum as its flood.
 *
 * - A step belongs to the year containing its start time (UTC).
 * - A year is labelled by the calendar year in which it starts: with a start in September, the
 *   year 2015 runs from 2015-09-01 to 2016-08-31.
 * - Coverage is the number of steps holding a finite value divided by the number of steps the
 *   year has at the series' step (365 or 366 days, 8760 or 8784 hours). A year counts when its
 *   coverage is at least `minCoverage` (default 0.8, i.e. 80 %); every year the series spans is
 *   reported, counted or skipped, with its coverage — including the partial first and last
 *   years and years inside a gap.
 * - The maximum is the largest finite value; on ties, the first.
 */
import type { EpochMs } from '../../core/brand.ts'
import { InputError } from '../../core/errors.ts'

/** Coverage a year needs by default to count: 80 % of its steps hold a value. */
export const DEFAULT_MIN_COVERAGE = 0.8

/** How the series is cut into years. */
export interface AnnualMaximaOptions {
  /** First month of the year, 1 (January: calendar years, the default) to 12. */
  readonly yearStartMonth?: number
  /** Fraction in (0, 1] of a year's steps that must hold a value; default 0.8. */
  readonly minCoverage?: number
}

/** One year of the series, counted or not. */
export interface YearCoverage {
  /** Calendar year in which the (hydrological) year starts. */
  readonly year: number
  /** First instant of the year and first instant of the next, ms since the epoch (UTC). */
  readonly start: EpochMs
  readonly end: EpochMs
  /** Steps holding a finite value, and steps the year has at the series' step. */
  readonly present: number
  readonly expected: number
  /** present / expected, in [0, 1]. */
  readonly coverage: number
}

/** A counted year and its maximum. */
export interface AnnualMaximum extends YearCoverage {
  /** The year's largest value, in the series' unit. */
  readonly value: number
  /** Index of the step holding it in the series, and that step's start time. */
  readonly index: number
  readonly at: EpochMs
}

/** The years of a series, split into counted ones with their maxima and skipped ones. */
export interface AnnualMaxima {
  /** Counted years in time order. */
  readonly used: readonly AnnualMaximum[]
  /** Years the series spans whose coverage is below `minCoverage`, in time order. */
  readonly skipped: readonly YearCoverage[]
  /** The maxima of the counted years, in time order (series unit). */
  readonly values: Float64Array
  readonly yearStartMonth: number
  readonly minCoverage: number
}

/** Start (ms, UTC) of the year labelled `year` that begins in month `m` (1–12). */
const yearStart = (year: number, m: number): number => Date.UTC(year, m - 1, 1)

/** Label of the year holding instant `t` for years beginning in month `m` (1–12). */
function yearOf(t: number, m: number): number {
  const d = new Date(t)
  const y = d.getUTCFullYear()
  return d.getUTCMonth() < m - 1 ? y - 1 : y
}

/**
 * Annual maxima of a regular series (see the module's notes for the rules).
 *
 * @param times start of each step, ms since the epoch (UTC), strictly increasing
 * @param values the series, in any unit; NaN (or any non-finite value) is missing
 * @param stepMs the series' step in ms (86 400 000 for daily, 3 600 000 for hourly)
 * @param options year start month (default January) and minimum coverage (default 0.8)
 * @returns counted years with their maxima (series unit) and skipped years with their coverage
 * @throws InputError when the arrays differ in length, the times are not finite and strictly
 *   increasing, the step is not > 0, or an option is out of range
 */
export function annualMaxima(
  times: Float64Array,
  values: Float64Array,
  stepMs: number,
  options: AnnualMaximaOptions = {},
): AnnualMaxima {
  const m = options.yearStartMonth ?? 1
  const minCoverage = options.minCoverage ?? DEFAULT_MIN_COVERAGE
  if (times.length !== values.length)
    throw new InputError(`${times.length} times but ${values.length} values`)
  if (!(stepMs > 0) || !Number.isFinite(stepMs))
    throw new InputError(`the time step must be > 0 ms, got ${stepMs}`)
  if (!Number.isInteger(m) || m < 1 || m > 12)
    throw new InputError(`the year's first month must be an integer from 1 to 12, got ${m}`)
  if (!(minCoverage > 0 && minCoverage <= 1))
    throw new InputError(`the minimum coverage must be in (0, 1], got ${minCoverage}`)
  const n = times.length
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(times[i]!) || (i > 0 && !(times[i]! > times[i - 1]!)))
      throw new InputError(`times must be finite and strictly increasing (at index ${i})`)
  }
  const used: AnnualMaximum[] = []
  const skipped: YearCoverage[] = []
  if (n === 0) return { used, skipped, values: new Float64Array(0), yearStartMonth: m, minCoverage }
  const last = yearOf(times[n - 1]!, m)
  let i = 0
  for (let year = yearOf(times[0]!, m); year <= last; year++) {
    const start = yearStart(year, m)
    const end = yearStart(year + 1, m)
    let present = 0
    let best = -Infinity
    let bestIndex = -1
    for (; i < n && times[i]! < end; i++) {
      const v = values[i]!
      if (!Number.isFinite(v)) continue
      present++
      if (v > best) {
        best = v
        bestIndex = i
      }
    }
    const expected = (end - start) / stepMs
    const coverage = Math.min(1, present / expected)
    const y: YearCoverage = {
      year,
      start: start as EpochMs,
      end: end as EpochMs,
      present,
      expected,
      coverage,
    }
    if (present > 0 && coverage >= minCoverage) {
      used.push({ ...y, value: best, index: bestIndex, at: times[bestIndex]! as EpochMs })
    } else {
      skipped.push(y)
    }
  }
  const out = new Float64Array(used.length)
  for (let k = 0; k < used.length; k++) out[k] = used[k]!.value
  return { used, skipped, values: out, yearStartMonth: m, minCoverage }
}
