/**
 * Bootstrap confidence intervals of return levels (Efron & Tibshirani 1993, An Introduction
 * to the Bootstrap, ch. 13, percentile intervals). Each of R resamples of the n annual maxima
 * is refitted by the same method and its return levels computed; the interval at level c for
 * each return period runs between the (1 − c)/2 and (1 + c)/2 quantiles of those R levels, by
 * linear interpolation between order statistics (Hyndman & Fan 1996, definition 7).
 *
 * Resampling:
 * - `parametric` (the default): n values drawn by inversion from the fitted distribution. It
 *   gives smooth intervals even for 15–30 years of data and never a resample without spread.
 * - `nonparametric`: n values drawn with replacement from the annual maxima themselves (no
 *   assumption that the fitted family is right, but ties and small samples make it rough).
 *
 * Uniforms come from {@link seededRng}: the same seed gives the same intervals. A resample that
 * admits no fit (all values equal, or an L-skewness of ±1 for the GEV) is counted in `failed`
 * and left out; when more than half fail, the bootstrap itself fails.
 */
import { InputError } from '../../core/errors.ts'
import type { Result } from '../../core/result.ts'
import { fail, ok } from '../../core/result.ts'
import { seededRng } from '../../core/rng.ts'
import type { FloodDistribution } from './distributions.ts'
import { drawInto, returnLevelsInto } from './distributions.ts'
import type { FrequencyMethod, GevShapeSolver } from './fit.ts'
import { fitSorted } from './fit.ts'

/** How resamples are drawn (see the module's notes). */
export type Resampling = 'parametric' | 'nonparametric'

/** The settings of a bootstrap. */
export interface BootstrapOptions {
  /** Number of resamples R, an integer ≥ 10 (1000 is usual). */
  readonly resamples: number
  /** Confidence level c in (0, 1), e.g. 0.9 for a 90 % interval. */
  readonly level: number
  /** Seed of the random generator (an integer). */
  readonly seed: number
  /** `parametric` (default) or `nonparametric`. */
  readonly resampling?: Resampling
}

/** Percentile intervals of return levels, one entry per return period (series unit). */
export interface BootstrapIntervals {
  readonly low: Float64Array
  readonly high: Float64Array
  /** Resamples that admitted no fit and were left out. */
  readonly failed: number
}

/**
 * Quantile p of an ascending array by linear interpolation between order statistics
 * (Hyndman & Fan 1996, definition 7, R's default). Kernel: `sorted` non-empty, p in [0, 1].
 */
export function quantileOfSorted(sorted: Float64Array, p: number): number {
  const h = (sorted.length - 1) * p
  const lo = Math.floor(h)
  const a = sorted[lo]!
  return lo + 1 < sorted.length ? a + (h - lo) * (sorted[lo + 1]! - a) : a
}

/**
 * Checks bootstrap settings.
 *
 * @throws InputError when R is not an integer ≥ 10, c is not in (0, 1) or the seed is not an
 *   integer
 */
export function checkBootstrapOptions(o: BootstrapOptions): void {
  if (!Number.isInteger(o.resamples) || o.resamples < 10)
    throw new InputError(`the number of resamples must be an integer ≥ 10, got ${o.resamples}`)
  if (!(o.level > 0 && o.level < 1))
    throw new InputError(`the confidence level must be in (0, 1), e.g. 0.9, got ${o.level}`)
  if (!Number.isInteger(o.seed)) throw new InputError(`the seed must be an integer, got ${o.seed}`)
}

/**
 * Bootstrap percentile intervals of the return levels of `periods` (see the module's notes).
 *
 * @param sample the annual maxima (series unit), finite; the fit of `fitted` came from them
 * @param fitted the distribution fitted to `sample` by `method` (drawn from when parametric)
 * @param method the fitting method, applied again to every resample
 * @param periods return periods in years, each > 1
 * @param options resamples, level, seed, resampling
 * @param solver for `gev-lmom`, how the shape is solved (default `newton`)
 * @returns the lower and upper bounds (series unit) per period and the count of failed
 *   resamples, or an issue when more than half of the resamples admit no fit
 * @throws InputError on bad options (see {@link checkBootstrapOptions})
 */
export function bootstrapReturnLevels(
  sample: Float64Array,
  fitted: FloodDistribution,
  method: FrequencyMethod,
  periods: Float64Array,
  options: BootstrapOptions,
  solver: GevShapeSolver = 'newton',
): Result<BootstrapIntervals> {
  checkBootstrapOptions(options)
  const r = options.resamples
  const n = sample.length
  const np = periods.length
  const rng = seededRng(options.seed)
  const parametric = (options.resampling ?? 'parametric') === 'parametric'
  const buf = new Float64Array(n)
  const pwm = new Float64Array(4)
  const levels = new Float64Array(np)
  // levelsByPeriod[p * r + j]: the level of period p in the j-th successful resample.
  const levelsByPeriod = new Float64Array(np * r)
  let good = 0
  for (let j = 0; j < r; j++) {
    if (parametric) drawInto(fitted, rng, buf)
    else for (let i = 0; i < n; i++) buf[i] = sample[Math.floor(rng.next() * n)]!
    buf.sort()
    const d = fitSorted(buf, method, pwm, solver)
    if (d === undefined) continue
    returnLevelsInto(d, periods, levels)
    for (let p = 0; p < np; p++) levelsByPeriod[p * r + good] = levels[p]!
    good++
  }
  const failed = r - good
  if (good < r / 2)
    return fail([
      {
        path: ['bootstrap'],
        message: `${failed} of ${r} resamples admitted no ${method} fit: no interval`,
      },
    ])
  const low = new Float64Array(np)
  const high = new Float64Array(np)
  const pLow = (1 - options.level) / 2
  const pHigh = (1 + options.level) / 2
  for (let p = 0; p < np; p++) {
    const s = levelsByPeriod.subarray(p * r, p * r + good).sort()
    low[p] = quantileOfSorted(s, pLow)
    high[p] = quantileOfSorted(s, pHigh)
  }
  return ok({ low, high, failed })
}
