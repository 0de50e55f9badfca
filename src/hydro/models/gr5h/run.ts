/**
 * GR5H, the hourly five-parameter model of Ficchì (2017), "An adaptive hydrological model for
 * multiple time-steps", PhD thesis, UPMC/Irstea, and Ficchì, Perrin & Andréassian (2019),
 * "Hydrological modelling at multiple sub-daily time steps: model improvement via
 * flux-matching", J. Hydrol. 575, 1308–1327; written to agree with airGR's `RunModel_GR5H`
 * (1.7.6), with or without its interception store.
 *
 * One step: [interception store of capacity Imax, which meets evapotranspiration first and
 * passes on the rain it cannot hold →] production store → the whole effective rainfall through
 * one unit hydrograph of time base 2·X4 (exponent 1.25) → its outflow split 90 % / 10 % to the
 * routing store and the direct branch → both gain F = X2·(R/X3 − X5) → Q = QR + QD.
 */
import { InputError } from '../../../core/errors.ts'
import type { Forcing, InitialLevels, ModelDefinition } from '../types.ts'
import {
  F_AE,
  F_AEXCH1,
  F_AEXCH2,
  F_EI,
  F_ES,
  F_INT,
  F_PERC,
  F_PN,
  F_PR,
  F_PS,
  F_QD,
  F_QR,
  FLUX_SLOTS,
  PERCOLATION_HOURLY,
  SPLIT_UH1,
  convolve,
  interceptionProductionStep,
  productionStep,
  routingStep,
  thresholdExchange,
} from '../gr-stores.ts'
import { NH_HOURLY, UH_EXPONENT_HOURLY, uh2Ordinates, uh2Span } from '../unit-hydrograph.ts'
import { MIN_STORE_MM, MIN_UH_BASE } from '../gr4j/params.ts'
import { grInitialState } from '../gr4j/run.ts'
import { GR5H_PARAM_NAMES, GR5H_PARAM_UNITS, checkGr5hParams } from './params.ts'
import { GR5H_STATE_NAMES, GR5H_STATE_SIZE, INT, PROD, ROUT, uh2Offset } from './state.ts'

/**
 * Output series of GR5H, in airGR's order and spelling (mm/h; Interc, Prod and Rout in mm).
 * EI is the evapotranspiration met by rainfall (or by the interception store when there is
 * one), ES the part taken from the production store; Interc is 0 without interception.
 */
export const GR5H_OUTPUTS = [
  'PotEvap',
  'Precip',
  'Interc',
  'Prod',
  'Pn',
  'Ps',
  'AE',
  'EI',
  'ES',
  'Perc',
  'PR',
  'Q9',
  'Q1',
  'Rout',
  'Exch',
  'AExch1',
  'AExch2',
  'AExch',
  'QR',
  'QD',
  'Qsim',
] as const

/**
 * Runs the GR5H kernel over steps [start, end), trusting its arguments (see `checkGr5hParams`).
 *
 * @param params X1 (mm), X2 (mm/h), X3 (mm), X4 (h), X5 (−); see `params.ts`
 * @param imaxMm capacity of the interception store (mm, ≥ 0), or null for none
 * @param precip rainfall (mm/h)
 * @param pet potential evapotranspiration (mm/h)
 * @param state the state vector (`state.ts`), updated in place to the end of the run
 * @param start first step (index into `precip` and `pet`)
 * @param end one past the last step
 * @param qsim written with the simulated flow (mm/h) at index i − start
 * @param outputs when not null, one array per {@link GR5H_OUTPUTS} entry, written likewise
 */
export function simulateGr5h(
  params: Float64Array,
  imaxMm: number | null,
  precip: Float64Array,
  pet: Float64Array,
  state: Float64Array,
  start: number,
  end: number,
  qsim: Float64Array,
  outputs: readonly Float64Array[] | null,
): void {
  const n2 = 2 * NH_HOURLY
  const x1 = Math.max(params[0]!, MIN_STORE_MM)
  const x2 = params[1]!
  const x3 = Math.max(params[2]!, MIN_STORE_MM)
  const x4 = Math.max(params[3]!, MIN_UH_BASE)
  const x5 = params[4]!
  const intercept = imaxMm !== null
  const imax = imaxMm ?? 0
  const ord = uh2Ordinates(x4, UH_EXPONENT_HOURLY, new Float64Array(n2))
  const span = uh2Span(x4, n2)
  const off = uh2Offset(NH_HOURLY)
  const flux = new Float64Array(FLUX_SLOTS)
  // The imports used on every step are read into locals once: under the ESM transform the
  // tests and the CLI run with, each use inside the loop would be a getter call (measured:
  // about twice as slow). The diagnostic outputs keep the imported names.
  const produce = productionStep
  const produceIntercepting = interceptionProductionStep
  const conv = convolve
  const exchangeOf = thresholdExchange
  const route = routingStep
  const percolation = PERCOLATION_HOURLY
  const split = SPLIT_UH1
  const fPR = F_PR
  const fQR = F_QR
  const fQD = F_QD
  const fINT = F_INT
  let s = state[PROD]!
  let r = state[ROUT]!
  // Without interception airGR neither reads nor keeps an interception level: it stays 0.
  let si = intercept ? state[INT]! : 0
  for (let i = start; i < end; i++) {
    const p = precip[i]!
    const e = pet[i]!
    if (intercept) {
      s = produceIntercepting(s, si, p, e, x1, imax, percolation, flux)
      si = flux[fINT]!
    } else {
      s = produce(s, p, e, x1, percolation, flux)
    }
    const pr = flux[fPR]!
    conv(state, off, ord, n2, span, pr)
    const uh = state[off]!
    const q9 = uh * split
    const q1 = uh * (1 - split)
    const exch = exchangeOf(r, x2, x3, x5)
    r = route(r, q9, q1, exch, x3, flux)
    let q = flux[fQR]! + flux[fQD]!
    if (q < 0) q = 0
    const j = i - start
    qsim[j] = q
    if (outputs !== null) {
      outputs[0]![j] = e
      outputs[1]![j] = p
      outputs[2]![j] = si
      outputs[3]![j] = s
      outputs[4]![j] = flux[F_PN]!
      outputs[5]![j] = flux[F_PS]!
      outputs[6]![j] = flux[F_AE]!
      outputs[7]![j] = flux[F_EI]!
      outputs[8]![j] = flux[F_ES]!
      outputs[9]![j] = flux[F_PERC]!
      outputs[10]![j] = pr
      outputs[11]![j] = q9
      outputs[12]![j] = q1
      outputs[13]![j] = r
      outputs[14]![j] = exch
      outputs[15]![j] = flux[F_AEXCH1]!
      outputs[16]![j] = flux[F_AEXCH2]!
      outputs[17]![j] = flux[F_AEXCH1]! + flux[F_AEXCH2]!
      outputs[18]![j] = flux[fQR]!
      outputs[19]![j] = flux[fQD]!
      outputs[20]![j] = q
    }
  }
  state[PROD] = s
  state[ROUT] = r
  state[INT] = si
}

/** Options of GR5H beyond its parameters. */
export interface Gr5hOptions {
  /** Capacity of the interception store (mm, finite, ≥ 0); no interception store when absent. */
  readonly imaxMm?: number
}

/** GR5H as a {@link ModelDefinition}, with the interception capacity it was built with. */
export interface Gr5hDefinition extends ModelDefinition {
  /** Capacity of the interception store (mm), or null when the model has none. */
  readonly imaxMm: number | null
}

/**
 * Builds GR5H as a {@link ModelDefinition}: hourly, parameters X1 (mm), X2 (mm/h), X3 (mm),
 * X4 (h), X5 (−); flows in mm/h. With `imaxMm`, an interception store of that capacity sits
 * above the production store (airGR's `CreateRunOptions(Imax = …)`); a cold start leaves it
 * empty, airGR's default (`IniResLevels[4] = 0`), and fills the production and routing stores
 * to the given fractions of X1 and X3.
 *
 * @throws InputError when `imaxMm` is given but is not a finite number ≥ 0
 */
export function createGr5h(options: Gr5hOptions = {}): Gr5hDefinition {
  const { imaxMm } = options
  if (imaxMm !== undefined && !(Number.isFinite(imaxMm) && imaxMm >= 0)) {
    throw new InputError(
      `GR5H: interception capacity must be a finite number ≥ 0 mm, got ${imaxMm}`,
    )
  }
  const imax = imaxMm ?? null
  return {
    name: 'GR5H',
    timeStep: 'hourly',
    paramNames: GR5H_PARAM_NAMES,
    paramUnits: GR5H_PARAM_UNITS,
    outputNames: GR5H_OUTPUTS,
    needsTemperature: false,
    stateSize: GR5H_STATE_SIZE,
    stateNames: GR5H_STATE_NAMES,
    imaxMm: imax,
    checkParams: checkGr5hParams,
    initialState: (params: Float64Array, levels: InitialLevels) =>
      grInitialState(params, levels, NH_HOURLY),
    simulate: (params, forcing: Forcing, state, start, end, qsim, outputs) =>
      simulateGr5h(params, imax, forcing.precip, forcing.pet, state, start, end, qsim, outputs),
  }
}

/** GR5H without an interception store (airGR's `RunModel_GR5H` when `Imax` is not given). */
export const gr5h: Gr5hDefinition = createGr5h()
