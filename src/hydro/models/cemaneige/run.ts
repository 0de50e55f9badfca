/**
 * The CemaNeige snow kernel for one elevation layer: a degree-day snow pack with a thermal state
 * (Valéry, Andréassian & Perrin 2014, J. Hydrol. 517, 1166–1175 and 1176–1187), optionally with
 * the linear SWE–snow-cover hysteresis of Riboust, Thirel, Le Moine & Ribstein (2019), J. Hydrol.
 * Hydromech. 67(1), 70–81. Written to agree with airGR 1.7.6's `frun_cemaneige` to double
 * precision.
 *
 * One step, with P the layer precipitation, f its solid fraction and T its temperature:
 * 1. Psol = f·P joins the pack G; Pliq = (1 − f)·P passes through.
 * 2. The thermal state follows the air: eTG ← CNX1·eTG + (1 − CNX1)·T, capped at 0 °C.
 * 3. A pack at 0 °C under air above 0 °C can melt PotMelt = min(CNX2·T, G).
 * 4. The snow-covered fraction Gratio scales the melt: Melt = ((1 − m)·Gratio + m)·PotMelt with
 *    m = 0.1. In the original version Gratio = min(G / Gthreshold, 1) with Gthreshold = 0.9 ×
 *    the mean annual solid precipitation; with the hysteresis Gratio follows the accumulation
 *    (rising by ΔG / CNX3) and the melt (G / Glocalmax) branches of a loop whose threshold is
 *    CNX4 × the mean annual solid precipitation.
 * 5. The layer releases PliqAndMelt = Pliq + Melt to the hydrological model.
 */
import { ETG, G, GLOCMAX, GRATIO, GTHR } from './state.ts'

/**
 * Smallest share of the potential melt that melts, whatever the snow cover. airGR writes this
 * 0.1 as a single-precision literal, so its double value is float32(0.1) = 0.10000000149011612.
 */
export const MIN_MELT_FRACTION = Math.fround(0.1)

/**
 * Share of the mean annual solid precipitation that makes the melt threshold of the original
 * version. A single-precision literal in airGR: float32(0.9) = 0.89999997615814209.
 */
export const MELT_THRESHOLD_SHARE = Math.fround(0.9)

/** Air temperature above which a pack at 0 °C melts (°C). */
export const MELT_TEMPERATURE_C = 0

/** Days per year that turn the mean daily solid precipitation into an annual one, as airGR. */
export const DAYS_PER_YEAR = 365.25

/** Outputs of a layer, in airGR's order and spelling (mm/day; SnowPack and thresholds mm; °C; −). */
export const SNOW_OUTPUTS = [
  'Pliq',
  'Psol',
  'SnowPack',
  'ThermalState',
  'Gratio',
  'PotMelt',
  'Melt',
  'PliqAndMelt',
  'Temp',
  'Gthreshold',
] as const

/** Outputs of a layer with the hysteresis: {@link SNOW_OUTPUTS} and the local threshold (mm). */
export const SNOW_HYST_OUTPUTS = [...SNOW_OUTPUTS, 'Glocalmax'] as const

/** Outputs of a layer for the chosen version. */
export const snowOutputNames = (hysteresis: boolean): readonly string[] =>
  hysteresis ? SNOW_HYST_OUTPUTS : SNOW_OUTPUTS

/** The input series of one layer (see `extrapolation.ts`), one value per step. */
export interface SnowLayerSeries {
  /** Precipitation (mm/day). */
  readonly precip: Float64Array
  /** Solid fraction of the precipitation (0–1). */
  readonly fracSolid: Float64Array
  /** Mean air temperature (°C). */
  readonly temp: Float64Array
}

/**
 * Runs CemaNeige on one layer over steps [start, end).
 *
 * @param params CNX1 (−), CNX2 (mm/°C/day), and with `hysteresis` CNX3 (mm), CNX4 (−); see
 *   `params.ts`
 * @param hysteresis whether to use the linear hysteresis (Riboust et al. 2019)
 * @param meanAnnualSolidPrecip mean annual solid precipitation of the layer (mm/year)
 * @param series the layer's precipitation, solid fraction and temperature
 * @param state the state vector holding the layer's block (`state.ts`), updated in place
 * @param at index of the layer's block in `state`
 * @param pliqAndMelt written with the water released to the hydrological model (mm/day) at
 *   index i − start
 * @param outputs when not null, one array per {@link snowOutputNames} entry, written likewise
 */
export function simulateSnowLayer(
  params: Float64Array,
  hysteresis: boolean,
  meanAnnualSolidPrecip: number,
  series: SnowLayerSeries,
  state: Float64Array,
  at: number,
  start: number,
  end: number,
  pliqAndMelt: Float64Array,
  outputs: readonly Float64Array[] | null,
): void {
  const ctg = params[0]!
  const kf = params[1]!
  const minMelt = MIN_MELT_FRACTION
  const tMelt = MELT_TEMPERATURE_C
  const precip = series.precip
  const frac = series.fracSolid
  const temp = series.temp
  let g = state[at + G]!
  let etg = state[at + ETG]!
  let gthr: number
  let glocmax: number
  let gacc = 0
  let gratio = 0
  if (hysteresis) {
    gacc = params[2]!
    gthr = state[at + GTHR]!
    if (gthr === 0) gthr = params[3]! * meanAnnualSolidPrecip
    glocmax = state[at + GLOCMAX]!
    if (glocmax === 0) glocmax = gthr
    gratio = state[at + GRATIO]!
  } else {
    gthr = MELT_THRESHOLD_SHARE * meanAnnualSolidPrecip
    glocmax = NaN
  }
  for (let i = start; i < end; i++) {
    const f = frac[i]!
    const p = precip[i]!
    const t = temp[i]!
    const pliq = (1 - f) * p
    const psol = f * p
    const gInit = g
    g = g + psol
    etg = ctg * etg + (1 - ctg) * t
    if (etg > 0) etg = 0
    let potMelt = 0
    if (etg === 0 && t > tMelt) {
      potMelt = kf * (t - tMelt)
      if (potMelt > g) potMelt = g
    }
    if (hysteresis) {
      if (potMelt > 0) {
        if (g < glocmax && gratio === 1) glocmax = g
        gratio = g / glocmax
        // `r < 1 ? r : 1` rather than Math.min: 0/0 (no snow and no threshold) then gives 1,
        // so the melt stays 0 instead of NaN.
        if (!(gratio < 1)) gratio = 1
      }
    } else {
      gratio = g < gthr ? g / gthr : 1
    }
    const melt = ((1 - minMelt) * gratio + minMelt) * potMelt
    g = g - melt
    if (hysteresis) {
      if (g - gInit > 0) {
        gratio = gratio + (psol - melt) / gacc
        if (!(gratio < 1)) gratio = 1
        if (gratio === 1) glocmax = gthr
      } else {
        gratio = g / glocmax
        if (!(gratio < 1)) gratio = 1
      }
    } else {
      gratio = g < gthr ? g / gthr : 1
    }
    const out = pliq + melt
    const j = i - start
    pliqAndMelt[j] = out
    if (outputs !== null) {
      outputs[0]![j] = pliq
      outputs[1]![j] = psol
      outputs[2]![j] = g
      outputs[3]![j] = etg
      outputs[4]![j] = gratio
      outputs[5]![j] = potMelt
      outputs[6]![j] = melt
      outputs[7]![j] = out
      outputs[8]![j] = t
      outputs[9]![j] = gthr
      if (hysteresis) outputs[10]![j] = glocmax
    }
  }
  state[at + G] = g
  state[at + ETG] = etg
  if (hysteresis) {
    state[at + GTHR] = gthr
    state[at + GLOCMAX] = glocmax
    state[at + GRATIO] = gratio
  }
}
