/**
 * The unit hydrographs of the GR models (Perrin et al. 2003, J. Hydrol. 279, 275–289), built as
 * successive differences of their S-curves so that the ordinates sum exactly to 1.
 *
 * SH1(t) = (t / X4)^d for 0 < t < X4, 1 after: the ordinates of UH1 spread a pulse over X4 steps.
 * SH2(t) = ½ (t / X4)^d up to X4, 1 − ½ (2 − t / X4)^d up to 2·X4: UH2 spreads it over 2·X4.
 * The exponent d is 2.5 for daily models and 1.25 for hourly ones.
 */

/**
 * UH1 ordinates of the hourly models (airGR's NH = 20·24 = 480 in `utils_H.f90`; UH2 has twice
 * as many), so an hourly X4 can reach 480 h. The daily models use 20 (`NH_DAILY` in gr4j/run.ts).
 */
export const NH_HOURLY = 480
/** Exponent d of the hourly S-curves (GR4H, GR5H; 2.5 for the daily models). */
export const UH_EXPONENT_HOURLY = 1.25

/** Value of the S-curve of UH1 at integer time `i` (steps) for a time base `x4` (steps). */
function sCurve1(i: number, x4: number, d: number): number {
  if (i <= 0) return 0
  if (i < x4) return (i / x4) ** d
  return 1
}

/** Value of the S-curve of UH2 at integer time `i` (steps) for a half time base `x4` (steps). */
function sCurve2(i: number, x4: number, d: number): number {
  if (i <= 0) return 0
  if (i <= x4) return 0.5 * (i / x4) ** d
  if (i < 2 * x4) return 1 - 0.5 * (2 - i / x4) ** d
  return 1
}

/**
 * Writes the ordinates of UH1 into `out` (its length is the number of ordinates).
 * @param x4 time base in time steps (> 0)
 * @param d exponent of the S-curve (2.5 daily, 1.25 hourly)
 * @param out caller-allocated array of ordinates (−, dimensionless)
 */
export function uh1Ordinates(x4: number, d: number, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = sCurve1(i + 1, x4, d) - sCurve1(i, x4, d)
  return out
}

/**
 * Writes the ordinates of UH2 into `out` (its length is the number of ordinates, twice UH1's).
 * @param x4 half time base in time steps (> 0)
 * @param d exponent of the S-curve (2.5 daily, 1.25 hourly)
 * @param out caller-allocated array of ordinates (−, dimensionless)
 */
export function uh2Ordinates(x4: number, d: number, out: Float64Array): Float64Array {
  for (let i = 0; i < out.length; i++) out[i] = sCurve2(i + 1, x4, d) - sCurve2(i, x4, d)
  return out
}

/**
 * Number of leading UH1 ordinates that can be non-zero for a time base `x4`, as the GR models
 * convolve them: the first ⌊x4 + 1⌋, at least 1 and at most `n − 1`.
 */
export function uh1Span(x4: number, n: number): number {
  return Math.max(1, Math.min(n - 1, Math.trunc(x4 + 1)))
}

/** As {@link uh1Span} for UH2 over `n` ordinates: the first 2·⌊x4 + 1⌋, within [1, n − 1]. */
export function uh2Span(x4: number, n: number): number {
  return Math.max(1, Math.min(n - 1, 2 * Math.trunc(x4 + 1)))
}
