/**
 * Altitudinal extrapolation of the catchment forcing onto CemaNeige's elevation layers, as in
 * Valéry (2010) and airGR 1.7.6's `DataAltiExtrapolation_Valery` (called by
 * `CreateInputsModel`; Coron et al. 2017, Env. Model. Softw. 94, 166–171):
 *
 * 1. the hypsometric curve (101 elevations: minimum, percentiles 1–99, maximum) is cut into
 *    `n` layers of equal area, each represented by the elevation at its middle;
 * 2. precipitation grows with elevation as P·exp(β·(z − zInputs)), β = 0.00041 m⁻¹, with layers
 *    above 4000 m treated as lying at 4000 m, then (by default) is rescaled so that the mean
 *    of the layers equals the catchment precipitation;
 * 3. temperature falls with elevation by a day-of-year gradient (`gradients.ts`);
 * 4. the solid fraction of precipitation comes from the layer's mean temperature (USACE ramp
 *    between −1 °C and 3 °C), or, when the input elevation is below 1500 m and daily minimum
 *    and maximum temperatures are given, from them (Hydrotel formula, Turcotte et al. 2007).
 *
 * Every function is pure and works on `Float64Array`s; dates enter as rows of the gradient
 * tables, derived from epoch milliseconds (UTC) or from a day of the year.
 */
import type { Forcing } from '../types.ts'
import { GRAD_T_MAX, GRAD_T_MEAN, GRAD_T_MIN } from './gradients.ts'

/** Number of points of a hypsometric curve: minimum, percentiles 1 to 99, maximum. */
export const HYPSOMETRY_POINTS = 101

/** Altitudinal precipitation gradient β (m⁻¹) of Valéry (2010, p. 126), as in airGR. */
export const PRECIP_GRADIENT_PER_M = 0.00041

/** Elevation (m) above which precipitation no longer grows with elevation, as in airGR. */
export const PRECIP_CAP_ELEVATION_M = 4000

/** Input elevation (m) below which airGR uses the Hydrotel solid fraction when Tmin/Tmax exist. */
export const HYDROTEL_MAX_INPUT_ELEVATION_M = 1500

/** Temperature (°C) at or below which all precipitation is solid in the USACE ramp. */
export const USACE_ALL_SNOW_C = -1
/** Temperature (°C) at or above which all precipitation is liquid in the USACE ramp. */
export const USACE_ALL_RAIN_C = 3

/** How the solid fraction of precipitation is computed (see {@link solidFractionMethod}). */
export type SolidFractionMethod = 'USACE' | 'Hydrotel'

const MS_PER_DAY = 86_400_000

/**
 * The elevation of each of `layers` equal-area layers of a hypsometric curve, from the lowest
 * layer to the highest, as airGR builds `ZLayers`: the 100 intervals between the curve's points
 * are dealt out as evenly as possible (the first `100 mod n` layers get one more), and each layer
 * takes the point in the middle of its share (the mean of its two points when it has two).
 *
 * @param hypsometry 101 elevations (m a.s.l.): minimum, percentiles 1–99, maximum
 * @param layers number of layers (integer ≥ 1)
 * @returns the layer elevations (m a.s.l.)
 */
export function elevationLayers(hypsometry: Float64Array, layers: number): Float64Array {
  const z = new Float64Array(layers)
  const base = Math.floor(100 / layers)
  let extra = 100 % layers
  let used = 0
  for (let k = 0; k < layers; k++) {
    let share = base
    if (extra > 0) {
      share++
      extra--
    }
    if (share === 1) z[k] = hypsometry[used]!
    else if (share === 2) z[k] = 0.5 * (hypsometry[used]! + hypsometry[used + 1]!)
    else z[k] = hypsometry[used + Math.floor(share / 2)]!
    used += share
  }
  return z
}

/**
 * The elevation airGR assumes for the catchment's input series when none is given: the median
 * of the hypsometric curve (its 51st point), in m a.s.l.
 */
export function medianElevation(hypsometry: Float64Array): number {
  return hypsometry[50]!
}

/**
 * Whether airGR leaves precipitation and temperature as they are: a single layer whose input
 * elevation is exactly the median of the hypsometric curve.
 */
export function isIdentityExtrapolation(
  hypsometry: Float64Array,
  layers: number,
  zInputs: number,
): boolean {
  return layers === 1 && zInputs === hypsometry[50]
}

/**
 * Row of the gradient tables (0–365, a leap-year calendar) for a day given by the time of a step.
 * @param epochMs any instant of the day, in ms since the epoch; the day is taken in UTC
 */
export function gradientRowOfTime(epochMs: number): number {
  // Days since 0000-03-01 in the proleptic Gregorian calendar, then day of the year counted
  // from 1 March (so that 29 February is the last day of the count).
  const z = Math.floor(epochMs / MS_PER_DAY) + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  )
  const fromMarch = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  return fromMarch < 306 ? fromMarch + 60 : fromMarch - 306
}

/**
 * Row of the gradient tables for a day of the year.
 * @param dayOfYear 1 for 1 January … 365 (366 in a leap year) for 31 December
 * @param leapYear whether the year has a 29 February
 */
export function gradientRowOfDayOfYear(dayOfYear: number, leapYear: boolean): number {
  return !leapYear && dayOfYear >= 60 ? dayOfYear : dayOfYear - 1
}

/**
 * The gradient-table rows of a series of step times (see {@link gradientRowOfTime}).
 * @param times start of each step, ms since the epoch (UTC)
 * @param out caller-allocated rows, one per step
 */
export function gradientRows(times: Float64Array, out: Uint16Array): Uint16Array {
  for (let i = 0; i < times.length; i++) out[i] = gradientRowOfTime(times[i]!)
  return out
}

/**
 * The factor exp(β·(z − zInputs)) by which a layer at elevation `zLayer` receives more
 * precipitation than the input series, with airGR's cap: a layer above 4000 m is taken at
 * 4000 m, and no change is made when the input elevation too is above 4000 m.
 *
 * @param zLayer layer elevation (m a.s.l.)
 * @param zInputs elevation of the input series (m a.s.l.)
 * @returns the multiplicative factor (−)
 */
export function precipFactor(zLayer: number, zInputs: number): number {
  if (zLayer <= PRECIP_CAP_ELEVATION_M) return Math.exp(PRECIP_GRADIENT_PER_M * (zLayer - zInputs))
  if (zInputs <= PRECIP_CAP_ELEVATION_M)
    return Math.exp(PRECIP_GRADIENT_PER_M * (PRECIP_CAP_ELEVATION_M - zInputs))
  return 1
}

/**
 * Extrapolates catchment precipitation onto each layer (airGR's `LayerPrecip`).
 *
 * With `scale` (airGR's `PrecipScale`, its default), each step's layer values are rescaled so
 * that their mean is the catchment precipitation; a step whose layers all receive nothing gets 0.
 * The mean of the layers is formed as R's `rowMeans` does, with an extended-precision sum.
 *
 * @param precip catchment precipitation (mm/step)
 * @param zLayers layer elevations (m a.s.l.), see {@link elevationLayers}
 * @param zInputs elevation of the input series (m a.s.l.)
 * @param scale whether to rescale the layers to the catchment precipitation
 * @param out one caller-allocated array per layer, as long as `precip`, written in mm/step
 */
export function extrapolatePrecip(
  precip: Float64Array,
  zLayers: Float64Array,
  zInputs: number,
  scale: boolean,
  out: readonly Float64Array[],
): void {
  const nl = zLayers.length
  const n = precip.length
  for (let k = 0; k < nl; k++) {
    const f = precipFactor(zLayers[k]!, zInputs)
    const o = out[k]!
    for (let i = 0; i < n; i++) o[i] = precip[i]! * f
  }
  if (!scale) return
  for (let i = 0; i < n; i++) {
    const mean = meanAcross(out, i, nl)
    const p = precip[i]!
    for (let k = 0; k < nl; k++) {
      const o = out[k]!
      const v = (o[i]! / mean) * p
      o[i] = Number.isNaN(v) ? 0 : v
    }
  }
}

/**
 * Extrapolates a temperature series to a layer: T + (zInputs − zLayer)·γ/100, where γ is the
 * day's gradient (°C per 100 m) in `gradient` (one of `GRAD_T_MEAN`, `GRAD_T_MIN`, `GRAD_T_MAX`).
 *
 * @param temp temperature at the input elevation (°C)
 * @param rows gradient-table row of each step (see {@link gradientRows})
 * @param gradient the 366-row gradient table (°C per 100 m)
 * @param zInputs elevation of the input series (m a.s.l.)
 * @param zLayer layer elevation (m a.s.l.)
 * @param out caller-allocated layer temperature (°C), as long as `temp`
 */
export function extrapolateTemperature(
  temp: Float64Array,
  rows: Uint16Array,
  gradient: Float64Array,
  zInputs: number,
  zLayer: number,
  out: Float64Array,
): void {
  const dz = zInputs - zLayer
  for (let i = 0; i < temp.length; i++)
    out[i] = temp[i]! + (dz * Math.abs(gradient[rows[i]!]!)) / 100
}

/**
 * Solid fraction of precipitation by the USACE ramp: 1 at or below −1 °C, 0 above 3 °C,
 * linear in between.
 * @param tempMean layer mean temperature (°C)
 * @param out caller-allocated solid fraction (0–1), as long as `tempMean`
 */
export function solidFractionUsace(tempMean: Float64Array, out: Float64Array): void {
  for (let i = 0; i < tempMean.length; i++) {
    const t = tempMean[i]!
    let f = 1 - (t - USACE_ALL_SNOW_C) / (USACE_ALL_RAIN_C - USACE_ALL_SNOW_C)
    if (t > USACE_ALL_RAIN_C) f = 0
    if (t < USACE_ALL_SNOW_C) f = 1
    out[i] = f
  }
}

/**
 * Solid fraction of precipitation by the Hydrotel formula (Turcotte et al. 2007, Nordic Hydrol.
 * 38, 211–234): 1 − Tmax/(Tmax − Tmin), 0 when Tmin ≥ 0 °C, 1 when Tmax ≤ 0 °C.
 * @param tempMin layer daily minimum temperature (°C)
 * @param tempMax layer daily maximum temperature (°C)
 * @param out caller-allocated solid fraction (0–1), as long as the inputs
 */
export function solidFractionHydrotel(
  tempMin: Float64Array,
  tempMax: Float64Array,
  out: Float64Array,
): void {
  for (let i = 0; i < tempMin.length; i++) {
    const lo = tempMin[i]!
    const hi = tempMax[i]!
    let f = 1 - hi / (hi - lo)
    if (lo >= 0) f = 0
    if (hi <= 0) f = 1
    out[i] = f
  }
}

/**
 * The solid-fraction method airGR picks: Hydrotel when the input elevation is below 1500 m and
 * both minimum and maximum temperatures are given, USACE otherwise.
 * @param zInputs elevation of the input series (m a.s.l.)
 */
export function solidFractionMethod(zInputs: number, hasMinMax: boolean): SolidFractionMethod {
  return hasMinMax && zInputs < HYDROTEL_MAX_INPUT_ELEVATION_M ? 'Hydrotel' : 'USACE'
}

/**
 * Mean annual solid precipitation over the catchment (mm/year), as airGR's `CreateRunOptions`
 * computes `MeanAnSolidPrecip` when it is not given: the time mean, over the whole series, of
 * the layer average of fraction × precipitation, times the steps in a year (365.25 daily).
 * Steps with a missing (NaN) value are left out of the mean; airGR never has any, since
 * `CreateInputsModel` cuts the series after its last missing value.
 *
 * @param layerPrecip precipitation of each layer (mm/step)
 * @param layerFracSolid solid fraction of each layer (0–1)
 * @param stepsPerYear 365.25 for daily steps
 * @returns the mean annual solid precipitation (mm/year), NaN when no step is complete
 */
export function meanAnnualSolidPrecip(
  layerPrecip: readonly Float64Array[],
  layerFracSolid: readonly Float64Array[],
  stepsPerYear: number,
): number {
  const nl = layerPrecip.length
  const n = layerPrecip[0]!.length
  const solid = new Float64Array(n)
  for (let k = 0; k < nl; k++) {
    const p = layerPrecip[k]!
    const f = layerFracSolid[k]!
    for (let i = 0; i < n; i++) {
      const v = (f[i]! * p[i]!) / nl
      solid[i] = k === 0 ? v : solid[i]! + v
    }
  }
  let m = 0
  for (let i = 0; i < n; i++) if (!Number.isNaN(solid[i]!)) solid[m++] = solid[i]!
  return accurateMean(solid.subarray(0, m)) * stepsPerYear
}

/** The per-layer input series of CemaNeige and how they were made. */
export interface LayerInputs {
  /** Layer elevations, low to high (m a.s.l.). */
  readonly zLayers: Float64Array
  /** Elevation of the catchment series (m a.s.l.). */
  readonly zInputs: number
  /** Precipitation of each layer (mm/step). */
  readonly precip: readonly Float64Array[]
  /** Mean temperature of each layer (°C). */
  readonly tempMean: readonly Float64Array[]
  /** Solid fraction of each layer's precipitation (0–1). */
  readonly fracSolid: readonly Float64Array[]
  readonly method: SolidFractionMethod
}

/** How to extrapolate (see {@link extrapolateLayers}). */
export interface ExtrapolationOptions {
  /** 101 elevations (m a.s.l.): minimum, percentiles 1–99, maximum. */
  readonly hypsometry: Float64Array
  /** Number of elevation layers (integer ≥ 1). */
  readonly layers: number
  /** Elevation of the input series (m a.s.l.); the median of `hypsometry` when absent. */
  readonly zInputs?: number
  /** Whether to rescale layer precipitation to the catchment's (airGR's default: true). */
  readonly precipScale?: boolean
}

/**
 * The whole of airGR's `DataAltiExtrapolation_Valery`: layer elevations, precipitation,
 * temperature and solid fraction of every layer, from catchment series.
 *
 * @param forcing catchment `precip` (mm/step), `temp` (mean, °C), optional `tempMin`/`tempMax`
 *   (°C) and `times` (epoch ms, UTC) — the times are needed unless the extrapolation is the
 *   identity (one layer at the input elevation, see {@link isIdentityExtrapolation})
 * @throws Error when `temp` is missing, or `times` is missing and needed
 */
export function extrapolateLayers(
  forcing: Pick<Forcing, 'precip' | 'temp' | 'tempMin' | 'tempMax' | 'times'>,
  options: ExtrapolationOptions,
): LayerInputs {
  const { hypsometry, layers } = options
  const zInputs = options.zInputs ?? medianElevation(hypsometry)
  const temp = forcing.temp
  if (temp === undefined) throw new Error('CemaNeige needs a temperature series')
  const n = forcing.precip.length
  const zLayers = elevationLayers(hypsometry, layers)
  const hasMinMax = forcing.tempMin !== undefined && forcing.tempMax !== undefined
  const method = solidFractionMethod(zInputs, hasMinMax)
  const precip: Float64Array[] = []
  const tempMean: Float64Array[] = []
  const tempMin: Float64Array[] = []
  const tempMax: Float64Array[] = []
  const fracSolid: Float64Array[] = []
  if (isIdentityExtrapolation(hypsometry, layers, zInputs)) {
    precip.push(Float64Array.from(forcing.precip))
    tempMean.push(Float64Array.from(temp))
    if (hasMinMax) {
      tempMin.push(Float64Array.from(forcing.tempMin!))
      tempMax.push(Float64Array.from(forcing.tempMax!))
    }
  } else {
    if (forcing.times === undefined)
      throw new Error('CemaNeige needs the step times to extrapolate temperature')
    const rows = gradientRows(forcing.times, new Uint16Array(n))
    for (let k = 0; k < layers; k++) {
      precip.push(new Float64Array(n))
      const z = zLayers[k]!
      tempMean.push(new Float64Array(n))
      extrapolateTemperature(temp, rows, GRAD_T_MEAN, zInputs, z, tempMean[k]!)
      if (hasMinMax) {
        tempMin.push(new Float64Array(n))
        tempMax.push(new Float64Array(n))
        extrapolateTemperature(forcing.tempMin!, rows, GRAD_T_MIN, zInputs, z, tempMin[k]!)
        extrapolateTemperature(forcing.tempMax!, rows, GRAD_T_MAX, zInputs, z, tempMax[k]!)
      }
    }
    extrapolatePrecip(forcing.precip, zLayers, zInputs, options.precipScale ?? true, precip)
  }
  for (let k = 0; k < layers; k++) {
    fracSolid.push(new Float64Array(n))
    if (method === 'Hydrotel') solidFractionHydrotel(tempMin[k]!, tempMax[k]!, fracSolid[k]!)
    else solidFractionUsace(tempMean[k]!, fracSolid[k]!)
  }
  return { zLayers, zInputs, precip, tempMean, fracSolid, method }
}

// ---------------------------------------------------------------------------------------------
// Means as R forms them. R sums doubles in x87 extended precision (64-bit significand) and
// rounds the mean to a double. For a few layer values of similar size that sum is exact, so an
// exact double-double sum followed by one careful division gives R's mean (bit for bit on the
// reference runs); for long series R's mean and this one agree to the last bit or so.

/** Exact sum a + b as hi + lo (Knuth's TwoSum). Writes lo into `err[0]`. */
function twoSum(a: number, b: number, err: Float64Array): number {
  const s = a + b
  const bb = s - a
  err[0] = a - (s - bb) + (b - bb)
  return s
}

const SCRATCH = new Float64Array(1)

/** hi + lo divided by n, rounded once to a double (up to the last bit of a double-double). */
function divide(hi: number, lo: number, n: number): number {
  const q = hi / n
  // Remainder hi − q·n exactly, with Dekker's product split.
  const SPLIT = 134_217_729
  let t = SPLIT * q
  const qh = t - (t - q)
  const ql = q - qh
  t = SPLIT * n
  const nh = t - (t - n)
  const nl = n - nh
  const p = q * n
  const pe = qh * nh - p + qh * nl + ql * nh + ql * nl
  const r = hi - p - pe + lo
  return q + r / n
}

/** Mean of `out[0][i] … out[nl−1][i]` with an exact sum. */
function meanAcross(out: readonly Float64Array[], i: number, nl: number): number {
  let hi = 0
  let lo = 0
  for (let k = 0; k < nl; k++) {
    hi = twoSum(hi, out[k]![i]!, SCRATCH)
    lo += SCRATCH[0]!
  }
  return divide(hi, lo, nl)
}

/** Mean of a series with a compensated sum, as close to R's `mean` as a double allows. */
function accurateMean(x: Float64Array): number {
  let hi = 0
  let lo = 0
  for (let i = 0; i < x.length; i++) {
    hi = twoSum(hi, x[i]!, SCRATCH)
    lo += SCRATCH[0]!
  }
  return divide(hi, lo, x.length)
}
