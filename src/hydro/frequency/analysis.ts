/**
 * Flood-frequency analysis of annual maxima: fit one distribution (fit.ts), read its return
 * levels off the quantile function (distributions.ts), bound them by a seeded bootstrap
 * (bootstrap.ts) and summarise the fit (goodness-of-fit.ts). Everything is in the unit of the
 * annual maxima given; return periods are in years.
 */
import { InputError } from '../../core/errors.ts'
import type { Result } from '../../core/result.ts'
import { ok } from '../../core/result.ts'
import type { BootstrapOptions, Resampling } from './bootstrap.ts'
import { bootstrapReturnLevels, checkBootstrapOptions } from './bootstrap.ts'
import { returnLevelsInto } from './distributions.ts'
import type { Fit, FrequencyMethod, GevShapeSolver } from './fit.ts'
import { MIN_SAMPLE_SIZE, checkedSortedSample, fitAnnualMaxima } from './fit.ts'
import type { GoodnessOfFit } from './goodness-of-fit.ts'
import { goodnessOfFit } from './goodness-of-fit.ts'

/** The return periods reported by default (years). */
export const STANDARD_RETURN_PERIODS: readonly number[] = [1.5, 2, 5, 10, 20, 50, 100]

/** The fewest annual maxima an analysis accepts by default. */
export const DEFAULT_MIN_YEARS = 10

/** What to fit and report. */
export interface FrequencyOptions {
  readonly method: FrequencyMethod
  /** Return periods in years, each > 1; default {@link STANDARD_RETURN_PERIODS}. */
  readonly periods?: readonly number[]
  /** Bootstrap settings, or null (the default) for no confidence intervals. */
  readonly bootstrap?: BootstrapOptions | null
  /**
   * The fewest annual maxima accepted, default {@link DEFAULT_MIN_YEARS} (10); never fewer
   * than the method can fit at all (2 for Gumbel, 3 for the GEV).
   */
  readonly minYears?: number
  /** For `gev-lmom`: how the shape is solved, default `newton`. */
  readonly gevSolver?: GevShapeSolver
}

/** A return level and its confidence interval (series unit). */
export interface ReturnLevel {
  /** Return period T in years. */
  readonly returnPeriodYears: number
  /** The level exceeded on average once in T years. */
  readonly value: number
  /** Bounds of the bootstrap percentile interval, or null without a bootstrap. */
  readonly ciLow: number | null
  readonly ciHigh: number | null
}

/** How the intervals were obtained. */
export interface BootstrapSummary {
  readonly resampling: Resampling
  readonly resamples: number
  readonly level: number
  readonly seed: number
  /** Resamples that admitted no fit and were left out. */
  readonly failed: number
}

/** The outcome of a flood-frequency analysis. */
export interface FrequencyAnalysis extends Fit {
  /** Number of annual maxima fitted. */
  readonly n: number
  readonly returnLevels: readonly ReturnLevel[]
  readonly bootstrap: BootstrapSummary | null
  readonly goodnessOfFit: GoodnessOfFit
}

/**
 * Fits `options.method` to annual maxima and reports return levels with optional bootstrap
 * intervals. Methods: see fit.ts (Hosking 1990; Hosking & Wallis 1997); intervals: see
 * bootstrap.ts (Efron & Tibshirani 1993).
 *
 * @param maxima annual maxima in any unit (e.g. m³/s); levels come out in the same unit
 * @param options method, return periods (years), bootstrap, minimum number of years
 * @returns the analysis, or the problems with the data: a value not finite, fewer maxima than
 *   `minYears`, all maxima equal, no fit possible, a bootstrap where most resamples fail
 * @throws InputError on bad options: a period not > 1, a bootstrap setting out of range,
 *   `minYears` not an integer
 */
export function analyseFloodFrequency(
  maxima: Float64Array,
  options: FrequencyOptions,
): Result<FrequencyAnalysis> {
  const { method } = options
  const periodList = options.periods ?? STANDARD_RETURN_PERIODS
  periodList.forEach((t, i) => {
    if (!(t > 1) || !Number.isFinite(t))
      throw new InputError(`return period ${i + 1} must be a number of years > 1, got ${t}`)
  })
  const minYears = Math.max(options.minYears ?? DEFAULT_MIN_YEARS, MIN_SAMPLE_SIZE[method])
  if (!Number.isInteger(minYears))
    throw new InputError(`the minimum number of years must be an integer, got ${minYears}`)
  if (options.bootstrap) checkBootstrapOptions(options.bootstrap)
  const solver = options.gevSolver ?? 'newton'

  const checked = checkedSortedSample(maxima, minYears)
  if (!checked.ok) return checked
  const fit = fitAnnualMaxima(maxima, method, solver)
  if (!fit.ok) return fit
  const { distribution, lmoments } = fit.value

  const periods = Float64Array.from(periodList)
  const values = new Float64Array(periods.length)
  returnLevelsInto(distribution, periods, values)
  let low: Float64Array | null = null
  let high: Float64Array | null = null
  let bootstrap: BootstrapSummary | null = null
  if (options.bootstrap) {
    const b = options.bootstrap
    const r = bootstrapReturnLevels(maxima, distribution, method, periods, b, solver)
    if (!r.ok) return r
    low = r.value.low
    high = r.value.high
    bootstrap = {
      resampling: b.resampling ?? 'parametric',
      resamples: b.resamples,
      level: b.level,
      seed: b.seed,
      failed: r.value.failed,
    }
  }
  const returnLevels: ReturnLevel[] = []
  for (let i = 0; i < periods.length; i++) {
    returnLevels.push({
      returnPeriodYears: periods[i]!,
      value: values[i]!,
      ciLow: low === null ? null : low[i]!,
      ciHigh: high === null ? null : high[i]!,
    })
  }
  return ok({
    method,
    distribution,
    lmoments,
    n: maxima.length,
    returnLevels,
    bootstrap,
    goodnessOfFit: goodnessOfFit(checked.value, distribution, lmoments),
  })
}
