/**
 * Conversion between a depth of runoff over a catchment (mm per time step, what the
 * rainfall-runoff models produce) and a discharge (m³/s, what flows down a river).
 *
 * One millimetre of water over one square kilometre is 10⁻³ m × 10⁶ m² = 1000 m³ exactly, so a
 * depth of q mm per step of Δt seconds over A km² is a mean discharge of
 *
 *   Q = q · A · 1000 / Δt   (m³/s),   and back,   q = Q · Δt / (A · 1000)   (mm/step).
 *
 * For a daily step (Δt = 86 400 s), 1 mm/day over 1 km² is 1000 / 86 400 = 0.011574… m³/s.
 * The scalar and series forms compute the same factor first, so they agree to the last bit.
 */

/** Cubic metres in one millimetre of water spread over one square kilometre (exact). */
export const M3_PER_MM_KM2 = 1000
/** Seconds in one hour. */
export const SECONDS_PER_HOUR = 3600
/** Seconds in one day. */
export const SECONDS_PER_DAY = 86_400

/**
 * Converts a runoff depth into a mean discharge.
 *
 * @param depthMm runoff depth over the catchment (mm per step)
 * @param areaKm2 catchment area (km², ≥ 0)
 * @param stepSeconds length of the time step (s, > 0)
 * @returns the mean discharge over the step (m³/s)
 */
export function mmPerStepToM3s(depthMm: number, areaKm2: number, stepSeconds: number): number {
  return depthMm * ((areaKm2 * M3_PER_MM_KM2) / stepSeconds)
}

/**
 * Converts a mean discharge into a runoff depth over a catchment.
 *
 * @param flowM3s mean discharge over the step (m³/s)
 * @param areaKm2 catchment area (km², > 0; an area of 0 gives ±Infinity or NaN)
 * @param stepSeconds length of the time step (s, > 0)
 * @returns the runoff depth (mm per step)
 */
export function m3sToMmPerStep(flowM3s: number, areaKm2: number, stepSeconds: number): number {
  return flowM3s * (stepSeconds / (areaKm2 * M3_PER_MM_KM2))
}

/**
 * Series form of {@link mmPerStepToM3s}: writes `out[i]` = `depthMm[i]` converted to m³/s.
 * `out` may be `depthMm` itself (converted in place); NaN stays NaN.
 *
 * @param depthMm runoff depths (mm per step)
 * @param areaKm2 catchment area (km²)
 * @param stepSeconds length of the time step (s)
 * @param out caller-allocated, at least as long as `depthMm` (m³/s)
 * @returns `out`
 */
export function mmPerStepToM3sSeries(
  depthMm: Float64Array,
  areaKm2: number,
  stepSeconds: number,
  out: Float64Array,
): Float64Array {
  const f = (areaKm2 * M3_PER_MM_KM2) / stepSeconds
  for (let i = 0; i < depthMm.length; i++) out[i] = depthMm[i]! * f
  return out
}

/**
 * Series form of {@link m3sToMmPerStep}: writes `out[i]` = `flowM3s[i]` converted to mm per
 * step. `out` may be `flowM3s` itself; NaN stays NaN.
 *
 * @param flowM3s mean discharges (m³/s)
 * @param areaKm2 catchment area (km², > 0)
 * @param stepSeconds length of the time step (s)
 * @param out caller-allocated, at least as long as `flowM3s` (mm per step)
 * @returns `out`
 */
export function m3sToMmPerStepSeries(
  flowM3s: Float64Array,
  areaKm2: number,
  stepSeconds: number,
  out: Float64Array,
): Float64Array {
  const f = stepSeconds / (areaKm2 * M3_PER_MM_KM2)
  for (let i = 0; i < flowM3s.length; i++) out[i] = flowM3s[i]! * f
  return out
}
