/**
 * GR6J, the daily six-parameter rainfall-runoff model of Pushpalatha, Perrin, Le Moine,
 * Mathevet & Andréassian (2011), "A downward structural sensitivity analysis of hydrological
 * models to improve low-flow simulation", J. Hydrol. 411, 66–76; written to agree with airGR's
 * `RunModel_GR6J` (1.7.6).
 *
 * One step: production store (as GR4J) → PR split 90 % / 10 % into UH1 (time base X4) and UH2
 * (2·X4) → UH1's outflow split 60 % to the routing store and 40 % to the exponential store
 * (emptied by X6·ln(1 + exp(E/X6))) → the threshold exchange F = X2·(R/X3 − X5) is added to the
 * routing store, the exponential store and the direct branch → Q = QR + QD + QRExp.
 */
import type { Forcing, InitialLevels, ModelDefinition } from '../types.ts'
import {
  F_AE,
  F_AEXCH1,
  F_AEXCH2,
  F_PERC,
  F_PN,
  F_PR,
  F_PS,
  F_QD,
  F_QR,
  FLUX_SLOTS,
  PERCOLATION_DAILY,
  SPLIT_EXP,
  SPLIT_UH1,
  convolve,
  exponentialOutflow,
  productionStep,
  routingStep,
  thresholdExchange,
} from '../gr-stores.ts'
import { uh1Ordinates, uh1Span, uh2Ordinates, uh2Span } from '../unit-hydrograph.ts'
import { MIN_STORE_MM, MIN_UH_BASE } from '../gr4j/params.ts'
import { NH_DAILY, UH_EXPONENT_DAILY, grInitialState } from '../gr4j/run.ts'
import { GR6J_PARAM_NAMES, GR6J_PARAM_UNITS, checkGr6jParams } from './params.ts'
import { EXP, GR6J_STATE_NAMES, GR6J_STATE_SIZE, PROD, ROUT, UH1, uh2Offset } from './state.ts'

/**
 * Output series of GR6J, in airGR's order and spelling (mm/day; Prod, Rout and Exp in mm).
 * Q9 is UH1's whole outflow (before the 60/40 split); AExch, as in airGR, is
 * AExch1 + AExch2 + Exch, the last term being the exchange of the exponential store.
 */
export const GR6J_OUTPUTS = [
  'PotEvap',
  'Precip',
  'Prod',
  'Pn',
  'Ps',
  'AE',
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
  'QRExp',
  'Exp',
  'QD',
  'Qsim',
] as const

/**
 * Runs the GR6J kernel over steps [start, end), trusting its arguments (see `checkGr6jParams`).
 *
 * @param params X1 (mm), X2 (mm/day), X3 (mm), X4 (day), X5 (−), X6 (mm); see `params.ts`
 * @param precip rainfall (mm/day)
 * @param pet potential evapotranspiration (mm/day)
 * @param state the state vector (`state.ts`), updated in place to the end of the run
 * @param start first step (index into `precip` and `pet`)
 * @param end one past the last step
 * @param qsim written with the simulated flow (mm/day) at index i − start
 * @param outputs when not null, one array per {@link GR6J_OUTPUTS} entry, written likewise
 */
export function simulateGr6j(
  params: Float64Array,
  precip: Float64Array,
  pet: Float64Array,
  state: Float64Array,
  start: number,
  end: number,
  qsim: Float64Array,
  outputs: readonly Float64Array[] | null,
): void {
  const nh = NH_DAILY
  const x1 = Math.max(params[0]!, MIN_STORE_MM)
  const x2 = params[1]!
  const x3 = Math.max(params[2]!, MIN_STORE_MM)
  const x4 = Math.max(params[3]!, MIN_UH_BASE)
  const x5 = params[4]!
  const x6 = Math.max(params[5]!, MIN_STORE_MM)
  const ord1 = uh1Ordinates(x4, UH_EXPONENT_DAILY, new Float64Array(nh))
  const ord2 = uh2Ordinates(x4, UH_EXPONENT_DAILY, new Float64Array(2 * nh))
  const span1 = uh1Span(x4, nh)
  const span2 = uh2Span(x4, 2 * nh)
  const off2 = uh2Offset(nh)
  const toRouting = 1 - SPLIT_EXP
  const flux = new Float64Array(FLUX_SLOTS)
  // The imports used on every step are read into locals once: under the ESM transform the
  // tests and the CLI run with, each use inside the loop would be a getter call (measured:
  // about twice as slow). The diagnostic outputs keep the imported names.
  const produce = productionStep
  const conv = convolve
  const exchangeOf = thresholdExchange
  const route = routingStep
  const expOutflow = exponentialOutflow
  const percolation = PERCOLATION_DAILY
  const split = SPLIT_UH1
  const splitExp = SPLIT_EXP
  const uh1 = UH1
  const fPR = F_PR
  const fQR = F_QR
  const fQD = F_QD
  let s = state[PROD]!
  let r = state[ROUT]!
  let ex = state[EXP]!
  for (let i = start; i < end; i++) {
    const p = precip[i]!
    const e = pet[i]!
    s = produce(s, p, e, x1, percolation, flux)
    const pr = flux[fPR]!
    conv(state, uh1, ord1, nh, span1, pr * split)
    conv(state, off2, ord2, 2 * nh, span2, pr * (1 - split))
    const q9 = state[uh1]!
    const q1 = state[off2]!
    const exch = exchangeOf(r, x2, x3, x5)
    r = route(r, toRouting * q9, q1, exch, x3, flux)
    ex = ex + splitExp * q9 + exch
    const qrexp = expOutflow(ex, x6)
    ex = ex - qrexp
    let q = flux[fQR]! + flux[fQD]! + qrexp
    if (q < 0) q = 0
    const j = i - start
    qsim[j] = q
    if (outputs !== null) {
      outputs[0]![j] = e
      outputs[1]![j] = p
      outputs[2]![j] = s
      outputs[3]![j] = flux[F_PN]!
      outputs[4]![j] = flux[F_PS]!
      outputs[5]![j] = flux[F_AE]!
      outputs[6]![j] = flux[F_PERC]!
      outputs[7]![j] = pr
      outputs[8]![j] = q9
      outputs[9]![j] = q1
      outputs[10]![j] = r
      outputs[11]![j] = exch
      outputs[12]![j] = flux[F_AEXCH1]!
      outputs[13]![j] = flux[F_AEXCH2]!
      outputs[14]![j] = flux[F_AEXCH1]! + flux[F_AEXCH2]! + exch
      outputs[15]![j] = flux[fQR]!
      outputs[16]![j] = qrexp
      outputs[17]![j] = ex
      outputs[18]![j] = flux[fQD]!
      outputs[19]![j] = q
    }
  }
  state[PROD] = s
  state[ROUT] = r
  state[EXP] = ex
}

/**
 * GR6J as a {@link ModelDefinition}: daily, parameters X1 (mm), X2 (mm/day), X3 (mm),
 * X4 (day), X5 (−), X6 (mm); flows in mm/day. A cold start fills the production and routing
 * stores to the given fractions of X1 and X3 and leaves the exponential store at 0 mm, airGR's
 * default (`IniResLevels[3] = 0`).
 */
export const gr6j: ModelDefinition = {
  name: 'GR6J',
  timeStep: 'daily',
  paramNames: GR6J_PARAM_NAMES,
  paramUnits: GR6J_PARAM_UNITS,
  outputNames: GR6J_OUTPUTS,
  needsTemperature: false,
  stateSize: GR6J_STATE_SIZE,
  stateNames: GR6J_STATE_NAMES,
  checkParams: checkGr6jParams,
  initialState: (params: Float64Array, levels: InitialLevels) =>
    grInitialState(params, levels, NH_DAILY),
  simulate: (params, forcing: Forcing, state, start, end, qsim, outputs) =>
    simulateGr6j(params, forcing.precip, forcing.pet, state, start, end, qsim, outputs),
}
